// Calibration: runs the float network over training images and measures each dense layer's
// pre-activation range, from which the quantizer picks scales and zero points. Float only;
// it decides no quantization parameters itself.

import type { ImageSet } from "../data/types.ts";
import { PIXEL_SCALE } from "../model/forward.ts";
import { activate, type Network } from "../model/network.ts";
import { FixnetError } from "../errors.ts";
import type { CalibrationMethod, CalibrationRecord, ValueRange } from "../model/quantized-model.ts";

export interface CalibrationOptions {
  /** How many images to run: the first ones of the set (all of them when the set is smaller). */
  images: number;
  /** "minmax": the full range seen. "percentile": drop outliers beyond a percentile. */
  method: CalibrationMethod;
  /** Upper percentile for "percentile", in (50, 100]; the lower bound is the (100 − p)th. */
  percentile: number;
}

export const DEFAULT_CALIBRATION: Readonly<CalibrationOptions> = { images: 2000, method: "minmax", percentile: 99.99 };

/**
 * Measures the pre-activation range of every dense layer (the layer's sums before its
 * activation; for the last layer, the logits) over the first options.images images.
 * Every range is widened to contain 0, so that 0 is exactly representable after quantization
 * (TFLite nudges ranges the same way).
 * Percentile ranks: with the n values of a layer sorted ascending, the range is
 * [sorted[round((n − 1)·(100 − p)/100)], sorted[round((n − 1)·p/100)]].
 * @throws FixnetError "bad-option" for an empty set or options out of range.
 */
export function calibrate(network: Network, images: ImageSet, options: CalibrationOptions = DEFAULT_CALIBRATION, dataset: string | null = null): CalibrationRecord {
  const { layers, hiddenActivation } = network.architecture;
  const inputs = layers[0];
  if (images.rows * images.cols !== inputs) {
    throw new FixnetError("bad-option", `calibration images have ${images.rows}x${images.cols} pixels, the network expects ${inputs} inputs`);
  }
  if (!Number.isInteger(options.images) || options.images < 1) {
    throw new FixnetError("bad-option", `calibration image count: expected a whole number >= 1, found ${options.images}`);
  }
  if (options.method === "percentile" && !(options.percentile > 50 && options.percentile <= 100)) {
    throw new FixnetError("bad-option", `calibration percentile: expected a number in (50, 100], e.g. 99.99, found ${options.percentile}`);
  }
  const count = Math.min(options.images, images.count);
  if (count === 0) throw new FixnetError("bad-option", "calibration: the image set is empty");

  // [layer][image][output]: every pre-activation value, kept for the percentile method.
  const seen = network.dense.map((layer) => new Float32Array(count * layer.outputs));
  const widest = Math.max(...layers);
  // Float32 like the float forward pass (forward.ts), so calibration sees what inference sees.
  let current = new Float32Array(widest);
  let next = new Float32Array(widest);

  for (let n = 0; n < count; n++) {
    const pixels = images.images.subarray(n * inputs, (n + 1) * inputs);
    for (let i = 0; i < inputs; i++) current[i] = pixels[i] * PIXEL_SCALE;
    network.dense.forEach((layer, l) => {
      const { weights, bias, outputs } = layer;
      for (let j = 0; j < outputs; j++) next[j] = bias[j];
      for (let i = 0; i < layer.inputs; i++) {
        const x = current[i];
        if (x === 0) continue;
        const row = i * outputs;
        for (let j = 0; j < outputs; j++) next[j] += x * weights[row + j];
      }
      seen[l].set(next.subarray(0, outputs), n * outputs);
      if (l < network.dense.length - 1) activate(hiddenActivation, next, outputs);
      [current, next] = [next, current];
    });
  }

  const preActivationRanges = seen.map((values): ValueRange => {
    const range = options.method === "minmax" ? minMax(values) : percentileRange(values, options.percentile);
    return { min: Math.min(range.min, 0), max: Math.max(range.max, 0) };
  });
  return {
    method: options.method,
    percentile: options.method === "percentile" ? options.percentile : null,
    images: count,
    dataset,
    preActivationRanges,
  };
}

function minMax(values: Float32Array): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}

function percentileRange(values: Float32Array, percentile: number): ValueRange {
  const sorted = Float32Array.from(values).sort();
  const last = sorted.length - 1;
  return {
    min: sorted[Math.round((last * (100 - percentile)) / 100)],
    max: sorted[Math.round((last * percentile) / 100)],
  };
}
