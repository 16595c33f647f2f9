// `fixnet pipeline` (what `npm start` runs): the whole job on the default data with default
// settings, leaving every product in one output folder. Grows with each stage fixnet gains.

import type { Command } from "commander";
import { join } from "node:path";
import { FixnetError } from "../errors.ts";
import { loadDataset } from "../data/mnist.ts";
import { writeFileAtomic } from "../files.ts";
import { measureModelOnTarget } from "../flash/measure.ts";
import { TARGET_TOOLS, TARGETS } from "../flash/toolchains.ts";
import { findTool, installHint } from "../flash/tools.ts";
import { readQuantizedModel } from "../model/quantized-file.ts";
import { DEFAULT_SIZE_IMAGES } from "./size.ts";
import { makeOutputFolder } from "./folders.ts";
import type { Io } from "./io.ts";
import { DEFAULT_CALIBRATION } from "../quantize/calibrate.ts";
import { runCodegen } from "./codegen.ts";
import { DEFAULT_C_NAME } from "../codegen/c.ts";
import { runQuantize } from "./quantize.ts";
import { runReport } from "./report.ts";
import { addTrainingOptions, runTraining, type TrainCommandOptions } from "./train.ts";

/** size-TARGET.json for every target whose toolchain is installed (the report shows them);
 *  a target without its toolchain is skipped with the install command. */
function measureFootprints(quantizedPath: string, options: TrainCommandOptions & { outDir: string }, io: Io): void {
  const model = readQuantizedModel(quantizedPath);
  const test = loadDataset(options.data).test;
  const images = Math.min(DEFAULT_SIZE_IMAGES, test.count);
  for (const target of TARGETS) {
    const missing = TARGET_TOOLS[target].filter((requirement) => findTool(requirement.tool) === null);
    if (missing.length > 0) {
      if (!options.quiet) io.err(`footprint on ${target}: skipped, needs ${installHint(missing)}\n`);
      continue;
    }
    const report = measureModelOnTarget(model, target, test.images, images);
    if (report.bitExact.mismatches > 0) {
      throw new FixnetError("bad-file", `${quantizedPath}: the ${target} build does not reproduce the emulator (${report.bitExact.firstMismatch}); this is a fixnet bug, please report it`);
    }
    const path = join(options.outDir, `size-${target}.json`);
    writeFileAtomic(path, `${JSON.stringify({ model: quantizedPath, ...report }, null, 2)}\n`);
    if (!options.quiet) io.err(`footprint on ${target}: ${path} (bit-exact on ${images} test images)\n`);
  }
}

export function registerPipeline(program: Command, io: Io): void {
  addTrainingOptions(
    program
      .command("pipeline")
      .description("the whole job (npm start): train, quantize to int8 and verify in the emulator, generate C, measure it on every target whose toolchain is installed, and write report.html, all into one folder")
      .option("-o, --out-dir <dir>", "folder for the model files and generated code", "out"),
  ).action(async (options: TrainCommandOptions & { outDir: string }) => {
    // Both folders now, so a path fixnet cannot use is refused before training, not after.
    makeOutputFolder(options.outDir, "--out-dir");
    makeOutputFolder(join(options.outDir, "c"), "--out-dir");
    const modelPath = join(options.outDir, "model.json");
    await runTraining({ ...options, out: modelPath }, io);
    const quantizedPath = runQuantize(modelPath, {
      out: join(options.outDir, "model.int8.json"),
      data: options.data,
      calibration: DEFAULT_CALIBRATION.method,
      percentile: DEFAULT_CALIBRATION.percentile,
      quiet: options.quiet,
    }, io);
    const cFiles = runCodegen(quantizedPath, { out: join(options.outDir, "c"), name: DEFAULT_C_NAME, target: "c", quiet: true }, io);
    if (!options.quiet) io.err(`done: ${modelPath}, ${quantizedPath}, ${cFiles[0]} (+ the C runtime)\n`);
    measureFootprints(quantizedPath, options, io);
    // Last: the report sees every product above (and any size-*.json footprints in the folder).
    const report = runReport([modelPath, quantizedPath], { out: join(options.outDir, "report.html"), data: options.data, quiet: options.quiet }, io);
    if (!options.quiet) io.out(`report: ${report.path}\n`);
  });
}
