// `fixnet pipeline` (what `npm start` runs): the whole job on the default data with default
// settings, leaving every product in one output folder. Grows with each stage fixnet gains.

import type { Command } from "commander";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { FixnetError } from "../errors.ts";
import type { Io } from "./io.ts";
import { DEFAULT_CALIBRATION } from "../quantize/calibrate.ts";
import { runCodegen } from "./codegen.ts";
import { DEFAULT_C_NAME } from "../codegen/c.ts";
import { runQuantize } from "./quantize.ts";
import { runReport } from "./report.ts";
import { addTrainingOptions, runTraining, type TrainCommandOptions } from "./train.ts";

export function registerPipeline(program: Command, io: Io): void {
  addTrainingOptions(
    program
      .command("pipeline")
      .description("train the default network, quantize it to int8 and verify it in the emulator, writing everything to one folder and ending with report.html (npm start)")
      .option("-o, --out-dir <dir>", "folder for the model files and generated code", "out"),
  ).action(async (options: TrainCommandOptions & { outDir: string }) => {
    if (existsSync(options.outDir) && !statSync(options.outDir).isDirectory()) {
      throw new FixnetError("bad-option", `--out-dir ${options.outDir}: is a file, expected a folder`);
    }
    mkdirSync(options.outDir, { recursive: true });
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
    // Last: the report sees every product above (and any size-*.json footprints in the folder).
    const report = runReport([modelPath, quantizedPath], { out: join(options.outDir, "report.html"), data: options.data, quiet: options.quiet }, io);
    if (!options.quiet) io.out(`report: ${report.path}\n`);
  });
}
