// One mini-batch through the network and back: forward with the activations kept, softmax +
// cross-entropy at the output, and the gradient of the mean loss for every parameter, written
// into one Float32Array laid out like the parameters. Allocates nothing per call.

import { activate, multiplyByDerivative, type Network } from "../model/network.ts";
import { denseAffine, denseBackward, sparseAffine, sparseOuterAccumulate } from "./kernels.ts";

/**
 * A mini-batch of inputs in sparse form: sample b's non-zero inputs are
 * index[start[b] .. start[b+1]) with values value[...]. MNIST images are ~80% blank, so the
 * first layer's work (forward and gradient) shrinks by that much.
 */
export interface SparseBatch {
  size: number;
  /** [capacity + 1] */
  start: Int32Array;
  /** [capacity × inputs] input indices, ascending within a sample. */
  index: Int32Array;
  /** [capacity × inputs] input values (pixel / 255). */
  value: Float32Array;
  /** [capacity] true classes, used for the accuracy count. */
  labels: Uint8Array;
  /** [capacity × classes] target distribution per sample (one-hot, smoothed or a teacher's). */
  targets: Float32Array;
}

/** Allocates a batch; with shared = true its arrays live in SharedArrayBuffers, so that a
 *  worker thread can read the same batch. */
export function createSparseBatch(capacity: number, inputs: number, classes: number, shared = false): SparseBatch {
  const memory = (bytes: number): ArrayBuffer => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes)) as ArrayBuffer;
  return {
    size: 0,
    start: new Int32Array(memory((capacity + 1) * 4)),
    index: new Int32Array(memory(capacity * inputs * 4)),
    value: new Float32Array(memory(capacity * inputs * 4)),
    labels: new Uint8Array(memory(capacity)),
    targets: new Float32Array(memory(capacity * classes * 4)),
  };
}

/** Per-layer buffers for one batch: activations and the loss gradient w.r.t. pre-activations. */
export interface BackpropWorkspace {
  capacity: number;
  /** activations[l]: [capacity][outputs of layer l]; the last layer holds softmax probabilities. */
  activations: Float32Array[];
  /** deltas[l]: [capacity][outputs of layer l], ∂loss/∂(pre-activation). */
  deltas: Float32Array[];
}

export function createWorkspace(network: Network, capacity: number): BackpropWorkspace {
  return {
    capacity,
    activations: network.dense.map((layer) => new Float32Array(capacity * layer.outputs)),
    deltas: network.dense.map((layer) => new Float32Array(capacity * layer.outputs)),
  };
}

export interface BatchResult {
  /** Sum over the batch of the cross-entropy against the targets (nats). */
  lossSum: number;
  /** Samples whose arg-max equals their label. */
  correct: number;
}

/**
 * Forward only for samples [from, to) of the batch (all by default), filling those rows of
 * workspace.activations; returns their loss and accuracy counts.
 */
export function forwardSparseBatch(network: Network, batch: SparseBatch, workspace: BackpropWorkspace, from = 0, to = batch.size): BatchResult {
  const { dense } = network;
  const hidden = network.architecture.hiddenActivation;

  // First layer: sparse inputs.
  const first = dense[0];
  const a0 = workspace.activations[0];
  for (let b = from; b < to; b++) {
    sparseAffine(a0, b * first.outputs, first.bias, first.weights, first.outputs, batch.index, batch.value, batch.start[b], batch.start[b + 1]);
  }

  for (let l = 1; l < dense.length; l++) {
    const input = workspace.activations[l - 1];
    const width = dense[l - 1].outputs;
    activate(hidden, input, to * width, from * width);
    const { inputs, outputs, weights, bias } = dense[l];
    const output = workspace.activations[l];
    for (let b = from; b < to; b++) denseAffine(output, b * outputs, bias, weights, inputs, outputs, input, b * inputs);
  }

  // Output: softmax in place, cross-entropy against the targets.
  const last = dense.length - 1;
  const classes = dense[last].outputs;
  const probabilities = workspace.activations[last];
  let lossSum = 0;
  let correct = 0;
  for (let b = from; b < to; b++) {
    const row = b * classes;
    let max = probabilities[row];
    let best = 0;
    for (let j = 1; j < classes; j++) {
      if (probabilities[row + j] > max) { max = probabilities[row + j]; best = j; }
    }
    if (best === batch.labels[b]) correct++;
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(probabilities[row + j] - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < classes; j++) {
      const logProbability = probabilities[row + j] - max - logSum;
      const target = batch.targets[row + j];
      if (target > 0) lossSum -= target * logProbability;
      // Probabilities under e^-46 (1e-20) are stored as 0: as float32 they would soon be
      // subnormal, and subnormal arithmetic slows the whole backward pass several-fold.
      probabilities[row + j] = logProbability < -46 ? 0 : Math.exp(logProbability);
    }
  }
  return { lossSum, correct };
}

/**
 * gradient ← ∂(loss summed over samples [from, to), divided by the whole batch's size)/∂parameters,
 * same layout as network.parameters: over the whole batch (the default) it is the gradient of
 * the mean loss, and the gradients of a batch's parts add up to it. Calls forwardSparseBatch.
 */
export function computeGradients(network: Network, batch: SparseBatch, workspace: BackpropWorkspace, gradient: Float32Array, from = 0, to = batch.size): BatchResult {
  const result = forwardSparseBatch(network, batch, workspace, from, to);
  const { dense } = network;
  const hidden = network.architecture.hiddenActivation;
  gradient.fill(0);

  // Softmax + cross-entropy: ∂loss/∂logit = probability − target.
  const last = dense.length - 1;
  const classes = dense[last].outputs;
  const outputDelta = workspace.deltas[last];
  const probabilities = workspace.activations[last];
  const inverseSize = 1 / batch.size;
  for (let k = from * classes; k < to * classes; k++) outputDelta[k] = (probabilities[k] - batch.targets[k]) * inverseSize;

  for (let l = last; l >= 1; l--) {
    const { inputs, outputs, weights, offset } = dense[l];
    const delta = workspace.deltas[l];
    const input = workspace.activations[l - 1];
    const previousDelta = workspace.deltas[l - 1];
    const biasOffset = offset + inputs * outputs;
    for (let b = from; b < to; b++) {
      for (let j = 0; j < outputs; j++) gradient[biasOffset + j] += delta[b * outputs + j];
      denseBackward(gradient, offset, weights, inputs, outputs, input, b * inputs, delta, b * outputs, previousDelta, b * inputs);
    }
    multiplyByDerivative(hidden, previousDelta, input, to * inputs, from * inputs);
  }

  // First layer: only the rows of non-zero inputs receive gradient.
  const first = dense[0];
  const out0 = first.outputs;
  const delta0 = workspace.deltas[0];
  const biasOffset0 = first.offset + first.inputs * out0;
  for (let b = from; b < to; b++) {
    for (let j = 0; j < out0; j++) gradient[biasOffset0 + j] += delta0[b * out0 + j];
    sparseOuterAccumulate(gradient, first.offset, out0, batch.index, batch.value, batch.start[b], batch.start[b + 1], delta0, b * out0);
  }
  return result;
}
