// The float network: its architecture, where each layer lives in the one parameter array, and
// the element-wise activations. Shared by the trainer, the float forward pass and the quantizer;
// it knows nothing about files, training or integers.

import { createHash } from "node:crypto";

/** Hidden-layer activations. The output layer is always linear (logits; softmax is applied by
 *  the loss in training and by whoever wants probabilities afterwards). */
export const HIDDEN_ACTIVATIONS = ["sigmoid", "relu", "tanh"] as const;
export type Activation = (typeof HIDDEN_ACTIVATIONS)[number];

export interface Architecture {
  /** Neurons per layer, input first: [784, 16, 16, 10] is the classic digit network. */
  layers: number[];
  hiddenActivation: Activation;
}

/** One dense layer as views into the shared parameter array. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** [inputs][outputs], input-major: row i holds the weights from input i to every output, so a
   *  sparse input (most MNIST pixels are 0) touches only the rows of its non-zero inputs. */
  weights: Float32Array;
  /** [outputs] */
  bias: Float32Array;
  /** Where weights start in the parameter array; bias follows them directly. */
  offset: number;
}

/** A network with all trainable parameters in one Float32Array (weights then bias, layer by
 *  layer) and per-layer views onto it. */
export interface Network {
  architecture: Architecture;
  parameters: Float32Array;
  dense: DenseLayer[];
}

/** SHA-256 over the parameters as float32 little-endian bytes: identifies a trained network
 *  in the files derived from it (quantized models, distilled students). */
export function parametersSha256(parameters: Float32Array): string {
  const bytes = new Uint8Array(parameters.length * 4);
  const view = new DataView(bytes.buffer);
  for (let k = 0; k < parameters.length; k++) view.setFloat32(k * 4, parameters[k], true);
  return createHash("sha256").update(bytes).digest("hex");
}

export function parameterCount(layers: readonly number[]): number {
  let total = 0;
  for (let l = 1; l < layers.length; l++) total += layers[l - 1] * layers[l] + layers[l];
  return total;
}

/** Lays out views over `parameters` (allocated when not given). */
export function createNetwork(architecture: Architecture, parameters?: Float32Array): Network {
  const { layers } = architecture;
  const total = parameterCount(layers);
  const storage = parameters ?? new Float32Array(total);
  if (storage.length !== total) {
    throw new RangeError(`network ${layers.join("-")} has ${total} parameters, got ${storage.length}`);
  }
  const dense: DenseLayer[] = [];
  let offset = 0;
  for (let l = 1; l < layers.length; l++) {
    const inputs = layers[l - 1];
    const outputs = layers[l];
    dense.push({
      inputs,
      outputs,
      offset,
      weights: storage.subarray(offset, offset + inputs * outputs),
      bias: storage.subarray(offset + inputs * outputs, offset + inputs * outputs + outputs),
    });
    offset += inputs * outputs + outputs;
  }
  return { architecture: { layers: [...layers], hiddenActivation: architecture.hiddenActivation }, parameters: storage, dense };
}

/** Applies the activation in place to values[start..end). */
export function activate(activation: Activation, values: Float32Array, end: number, start = 0): void {
  switch (activation) {
    case "sigmoid":
      for (let i = start; i < end; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
      return;
    case "relu":
      for (let i = start; i < end; i++) if (values[i] < 0) values[i] = 0;
      return;
    case "tanh":
      for (let i = start; i < end; i++) values[i] = Math.tanh(values[i]);
      return;
  }
}

/** The activation as a plain scalar function, for lookup tables and tests. */
export function activationFunction(activation: Activation): (x: number) => number {
  switch (activation) {
    case "sigmoid": return (x) => 1 / (1 + Math.exp(-x));
    case "relu": return (x) => (x > 0 ? x : 0);
    case "tanh": return Math.tanh;
  }
}

/** Multiplies gradient[i], i in [start, end), by the activation's derivative, expressed through
 *  the activation's output y (all three have derivatives that are cheap functions of y). */
export function multiplyByDerivative(activation: Activation, gradient: Float32Array, activated: Float32Array, end: number, start = 0): void {
  switch (activation) {
    case "sigmoid":
      for (let i = start; i < end; i++) gradient[i] *= activated[i] * (1 - activated[i]);
      return;
    case "relu":
      for (let i = start; i < end; i++) if (activated[i] <= 0) gradient[i] = 0;
      return;
    case "tanh":
      for (let i = start; i < end; i++) gradient[i] *= 1 - activated[i] * activated[i];
      return;
  }
}
