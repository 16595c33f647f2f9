// `fixnet codegen QMODEL --out DIR [--name NAME]`: the int8 model as C for a firmware project
// (NAME_model.h, data only, plus the hand-written runtime), or with --target espruino as an
// Espruino module (NAME.js, NAME.bin for Storage or --inline weights, NAME-example.js).

import type { Command } from "commander";
import { DEFAULT_C_NAME, generateCFromFile } from "../codegen/c.ts";
import { generateEspruinoFromFile } from "../codegen/espruino.ts";
import { loadDataset } from "../data/mnist.ts";
import { checkOutputFolder } from "./folders.ts";
import type { Io } from "./io.ts";
import { oneOf } from "./options.ts";

export const CODEGEN_TARGETS = ["c", "espruino"] as const;
export type CodegenTarget = (typeof CODEGEN_TARGETS)[number];

export interface CodegenCommandOptions {
  out: string;
  name: string;
  target: CodegenTarget;
  /** espruino: weights inlined as base64 instead of NAME.bin. */
  inline?: boolean;
  quiet?: boolean;
}

/** Generates the files; returns their paths. */
export function runCodegen(qmodelPath: string, options: CodegenCommandOptions, io: Io): string[] {
  checkOutputFolder(options.out, "--out"); // made by the writer, once the model has been read
  const paths = options.target === "espruino" ? generateEspruinoFromFile(qmodelPath, options.out, options.name, { inline: Boolean(options.inline) }, exampleImage()) : generateCFromFile(qmodelPath, options.out, options.name);
  if (!options.quiet) io.err(`wrote ${paths.join(", ")}\n`);
  return paths;
}

/** The first bundled MNIST test image, which the Espruino example app classifies at start. */
function exampleImage(): { pixels: Uint8Array; label: number; description: string } {
  const test = loadDataset().test;
  return { pixels: test.images.subarray(0, test.rows * test.cols), label: test.labels[0], description: "MNIST test image 0" };
}

export function registerCodegen(program: Command, io: Io): void {
  program
    .command("codegen")
    .description("write an int8 model as C for microcontrollers (NAME_model.h, data only, and the fixnet runtime) or as an Espruino module")
    .argument("<qmodel>", "quantized model file written by fixnet quantize")
    .requiredOption("-o, --out <dir>", "folder for the generated files (required; created if missing)")
    .option("--name <name>", "C identifier prefixing the generated names: NAME_model.h, NAME_model, NAME_SCRATCH_WORDS", DEFAULT_C_NAME)
    .option("--target <target>", `what to generate: ${CODEGEN_TARGETS.join(", ")}`, oneOf(CODEGEN_TARGETS), "c")
    .option("--inline", "espruino: weights inlined in NAME.js as base64 (one upload, costs RAM) instead of NAME.bin for Storage")
    .option("--quiet", "print nothing but errors")
    .action((qmodelPath: string, options: CodegenCommandOptions) => {
      runCodegen(qmodelPath, options, io);
    });
}
