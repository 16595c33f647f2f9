// The fast int8 inference path: the same integers as emulator.ts (the reference, which it is
// tested against bit for bit), skipping blank pixels and zero activations, summing four outputs
// at a time in registers, with the BigInt-free fixed-point twins and no allocation per image.
// Not the specification, and it does no checking or saturation counting.

import { multiplyByQuantizedMultiplierFast } from "./fixed-point-fast.ts";
import type { QuantizedLayer, QuantizedModel } from "../model/quantized-model.ts";

/** Buffers for one inference, sized for the widest layer; reuse across images. */
export interface FastScratch {
  accumulators: Int32Array;
  /** The non-zero terms of the current layer's input: row offsets i·outputs and values x − zp. */
  rows: Int32Array;
  values: Int32Array;
  current: Int8Array;
  next: Int8Array;
}

export function createFastScratch(model: QuantizedModel): FastScratch {
  const widest = Math.max(...model.layers);
  return {
    accumulators: new Int32Array(widest),
    rows: new Int32Array(widest),
    values: new Int32Array(widest),
    current: new Int8Array(widest),
    next: new Int8Array(widest),
  };
}

/**
 * accumulators[j] = bias[j] + Σ_k weights[rows[k] + j] · values[k] over the `terms` non-zero
 * inputs (weights: [inputs][outputs], rows[k] = i·outputs). Four outputs at a time in local
 * variables, so the sums stay in registers; integer sums below 2^31 (checkLayerContracts) are
 * exact, so the order differs from the reference's without changing a bit.
 */
function accumulate(layer: QuantizedLayer, rows: Int32Array, values: Int32Array, terms: number, accumulators: Int32Array): void {
  const { outputs, weights, bias } = layer;
  let j = 0;
  for (; j + 4 <= outputs; j += 4) {
    let a0 = bias[j];
    let a1 = bias[j + 1];
    let a2 = bias[j + 2];
    let a3 = bias[j + 3];
    for (let k = 0; k < terms; k++) {
      const at = rows[k] + j;
      const x = values[k];
      a0 += weights[at] * x;
      a1 += weights[at + 1] * x;
      a2 += weights[at + 2] * x;
      a3 += weights[at + 3] * x;
    }
    accumulators[j] = a0;
    accumulators[j + 1] = a1;
    accumulators[j + 2] = a2;
    accumulators[j + 3] = a3;
  }
  for (; j < outputs; j++) {
    let a = bias[j];
    for (let k = 0; k < terms; k++) a += weights[rows[k] + j] * values[k];
    accumulators[j] = a;
  }
}

/** output[j] ← table(clamp(multiplyByQuantizedMultiplier(acc[j]) + zeroPoint)), as the reference. */
function requantize(layer: QuantizedLayer, accumulators: Int32Array, output: Int8Array): void {
  const { outputs, multipliers, shifts, table, clampMin, clampMax } = layer;
  const zeroPoint = layer.requantized.zeroPoint;
  for (let j = 0; j < outputs; j++) {
    let v = multiplyByQuantizedMultiplierFast(accumulators[j], multipliers[j], shifts[j]) + zeroPoint;
    if (v < clampMin) v = clampMin;
    else if (v > clampMax) v = clampMax;
    output[j] = table === null ? v : table[v + 128];
  }
}

/**
 * logits[0..classes) ← the int8 model applied to one image of raw pixels; returns the predicted
 * class (ties to the lowest index). Bit-identical to emulateImage in emulator.ts.
 */
export function emulateImageFast(model: QuantizedModel, pixels: Uint8Array, logits: Int8Array, scratch: FastScratch): number {
  return emulateAt(model, pixels, 0, logits, 0, scratch);
}

/** logits: [count][classes] ← emulateImageFast over images: [count][inputs]. */
export function emulateBatchFast(model: QuantizedModel, images: Uint8Array, count: number, logits?: Int8Array): Int8Array {
  const inputs = model.layers[0];
  const classes = model.layers[model.layers.length - 1];
  const out = logits ?? new Int8Array(count * classes);
  const scratch = createFastScratch(model);
  for (let n = 0; n < count; n++) emulateAt(model, images, n * inputs, out, n * classes, scratch);
  return out;
}

/**
 * The image at images[imageOffset..) → logits[logitsOffset..); offsets rather than subarrays so
 * that a batch allocates nothing per image.
 * The first layer reads pixels directly: its input is pixel − 128 with zero point −128, so
 * x − zeroPoint is the pixel itself and a blank pixel is skipped.
 */
function emulateAt(model: QuantizedModel, images: Uint8Array, imageOffset: number, logits: Int8Array, logitsOffset: number, scratch: FastScratch): number {
  const { dense } = model;
  if (model.input.zeroPoint !== -128) throw new RangeError("the fast emulator needs input zero point -128 (pixel - 128)");
  const { accumulators, rows, values } = scratch;
  let current = scratch.current;
  let next = scratch.next;

  // Layer 0: x − zeroPoint is the pixel; blank pixels add nothing.
  const first = dense[0];
  let terms = 0;
  for (let i = 0; i < first.inputs; i++) {
    const pixel = images[imageOffset + i];
    if (pixel !== 0) {
      rows[terms] = i * first.outputs;
      values[terms] = pixel;
      terms++;
    }
  }
  accumulate(first, rows, values, terms, accumulators);
  requantize(first, accumulators, current);

  for (let l = 1; l < dense.length; l++) {
    const layer = dense[l];
    const zeroPoint = layer.input.zeroPoint;
    terms = 0;
    for (let i = 0; i < layer.inputs; i++) {
      const x = current[i] - zeroPoint;
      if (x !== 0) {
        rows[terms] = i * layer.outputs;
        values[terms] = x;
        terms++;
      }
    }
    accumulate(layer, rows, values, terms, accumulators);
    requantize(layer, accumulators, next);
    const swap = current;
    current = next;
    next = swap;
  }

  const classes = dense[dense.length - 1].outputs;
  let best = 0;
  for (let k = 0; k < classes; k++) {
    logits[logitsOffset + k] = current[k];
    if (current[k] > current[best]) best = k;
  }
  return best;
}
