// THE REFERENCE int8 inference: the specification that the fast emulator, the generated C and
// the Espruino module must match bit for bit. Integer-only (every number here is an integer;
// sums stay far below 2^53, so JavaScript adds them exactly), checked, and deliberately plain:
// it is never optimised in place (emulator-fast.ts is the fast path, tested against this).

import { argmax } from "../model/forward.ts";
import { multiplyByQuantizedMultiplier } from "./fixed-point.ts";
import {
  INT32_MAX,
  INT32_MIN,
  INT8_MAX,
  INT8_MIN,
  type LayerSaturation,
  type QuantizedLayer,
  type QuantizedModel,
} from "../model/quantized-model.ts";

/**
 * One dense layer as TFLite-Micro's reference int8 FULLY_CONNECTED runs it, followed by the
 * layer's table when it has one. input: [inputs] int8, output: [outputs] int8.
 * For each output j:
 *   acc = bias[j] + Σ_i weights[i][j] · (input[i] − inputZeroPoint)   int32, cannot overflow
 *   v   = multiplyByQuantizedMultiplier(acc, multiplier[j], shift[j]) + requantized.zeroPoint
 *   v   = clamp(v, clampMin, clampMax)
 *   output[j] = table === null ? v : table[v + 128]
 */
export function denseLayerReference(layer: QuantizedLayer, input: Int8Array, output: Int8Array, saturation?: LayerSaturation): void {
  const { inputs, outputs, weights, bias, multipliers, shifts, table } = layer;
  for (let j = 0; j < outputs; j++) {
    let acc = bias[j];
    for (let i = 0; i < inputs; i++) {
      acc += weights[i * outputs + j] * (input[i] - layer.input.zeroPoint);
      // checkLayerContracts proved offline that this cannot happen; the reference says so.
      if (acc < INT32_MIN || acc > INT32_MAX) throw new RangeError(`int32 accumulator overflow at output ${j}, input ${i}`);
    }
    let v = multiplyByQuantizedMultiplier(acc, multipliers[j], shifts[j]) + layer.requantized.zeroPoint;
    if (saturation) {
      saturation.values++;
      if (v > INT8_MAX) saturation.above++;
      if (v < INT8_MIN && layer.activation !== "relu") saturation.below++;
    }
    if (v < layer.clampMin) v = layer.clampMin;
    if (v > layer.clampMax) v = layer.clampMax;
    output[j] = table === null ? v : table[v - INT8_MIN];
  }
}

/**
 * logits[0..classes) ← the int8 model applied to one image of raw pixels [0, 255].
 * The int8 input is pixel − 128 (scale 1/255, zero point −128). When saturation is given
 * ([layers], from createSaturationCounts), each layer's clamped values are added to it.
 * Returns the predicted class: the index of the largest logit, ties to the lowest index.
 */
export function emulateImage(model: QuantizedModel, pixels: Uint8Array, logits: Int8Array, saturation?: LayerSaturation[]): number {
  if (pixels.length !== model.layers[0]) throw new RangeError(`expected ${model.layers[0]} pixels, got ${pixels.length}`);
  let values = new Int8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) values[i] = pixels[i] + model.input.zeroPoint;
  model.dense.forEach((layer, l) => {
    const output = new Int8Array(layer.outputs);
    denseLayerReference(layer, values, output, saturation?.[l]);
    values = output;
  });
  logits.set(values);
  return argmax(values);
}

/**
 * logits: [count][classes] ← emulateImage over images: [count][inputs].
 * Returns the logits (allocated when not given).
 */
export function emulateBatch(model: QuantizedModel, images: Uint8Array, count: number, logits?: Int8Array, saturation?: LayerSaturation[]): Int8Array {
  const inputs = model.layers[0];
  const classes = model.layers[model.layers.length - 1];
  const out = logits ?? new Int8Array(count * classes);
  for (let n = 0; n < count; n++) {
    emulateImage(model, images.subarray(n * inputs, (n + 1) * inputs), out.subarray(n * classes, (n + 1) * classes), saturation);
  }
  return out;
}
