// `fixnet size` as a library call: generate the C for a model, build it for a target, run it on
// test images in the target's simulator, and report flash, RAM and cost per inference, with
// every logit checked against the emulator on the way. No printing; the command formats it.

import { join } from "node:path";
import { generateCFiles, scratchLayout, writeGeneratedFiles } from "../codegen/c.ts";
import { quantizedModelSha256 } from "../model/quantized-file.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { emulateBatchFast } from "../quantize/emulator-fast.ts";
import type { CortexMChip } from "./chips.ts";
import { measureFootprint, type Footprint } from "./footprint.ts";
import { runOnHost, runOnQemu, runOnSimavr, type FirmwareRun } from "./simulators.ts";
import { AVR_FREQUENCY, buildBoardFirmware, buildFirmware, buildQemuInstructionCounter, buildSimavrRunner, TARGET_TOOLS, type BoardFirmware, type BuildOptions, type Firmware, type Target } from "./toolchains.ts";
import { makeTemporaryFolder, removeTemporaryFolder } from "./processes.ts";
import { requireTools } from "./tools.ts";

/** The header name prefix fixnet uses for its own builds. */
const BUILD_NAME = "net";

export interface Statistics {
  mean: number;
  min: number;
  max: number;
}

export interface SizeReport {
  target: Target;
  layers: number[];
  /** quantizedModelSha256 of the model measured: the report checks a footprint belongs to its model. */
  modelSha256: string;
  /** Test images run. */
  images: number;
  flash: Footprint;
  ram: {
    /** The caller's scratch buffer: NAME_SCRATCH_WORDS int32 words. */
    scratchBytes: number;
    /** The most stack one fixnet_predict call used (painted-stack measurement); null on the host. */
    stackPeakBytes: number | null;
    /** Static RAM of the runtime itself (0). */
    runtimeStaticBytes: number;
  };
  /** Cycles (AVR, exact, simavr) or instructions (Cortex-M3, exact, QEMU) per call; null on the host. */
  perInference: (Statistics & { unit: "cycles" | "instructions"; milliseconds: Statistics | null }) | null;
  /** The firmware's logits against the emulator's, on every image run. */
  bitExact: { images: number; mismatches: number; firstMismatch: string | null };
}

export function statistics(values: readonly number[]): Statistics {
  return {
    mean: values.reduce((sum, value) => sum + value, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** The first logit where actual differs from expected ([count][classes]), as a sentence; or null. */
export function firstMismatch(expected: Int8Array, actual: Int8Array, classes: number): string | null {
  if (expected.length !== actual.length) return `expected ${expected.length} logits, found ${actual.length}`;
  const index = expected.findIndex((value, k) => value !== actual[k]);
  if (index < 0) return null;
  return `image ${Math.floor(index / classes)}, logit ${index % classes} (index ${index}): expected ${expected[index]}, actual ${actual[index]}`;
}

/** Writes the model's C into folder and builds the target's harness in folder/build. */
export function buildModelFirmware(model: QuantizedModel, target: Target, folder: string, options: BuildOptions = {}): Firmware {
  const source = join(folder, "c");
  writeGeneratedFiles(source, generateCFiles(model, BUILD_NAME, null));
  return buildFirmware(target, { folder: source, name: BUILD_NAME }, join(folder, "build"), options);
}

/** Writes the model's C into folder and builds chip's standalone firmware (board.c) in folder/build. */
export function buildModelBoardFirmware(model: QuantizedModel, chip: CortexMChip, folder: string): BoardFirmware {
  const source = join(folder, "c");
  writeGeneratedFiles(source, generateCFiles(model, BUILD_NAME, null));
  return buildBoardFirmware(chip, { folder: source, name: BUILD_NAME }, join(folder, "build"));
}

/** Runs a built firmware on images ([count][inputs] bytes) in its target's simulator. */
export function runFirmware(firmware: Firmware, images: Uint8Array, count: number, classes: number, toolsDir: string): FirmwareRun {
  switch (firmware.target) {
    case "host":
      return runOnHost(firmware, images, count, classes);
    case "cortex-m3":
      return runOnQemu(firmware, images, count, classes, buildQemuInstructionCounter(toolsDir));
    case "avr":
      return runOnSimavr(firmware, buildSimavrRunner(toolsDir), images, count, classes);
  }
}

/**
 * Builds the model for target, runs it on the first `count` of images ([n][inputs] raw pixels)
 * and measures it. Works in a temporary folder, removed afterwards (or at exit, see
 * makeTemporaryFolder).
 * @throws FixnetError "missing-tool" when the target's toolchain or simulator is missing,
 * "interrupted" on Ctrl-C.
 */
export function measureModelOnTarget(model: QuantizedModel, target: Target, images: Uint8Array, count: number, options: BuildOptions = {}): SizeReport {
  requireTools(TARGET_TOOLS[target]);
  const classes = model.layers[model.layers.length - 1];
  const inputs = model.layers[0];
  const batch = images.subarray(0, count * inputs);
  const folder = makeTemporaryFolder(`fixnet-size-${target}-`);
  try {
    const firmware = buildModelFirmware(model, target, folder, options);
    const flash = measureFootprint(firmware);
    const run = runFirmware(firmware, batch, count, classes, join(folder, "tools"));
    const expected = emulateBatchFast(model, batch, count);
    const mismatch = firstMismatch(expected, run.logits, classes);
    let mismatches = 0;
    for (let n = 0; n < count; n++) {
      if (expected.subarray(n * classes, (n + 1) * classes).some((value, k) => value !== run.logits[n * classes + k])) mismatches++;
    }
    const costs = run.costs;
    const unit = target === "avr" ? "cycles" : "instructions";
    const perInference = costs === null ? null : {
      unit,
      ...statistics(costs),
      milliseconds: target === "avr" ? statistics(costs.map((cycles) => (1000 * cycles) / AVR_FREQUENCY)) : null,
    } as const;
    return {
      target,
      layers: model.layers,
      modelSha256: quantizedModelSha256(model),
      images: count,
      flash,
      ram: { scratchBytes: 4 * scratchLayout(model).scratchWords, stackPeakBytes: run.stackBytes, runtimeStaticBytes: flash.runtimeStaticRam },
      perInference,
      bitExact: { images: count, mismatches, firstMismatch: mismatch },
    };
  } finally {
    removeTemporaryFolder(folder);
  }
}
