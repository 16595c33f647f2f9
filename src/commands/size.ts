// `fixnet size QMODEL [--target host|cortex-m3|avr]`: what the generated C costs on a target —
// flash for the model and the runtime, RAM, and cycles (AVR) or instructions (Cortex-M3) per
// inference over MNIST test images — measured by building it and running it in the simulator.

import type { Command } from "commander";
import { loadDataset } from "../data/mnist.ts";
import { FixnetError } from "../errors.ts";
import { measureModelOnTarget, type SizeReport } from "../flash/measure.ts";
import { TARGET_TOOLS, TARGETS, type Target } from "../flash/toolchains.ts";
import { requireTools } from "../flash/tools.ts";
import { readQuantizedModel } from "../model/quantized-file.ts";
import type { Io } from "./io.ts";
import { integerIn, oneOf } from "./options.ts";

export const DEFAULT_SIZE_IMAGES = 100;

const bytes = (value: number): string => `${value.toLocaleString("en-US")} bytes`;
const whole = (value: number): string => Math.round(value).toLocaleString("en-US");

export function formatSizeReport(report: SizeReport): string {
  const { flash, ram, perInference, bitExact } = report;
  const lines = [
    `${report.layers.join("-")} on ${report.target}`,
    `flash: model data ${bytes(flash.modelData)}, runtime code ${bytes(flash.runtimeCode)}` +
      (flash.runtimeHelpers > 0 ? ` + ${bytes(flash.runtimeHelpers)} of helpers it calls (${flash.helperNames.join(", ")})` : "") +
      ` (whole test firmware: ${bytes(flash.firmwareFlash)})`,
    `RAM: scratch ${bytes(ram.scratchBytes)} (the caller's buffer)` +
      (ram.stackPeakBytes === null ? "" : `, stack ${bytes(ram.stackPeakBytes)} at most during a call`) +
      `, runtime statics ${bytes(ram.runtimeStaticBytes)}; plus the caller's image and logits`,
  ];
  if (perInference) {
    const time = perInference.milliseconds
      ? ` (${perInference.milliseconds.mean.toFixed(2)} ms at 16 MHz; ${perInference.milliseconds.min.toFixed(2)} to ${perInference.milliseconds.max.toFixed(2)} ms)`
      : "";
    lines.push(`${perInference.unit} per inference over ${report.images} test images: mean ${whole(perInference.mean)}, min ${whole(perInference.min)}, max ${whole(perInference.max)}${time}`);
  } else {
    lines.push(`per inference: not counted on the host (cycles on avr, instructions on cortex-m3)`);
  }
  lines.push(bitExact.mismatches === 0
    ? `bit-exact: all ${bitExact.images} images give the emulator's logits`
    : `NOT bit-exact: ${bitExact.mismatches} of ${bitExact.images} images differ from the emulator; first: ${bitExact.firstMismatch}`);
  return `${lines.join("\n")}\n`;
}

export interface SizeCommandOptions {
  target: Target;
  images: number;
  data?: string;
  json?: boolean;
}

export function runSize(qmodelPath: string, options: SizeCommandOptions, io: Io): SizeReport {
  requireTools(TARGET_TOOLS[options.target]); // before any slow work
  const model = readQuantizedModel(qmodelPath);
  const dataset = loadDataset(options.data);
  if (dataset.test.rows * dataset.test.cols !== model.layers[0]) {
    throw new FixnetError("bad-option", `${qmodelPath}: the model takes ${model.layers[0]} inputs but the test images have ${dataset.test.rows * dataset.test.cols} pixels`);
  }
  if (options.images > dataset.test.count) {
    throw new FixnetError("bad-option", `--images: ${options.images} asked for, the test set has ${dataset.test.count}`);
  }
  const report = measureModelOnTarget(model, options.target, dataset.test.images, options.images);
  io.out(options.json ? `${JSON.stringify({ model: qmodelPath, ...report }, null, 2)}\n` : formatSizeReport(report));
  if (report.bitExact.mismatches > 0) {
    throw new FixnetError("bad-file", `${qmodelPath}: the ${options.target} build does not reproduce the emulator (${report.bitExact.firstMismatch}); this is a fixnet bug, please report it`);
  }
  return report;
}

export function registerSize(program: Command, io: Io): void {
  program
    .command("size")
    .description("build the generated C for a target and measure it in a simulator: flash, RAM, cycles or instructions per inference")
    .argument("<qmodel>", "quantized model file written by fixnet quantize")
    .option("--target <target>", `${TARGETS.join(", ")} (avr: ATmega328P on simavr; cortex-m3: QEMU lm3s6965evb)`, oneOf(TARGETS), "avr")
    .option("--images <n>", "MNIST test images to run", integerIn(1, 65535), DEFAULT_SIZE_IMAGES)
    .option("--data <dir>", "MNIST-format data whose test images are used (default: bundled MNIST)")
    .option("--json", "print the figures as JSON")
    .action((qmodelPath: string, options: SizeCommandOptions) => {
      runSize(qmodelPath, options, io);
    });
}
