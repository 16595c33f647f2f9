// Class probabilities of the float model and of the int8 model over a batch of images, in one
// shape, so that every view treats the two alike. The int8 logits come from the fast emulator
// (bit-exact with the reference, tested there) and are dequantized with the output layer's
// scale and zero point before the softmax: host-side figures for pictures, not device math.

import { argmax, forwardBatch, softmax } from "../model/forward.ts";
import type { Network } from "../model/network.ts";
import { dequantize, type QuantizedModel } from "../model/quantized-model.ts";
import { emulateBatchFast } from "../quantize/emulator-fast.ts";

export interface Predictions {
  count: number;
  classes: number;
  /** [count][classes] the logits: the float model's, or the int8 model's dequantized. */
  logits: Float64Array;
  /** [count][classes] softmax probabilities. */
  probabilities: Float64Array;
  /** [count] arg-max class (ties to the lowest index, like every fixnet target). */
  predicted: Uint8Array;
  /** [count] the probability of the predicted class, in (0, 1]. */
  confidence: Float64Array;
}

function fromLogits(logits: ArrayLike<number>, count: number, classes: number): Predictions {
  const probabilities = new Float64Array(count * classes);
  const predicted = new Uint8Array(count);
  const confidence = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    const row = probabilities.subarray(n * classes, (n + 1) * classes);
    softmax(logits, row, n * classes, classes);
    predicted[n] = argmax(logits, n * classes, classes);
    confidence[n] = row[predicted[n]];
  }
  return { count, classes, logits: Float64Array.from(logits), probabilities, predicted, confidence };
}

/** images: [count][inputs] raw pixels. */
export function floatPredictions(network: Network, images: Uint8Array, count: number): Predictions {
  const classes = network.architecture.layers[network.architecture.layers.length - 1];
  return fromLogits(forwardBatch(network, images, count), count, classes);
}

/** images: [count][inputs] raw pixels. The predicted class is the int8 arg-max, as on a device. */
export function int8Predictions(model: QuantizedModel, images: Uint8Array, count: number): Predictions {
  return int8LogitsToPredictions(model, emulateBatchFast(model, images, count), count);
}

/** Predictions from int8 logits: [count][classes] already computed (e.g. by the reference
 *  emulator while it counts saturation). */
export function int8LogitsToPredictions(model: QuantizedModel, logits: Int8Array, count: number): Predictions {
  const classes = model.layers[model.layers.length - 1];
  const output = model.dense[model.dense.length - 1].output;
  const real = Float64Array.from(logits, (q) => dequantize(q, output));
  // Dequantizing is monotonic, so the arg-max of the real logits is the int8 arg-max.
  return fromLogits(real, count, classes);
}

/** Fraction of images given the same class by both. */
export function agreement(a: Predictions, b: Predictions): number {
  let same = 0;
  for (let n = 0; n < a.count; n++) if (a.predicted[n] === b.predicted[n]) same++;
  return a.count === 0 ? 1 : same / a.count;
}
