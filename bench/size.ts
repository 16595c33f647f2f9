// Footprint of the generated C (npm run bench:size [FLOAT_MODEL] [--images N] [--targets avr,cortex-m3,host]):
// quantizes a float model (the one given, or the classic 784-16-16-10 relu network trained
// briefly here), then builds the C for each target, runs it on MNIST test images in the target's
// simulator and prints flash, RAM and cycles / instructions per inference (mean, min, max), each
// run checked bit-exact against the emulator. Benchmark-only; nothing in src/ imports it.

import { performance } from "node:perf_hooks";
import { loadDataset } from "../src/data/mnist.ts";
import { FixnetError } from "../src/errors.ts";
import { formatSizeReport } from "../src/commands/size.ts";
import { measureModelOnTarget } from "../src/flash/measure.ts";
import { TARGETS, type Target } from "../src/flash/toolchains.ts";
import type { FloatModel } from "../src/model/file.ts";
import { quantizeFloatModel } from "../src/quantize/pipeline.ts";
import { quickFloatModel } from "./quick-model.ts";

const argumentsGiven = process.argv.slice(2);
function option(name: string): string | undefined {
  const index = argumentsGiven.indexOf(name);
  return index < 0 ? undefined : argumentsGiven.splice(index, 2)[1];
}
const images = Number(option("--images") ?? 10000);
const targets = (option("--targets") ?? "avr,cortex-m3,host").split(",") as Target[];
const modelPath = argumentsGiven[0];

const dataset = loadDataset();

const floatModel = (): Promise<FloatModel> => quickFloatModel(dataset, modelPath);

try {
  if (!Number.isInteger(images) || images < 1 || images > dataset.test.count) {
    throw new FixnetError("bad-option", `--images: expected 1 to ${dataset.test.count}, found ${images}`);
  }
  for (const target of targets) {
    if (!(TARGETS as readonly string[]).includes(target)) throw new FixnetError("bad-option", `--targets: unknown target ${target} (expected ${TARGETS.join(", ")})`);
  }
  const { model, verification } = quantizeFloatModel(await floatModel(), dataset, { source: modelPath ?? "trained network" });
  console.log(`int8 test accuracy ${(100 * verification!.int8.accuracy).toFixed(2)}%; ${images} MNIST test images per target\n`);
  for (const target of targets) {
    const started = performance.now();
    const report = measureModelOnTarget(model, target, dataset.test.images, images);
    process.stdout.write(formatSizeReport(report));
    console.log(`(measured in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  }
} catch (error) {
  if (!(error instanceof FixnetError)) throw error;
  console.error(error.message);
  process.exit(error.exitCode);
}
