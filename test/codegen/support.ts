// Shared by the codegen tests: the toolchain checks per target (CI=true: fail when missing),
// the golden vectors, a quickly trained classic 784-16-16-10 model, and the comparison with the
// reference emulator that prints the first mismatch.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { loadDataset } from "../../src/data/mnist.ts";
import { firstMismatch } from "../../src/flash/measure.ts";
import { TARGET_TOOLS, type Target } from "../../src/flash/toolchains.ts";
import { readQuantizedModel } from "../../src/model/quantized-file.ts";
import type { QuantizedModel } from "../../src/model/quantized-model.ts";
import { emulateBatch } from "../../src/quantize/emulator.ts";
import { quantizeFloatModel } from "../../src/quantize/pipeline.ts";
import { train } from "../../src/train/loop.ts";
import { requireTool } from "../support/tools.ts";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const goldenFolder = join(root, "test", "fixtures", "golden");

/**
 * True when a target's tools are missing and its tests should skip (a message names the Debian
 * packages); with CI=true a missing tool throws instead. Commands go through requireTool; files
 * (headers, specs) are checked here the same way.
 */
export function targetMissing(target: Target): boolean {
  let missing = false;
  for (const requirement of TARGET_TOOLS[target]) {
    if (requirement.tool.startsWith("/")) {
      if (existsSync(requirement.tool)) continue;
      const message = `${requirement.tool} not found (Debian: apt-get install -y --no-install-recommends ${requirement.debianPackage})`;
      if (process.env.CI === "true") throw new Error(`${message}; CI=true, so tests that need it must run`);
      console.warn(`skipping the ${target} tests: ${message}`);
      missing = true;
    } else if (requireTool(requirement.tool, requirement.debianPackage) === null) {
      missing = true;
    }
  }
  return missing;
}

export interface GoldenCase {
  name: string;
  model: QuantizedModel;
  expectedLogits: Int8Array;
  expectedClasses: number[];
}

export interface Golden {
  inputs: Uint8Array;
  count: number;
  cases: GoldenCase[];
}

/** test/fixtures/golden: the models, the 20 inputs and their expected logits. */
export function loadGolden(): Golden {
  const vectors = JSON.parse(readFileSync(join(goldenFolder, "vectors.json"), "utf8")) as {
    inputs: number[][];
    cases: { name: string; model: string; expectedLogits: number[][]; expectedClasses: number[] }[];
  };
  return {
    inputs: Uint8Array.from(vectors.inputs.flat()),
    count: vectors.inputs.length,
    cases: vectors.cases.map((entry) => ({
      name: entry.name,
      model: readQuantizedModel(join(goldenFolder, entry.model)),
      expectedLogits: Int8Array.from(entry.expectedLogits.flat()),
      expectedClasses: entry.expectedClasses,
    })),
  };
}

export const mnist = loadDataset();

/** The classic 784-16-16-10 relu network, trained briefly (2 epochs) and quantized. A few seconds. */
export async function trainClassicModel(): Promise<QuantizedModel> {
  const result = await train(mnist.train, {
    layers: [784, 16, 16, 10], hiddenActivation: "relu", optimizer: "adam", learningRate: 0.003, momentum: 0.9,
    batchSize: 32, epochs: 2, schedule: "cosine", decayRate: 1, l2: 0, validationCount: 5000, seed: 1, maxShift: 1, labelSmoothing: 0, distillation: null,
  });
  return quantizeFloatModel({ network: result.network, training: null }, mnist, { source: "test classic network", verify: false }).model;
}

/** Asserts that actual logits ([count][classes]) are the reference emulator's, tolerance 0; a
 *  failure names the first mismatch (image, logit, index, expected, actual). */
export function expectEmulatorLogits(model: QuantizedModel, images: Uint8Array, count: number, actual: Int8Array, what: string): void {
  const expected = emulateBatch(model, images, count);
  const classes = model.layers[model.layers.length - 1];
  expect(firstMismatch(expected, actual, classes), `${what}: first mismatch`).toBeNull();
}

/** Asserts the golden expectations for one case. */
export function expectGolden(golden: Golden, entry: GoldenCase, logits: Int8Array, classes: Int32Array, what: string): void {
  const classCount = entry.model.layers[entry.model.layers.length - 1];
  expect(firstMismatch(entry.expectedLogits, logits, classCount), `${what} ${entry.name}: first mismatch with vectors.json`).toBeNull();
  expect(Array.from(classes), `${what} ${entry.name}: classes`).toEqual(entry.expectedClasses);
  expectEmulatorLogits(entry.model, golden.inputs, golden.count, logits, `${what} ${entry.name}`);
}
