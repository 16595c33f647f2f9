// The noise probe: how confident the network is about images that are not digits at all
// (uniform noise, Gaussian noise, blank images, digits with their pixels shuffled) next to the
// same figures on real test images. Measures the "confident about nonsense" behaviour of a
// classifier trained only on clean digits; a summary, a chart, no verdict.

import type { ImageSet } from "../data/types.ts";
import type { Network } from "../model/network.ts";
import { createSaturationCounts, type QuantizedModel } from "../model/quantized-model.ts";
import { emulateBatch } from "../quantize/emulator.ts";
import { createRandom, type Random } from "../train/random.ts";
import { agreement, floatPredictions, int8LogitsToPredictions, type Predictions } from "./predictions.ts";
import { FLOAT_COLOUR, INT8_COLOUR, svgDocument, svgLine, svgRect, svgText } from "./svg.ts";

export const PROBE_KINDS = ["test", "uniform", "gaussian", "blank", "shuffled"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const PROBE_KIND_NAMES: Readonly<Record<ProbeKind, string>> = {
  test: "real test images",
  uniform: "uniform noise",
  gaussian: "Gaussian noise",
  blank: "blank images",
  shuffled: "shuffled-pixel digits",
};

export const PROBE_KIND_DESCRIPTIONS: Readonly<Record<ProbeKind, string>> = {
  test: "the first test images, for comparison",
  uniform: "every pixel uniform in 0..255",
  gaussian: "every pixel normal with mean 128 and deviation 64, clamped to 0..255",
  blank: "all pixels 0 (the background)",
  shuffled: "test images with their pixels randomly permuted: the same ink, no shape",
};

/** A probability at or above this counts as "confident". */
export const CONFIDENT = 0.9;
/** Bins of the top-probability histogram over [0, 1] (the last bin includes 1). */
export const CONFIDENCE_BINS = 10;

export interface ConfidenceFigures {
  images: number;
  /** Mean and median of the top softmax probability, in (0, 1]. */
  meanConfidence: number;
  medianConfidence: number;
  /** Fraction of images with top probability ≥ CONFIDENT. */
  confidentShare: number;
  /** [CONFIDENCE_BINS] image counts by top probability, bin k = [k/10, (k+1)/10). */
  confidenceHistogram: number[];
  /** [classes] image counts by predicted class. */
  classCounts: number[];
  /** The class predicted most often (lowest on ties) and its share of the images. */
  topClass: number;
  topClassShare: number;
}

export function confidenceFigures(predictions: Predictions): ConfidenceFigures {
  const { count, classes } = predictions;
  const confidenceHistogram = new Array<number>(CONFIDENCE_BINS).fill(0);
  const classCounts = new Array<number>(classes).fill(0);
  let sum = 0;
  let confident = 0;
  for (let n = 0; n < count; n++) {
    const confidence = predictions.confidence[n];
    sum += confidence;
    if (confidence >= CONFIDENT) confident++;
    confidenceHistogram[Math.min(CONFIDENCE_BINS - 1, Math.floor(confidence * CONFIDENCE_BINS))]++;
    classCounts[predictions.predicted[n]]++;
  }
  const sorted = Float64Array.from(predictions.confidence).sort();
  const median = count === 0 ? Number.NaN : count % 2 === 1 ? sorted[(count - 1) / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
  let topClass = 0;
  for (let k = 1; k < classes; k++) if (classCounts[k] > classCounts[topClass]) topClass = k;
  return {
    images: count,
    meanConfidence: count === 0 ? Number.NaN : sum / count,
    medianConfidence: median,
    confidentShare: count === 0 ? Number.NaN : confident / count,
    confidenceHistogram,
    classCounts,
    topClass,
    topClassShare: count === 0 ? Number.NaN : classCounts[topClass] / count,
  };
}

/** count images of a kind, [count][rows·cols] raw pixels. Test-based kinds cycle through the set. */
export function probeImages(kind: ProbeKind, set: ImageSet, count: number, random: Random): Uint8Array {
  const pixels = set.rows * set.cols;
  const images = new Uint8Array(count * pixels);
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * pixels, (n + 1) * pixels);
    const source = set.images.subarray((n % set.count) * pixels, ((n % set.count) + 1) * pixels);
    switch (kind) {
      case "test":
        image.set(source);
        break;
      case "uniform":
        for (let i = 0; i < pixels; i++) image[i] = random.integer(256);
        break;
      case "gaussian":
        for (let i = 0; i < pixels; i++) image[i] = Math.max(0, Math.min(255, Math.round(128 + 64 * random.normal())));
        break;
      case "blank":
        break;
      case "shuffled":
        image.set(source);
        for (let i = pixels - 1; i > 0; i--) {
          const j = random.integer(i + 1);
          const swap = image[i];
          image[i] = image[j];
          image[j] = swap;
        }
        break;
    }
  }
  return images;
}

export interface ProbeRow {
  kind: ProbeKind;
  name: string;
  description: string;
  float: ConfidenceFigures | null;
  int8: ConfidenceFigures | null;
  /** With both models: the fraction of these images given the same class by both. */
  agreement: number | null;
  /** With the int8 model: the fraction of its requantized values (all layers) clamped at −128 or
   *  127, as the reference emulator counts them. Images unlike the calibration digits push
   *  activations outside the calibrated ranges, where int8 clamps and float does not. */
  int8Saturation: number | null;
}

export interface NoiseProbe {
  /** Images per kind (test images: at most the test set's size). */
  images: number;
  seed: number;
  rows: ProbeRow[];
}

export interface NoiseProbeOptions {
  images: number;
  seed: number;
}

export const DEFAULT_NOISE_PROBE: Readonly<NoiseProbeOptions> = { images: 1000, seed: 1 };

/** Runs every probe kind through the float network and/or the int8 model (the same images). */
export function noiseProbe(models: { float?: Network | null; int8?: QuantizedModel | null }, set: ImageSet, options: Partial<NoiseProbeOptions> = {}): NoiseProbe {
  const settings = { ...DEFAULT_NOISE_PROBE, ...options };
  const random = createRandom(settings.seed);
  const rows = PROBE_KINDS.map((kind): ProbeRow => {
    const count = kind === "test" ? Math.min(settings.images, set.count) : settings.images;
    const images = probeImages(kind, set, count, random);
    const float = models.float ? floatPredictions(models.float, images, count) : null;
    // The reference emulator (not the fast path) because it counts clamped values.
    const saturation = models.int8 ? createSaturationCounts(models.int8) : null;
    const int8 = models.int8 ? int8LogitsToPredictions(models.int8, emulateBatch(models.int8, images, count, undefined, saturation ?? undefined), count) : null;
    const values = saturation?.reduce((sum, layer) => sum + layer.values, 0) ?? 0;
    const clamped = saturation?.reduce((sum, layer) => sum + layer.below + layer.above, 0) ?? 0;
    return {
      kind,
      name: PROBE_KIND_NAMES[kind],
      description: PROBE_KIND_DESCRIPTIONS[kind],
      float: float && confidenceFigures(float),
      int8: int8 && confidenceFigures(int8),
      agreement: float && int8 ? agreement(float, int8) : null,
      int8Saturation: saturation ? (values === 0 ? 0 : clamped / values) : null,
    };
  });
  return { images: settings.images, seed: settings.seed, rows };
}

const percent = (value: number): string => (Number.isNaN(value) ? "-" : `${(100 * value).toFixed(1)}%`);

/** One plain sentence per kind and model, e.g. "uniform noise, float: mean top probability
 *  97.1%, 93.0% of images at ≥ 90%, most often class 8 (64.2%)". */
export function summariseNoiseProbe(probe: NoiseProbe): string[] {
  const lines: string[] = [];
  for (const row of probe.rows) {
    for (const [model, figures] of [["float", row.float], ["int8", row.int8]] as const) {
      if (!figures) continue;
      lines.push(`${row.name}, ${model}: mean top probability ${percent(figures.meanConfidence)}, ${percent(figures.confidentShare)} of ${figures.images} images at >= ${100 * CONFIDENT}%, most often class ${figures.topClass} (${percent(figures.topClassShare)})`);
    }
    if (row.agreement !== null) lines.push(`${row.name}: float and int8 give the same class to ${percent(row.agreement)}; int8 clamped ${percent(row.int8Saturation ?? 0)} of its values`);
  }
  return lines;
}

/**
 * Small multiples, one row per kind: the distribution of the top probability and of the
 * predicted class, float and int8 bars side by side, each as a share of the images.
 */
export function noiseProbeSvg(probe: NoiseProbe): string {
  const models = (["float", "int8"] as const).filter((model) => probe.rows.some((row) => row[model] !== null));
  const colours = { float: FLOAT_COLOUR, int8: INT8_COLOUR };
  const labelWidth = 210;
  const panelWidth = 330;
  const panelGap = 40;
  const rowHeight = 96;
  const top = 58;
  const plotHeight = 56;
  const width = labelWidth + 2 * panelWidth + panelGap + 20;
  const height = top + probe.rows.length * rowHeight + 30;
  const parts: string[] = [];
  parts.push(svgText(labelWidth + panelWidth / 2, 18, "Top softmax probability (share of images)", { anchor: "middle", size: 13, weight: "bold" }));
  parts.push(svgText(labelWidth + panelWidth + panelGap + panelWidth / 2, 18, "Predicted class (share of images)", { anchor: "middle", size: 13, weight: "bold" }));
  models.forEach((model, k) => {
    const x = labelWidth + k * 110;
    parts.push(svgRect(x, 30, 14, 10, colours[model]));
    parts.push(svgText(x + 20, 39, model === "float" ? "float model" : "int8 model", { size: 12 }));
  });

  probe.rows.forEach((row, r) => {
    const y0 = top + r * rowHeight;
    const base = y0 + plotHeight;
    parts.push(svgText(8, y0 + 18, row.name, { size: 13, weight: "bold" }));
    models.forEach((model, k) => {
      const figures = row[model];
      if (figures) parts.push(svgText(8, y0 + 36 + 15 * k, `${model}: mean ${percent(figures.meanConfidence)}, class ${figures.topClass} ${percent(figures.topClassShare)}`, { size: 11, fill: colours[model] }));
    });

    // Probability bins are labelled at their edges (0, 0.5, 1); classes under their bars.
    const classes = row.float?.classCounts.length ?? row.int8?.classCounts.length ?? 0;
    const panels = [
      { x: labelWidth, bins: CONFIDENCE_BINS, values: (figures: ConfidenceFigures) => figures.confidenceHistogram, tick: (k: number) => (k === 0 ? "0" : k === CONFIDENCE_BINS / 2 ? "0.5" : ""), centred: false, lastTick: "1" },
      { x: labelWidth + panelWidth + panelGap, bins: classes, values: (figures: ConfidenceFigures) => figures.classCounts, tick: (k: number) => String(k), centred: true, lastTick: "" },
    ];
    for (const panel of panels) {
      const slot = panelWidth / panel.bins;
      const barWidth = (slot - 4) / models.length;
      parts.push(svgLine(panel.x, base, panel.x + panelWidth, base, "#555"));
      parts.push(svgLine(panel.x, y0, panel.x + panelWidth, y0, "#eee"));
      for (let k = 0; k < panel.bins; k++) {
        const tick = panel.tick(k);
        if (tick) parts.push(svgText(panel.centred ? panel.x + k * slot + slot / 2 : panel.x + k * slot, base + 13, tick, { anchor: "middle", size: 10, fill: "#555" }));
        models.forEach((model, m) => {
          const figures = row[model];
          if (!figures || figures.images === 0) return;
          const share = panel.values(figures)[k] / figures.images;
          const h = share * plotHeight;
          parts.push(svgRect(panel.x + k * slot + 2 + m * barWidth, base - h, barWidth, h, colours[model], `${row.name}, ${model}: ${percent(share)}`));
        });
      }
      if (panel.lastTick) parts.push(svgText(panel.x + panelWidth, base + 13, panel.lastTick, { anchor: "middle", size: 10, fill: "#555" }));
    }
  });
  parts.push(svgText(8, height - 10, `${probe.images} images per kind (seed ${probe.seed}); bars are shares of the images, the grey line marks 100%`, { size: 11, fill: "#555" }));
  return svgDocument(width, height, `noise probe: ${probe.rows.map((row) => row.name).join(", ")}`, parts.join(""));
}
