// The generated Espruino module run in Node (with stand-ins for E.convolve, atob, Storage): its
// requantization against the TypeScript reference on the halfway cases and many random inputs,
// and its logits against the golden vectors and the reference emulator, tolerance 0. The same
// JavaScript runs on the real interpreter in interpreter.test.ts; Node gets through many more
// inputs quickly. Also the weights file's layout and the module's refusals.

import { describe, expect, it } from "vitest";
import {
  checkEspruinoName,
  crc32,
  espruinoWeights,
  generateEspruinoExample,
  generateEspruinoFiles,
  generateEspruinoModule,
  weightLayout,
} from "../../src/codegen/espruino.ts";
import { compactJavaScript } from "../../src/codegen/js-syntax.ts";
import { FixnetError } from "../../src/errors.ts";
import { multiplyByQuantizedMultiplier } from "../../src/quantize/fixed-point.ts";
import { expectEmulatorLogits, expectGolden, loadGolden, mnist } from "../codegen/support.ts";
import { edgeCases, randomCases, type RequantizeCase } from "./requantize-cases.ts";
import { runInNodeEspruino, syntheticModel, type EspruinoNet, type NodeEspruino } from "./support.ts";

const golden = loadGolden();
const relu = golden.cases.find((entry) => entry.name === "relu")!.model;
const MNIST_IMAGES = 200;
const mnistImages = mnist.test.images.subarray(0, MNIST_IMAGES * 784);

/** Runs predict over [count][inputs] images; returns classes and logits like the C harness. */
function predictAll(net: EspruinoNet, images: Uint8Array, count: number): { classes: Int32Array; logits: Int8Array } {
  const classes = new Int32Array(count);
  const logits = new Int8Array(count * net.classes);
  for (let n = 0; n < count; n++) {
    const result = net.predict(images.subarray(n * net.inputs, (n + 1) * net.inputs));
    classes[n] = result.digit;
    logits.set(result.logits, n * net.classes);
  }
  return { classes, logits };
}

/** The module's net, its weights given to the Storage stand-in or inlined. */
function loadNet(model = relu, inline = false): EspruinoNet {
  const files = generateEspruinoFiles(model, "net", { inline }, null, null);
  const storage: Record<string, Uint8Array> = {};
  for (const file of files) if (file.data instanceof Uint8Array) storage[file.name] = file.data;
  return runInNodeEspruino(files[0].data as string, storage).net as EspruinoNet;
}

function runtimeRequantize(runtime: NodeEspruino, testCase: RequantizeCase): number {
  const constants = (runtime.fixnetRequantizeConstants as (m: number, s: number) => Record<string, number>)(testCase.multiplier, testCase.shift);
  return runtime.fixnetRequantize(testCase.accumulator * constants.leftScale, constants.multiplierHigh, constants.multiplierLow, constants.divisor, constants.half);
}

/** The first case where the runtime differs from the reference, as a sentence; or null. */
function firstRequantizeMismatch(runtime: NodeEspruino, cases: RequantizeCase[]): string | null {
  for (const testCase of cases) {
    const expected = multiplyByQuantizedMultiplier(testCase.accumulator, testCase.multiplier, testCase.shift);
    const actual = runtimeRequantize(runtime, testCase);
    if (actual !== expected) return `${JSON.stringify(testCase)}: expected ${expected}, actual ${actual}`;
  }
  return null;
}

describe("Espruino requantization (Node)", () => {
  const runtime = runInNodeEspruino(generateEspruinoModule(relu, "net", { inline: true }, null));

  it("gives the reference's result on the halfway cases and the limits", () => {
    const cases = edgeCases();
    expect(cases.length).toBeGreaterThan(2000);
    expect(firstRequantizeMismatch(runtime, cases)).toBeNull();
  });

  it("gives the reference's result on 200,000 seeded random inputs", () => {
    expect(firstRequantizeMismatch(runtime, randomCases(200_000, 5))).toBeNull();
  });

  it("rounds twice, like TFLite: 379 · 0.5 · 2^-2 is 48, not 47; -379 gives -47", () => {
    expect(runtimeRequantize(runtime, { accumulator: 379, multiplier: 2 ** 30, shift: -2 })).toBe(48);
    expect(runtimeRequantize(runtime, { accumulator: -379, multiplier: 2 ** 30, shift: -2 })).toBe(-47);
  });
});

describe("Espruino module (Node)", () => {
  for (const entry of golden.cases) {
    it(`${entry.name}: golden vectors, with E.convolve and with plain loops, weights in Storage and inlined`, () => {
      for (const inline of [false, true]) {
        const net = loadNet(entry.model, inline);
        for (const convolve of [true, false]) {
          net.convolve = convolve;
          const { classes, logits } = predictAll(net, golden.inputs, golden.count);
          expectGolden(golden, entry, logits, classes, `node, inline ${inline}, convolve ${convolve}`);
        }
      }
    });

    it(`${entry.name}: ${MNIST_IMAGES} MNIST test images give the emulator's logits`, () => {
      const net = loadNet(entry.model);
      expectEmulatorLogits(entry.model, mnistImages, MNIST_IMAGES, predictAll(net, mnistImages, MNIST_IMAGES).logits, `node ${entry.name}`);
    });
  }

  it("reads weights beyond Espruino's 64 KB view offsets from Storage in parts (784-100-10)", () => {
    const model = syntheticModel([784, 100, 10], 3);
    expect(weightLayout(model).bytes).toBeGreaterThan(65536);
    const net = loadNet(model);
    const { logits } = predictAll(net, mnistImages, 50);
    expectEmulatorLogits(model, mnistImages, 50, logits, "node 784-100-10");
    expect(new Set(logits).size, "outputs spread over many values, not clamped").toBeGreaterThan(20);
    expect(() => generateEspruinoModule(model, "net", { inline: true }, null)).toThrow(/at most 65536 can be inlined/);
  });

  it("runs the same without comments (what fixnet flash uploads)", () => {
    const files = generateEspruinoFiles(relu, "net", { inline: true }, null, null);
    const compact = compactJavaScript(files[0].data as string);
    expect(compact.length).toBeLessThan((files[0].data as string).length * 0.8);
    expect(compact).not.toMatch(/\/\*|^\s/m);
    const net = runInNodeEspruino(compact).net as EspruinoNet;
    const { classes, logits } = predictAll(net, golden.inputs, golden.count);
    expectGolden(golden, golden.cases[0], logits, classes, "node, compacted");
  });

  it("takes plain arrays, clamping and rounding like Uint8ClampedArray", () => {
    const net = loadNet();
    const pixels = Array.from(mnistImages.subarray(0, 784));
    expect(net.predict(pixels).logits).toEqual(net.predict(mnistImages.subarray(0, 784)).logits);
    expect(() => net.predict(pixels.slice(1))).toThrow(/expected 784 pixels, got 783/);
  });

  it("refuses weights of the wrong length or CRC-32, and a missing Storage file", () => {
    const files = generateEspruinoFiles(relu, "net", { inline: false }, null, null);
    const code = files[0].data as string;
    const weights = files[1].data as Uint8Array;
    expect(() => runInNodeEspruino(code, {})).toThrow(/no Storage file "net.bin"/);
    expect(() => runInNodeEspruino(code, { "net.bin": weights.subarray(1) })).toThrow(/holds \d+ bytes, expected \d+/);
    const damaged = weights.slice();
    damaged[100] ^= 1;
    expect(() => runInNodeEspruino(code, { "net.bin": damaged })).toThrow(/has CRC-32 \d+, expected \d+/);
  });
});

describe("Espruino weights file and names", () => {
  it("holds each layer's weights as [outputs][inputs], then its table", () => {
    const sigmoid = golden.cases.find((entry) => entry.name === "sigmoid")!.model;
    const layout = weightLayout(sigmoid);
    const bytes = new Int8Array(espruinoWeights(sigmoid).buffer);
    expect(bytes.length).toBe(layout.bytes);
    sigmoid.dense.forEach((layer, l) => {
      const { weights, table } = layout.layers[l];
      const i = layer.inputs - 1;
      expect(bytes[weights + 3 * layer.inputs + i]).toBe(layer.weights[i * layer.outputs + 3]);
      if (layer.table) expect(Array.from(bytes.subarray(table, table + 256))).toEqual(Array.from(layer.table));
      else expect(table).toBe(-1);
    });
    expect(layout.bytes).toBe(784 * 8 + 256 + 8 * 8 + 256 + 8 * 10);
  });

  it("strips comments but not strings that look like them", () => {
    const code = `/* head */\nvar a = "/* kept */ // kept"; // gone\n  var b = 'it\\'s /*'; /* gone\n over lines */ var c = 4 / 2;\n\n`;
    expect(compactJavaScript(code)).toBe(`var a = "/* kept */ // kept";\nvar b = 'it\\'s /*';   var c = 4 / 2;\n`);
  });

  it("computes zlib's CRC-32", () => {
    expect(crc32(new TextEncoder().encode("hello"))).toBe(907060870);
    expect(crc32(new Uint8Array([255, 255, 255, 255]))).toBe(4294967295);
  });

  it("accepts JavaScript names that fit Storage, and refuses others with a reason", () => {
    expect(() => checkEspruinoName("mnist")).not.toThrow();
    const refusals: [string, RegExp][] = [
      ["9lives", /must start with a letter/],
      ["my-net", /contains "-"/],
      ["var", /reserved word/],
      ["E", /Espruino global/],
      ["fixnetNet", /starts with "fixnet"/],
      ["a_rather_long_name", /at most 16/],
    ];
    for (const [name, why] of refusals) {
      expect(() => checkEspruinoName(name)).toThrow(FixnetError);
      expect(() => checkEspruinoName(name)).toThrow(why);
    }
  });

  it("writes ASCII only (the espruino tool counts characters where Storage counts bytes)", () => {
    const files = generateEspruinoFiles(relu, "net", { inline: false }, { path: "/tmp/modèle.json", sha256: "0".repeat(64) }, { pixels: mnistImages.subarray(0, 784), label: 7, description: "test" });
    for (const file of files.filter((entry) => typeof entry.data === "string")) expect(file.data as string).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
  });

  it("fills the example app's name and image", () => {
    const text = generateEspruinoExample("mnist", { pixels: mnistImages.subarray(0, 784), label: 7, description: "MNIST test image 0" });
    expect(text).not.toMatch(/MODEL_NAME|SAMPLE_/);
    expect(text).toContain("mnist.predict(pixels)");
    expect(text).toContain(`atob("${Buffer.from(mnistImages.subarray(0, 784)).toString("base64")}")`);
    expect(text).toContain("label 7");
  });
});
