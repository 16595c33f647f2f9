// The HTML report: its figures agree with the independent measurements (evaluate, verify), the
// key figures and every section are on the page, every image is an embedded PNG that decodes to
// its stated size, nothing refers to the network, and the footprint section is optional.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { trainingCurvesSvg } from "../../src/inspect/curves.ts";
import { readFootprints } from "../../src/inspect/footprint.ts";
import { buildReport } from "../../src/inspect/report.ts";
import { verifyQuantized } from "../../src/quantize/verify.ts";
import { evaluateNetwork } from "../../src/train/run.ts";
import { trainTinyModels } from "./fixture.ts";
import { scratchFolder } from "../support/scratch.ts";

const tiny = await trainTinyModels();
const { test } = tiny.dataset;
const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

const report = buildReport({
  float: { path: tiny.floatPath, model: tiny.float },
  int8: { path: tiny.int8Path, model: tiny.int8 },
  testSet: test,
  datasetName: "mnist-small",
  footprints: [],
  noiseImages: 100,
});

/** Every <img …> tag's src, width and height. */
function images(html: string): { src: string; width: number; height: number }[] {
  return [...html.matchAll(/<img src="([^"]*)" width="(\d+)" height="(\d+)"/g)].map((m) => ({ src: m[1], width: Number(m[2]), height: Number(m[3]) }));
}

describe("report figures", () => {
  it("agree with evaluate and verify", () => {
    const float = evaluateNetwork(tiny.float.network, test);
    const verification = verifyQuantized(tiny.int8, test, tiny.float.network);
    expect(report.figures.float.accuracy).toBe(float.accuracy);
    expect(report.figures.float.confusion).toEqual(float.confusion);
    expect(report.figures.int8!.accuracy).toBe(verification.int8.accuracy);
    expect(report.figures.agreement).toBe(verification.float!.agreement);
    expect(report.figures.changed).toBe(verification.float!.changed);
    expect(report.html).toContain(`data-figure="float-accuracy">${percent(float.accuracy)}<`);
    expect(report.html).toContain(`data-figure="int8-accuracy">${percent(verification.int8.accuracy)}<`);
    expect(report.html).toContain(`data-figure="agreement">${percent(verification.float!.agreement)}<`);
  });

  it("has every section, the noise figures and the saliency of a mistake", () => {
    for (const id of ["summary", "footprint", "curves", "weights", "noise", "mistakes", "saliency"]) expect(report.html).toContain(`<section id="${id}">`);
    for (const kind of ["test", "uniform", "gaussian", "blank", "shuffled"]) {
      expect(report.html).toMatch(new RegExp(`data-figure="noise-${kind}-float">\\d+\\.\\d%<`));
      expect(report.html).toMatch(new RegExp(`data-figure="noise-${kind}-int8">\\d+\\.\\d%<`));
    }
    const mistake = report.figures.floatMistakes[0];
    expect(report.figures.saliency.map((s) => s.index)).toEqual([0, mistake.index]);
    expect(report.html).toContain(`<li data-image="${mistake.index}">#${mistake.index}: true ${mistake.label}, predicted ${mistake.predicted}`);
    expect(report.html).toContain("kept epoch");
    expect(report.html).toContain(`data-figure="footprint">not generated`);
  });

  it("embeds every picture as a PNG that decodes to its stated size", () => {
    const found = images(report.html);
    // Weights ×2, confusion ×2, mistakes gallery, disagreement gallery (when any), saliency ×2.
    expect(found.length).toBe(report.figures.changed === 0 ? 7 : 8);
    for (const image of found) {
      expect(image.src.startsWith("data:image/png;base64,")).toBe(true);
      const png = PNG.sync.read(Buffer.from(image.src.slice("data:image/png;base64,".length), "base64"));
      expect([png.width, png.height]).toEqual([image.width, image.height]);
    }
    expect((report.html.match(/<svg /g) ?? []).length).toBe(2);
  });

  it("needs nothing from the network: no external source, link, stylesheet or script", () => {
    expect(report.html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(report.html).not.toMatch(/url\(/);
    expect(report.html).not.toMatch(/<(script|link|iframe)\b/);
    expect(report.html).not.toMatch(/@import/);
  });

  it("works without an int8 model", () => {
    const floatOnly = buildReport({ float: { path: tiny.floatPath, model: tiny.float }, int8: null, testSet: test, datasetName: "mnist-small", footprints: [], noiseImages: 20, saliencyImages: [4] });
    expect(floatOnly.figures.int8).toBeNull();
    expect(floatOnly.html).toContain("no int8 model given");
    expect(floatOnly.figures.saliency.map((s) => s.index)).toEqual([4]);
    expect(images(floatOnly.html)).toHaveLength(4);
  });
});

describe("footprint", () => {
  it("shows any size-*.json as rows, and a bad one as a note", () => {
    const folder = scratchFolder("fixnet-footprint-");
    expect(readFootprints(folder)).toEqual([]);
    writeFileSync(join(folder, "size-avr.json"), JSON.stringify({ target: "avr", flash: { weights: 12960, code: 1400 }, ram: 84, cyclesPerInference: 401234 }));
    writeFileSync(join(folder, "size-broken.json"), "{ not json");
    writeFileSync(join(folder, "sizes.txt"), "ignored");
    const footprints = readFootprints(folder);
    expect(footprints.map((f) => f.target)).toEqual(["avr", "broken"]);
    expect(footprints[0].rows).toContainEqual(["flash.weights", 12960]);
    expect(footprints[1].problem).toMatch(/could not read it/);
    const html = buildReport({ float: { path: tiny.floatPath, model: tiny.float }, int8: null, testSet: test, datasetName: "mnist-small", footprints, noiseImages: 10 }).html;
    expect(html).toContain("<th>flash.weights</th><td>12,960</td>");
    expect(html).toContain("<th>cyclesPerInference</th><td>401,234</td>");
    expect(html).not.toContain("not generated");
  });

  it("sums up fixnet size's figures in one row per target", () => {
    const folder = scratchFolder("fixnet-footprint-");
    writeFileSync(join(folder, "size-avr.json"), JSON.stringify({
      target: "avr",
      flash: { modelData: 13435, runtimeCode: 986 },
      ram: { scratchBytes: 80, stackPeakBytes: 92 },
      perInference: { unit: "cycles", mean: 66669.4, min: 39511, max: 107926 },
      bitExact: { images: 100, mismatches: 0, firstMismatch: null },
    }));
    const footprints = readFootprints(folder);
    const html = buildReport({ float: { path: tiny.floatPath, model: tiny.float }, int8: null, testSet: test, datasetName: "mnist-small", footprints, noiseImages: 10 }).html;
    expect(html).toContain("<tr><th>avr</th><td>66,669 cycles (39,511–107,926)</td><td>986</td><td>13,435</td><td>80</td><td>92</td><td>all 100 images</td></tr>");
  });
});

describe("training curves", () => {
  it("plot one point per epoch for training and validation, with the kept epoch", () => {
    const training = tiny.float.training!;
    const svg = trainingCurvesSvg(training);
    expect((svg.match(/<circle /g) ?? []).length).toBe(4 * training.epochs.length);
    expect(svg).toContain(`kept epoch ${training.bestEpoch}`);
    expect(svg).toContain("Loss (cross-entropy) per epoch");
    expect(svg).toContain("Accuracy per epoch");
  });
});
