// One optimisation step on a mini-batch, on one thread or two. A step has two phases:
//   1. the gradient, as the sum of the batch's two halves' gradients;
//   2. the update: sum the halves, add L2 weight decay, apply the optimiser, element by element.
// With a worker thread, it takes the first half of each phase while this thread does the
// second. The arithmetic is the same either way, so a model does not depend on how many threads
// trained it (a test checks this to the byte).

import { Worker } from "node:worker_threads";
import { createNetwork, type Activation, type Network } from "../model/network.ts";
import { computeGradients, createWorkspace, type BatchResult, type SparseBatch } from "./backprop.ts";
import { createOptimizer, type Optimizer, type OptimizerSpec } from "./optimizers.ts";

export interface StepSettings {
  optimizer: OptimizerSpec;
  /** L2 penalty on weights (not biases): adds l2·w to each weight's gradient. */
  l2: number;
}

export interface TrainingStepper {
  /** Gradient of the mean loss over the batch, then one optimiser update at this learning rate. */
  step(batch: SparseBatch, learningRate: number): BatchResult;
  close(): Promise<void>;
}

/** [start, end) index ranges of the weights (not biases) in the parameter array. */
function weightRanges(network: Network): Int32Array {
  return Int32Array.from(network.dense.flatMap((layer) => [layer.offset, layer.offset + layer.weights.length]));
}

/** Phase 2 on parameters [start, end): sum ← sum + other (+ l2·w on weights); optimiser update. */
function updateRange(
  parameters: Float32Array, sum: Float32Array, other: Float32Array, weights: Int32Array, l2: number,
  optimizer: Optimizer, rate: number, start: number, end: number,
): void {
  for (let k = start; k < end; k++) sum[k] += other[k];
  if (l2 > 0) {
    for (let r = 0; r < weights.length; r += 2) {
      const to = Math.min(end, weights[r + 1]);
      for (let k = Math.max(start, weights[r]); k < to; k++) sum[k] += l2 * parameters[k];
    }
  }
  optimizer.update(parameters, sum, start, end, rate);
}

/** Both halves of both phases on this thread. */
export function createSerialStepper(network: Network, settings: StepSettings, capacity: number): TrainingStepper {
  const size = network.parameters.length;
  const workspace = createWorkspace(network, capacity);
  const first = new Float32Array(size);
  const second = new Float32Array(size);
  const optimizer = createOptimizer(settings.optimizer, size);
  const weights = weightRanges(network);
  return {
    step(batch, learningRate) {
      const half = batch.size >> 1;
      const a = computeGradients(network, batch, workspace, first, 0, half);
      const b = computeGradients(network, batch, workspace, second, half, batch.size);
      updateRange(network.parameters, first, second, weights, settings.l2, optimizer, optimizer.beginStep(learningRate), 0, size);
      return { lossSum: a.lossSum + b.lossSum, correct: a.correct + b.correct };
    },
    close: async () => {},
  };
}

/** Control words shared with the worker (indices into an Int32Array). */
const GENERATION = 0; // bumped by the main thread for each job; −1 asks the worker to stop
const DONE = 1;       // set by the worker to the generation it finished
const KIND = 2;       // GRADIENT_JOB or UPDATE_JOB
const FROM = 3;       // samples (gradient) or parameters (update): [FROM, TO)
const TO = 4;
const SIZE = 5;       // the batch's size
const FAILED = 6;     // 1 once the worker has thrown
const RATE = 8;       // 2 words: the update's rate as float64 bits (main → worker)
const LOSS = 10;      // 2 words: the worker half's loss sum as float64 bits (worker → main)
const CORRECT = 12;   // the worker half's correct count
const CONTROL_WORDS = 14;

// Every word shared with the worker is read and written with Atomics, never plainly: V8 may
// reuse a plain load of shared memory made in an earlier round of a long-running loop.
/** A float64 and its two 32-bit words, for moving doubles through Atomics. */
interface Float64Words { value: Float64Array; words: Int32Array }

function createFloat64Words(): Float64Words {
  const value = new Float64Array(1);
  return { value, words: new Int32Array(value.buffer) };
}

function storeFloat64(control: Int32Array, at: number, value: number, scratch: Float64Words): void {
  scratch.value[0] = value;
  Atomics.store(control, at, scratch.words[0]);
  Atomics.store(control, at + 1, scratch.words[1]);
}

function loadFloat64(control: Int32Array, at: number, scratch: Float64Words): number {
  scratch.words[0] = Atomics.load(control, at);
  scratch.words[1] = Atomics.load(control, at + 1);
  return scratch.value[0];
}
const GRADIENT_JOB = 1;
const UPDATE_JOB = 2;

/** Everything the worker shares with the main thread; all arrays are in SharedArrayBuffers. */
export interface WorkerSetup {
  layers: number[];
  hiddenActivation: Activation;
  settings: StepSettings;
  parameters: Float32Array;
  optimizerState: Float32Array[];
  /** The worker's half of the gradient, and after phase 2 the summed gradient. */
  first: Float32Array;
  /** The main thread's half. */
  second: Float32Array;
  batch: Omit<SparseBatch, "size">;
  capacity: number;
  control: Int32Array;
}

/**
 * The first half of each phase on a worker thread. network.parameters and the batch's arrays
 * must live in SharedArrayBuffers (initialiseNetwork(…, true), createSparseBatch(…, true)).
 */
export async function createWorkerStepper(network: Network, settings: StepSettings, batch: SparseBatch, capacity: number): Promise<TrainingStepper> {
  const size = network.parameters.length;
  const shared = (length: number): Float32Array => new Float32Array(new SharedArrayBuffer(length * 4));
  const optimizer = createOptimizer(settings.optimizer, size, true);
  const setup: WorkerSetup = {
    layers: network.architecture.layers,
    hiddenActivation: network.architecture.hiddenActivation,
    settings,
    parameters: network.parameters,
    optimizerState: optimizer.state,
    first: shared(size),
    second: shared(size),
    batch: { start: batch.start, index: batch.index, value: batch.value, labels: batch.labels, targets: batch.targets },
    capacity,
    control: new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4)),
  };
  const worker = new Worker(new URL("./step-worker-entry.js", import.meta.url), { workerData: setup });
  let workerError: unknown = null;
  worker.on("error", (error) => { workerError = error; });
  await new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
  });

  const workspace = createWorkspace(network, capacity);
  const weights = weightRanges(network);
  const { control, first, second } = setup;
  const split = size >> 1;
  const scratch = createFloat64Words();
  let generation = 0;

  const dispatch = (kind: number, from: number, to: number, batchSize: number): void => {
    generation++;
    Atomics.store(control, KIND, kind);
    Atomics.store(control, FROM, from);
    Atomics.store(control, TO, to);
    Atomics.store(control, SIZE, batchSize);
    Atomics.store(control, GENERATION, generation); // publishes the words above and the shared arrays
    Atomics.notify(control, GENERATION);
  };
  const join = (): void => {
    while (Atomics.load(control, DONE) !== generation) {
      if (workerError || Atomics.load(control, FAILED)) break;
      Atomics.wait(control, DONE, generation - 1, 1000);
    }
    if (workerError || Atomics.load(control, FAILED)) throw new Error(`training worker failed: ${String(workerError ?? "see its error output above")}`);
  };

  return {
    step(job, learningRate) {
      const half = job.size >> 1;
      dispatch(GRADIENT_JOB, 0, half, job.size);
      const b = computeGradients(network, job, workspace, second, half, job.size);
      join();
      const result = { lossSum: loadFloat64(control, LOSS, scratch) + b.lossSum, correct: Atomics.load(control, CORRECT) + b.correct };

      const rate = optimizer.beginStep(learningRate);
      storeFloat64(control, RATE, rate, scratch);
      dispatch(UPDATE_JOB, 0, split, job.size);
      updateRange(network.parameters, first, second, weights, settings.l2, optimizer, rate, split, size);
      join();
      return result;
    },
    async close() {
      Atomics.store(control, GENERATION, -1);
      Atomics.notify(control, GENERATION);
      await worker.terminate();
    },
  };
}

/** The worker's side: wait for a job, do it, report, repeat until told to stop. */
export function serveSteps(setup: WorkerSetup, ready: () => void): void {
  const network = createNetwork({ layers: setup.layers, hiddenActivation: setup.hiddenActivation }, setup.parameters);
  const workspace = createWorkspace(network, setup.capacity);
  const optimizer = createOptimizer(setup.settings.optimizer, setup.parameters.length, true, setup.optimizerState);
  const weights = weightRanges(network);
  const batch: SparseBatch = { ...setup.batch, size: 0 };
  const { control } = setup;
  const scratch = createFloat64Words();
  let seen = 0;
  ready();
  for (;;) {
    Atomics.wait(control, GENERATION, seen);
    const generation = Atomics.load(control, GENERATION);
    if (generation < 0) return;
    seen = generation;
    try {
      const from = Atomics.load(control, FROM);
      const to = Atomics.load(control, TO);
      if (Atomics.load(control, KIND) === GRADIENT_JOB) {
        batch.size = Atomics.load(control, SIZE);
        const result = computeGradients(network, batch, workspace, setup.first, from, to);
        storeFloat64(control, LOSS, result.lossSum, scratch);
        Atomics.store(control, CORRECT, result.correct);
      } else {
        updateRange(setup.parameters, setup.first, setup.second, weights, setup.settings.l2, optimizer, loadFloat64(control, RATE, scratch), from, to);
      }
    } catch (error) {
      Atomics.store(control, FAILED, 1);
      throw error;
    } finally {
      Atomics.store(control, DONE, generation);
      Atomics.notify(control, DONE);
    }
  }
}
