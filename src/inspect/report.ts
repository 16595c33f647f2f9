// The one-page HTML report: accuracy of the float and the int8 model and their agreement, the
// footprint per target when it was measured, training curves, first-layer weights, the noise
// probe, mistakes and confusions, and input-gradient saliency. Self-contained: PNGs as data: URIs,
// charts as inline SVG, no script, no network. Returns the page as a string; writing it is the
// caller's job.

import type { ImageSet } from "../data/types.ts";
import { evaluateLogits, type Evaluation } from "../model/evaluate.ts";
import type { FloatModel } from "../model/file.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { FIXNET_VERSION } from "../version.ts";
import { cssColour, divergingColour } from "./colour.ts";
import { trainingCurvesSvg } from "./curves.ts";
import type { FootprintReport } from "./footprint.ts";
import { pngDataUri, type RgbaImage } from "./image.ts";
import { confusionHeatmap, disagreementCaption, findDisagreements, findMistakes, imageGallery, mistakesGallery, type Mistake } from "./mistakes.ts";
import { CONFIDENT, DEFAULT_NOISE_PROBE, noiseProbe, noiseProbeSvg, type ConfidenceFigures, type NoiseProbe } from "./noise.ts";
import { agreement, floatPredictions, int8Predictions, type Predictions } from "./predictions.ts";
import { saliencyOf, saliencyPicture, type Saliency } from "./saliency.ts";
import { escapeXml } from "./svg.ts";
import { floatWeightGrid, int8WeightGrid } from "./weights.ts";

export interface ReportInputs {
  float: { path: string; model: FloatModel };
  int8: { path: string; model: QuantizedModel } | null;
  testSet: ImageSet;
  /** Where the test images came from, for the page. */
  datasetName: string;
  /** Footprint files found next to the model ([] when none were generated). */
  footprints: FootprintReport[];
  /** Test images for the saliency section (default: the first test image and the float
   *  model's most confident mistake). */
  saliencyImages?: number[];
  /** Images per noise-probe kind. */
  noiseImages?: number;
  /** Most confident mistakes shown in the gallery. */
  galleryLimit?: number;
}

/** The figures on the page, for the command to print and tests to check. */
export interface ReportFigures {
  testImages: number;
  float: Evaluation;
  int8: Evaluation | null;
  /** Fraction of test images given the same class by both models. */
  agreement: number | null;
  changed: number | null;
  floatMistakes: Mistake[];
  noise: NoiseProbe;
  saliency: Saliency[];
}

export interface Report {
  html: string;
  figures: ReportFigures;
}

const percent = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined || Number.isNaN(value) ? "-" : `${(100 * value).toFixed(digits)}%`);
const count = (value: number): string => value.toLocaleString("en-US");
/** A difference of fractions in percentage points with a real minus sign: "+0.12", "−0.03". */
const signedPoints = (difference: number): string => `${difference < 0 ? "−" : "+"}${Math.abs(100 * difference).toFixed(2)}`;
const html = escapeXml;

function evaluation(predictions: Predictions, set: ImageSet): Evaluation {
  return evaluateLogits(predictions.logits, set.labels, set.count, predictions.classes);
}

function img(image: RgbaImage, alt: string, extra = ""): string {
  return `<img src="${pngDataUri(image)}" width="${image.width}" height="${image.height}" alt="${html(alt)}"${extra}>`;
}

function figure(content: string, caption: string): string {
  return `<figure>${content}<figcaption>${caption}</figcaption></figure>`;
}

/** Runs every measurement and lays out the page. */
export function buildReport(inputs: ReportInputs): Report {
  const { float, int8, testSet } = inputs;
  const network = float.model.network;
  const floatPredicted = floatPredictions(network, testSet.images, testSet.count);
  const int8Predicted = int8 ? int8Predictions(int8.model, testSet.images, testSet.count) : null;
  const floatEvaluation = evaluation(floatPredicted, testSet);
  const int8Evaluation = int8Predicted ? evaluation(int8Predicted, testSet) : null;
  const sameShare = int8Predicted ? agreement(floatPredicted, int8Predicted) : null;
  const changed = int8Predicted ? findDisagreements(floatPredicted, int8Predicted, testSet.labels) : null;
  const floatMistakes = findMistakes(floatPredicted, testSet.labels);
  const noise = noiseProbe({ float: network, int8: int8?.model }, testSet, { images: inputs.noiseImages ?? DEFAULT_NOISE_PROBE.images });
  const saliencyImages = inputs.saliencyImages ?? [0, ...(floatMistakes.length > 0 ? [floatMistakes[0].index] : [])];
  const saliency = [...new Set(saliencyImages)].filter((index) => index < testSet.count).map((index) => saliencyOf(network, testSet, index));

  const figures: ReportFigures = {
    testImages: testSet.count,
    float: floatEvaluation,
    int8: int8Evaluation,
    agreement: sameShare,
    changed: changed?.length ?? null,
    floatMistakes,
    noise,
    saliency,
  };

  const sections = [
    summarySection(inputs, figures),
    footprintSection(inputs.footprints),
    curvesSection(float.model),
    weightsSection(inputs),
    noiseSection(noise),
    mistakesSection(inputs, figures, changed),
    saliencySection(testSet, saliency),
  ];
  const title = `fixnet report: ${float.path}`;
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>fixnet report</h1>
<p class="files">float model <code>${html(float.path)}</code>${int8 ? ` · int8 model <code>${html(int8.path)}</code>` : " · no int8 model given"} · ${count(testSet.count)} test images from <code>${html(inputs.datasetName)}</code></p>
</header>
<nav>${["summary", "footprint", "curves", "weights", "noise", "mistakes", "saliency"].map((id) => `<a href="#${id}">${id}</a>`).join(" ")}</nav>
${sections.join("\n")}
<footer>Generated by fixnet ${html(FIXNET_VERSION)}. Self-contained: images are embedded, nothing is loaded from the network.</footer>
</body>
</html>
`;
  return { html: page, figures };
}

function summarySection(inputs: ReportInputs, figures: ReportFigures): string {
  const { float, int8, agreement: same, changed } = figures;
  const training = inputs.float.model.training;
  const network = inputs.float.model.network;
  const rows = [
    `<tr><th>Float test accuracy</th><td data-figure="float-accuracy">${percent(float.accuracy)}</td><td>${count(float.correct)} of ${count(float.count)}</td></tr>`,
    int8
      ? `<tr><th>int8 test accuracy</th><td data-figure="int8-accuracy">${percent(int8.accuracy)}</td><td>${count(int8.correct)} of ${count(int8.count)} (bit-exact emulator); int8 − float: ${signedPoints(int8.accuracy - float.accuracy)} points</td></tr>`
      : `<tr><th>int8 test accuracy</th><td data-figure="int8-accuracy">-</td><td>no int8 model given (fixnet quantize writes one)</td></tr>`,
    same === null
      ? ""
      : `<tr><th>Agreement</th><td data-figure="agreement">${percent(same)}</td><td>of test images get the same class from both; ${count(changed ?? 0)} changed class</td></tr>`,
    `<tr><th>Network</th><td>${html(network.architecture.layers.join("-"))}</td><td>hidden ${html(network.architecture.hiddenActivation)}, ${count(network.parameters.length)} parameters</td></tr>`,
    training
      ? `<tr><th>Training</th><td>${training.epochs.length} epochs</td><td>preset ${html(training.preset)}, seed ${training.seed}, kept epoch ${training.bestEpoch}${training.interrupted ? " (interrupted)" : ""}, data ${html(training.dataset.source)}` +
        // Older files have no teacher field; read it loosely.
        (training.teacher ? `; distilled from ${html(training.teacher.layers.join("-"))} <code>${html(training.teacher.source)}</code>${training.teacher.testAccuracy === null ? "" : ` (test accuracy ${percent(training.teacher.testAccuracy)})`}` : "") + `</td></tr>`
      : `<tr><th>Training</th><td>-</td><td>no training record in the model file</td></tr>`,
  ];
  const classes = float.perClassAccuracy.length;
  const perClass = `<table class="per-class"><tr><th>class</th>${Array.from({ length: classes }, (_, k) => `<th>${k}</th>`).join("")}</tr>` +
    `<tr><th>float</th>${float.perClassAccuracy.map((a) => `<td>${percent(a, 1)}</td>`).join("")}</tr>` +
    (int8 ? `<tr><th>int8</th>${int8.perClassAccuracy.map((a) => `<td>${percent(a, 1)}</td>`).join("")}</tr>` : "") + `</table>`;
  return `<section id="summary"><h2>Accuracy: float and int8</h2>
<table class="figures">${rows.join("")}</table>
<h3>Accuracy per class</h3>${perClass}</section>`;
}

function footprintSection(footprints: FootprintReport[]): string {
  if (footprints.length === 0) {
    return `<section id="footprint"><h2>Footprint per target</h2><p data-figure="footprint">not generated: no <code>size-*.json</code> next to the model (save the output of <code>fixnet size QMODEL --target T --json</code> there as <code>size-T.json</code> to include it).</p></section>`;
  }
  const shown = footprints.filter((footprint) => footprint.otherModel === null);
  // One line each, outside the collapsed details: a footprint left out, or shown unchecked.
  const notes = footprints.map((footprint) => footprint.otherModel !== null
    ? `<p class="problem" data-figure="footprint-skipped"><code>${html(footprint.file)}</code> left out: ${html(footprint.otherModel)}.</p>`
    : footprint.unchecked !== null
      ? `<p class="note" data-figure="footprint-unchecked"><code>${html(footprint.file)}</code> not checked: ${html(footprint.unchecked)}.</p>`
      : "").join("");
  if (shown.length === 0) {
    return `<section id="footprint"><h2>Footprint per target</h2><p data-figure="footprint">none for this model: every <code>size-*.json</code> next to it was measured on another model (measure this one with <code>fixnet size QMODEL --target T --json</code>).</p>${notes}</section>`;
  }
  const tables = shown.map((footprint) => {
    const body = footprint.problem
      ? `<p class="problem">${html(footprint.file)}: ${html(footprint.problem)}</p>`
      : `<table class="kv">${footprint.rows.map(([key, value]) => `<tr><th>${html(key)}</th><td>${html(typeof value === "number" ? count(value) : String(value))}</td></tr>`).join("")}</table>`;
    return `<div class="footprint"><h3>${html(footprint.target)}</h3>${body}<p class="note">from <code>${html(footprint.file)}</code></p></div>`;
  });
  return `<section id="footprint"><h2>Footprint per target</h2>${footprintSummary(shown)}${notes}
<details><summary>every measured field</summary><div class="row" data-figure="footprint">${tables.join("")}</div></details></section>`;
}

/** One row per target with the figures `fixnet size` measures, for the files that have them. */
function footprintSummary(footprints: FootprintReport[]): string {
  const rows = footprints.filter((footprint) => !footprint.problem).map((footprint) => {
    const field = (key: string) => footprint.rows.find(([name]) => name === key)?.[1];
    const number = (key: string): string => {
      const value = field(key);
      return typeof value === "number" ? count(Math.round(value)) : "–";
    };
    const unit = field("perInference.unit");
    const perInference = typeof unit === "string"
      ? `${number("perInference.mean")} ${html(unit)} (${number("perInference.min")}–${number("perInference.max")})`
      : "not counted";
    const images = field("bitExact.images");
    const mismatches = field("bitExact.mismatches");
    const exact = typeof images === "number" && typeof mismatches === "number"
      ? (mismatches === 0 ? `all ${count(images)} images` : `${count(mismatches)} of ${count(images)} differ`)
      : "–";
    return `<tr><th>${html(footprint.target)}</th><td>${perInference}</td><td>${number("flash.runtimeCode")}</td><td>${number("flash.modelData")}</td><td>${number("ram.scratchBytes")}</td><td>${number("ram.stackPeakBytes")}</td><td>${exact}</td></tr>`;
  });
  if (rows.length === 0) return "";
  return `<table data-figure="footprint-summary"><tr><th>target</th><th>per inference, mean (min–max)</th><th>runtime code, bytes</th><th>model data, bytes</th><th>scratch RAM, bytes</th><th>stack, bytes</th><th>bit-exact with the emulator</th></tr>${rows.join("")}</table>`;
}

function curvesSection(model: FloatModel): string {
  const training = model.training;
  if (!training || training.epochs.length === 0) return `<section id="curves"><h2>Training curves</h2><p>No training record in the model file.</p></section>`;
  return `<section id="curves"><h2>Training curves</h2>
<p>Loss and accuracy per epoch on the training images (as trained, with any augmentation) and on the held-out validation images; the dashed line marks the epoch whose parameters were kept.</p>
<div class="chart">${trainingCurvesSvg(training)}</div></section>`;
}

function weightsSection(inputs: ReportInputs): string {
  const { testSet, float, int8 } = inputs;
  const options = { pixelSize: 4, gap: 6 };
  const floatGrid = floatWeightGrid(float.model.network, testSet.rows, testSet.cols, options);
  const pictures = [figure(img(floatGrid.image, "float first-layer weights"), "float weights")];
  if (int8) {
    const int8Grid = int8WeightGrid(int8.model, testSet.rows, testSet.cols, options);
    pictures.push(figure(img(int8Grid.image, "int8 first-layer weights"), `int8 weights (q · scale, ${html(int8.model.dense[0].weightGranularity)} scales)`));
  }
  const stops = [-1, -0.5, 0, 0.5, 1].map((t) => cssColour(divergingColour(t))).join(", ");
  return `<section id="weights"><h2>First-layer weights as pixels</h2>
<p>Each tile is one first-layer neuron: its ${testSet.rows * testSet.cols} weights from the input pixels, laid out as the ${testSet.rows}×${testSet.cols} image they look at. Red: ink there raises the neuron's sum; blue: lowers it; grey: no effect. Each tile is scaled to its own largest |weight|.</p>
<div class="legend"><span>negative</span><span class="bar" style="background: linear-gradient(to right, ${stops})"></span><span>positive</span></div>
<div class="row">${pictures.join("")}</div></section>`;
}

/** Three cells; the first carries data-figure="noise-KIND-MODEL" for tests and scripts. */
function noiseRow(name: string, figures: ConfidenceFigures | null): string {
  if (!figures) return `<td>-</td><td>-</td><td>-</td>`;
  return `<td data-figure="noise-${html(name)}">${percent(figures.meanConfidence, 1)}</td><td>${percent(figures.confidentShare, 1)}</td><td>${figures.topClass} (${percent(figures.topClassShare, 1)})</td>`;
}

function noiseSection(probe: NoiseProbe): string {
  const hasInt8 = probe.rows.some((row) => row.int8 !== null);
  const header = `<tr><th rowspan="2">images</th><th colspan="3">float model</th>${hasInt8 ? `<th colspan="3">int8 model</th><th rowspan="2">same class in float and int8</th><th rowspan="2">int8 values clamped</th>` : ""}</tr>` +
    `<tr>${`<th>mean top probability</th><th>≥ ${100 * CONFIDENT}% sure</th><th>most often</th>`.repeat(hasInt8 ? 2 : 1)}</tr>`;
  const rows = probe.rows.map((row) => `<tr><th title="${html(row.description)}">${html(row.name)}</th>${noiseRow(`${row.kind}-float`, row.float)}` +
    `${hasInt8 ? `${noiseRow(`${row.kind}-int8`, row.int8)}<td data-figure="noise-${row.kind}-agreement">${percent(row.agreement, 1)}</td><td>${percent(row.int8Saturation, 1)}</td>` : ""}</tr>`);
  const noiseRows = probe.rows.filter((row) => row.kind !== "test" && row.kind !== "blank");
  const worst = noiseRows.reduce((a, b) => ((b.float?.meanConfidence ?? 0) > (a.float?.meanConfidence ?? 0) ? b : a), noiseRows[0]);
  const verdict = worst?.float
    ? `<p class="verdict">On ${html(worst.name)} the float model's average top probability is ${percent(worst.float.meanConfidence, 1)}, and it answers class ${worst.float.topClass} for ${percent(worst.float.topClassShare, 1)} of them: it was trained only on digits, so it has no way to say "none of these".</p>`
    : "";
  const split = probe.rows.filter((row) => row.agreement !== null && row.kind !== "test" && row.agreement < 0.9);
  const splitNote = split.length === 0 ? "" :
    `<p>Float and int8 part ways on ${split.map((row) => `${html(row.name)} (same class for ${percent(row.agreement, 1)}, int8 clamped ${percent(row.int8Saturation, 1)} of its values)`).join(", ")}. ` +
    `The int8 ranges were calibrated on digits; images unlike them push activations outside those ranges, where int8 clamps and float does not.</p>`;
  return `<section id="noise"><h2>Noise probe: confident about nonsense?</h2>
<p>${count(probe.images)} images of each kind go through the network; the softmax's largest probability says how sure it is, the arg-max which class it picks. ${probe.rows.map((row) => `<b>${html(row.name)}</b>: ${html(row.description)}`).join("; ")}.</p>
${verdict}
${splitNote}
<table class="noise">${header}${rows.join("")}</table>
<div class="chart">${noiseProbeSvg(probe)}</div></section>`;
}

function mistakesSection(inputs: ReportInputs, figures: ReportFigures, changed: ReturnType<typeof findDisagreements> | null): string {
  const { testSet } = inputs;
  const limit = inputs.galleryLimit ?? 40;
  const heatmaps = [figure(img(confusionHeatmap(figures.float.confusion).image, "float confusion matrix"), "float confusion matrix")];
  if (figures.int8) heatmaps.push(figure(img(confusionHeatmap(figures.int8.confusion).image, "int8 confusion matrix"), "int8 confusion matrix"));
  const mistakes = figures.floatMistakes;
  const gallery = mistakesGallery(testSet, mistakes, { limit });
  const list = mistakes.slice(0, limit).map((m) => `<li data-image="${m.index}">#${m.index}: true ${m.label}, predicted ${m.predicted} (${percent(m.confidence, 0)})</li>`).join("");
  let changedPart = "";
  if (changed) {
    const changedGallery = imageGallery(testSet, changed.map((d) => ({ index: d.index, caption: disagreementCaption(d) })), { limit });
    changedPart = `<h3>Where int8 and float disagree (${count(changed.length)} images)</h3>
<p>Caption: true label, F = float model's class, I = int8 model's class.${changed.length > limit ? ` The first ${limit} in test-set order.` : ""}</p>
${changed.length === 0 ? "<p>None: both models give every test image the same class.</p>" : img(changedGallery.image, "images where the int8 and float models disagree", ' class="gallery"')}`;
  }
  return `<section id="mistakes"><h2>Mistakes and confusions</h2>
<p>Confusion matrices: rows are true labels, columns predicted classes; colour is the share of the row (square root, so that small confusions show), the number is the image count.</p>
<div class="row">${heatmaps.join("")}</div>
<h3>The float model's mistakes (${count(mistakes.length)} of ${count(testSet.count)}), most confident first</h3>
<p>Caption: true&gt;predicted confidence. Would a person forgive it?${mistakes.length > limit ? ` The ${limit} most confident are shown.` : ""}</p>
${mistakes.length === 0 ? "<p>None.</p>" : img(gallery.image, "misclassified test images", ' class="gallery"')}
<details><summary>The same images as a list</summary><ol class="mistakes">${list}</ol></details>
${changedPart}</section>`;
}

function saliencySection(set: ImageSet, saliency: Saliency[]): string {
  const pictures = saliency.map((s) => {
    const picture = saliencyPicture(set, s, 7);
    return figure(img(picture.image, `saliency of test image ${s.index}`),
      `test image #${s.index}: true ${s.label}, float model says ${s.predicted} (${percent(s.confidence, 1)})${s.label === s.predicted ? "" : " — a mistake"}; largest |gradient| ${picture.range.toPrecision(3)} logit per unit of ink (a full-ink pixel is 1)`);
  });
  const stops = [-1, -0.5, 0, 0.5, 1].map((t) => cssColour(divergingColour(t))).join(", ");
  return `<section id="saliency"><h2>What the gradient says</h2>
<p>The gradient of the winning class's logit with respect to each input pixel, through the float network: red pixels would raise the winning score if they had more ink, blue ones would lower it. Scaled to the largest |gradient| per image.</p>
<div class="legend"><span>lowers the score</span><span class="bar" style="background: linear-gradient(to right, ${stops})"></span><span>raises it</span></div>
${pictures.join("\n")}</section>`;
}

const STYLE = `
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; background: #fff; max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; line-height: 1.45; }
h1 { font-size: 28px; margin: 8px 0 4px; }
h2 { font-size: 21px; margin: 36px 0 8px; padding-top: 8px; border-top: 1px solid #ddd; }
h3 { font-size: 16px; margin: 20px 0 6px; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.92em; background: #f3f3f3; padding: 0 3px; }
.files { color: #555; margin: 0; }
nav { margin: 10px 0 0; font-size: 14px; }
nav a { margin-right: 12px; color: #1f5fa8; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
table.figures td[data-figure] { font-size: 20px; font-weight: bold; }
table.figures th, table.figures td:nth-child(2) { white-space: nowrap; }
table.per-class td, table.noise td { text-align: right; font-variant-numeric: tabular-nums; }
table.noise th { font-weight: normal; } table.noise tr:first-child th { font-weight: bold; }
table.noise td, table.noise tr > th:first-child { white-space: nowrap; }
.row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
figure { margin: 8px 0; }
figcaption { font-size: 13px; color: #555; margin-top: 4px; max-width: 760px; }
img { image-rendering: pixelated; max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
.chart svg { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
.legend { display: flex; align-items: center; gap: 8px; font-size: 13px; color: #555; margin: 6px 0; }
.legend .bar { display: inline-block; width: 240px; height: 12px; border: 1px solid #ccc; }
.verdict { background: #fff6e8; border-left: 4px solid #d9731a; padding: 6px 12px; }
.footprint { min-width: 260px; } .note { font-size: 12px; color: #777; } .problem { color: #a00; }
ol.mistakes { columns: 3; font-size: 13px; }
footer { margin-top: 40px; font-size: 12px; color: #777; border-top: 1px solid #ddd; padding-top: 8px; }
`;
