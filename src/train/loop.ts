// The training loop: initialise, shuffle, step through mini-batches, score the held-out
// validation images after every epoch and keep the best epoch's parameters. Reports progress
// through callbacks and stops cleanly between batches when asked; it never touches the terminal.

import type { ImageSet } from "../data/types.ts";
import type { EpochSummary } from "../model/file.ts";
import { createNetwork, parameterCount, type Activation, type Network } from "../model/network.ts";
import { createSparseBatch, createWorkspace, forwardSparseBatch } from "./backprop.ts";
import { blendTeacherTargets, computeTeacherTargets, type DistillationSettings } from "./distill.ts";
import { createSerialStepper, createWorkerStepper, type StepSettings } from "./parallel.ts";
import type { OptimizerName } from "./optimizers.ts";
import { createRandom, shuffle, type Random } from "./random.ts";
import { fillBatch, toSparseImages, type SparseImages } from "./sparse-images.ts";

export const SCHEDULES = ["constant", "cosine", "exponential"] as const;
export type Schedule = (typeof SCHEDULES)[number];

export interface TrainOptions {
  layers: number[];
  hiddenActivation: Activation;
  optimizer: OptimizerName;
  learningRate: number;
  /** SGD only. */
  momentum: number;
  batchSize: number;
  epochs: number;
  /** constant; cosine (per batch, from learningRate down to 0); exponential (× decayRate per epoch). */
  schedule: Schedule;
  decayRate: number;
  /** L2 penalty on weights (not biases): adds l2·w to each weight's gradient. */
  l2: number;
  /** The last validationCount training images are held out to pick the best epoch. */
  validationCount: number;
  seed: number;
  /** Data augmentation: random shift of each training image by up to this many pixels. */
  maxShift: number;
  labelSmoothing: number;
  /** Learn from a teacher network's softened predictions as well as the labels (the teacher
   *  itself is passed in TrainResources). */
  distillation: DistillationSettings | null;
}

/** One epoch's figures, as the model file records them. */
export type EpochRecord = EpochSummary;

export interface BatchProgress {
  epoch: number;
  epochs: number;
  samplesDone: number;
  samplesPerEpoch: number;
  /** Running means over the epoch so far. */
  loss: number;
  accuracy: number;
}

export interface TrainHooks {
  onBatch?(progress: BatchProgress): void;
  onEpoch?(record: EpochRecord): void;
  /** Polled between batches; true stops training and keeps the best parameters so far. */
  shouldStop?(): boolean;
}

export interface TrainResult {
  /** The parameters of the best validation epoch (the last epoch without validation). */
  network: Network;
  history: EpochRecord[];
  /** 1-based epoch whose parameters are kept. */
  bestEpoch: number;
  interrupted: boolean;
}

/** Glorot-uniform for sigmoid and tanh, He-normal for ReLU; biases start at zero. */
export function initialiseNetwork(layers: number[], hiddenActivation: Activation, random: Random, sharedMemory = false): Network {
  const count = parameterCount(layers);
  const storage = sharedMemory ? new Float32Array(new SharedArrayBuffer(count * 4)) : new Float32Array(count);
  const network = createNetwork({ layers, hiddenActivation }, storage);
  for (const layer of network.dense) {
    const { inputs, outputs, weights } = layer;
    if (hiddenActivation === "relu") {
      const deviation = Math.sqrt(2 / inputs);
      for (let k = 0; k < weights.length; k++) weights[k] = random.normal() * deviation;
    } else {
      const limit = Math.sqrt(6 / (inputs + outputs));
      for (let k = 0; k < weights.length; k++) weights[k] = (2 * random.next() - 1) * limit;
    }
  }
  return network;
}

export function learningRateAt(options: TrainOptions, epoch: number, step: number, stepsPerEpoch: number): number {
  switch (options.schedule) {
    case "constant": return options.learningRate;
    case "exponential": return options.learningRate * options.decayRate ** epoch;
    case "cosine": {
      const progress = (epoch * stepsPerEpoch + step) / (options.epochs * stepsPerEpoch);
      return options.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
  }
}

/** Mean cross-entropy and accuracy of the network over sparse images (no augmentation). */
export function scoreSparse(network: Network, images: SparseImages): { loss: number; accuracy: number } {
  if (images.count === 0) return { loss: Number.NaN, accuracy: Number.NaN };
  const classes = network.architecture.layers[network.architecture.layers.length - 1];
  const capacity = 256;
  const batch = createSparseBatch(capacity, network.architecture.layers[0], classes);
  const workspace = createWorkspace(network, capacity);
  const order = Int32Array.from({ length: images.count }, (_, n) => n);
  let lossSum = 0;
  let correct = 0;
  for (let from = 0; from < images.count; from += capacity) {
    const size = Math.min(capacity, images.count - from);
    fillBatch(batch, images, order, from, size, classes, 0, 0, null);
    const result = forwardSparseBatch(network, batch, workspace);
    lossSum += result.lossSum;
    correct += result.correct;
  }
  return { loss: lossSum / images.count, accuracy: correct / images.count };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Settings that change how training runs but never its result. */
export interface TrainResources {
  /** 2 computes each batch's halves on two threads; 1 on this thread alone. Same result. */
  threads?: 1 | 2;
  /** Required when options.distillation is set. */
  teacher?: Network;
}

export async function train(trainingSet: ImageSet, options: TrainOptions, hooks: TrainHooks = {}, resources: TrainResources = {}): Promise<TrainResult> {
  const { teacher, threads = 1 } = resources;
  if (options.distillation && !teacher) throw new RangeError("distillation needs a teacher network");
  const { layers, batchSize, epochs } = options;
  const classes = layers[layers.length - 1];
  const inputs = trainingSet.rows * trainingSet.cols;
  if (layers[0] !== inputs) throw new RangeError(`the first layer has ${layers[0]} inputs but the images have ${inputs} pixels`);

  const trainingCount = trainingSet.count - options.validationCount;
  const trainingImages = toSparseImages(trainingSet, 0, trainingCount);
  const validationImages = toSparseImages(trainingSet, trainingCount, options.validationCount);

  const random = createRandom(options.seed);
  const parallel = threads > 1;
  const network = initialiseNetwork(layers, options.hiddenActivation, random, parallel);
  const best = new Float32Array(network.parameters);
  const batch = createSparseBatch(batchSize, inputs, classes, parallel);
  const settings: StepSettings = { optimizer: { name: options.optimizer, momentum: options.momentum }, l2: options.l2 };
  const stepper = parallel ? await createWorkerStepper(network, settings, batch, batchSize) : createSerialStepper(network, settings, batchSize);
  const distillation = options.distillation && teacher ? { ...options.distillation, teacher } : null;
  const teacherTargets = distillation ? computeTeacherTargets(distillation, trainingImages, options.maxShift) : null;
  const shiftCodes = new Int32Array(batchSize);
  const order = Int32Array.from({ length: trainingCount }, (_, n) => n);
  const stepsPerEpoch = Math.ceil(trainingCount / batchSize);

  const history: EpochRecord[] = [];
  let bestEpoch = 0;
  let bestAccuracy = -1;
  let interrupted = false;
  let lastYield = Date.now();

  try {
    for (let epoch = 0; epoch < epochs && !interrupted; epoch++) {
      shuffle(order, random);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let learningRate = options.learningRate;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const from = step * batchSize;
        const size = Math.min(batchSize, trainingCount - from);
        fillBatch(batch, trainingImages, order, from, size, classes, options.maxShift, options.labelSmoothing, random, shiftCodes);
        if (distillation && teacherTargets) blendTeacherTargets(batch, teacherTargets, distillation.weight, order, from, shiftCodes);
        learningRate = learningRateAt(options, epoch, step, stepsPerEpoch);
        const result = stepper.step(batch, learningRate);
        lossSum += result.lossSum;
        correct += result.correct;
        seen += size;

        if (Date.now() - lastYield > 50) {
          hooks.onBatch?.({ epoch: epoch + 1, epochs, samplesDone: seen, samplesPerEpoch: trainingCount, loss: lossSum / seen, accuracy: correct / seen });
          await yieldToEventLoop();
          lastYield = Date.now();
          if (hooks.shouldStop?.()) { interrupted = true; break; }
        }
      }
      hooks.onBatch?.({ epoch: epoch + 1, epochs, samplesDone: seen, samplesPerEpoch: trainingCount, loss: lossSum / seen, accuracy: correct / seen });

      const validation = scoreSparse(network, validationImages);
      const record: EpochRecord = {
        epoch: epoch + 1,
        learningRate,
        loss: lossSum / seen,
        accuracy: correct / seen,
        validationLoss: validation.loss,
        validationAccuracy: validation.accuracy,
        complete: !interrupted,
      };
      history.push(record);
      hooks.onEpoch?.(record);
      // Without validation images the latest epoch is the one kept.
      const score = options.validationCount > 0 ? validation.accuracy : epoch;
      if (score > bestAccuracy) {
        bestAccuracy = score;
        bestEpoch = epoch + 1;
        best.set(network.parameters);
      }
    }
  } finally {
    await stepper.close();
  }
  // The kept parameters, in ordinary (not shared) memory.
  const kept = createNetwork({ layers, hiddenActivation: options.hiddenActivation }, best);
  return { network: kept, history, bestEpoch, interrupted };
}
