// `fixnet codegen QMODEL --out DIR [--name NAME]`: the int8 model as C for a firmware project
// (NAME_model.h, data only, plus the hand-written runtime). --target leaves room for other
// outputs; "c" is the only one so far.

import type { Command } from "commander";
import { DEFAULT_C_NAME, generateCFromFile } from "../codegen/c.ts";
import type { Io } from "./io.ts";
import { oneOf } from "./options.ts";

export const CODEGEN_TARGETS = ["c"] as const;
export type CodegenTarget = (typeof CODEGEN_TARGETS)[number];

export interface CodegenCommandOptions {
  out: string;
  name: string;
  target: CodegenTarget;
  quiet?: boolean;
}

/** Generates the files; returns their paths. */
export function runCodegen(qmodelPath: string, options: CodegenCommandOptions, io: Io): string[] {
  const paths = generateCFromFile(qmodelPath, options.out, options.name);
  if (!options.quiet) io.err(`wrote ${paths.join(", ")}\n`);
  return paths;
}

export function registerCodegen(program: Command, io: Io): void {
  program
    .command("codegen")
    .description("write an int8 model as C for microcontrollers: NAME_model.h (data only) and the fixnet runtime")
    .argument("<qmodel>", "quantized model file written by fixnet quantize")
    .requiredOption("-o, --out <dir>", "folder for the generated files (created if missing)")
    .option("--name <name>", "C identifier prefixing the generated names: NAME_model.h, NAME_model, NAME_SCRATCH_WORDS", DEFAULT_C_NAME)
    .option("--target <target>", `what to generate: ${CODEGEN_TARGETS.join(", ")}`, oneOf(CODEGEN_TARGETS), "c")
    .option("--quiet", "print nothing but errors")
    .action((qmodelPath: string, options: CodegenCommandOptions) => {
      runCodegen(qmodelPath, options, io);
    });
}
