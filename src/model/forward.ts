// The float forward pass for inference: raw 8-bit pixels in, logits out. This is the float
// reference the quantizer is measured against; training has its own batched pass with caches.

import { activate, type Network } from "./network.ts";

/** The float network sees pixel / 255, a value in [0, 1]. The int8 input (pixel − 128 with
 *  scale 1/255 and zero point −128) represents exactly the same value. */
export const PIXEL_SCALE = 1 / 255;

/** Scratch buffers for one image, sized for the widest layer; reuse across calls. */
export interface ForwardScratch {
  current: Float32Array;
  next: Float32Array;
}

export function createForwardScratch(network: Network): ForwardScratch {
  const widest = Math.max(...network.architecture.layers);
  return { current: new Float32Array(widest), next: new Float32Array(widest) };
}

/**
 * logits[0..classes) ← network(pixels). pixels: [inputs] raw bytes of one image.
 * Blank pixels are skipped in the first layer: they contribute nothing to its sums.
 */
export function forwardImage(network: Network, pixels: Uint8Array, logits: Float32Array, scratch = createForwardScratch(network)): void {
  const { dense, architecture } = network;
  let current = scratch.current;
  let next = scratch.next;

  const first = dense[0];
  const out0 = first.outputs;
  current.set(first.bias);
  for (let i = 0; i < first.inputs; i++) {
    const pixel = pixels[i];
    if (pixel === 0) continue;
    const x = pixel * PIXEL_SCALE;
    const row = i * out0;
    for (let j = 0; j < out0; j++) current[j] += x * first.weights[row + j];
  }

  for (let l = 1; l < dense.length; l++) {
    activate(architecture.hiddenActivation, current, dense[l - 1].outputs);
    const layer = dense[l];
    const { inputs, outputs, weights } = layer;
    next.set(layer.bias);
    for (let i = 0; i < inputs; i++) {
      const x = current[i];
      if (x === 0) continue;
      const row = i * outputs;
      for (let j = 0; j < outputs; j++) next[j] += x * weights[row + j];
    }
    [current, next] = [next, current];
  }
  logits.set(current.subarray(0, dense[dense.length - 1].outputs));
}

/** logits: [count][classes] ← network applied to images: [count][inputs]. */
export function forwardBatch(network: Network, images: Uint8Array, count: number, logits?: Float32Array): Float32Array {
  const inputs = network.architecture.layers[0];
  const classes = network.architecture.layers[network.architecture.layers.length - 1];
  const out = logits ?? new Float32Array(count * classes);
  const scratch = createForwardScratch(network);
  for (let n = 0; n < count; n++) {
    forwardImage(network, images.subarray(n * inputs, (n + 1) * inputs), out.subarray(n * classes, (n + 1) * classes), scratch);
  }
  return out;
}

/** Index of the largest value; ties go to the lowest index (the same rule the int8 targets use). */
export function argmax(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[start + i] > values[start + best]) best = i;
  return best;
}

/** probabilities[0..n) ← softmax(logits[0..n)), computed stably in double precision. */
export function softmax(logits: ArrayLike<number>, probabilities: Float32Array | Float64Array, start = 0, length = logits.length - start): void {
  let max = -Infinity;
  for (let i = 0; i < length; i++) max = Math.max(max, logits[start + i]);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += Math.exp(logits[start + i] - max);
  for (let i = 0; i < length; i++) probabilities[i] = Math.exp(logits[start + i] - max) / sum;
}
