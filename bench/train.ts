// Training speed, fixnet against TensorFlow.js (WASM backend) in the same run, on the full MNIST
// training set: seconds per epoch and samples per second for the classic and the wide network.
// Prints figures; asserts nothing (timings on a shared machine are noisy).
//   npm run bench:train [-- --epochs N]

import os from "node:os";
import { loadDataset } from "../src/data/mnist.ts";
import { train, type TrainOptions } from "../src/train/loop.ts";
import { PRESETS } from "../src/train/presets.ts";
import { tfjsEpochSeconds } from "./tfjs-baseline.ts";

const epochsArgument = process.argv.indexOf("--epochs");
const epochs = epochsArgument > 0 ? Number(process.argv[epochsArgument + 1]) : 3;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

interface Case {
  name: string;
  options: TrainOptions;
}

const base = { momentum: 0, schedule: "constant", decayRate: 1, l2: 0, validationCount: 0, seed: 1, maxShift: 0, labelSmoothing: 0, distillation: null, epochs } as const;
const cases: Case[] = [
  {
    name: "784-16-16-10 sigmoid, SGD lr 0.1, batch 32",
    options: { ...base, layers: [784, 16, 16, 10], hiddenActivation: "sigmoid", optimizer: "sgd", learningRate: 0.1, batchSize: 32 },
  },
  {
    name: `wide preset ${PRESETS.wide.layers.join("-")} relu, Adam lr 0.001, batch 64`,
    options: { ...base, layers: [...PRESETS.wide.layers], hiddenActivation: "relu", optimizer: "adam", learningRate: 0.001, batchSize: 64 },
  },
];

const dataset = loadDataset();
const count = dataset.train.count;
console.log(`bench:train — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`${count} training images, ${epochs} epochs each; median seconds per epoch (first epoch includes warm-up)\n`);

/** Seconds of each epoch of a fixnet run (the first includes starting the worker and warm-up). */
async function fixnetEpochs(options: TrainOptions, threads: 1 | 2): Promise<number[]> {
  const seconds: number[] = [];
  let last = performance.now();
  await train(dataset.train, options, {
    onEpoch: () => {
      const now = performance.now();
      seconds.push((now - last) / 1000);
      last = now;
    },
  }, { threads });
  return seconds;
}

const line = (label: string, seconds: number[]): string => {
  const middle = median(seconds);
  return `  ${label.padEnd(22)} ${middle.toFixed(2)} s/epoch  ${Math.round(count / middle).toLocaleString("en-US").padStart(9)} samples/s  (epochs: ${seconds.map((s) => s.toFixed(2)).join(", ")})`;
};

for (const { name, options } of cases) {
  const oneThread = await fixnetEpochs(options, 1);
  const twoThreads = await fixnetEpochs(options, 2);
  const tfjs = await tfjsEpochSeconds({
    layers: options.layers,
    hiddenActivation: options.hiddenActivation as "sigmoid" | "relu",
    optimizer: options.optimizer,
    learningRate: options.learningRate,
    batchSize: options.batchSize,
    epochs,
    images: dataset.train.images,
    labels: dataset.train.labels,
    count,
  });
  const tfjsMedian = median(tfjs.secondsPerEpoch);
  console.log(name);
  console.log(line("fixnet, 1 thread", oneThread));
  console.log(line("fixnet, 2 threads", twoThreads));
  console.log(line(`TF.js ${tfjs.backend}${tfjs.simd ? "+SIMD" : ""}, ${tfjs.threads ?? 1} thread`, tfjs.secondsPerEpoch));
  console.log(`  fixnet is ${(tfjsMedian / median(oneThread)).toFixed(1)}x faster per epoch on one thread, ${(tfjsMedian / median(twoThreads)).toFixed(1)}x on two\n`);
}
