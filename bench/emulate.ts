// Emulator speed (npm run bench:emulate [FLOAT_MODEL] [--hidden relu|sigmoid|tanh]): quantizes a
// float model (the one given, or the classic 784-16-16-10 trained briefly here), then times the
// reference and the fast int8 emulator over the 10,000 MNIST test images (median of several
// runs) and prints inferences per second with the int8 / float accuracy and agreement.
// Benchmark-only; nothing in src/ imports it.

import { performance } from "node:perf_hooks";
import { loadDataset } from "../src/data/mnist.ts";
import { FixnetError } from "../src/errors.ts";
import type { FloatModel } from "../src/model/file.ts";
import type { Activation } from "../src/model/network.ts";
import { emulateBatchFast } from "../src/quantize/emulator-fast.ts";
import { emulateBatch } from "../src/quantize/emulator.ts";
import { quantizeFloatModel } from "../src/quantize/pipeline.ts";
import { quickFloatModel } from "./quick-model.ts";

const argumentsGiven = process.argv.slice(2);
const hiddenIndex = argumentsGiven.indexOf("--hidden");
const hidden = (hiddenIndex >= 0 ? argumentsGiven.splice(hiddenIndex, 2)[1] : "relu") as Activation;
const modelPath = argumentsGiven[0];

const dataset = loadDataset();
const { test } = dataset;

const floatModel = (): Promise<FloatModel> => quickFloatModel(dataset, modelPath, hidden, 0);

/** Median seconds of `runs` calls of work (after one warm-up call). */
function medianSeconds(runs: number, work: () => void): number {
  work();
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    seconds.push((performance.now() - start) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return seconds[Math.floor(runs / 2)];
}

let float: FloatModel;
try {
  float = await floatModel();
} catch (error) {
  if (!(error instanceof FixnetError)) throw error;
  console.error(error.message);
  process.exit(error.exitCode);
}
const started = performance.now();
const { model, verification } = quantizeFloatModel(float, dataset, { source: modelPath ?? "trained network" });
const quantizeSeconds = (performance.now() - started) / 1000;
const comparison = verification!.float!;

const logits = new Int8Array(test.count * model.layers[model.layers.length - 1]);
const referenceSeconds = medianSeconds(3, () => emulateBatch(model, test.images, test.count, logits));
const fastSeconds = medianSeconds(9, () => emulateBatchFast(model, test.images, test.count, logits));

const percent = (fraction: number): string => `${(100 * fraction).toFixed(2)}%`;
const rate = (seconds: number): string => `${Math.round(test.count / seconds).toLocaleString("en-US")} inferences/s (${(seconds * 1000).toFixed(1)} ms for ${test.count})`;
console.log(`model            ${model.layers.join("-")} ${model.hiddenActivation}, calibrated on ${model.calibration!.images} images (${model.calibration!.method})`);
console.log(`quantize+verify  ${quantizeSeconds.toFixed(2)} s`);
console.log(`accuracy         float ${percent(comparison.evaluation.accuracy)}, int8 ${percent(verification!.int8.accuracy)}, ` +
  `agreement ${percent(comparison.agreement)} (${comparison.changed} changed), largest logit difference ${comparison.largestLogitDifference.toFixed(3)}`);
console.log(`saturation       ${verification!.saturation.map((layer, l) => `layer ${l}: ${layer.below} low, ${layer.above} high of ${layer.values}`).join("; ")}`);
console.log(`reference        ${rate(referenceSeconds)}`);
console.log(`fast             ${rate(fastSeconds)} (target >= 50,000)`);
