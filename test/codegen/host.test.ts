// The generated C on the host, against the TypeScript reference emulator with tolerance 0: the
// golden vectors (relu, sigmoid, tanh), 1,000 MNIST test images through a freshly trained
// classic network, the same under -fsanitize=undefined,address, the AVR code paths built for the
// host, the runtime's fixed-point helpers against fixed-point.ts, its status codes, and the
// header compiled as C++ (the Arduino IDE's language). All builds use -std=c99 -Wall -Wextra
// -Werror -pedantic.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCFiles, writeGeneratedFiles } from "../../src/codegen/c.ts";
import { buildModelFirmware } from "../../src/flash/measure.ts";
import { runOnHost } from "../../src/flash/simulators.ts";
import { C_WARNING_FLAGS, runProgram, type BuildOptions } from "../../src/flash/toolchains.ts";
import type { QuantizedModel } from "../../src/model/quantized-model.ts";
import { multiplyByQuantizedMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from "../../src/quantize/fixed-point.ts";
import { requireTool } from "../support/tools.ts";
import { expectEmulatorLogits, expectGolden, loadGolden, mnist, root, targetMissing, trainClassicModel } from "./support.ts";

const MNIST_IMAGES = 1000;
const folder = mkdtempSync(join(tmpdir(), "fixnet-host-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let builds = 0;
/** Builds the host harness for model with the given options; returns a runner over images. */
function hostBuild(model: QuantizedModel, options: BuildOptions = {}) {
  const firmware = buildModelFirmware(model, "host", join(folder, `build-${builds++}`), options);
  const classes = model.layers[model.layers.length - 1];
  return {
    firmware,
    run: (images: Uint8Array, count: number) => runOnHost(firmware, images, count, classes),
  };
}

describe.skipIf(targetMissing("host"))("generated C on the host (gcc)", () => {
  const golden = loadGolden();
  const testImages = mnist.test.images.subarray(0, MNIST_IMAGES * 784);
  let classic: QuantizedModel;
  beforeAll(async () => {
    classic = await trainClassicModel();
  });

  /** Golden vectors and MNIST images through one build configuration. */
  function checkConfiguration(what: string, options: BuildOptions) {
    for (const entry of golden.cases) {
      const run = hostBuild(entry.model, options).run(golden.inputs, golden.count);
      expectGolden(golden, entry, run.logits, run.classes, what);
    }
    const run = hostBuild(classic, options).run(testImages, MNIST_IMAGES);
    expectEmulatorLogits(classic, testImages, MNIST_IMAGES, run.logits, `${what}, ${MNIST_IMAGES} MNIST test images`);
  }

  it("reproduces the golden vectors and the emulator on 1,000 MNIST test images", () => {
    checkConfiguration("host -O2", {});
  });

  it("does the same under -fsanitize=undefined,address (no undefined behaviour, no bad access)", () => {
    checkConfiguration("host sanitized", { sanitize: true, optimization: "-O2" });
  });

  it("gives the same logits through the AVR C paths (unsigned products, narrow multiply) and odd chunk sizes", () => {
    checkConfiguration("host with AVR C paths", { sanitize: true, defines: { FIXNET_UNSIGNED_PRODUCTS: "1", FIXNET_NARROW_MULTIPLY: "1", FIXNET_CHUNK: "3" } });
    checkConfiguration("host, chunk 1", { defines: { FIXNET_CHUNK: "1" } });
  });

  it("returns status codes for bad arguments and a short scratch buffer", () => {
    const { firmware } = hostBuild(golden.cases[0].model);
    const output = runProgram(firmware.path, ["--check-errors"]);
    expect(output).toBe("null model -1\nnull pixels -1\nnull logits -1\nnull scratch -1\nsmall scratch -2\n");
  });

  it("runs the fixed-point helpers exactly as fixed-point.ts, halfway cases included", () => {
    const source = join(folder, "fixed-point");
    writeGeneratedFiles(source, generateCFiles(golden.cases[0].model, "golden", null));
    const driver = join(source, "driver");
    runProgram("gcc", [...C_WARNING_FLAGS, "-O2", "-fsanitize=undefined", "-fno-sanitize-recover=all", `-I${source}`,
      join(root, "test", "codegen", "fixed-point-driver.c"), join(source, "fixnet.c"), "-o", driver]);

    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const int32 = () => random() | 0;
    const calls: string[] = [];
    const expected: number[] = [];
    const highMul = (a: number, b: number) => { calls.push(`h ${a} ${b}`); expected.push(saturatingRoundingDoublingHighMul(a, b)); };
    const divide = (x: number, e: number) => { calls.push(`d ${x} ${e}`); expected.push(roundingDivideByPOT(x, e)); };
    const multiply = (x: number, m: number, s: number) => {
      calls.push(`m ${x} ${m} ${s}`, `n ${x} ${m} ${s}`);
      const value = multiplyByQuantizedMultiplier(x, m, s);
      expected.push(value, value);
    };
    const extremes = [-2147483648, -2147483647, -1073741825, -1073741824, -3, -2, -1, 0, 1, 2, 3, 1073741823, 1073741824, 2147483646, 2147483647];
    for (const a of extremes) for (const b of extremes) highMul(a, b);
    // Ties: a · 2^30 / 2^31 = a / 2 for odd a: +0.5 rounds up, −0.5 toward +infinity (to 0).
    for (let a = -9; a <= 9; a++) highMul(a, 1073741824);
    for (let e = 0; e <= 31; e++) {
      for (const x of extremes) divide(x, e);
      for (const k of [-3, -2, -1, 0, 1, 2]) {
        const halfway = k * 2 ** e + 2 ** (e - 1); // ties: away from zero
        if (e > 0 && halfway >= -2147483648 && halfway <= 2147483647) divide(halfway, e);
      }
    }
    multiply(379, 1073741824, -2); // the format document's double-rounding example: 48, not 47
    for (let n = 0; n < 20000; n++) {
      const multiplier = n % 5 === 0 ? 0 : n % 7 === 0 ? 2147483647 : 1073741824 + (random() % 1073741824);
      const shift = n % 3 === 0 ? random() % 31 : -(random() % 32); // left shifts too, though layers mostly shift right
      const left = Math.max(shift, 0);
      const limit = 2 ** (31 - left);
      const x = left === 0 ? int32() : (random() % (2 * limit)) - limit;
      multiply(x, multiplier, shift);
      highMul(int32(), int32());
      divide(int32(), random() % 32);
    }
    writeFileSync(join(source, "calls.txt"), `${calls.join("\n")}\n`);
    const actual = runProgram("sh", ["-c", `"${driver}" < "${join(source, "calls.txt")}"`]).trim().split("\n").map(Number);
    const index = actual.findIndex((value, k) => value !== expected[k]);
    expect(index < 0 ? null : `call ${index} (${calls[index]}): expected ${expected[index]}, actual ${actual[index]}`).toBeNull();
    expect(actual.length).toBe(expected.length);
  });

  it.skipIf(requireTool("g++", "g++") === null)("has a header that C++ (the Arduino IDE's language) compiles with warnings as errors", () => {
    const source = join(folder, "cplusplus");
    writeGeneratedFiles(source, generateCFiles(golden.cases[1].model, "mnist", null));
    const program = join(source, "sketch.cpp");
    writeFileSync(program, [
      `#include "mnist_model.h"`,
      `static int32_t scratch[MNIST_SCRATCH_WORDS];`,
      `int classify(const uint8_t *pixels, int8_t *logits) { return fixnet_predict(&mnist_model, pixels, logits, scratch, MNIST_SCRATCH_WORDS); }`,
      ``,
    ].join("\n"));
    runProgram("g++", ["-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only", `-I${source}`, program]);
  });
});
