// `fixnet quantize MODEL` and `fixnet verify QMODEL`: float model → int8 model file, and the
// int8 model measured in the reference emulator against its float original.

import type { Command } from "commander";
import { basename, dirname, join } from "node:path";
import { loadDataset } from "../data/mnist.ts";
import { FixnetError } from "../errors.ts";
import { checkOutputPath } from "../files.ts";
import { readFloatModel } from "../model/file.ts";
import { CALIBRATION_METHODS, type CalibrationMethod } from "../model/quantized-model.ts";
import { checkQuantizedFrom, readQuantizedModel, writeQuantizedModel } from "../model/quantized-file.ts";
import { DEFAULT_CALIBRATION } from "../quantize/calibrate.ts";
import { quantizeFloatModel } from "../quantize/pipeline.ts";
import { verifyQuantized, type Verification } from "../quantize/verify.ts";
import { formatConfusion } from "./eval.ts";
import type { Io } from "./io.ts";
import { integerIn, numberIn, oneOf } from "./options.ts";

const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

export interface QuantizeCommandOptions {
  out?: string;
  data?: string;
  perTensor?: boolean;
  calibrationImages?: number;
  calibration: CalibrationMethod;
  percentile: number;
  json?: boolean;
  quiet?: boolean;
}

/** The two calibration options as given on the command line (commander gives them no default,
 *  so that "not given" can be told from "given as the default"). */
export interface CalibrationArguments {
  calibration?: CalibrationMethod;
  percentile?: number;
}

/**
 * --percentile alone implies --calibration percentile; --calibration minmax with --percentile is
 * a contradiction (minmax keeps the whole range), refused rather than silently ignored.
 */
export function resolveCalibrationArguments(given: CalibrationArguments): { calibration: CalibrationMethod; percentile: number } {
  if (given.calibration === "minmax" && given.percentile !== undefined) {
    throw new FixnetError("bad-option", `--percentile ${given.percentile}: contradicts --calibration minmax, which keeps the whole range seen; drop one of them (--percentile alone means --calibration percentile)`);
  }
  const calibration = given.calibration ?? (given.percentile !== undefined ? "percentile" : DEFAULT_CALIBRATION.method);
  return { calibration, percentile: given.percentile ?? DEFAULT_CALIBRATION.percentile };
}

/** `out/model.json` → `out/model.int8.json`. */
export function defaultQuantizedPath(floatPath: string): string {
  return join(dirname(floatPath), `${basename(floatPath).replace(/\.json$/, "")}.int8.json`);
}

export function printVerification(io: Io, verification: Verification): void {
  const { int8, float } = verification;
  io.out(`int8 test accuracy: ${percent(int8.accuracy)} (${int8.correct} of ${int8.count}, reference emulator)\n`);
  if (float) {
    io.out(`float test accuracy: ${percent(float.evaluation.accuracy)}  (int8 − float: ${(100 * (int8.accuracy - float.evaluation.accuracy)).toFixed(2)} points)\n`);
    io.out(`agreement: ${percent(float.agreement)} of images get the same class; ${float.changed} changed class\n`);
    io.out(`largest |int8 logit − float logit| after dequantization: ${float.largestLogitDifference.toFixed(4)}\n`);
  }
  io.out(`saturated (clamped at −128 or 127) per layer: ${verification.saturation.map((s, l) => `layer ${l + 1}: ${s.below + s.above} of ${s.values}`).join(", ")}\n`);
}

/** Reads, quantizes, verifies and writes; returns the output path. */
export function runQuantize(modelPath: string, options: QuantizeCommandOptions, io: Io): string {
  const out = options.out ?? defaultQuantizedPath(modelPath);
  checkOutputPath(out, "quantized model");
  const floatModel = readFloatModel(modelPath);
  const dataset = loadDataset(options.data);
  const calibrationImages = options.calibrationImages ?? Math.min(DEFAULT_CALIBRATION.images, dataset.train.count);
  if (calibrationImages > dataset.train.count) {
    throw new FixnetError("bad-option", `--calibration-images: ${options.calibrationImages} asked for, the training set has ${dataset.train.count}`);
  }
  const { model, verification } = quantizeFloatModel(floatModel, dataset, {
    perTensor: Boolean(options.perTensor),
    calibration: { ...DEFAULT_CALIBRATION, images: calibrationImages, method: options.calibration, percentile: options.percentile },
    source: modelPath,
  });
  writeQuantizedModel(out, model);
  if (options.json) io.out(`${JSON.stringify({ model: out, ...verification }, null, 2)}\n`);
  else if (!options.quiet) {
    io.err(`wrote ${out}\n`);
    if (verification) printVerification(io, verification);
  }
  return out;
}

export function registerQuantize(program: Command, io: Io): void {
  program
    .command("quantize")
    .description("quantize a float model to int8 (TFLite int8 scheme) and measure it in the emulator")
    .argument("<model>", "float model file written by fixnet train")
    .option("-o, --out <file>", "quantized model to write (default: MODEL with .int8.json)")
    .option("--data <dir>", "MNIST-format data: training images calibrate, test images verify (default: bundled MNIST)")
    .option("--per-tensor", "one weight scale per layer instead of one per output neuron")
    .option("--calibration-images <n>", `training images used to measure activation ranges (default: ${DEFAULT_CALIBRATION.images}, or all if fewer)`, integerIn(1, 10_000_000))
    .option("--calibration <method>", `activation range: ${CALIBRATION_METHODS.join(" or ")} (default: ${DEFAULT_CALIBRATION.method}, or percentile when --percentile is given)`, oneOf(CALIBRATION_METHODS))
    .option("--percentile <p>", `the percentile kept at each end of each range, above 50 (default: ${DEFAULT_CALIBRATION.percentile}); implies --calibration percentile, and contradicts --calibration minmax`, numberIn(50, 100, { exclusiveMin: true }))
    .option("--json", "print the verification figures as JSON")
    .option("--quiet", "print nothing but errors")
    .action((modelPath: string, options: Omit<QuantizeCommandOptions, "calibration" | "percentile"> & CalibrationArguments) => {
      runQuantize(modelPath, { ...options, ...resolveCalibrationArguments(options) }, io);
    });

  program
    .command("verify")
    .description("measure an int8 model in the bit-exact emulator: accuracy, agreement with the float model, saturation")
    .argument("<qmodel>", "quantized model file written by fixnet quantize")
    .option("--float <model>", "the float model to compare with (the one it was quantized from; another is refused)")
    .option("--data <dir>", "MNIST-format data whose test images are used (default: bundled MNIST)")
    .option("--json", "print the figures as JSON")
    .action((qmodelPath: string, options: { float?: string; data?: string; json?: boolean }) => {
      const model = readQuantizedModel(qmodelPath);
      const floatModel = options.float ? readFloatModel(options.float) : null;
      if (floatModel) checkQuantizedFrom(qmodelPath, model, options.float!, floatModel.network);
      const dataset = loadDataset(options.data);
      if (dataset.test.rows * dataset.test.cols !== model.layers[0]) {
        throw new FixnetError("bad-option", `${qmodelPath}: the model takes ${model.layers[0]} inputs but the test images have ${dataset.test.rows * dataset.test.cols} pixels`);
      }
      const verification = verifyQuantized(model, dataset.test, floatModel?.network);
      if (options.json) { io.out(`${JSON.stringify({ model: qmodelPath, ...verification }, null, 2)}\n`); return; }
      printVerification(io, verification);
      io.out(formatConfusion(verification.int8.confusion));
    });
}
