// The generated Espruino module on the real interpreter (Espruino 2v29 built for Linux, from
// ESPRUINO_BIN): the golden vectors and 200 MNIST test images against the reference emulator,
// tolerance 0, with E.convolve and with plain loops, weights in Storage and inlined; its
// requantization against the TypeScript reference; and the example app.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateEspruinoExample, generateEspruinoFiles, generateEspruinoModule } from "../../src/codegen/espruino.ts";
import { runEspruinoScript } from "../../src/flash/espruino-linux.ts";
import { firstMismatch } from "../../src/flash/measure.ts";
import type { QuantizedModel } from "../../src/model/quantized-model.ts";
import { emulateBatch, emulateImage } from "../../src/quantize/emulator.ts";
import { multiplyByQuantizedMultiplier } from "../../src/quantize/fixed-point.ts";
import { loadGolden, mnist } from "../codegen/support.ts";
import { edgeCases, randomCases } from "./requantize-cases.ts";
import { numberLines, requireEspruino, syntheticModel } from "./support.ts";

const interpreter = requireEspruino();
const folder = mkdtempSync(join(tmpdir(), "fixnet-espruino-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const golden = loadGolden();
const MNIST_IMAGES = 200;

/** A script that runs a module's predict over images.bin: "C <digit> <logits>" per image with
 *  E.convolve, then "P ..." with plain loops for the first plainCount. */
function predictionScript(moduleText: string, storageFile: string | null, plainCount: number): string {
  return [
    `var fs = require("fs");`,
    storageFile ? `require("Storage").write(${JSON.stringify(storageFile)}, fs.readFileSync(${JSON.stringify(storageFile)}));` : ``,
    moduleText,
    `var images = fs.readFileSync("images.bin");`,
    `function run(tag, count) {`,
    `  for (var n = 0; n < count; n++) {`,
    `    var result = net.predict(new Uint8Array(E.toArrayBuffer(images.substr(n * net.inputs, net.inputs))));`,
    `    print(tag + " " + result.digit + " " + result.logits.join(" "));`,
    `  }`,
    `}`,
    `if (!net.convolve) throw new Error("this build has no E.convolve");`,
    `run("C", images.length / net.inputs);`,
    `net.convolve = false;`,
    `run("P", ${plainCount});`,
    `result = true;`,
  ].join("\n");
}

interface InterpreterPredictions {
  convolve: { classes: number[]; logits: Int8Array };
  plain: { classes: number[]; logits: Int8Array };
}

/** Runs the generated module (in a fresh Storage) over images on the interpreter. */
function predictOnInterpreter(model: QuantizedModel, images: Uint8Array, plainCount: number, inline: boolean): InterpreterPredictions {
  const run = mkdtempSync(join(folder, "run-"));
  const files = generateEspruinoFiles(model, "net", { inline }, null, null);
  for (const file of files) writeFileSync(join(run, file.name), file.data);
  writeFileSync(join(run, "images.bin"), images);
  writeFileSync(join(run, "test.js"), predictionScript(files[0].data as string, inline ? null : "net.bin", plainCount));
  const result = runEspruinoScript(interpreter!, "test.js", run);
  expect(result.passed, `the script failed:\n${result.stdout.slice(-3000)}`).toBe(true);
  const parse = (prefix: string) => {
    const lines = numberLines(result.stdout, prefix);
    return { classes: lines.map((line) => line[0]), logits: Int8Array.from(lines.flatMap((line) => line.slice(1))) };
  };
  return { convolve: parse("C"), plain: parse("P") };
}

function expectEmulator(model: QuantizedModel, images: Uint8Array, count: number, logits: Int8Array, what: string): void {
  const expected = emulateBatch(model, images, count);
  expect(logits.length, `${what}: logits printed`).toBe(expected.length);
  expect(firstMismatch(expected, logits, model.layers[model.layers.length - 1]), `${what}: first mismatch`).toBeNull();
}

describe.skipIf(!interpreter)("Espruino module on the interpreter", () => {
  for (const entry of golden.cases) {
    it(`${entry.name}: golden vectors, then ${MNIST_IMAGES} MNIST test images, give the emulator's logits`, () => {
      const images = new Uint8Array([...golden.inputs, ...mnist.test.images.subarray(0, MNIST_IMAGES * 784)]);
      const count = golden.count + MNIST_IMAGES;
      const inline = entry.name === "tanh"; // one model with its weights inlined, two from Storage
      const { convolve, plain } = predictOnInterpreter(entry.model, images, golden.count, inline);
      const classes = entry.model.layers[entry.model.layers.length - 1];
      expect(firstMismatch(entry.expectedLogits, convolve.logits.subarray(0, golden.count * classes), classes), "E.convolve vs vectors.json").toBeNull();
      expect(convolve.classes.slice(0, golden.count)).toEqual(entry.expectedClasses);
      expectEmulator(entry.model, images, count, convolve.logits, `${entry.name} with E.convolve`);
      expectEmulator(entry.model, images, golden.count, plain.logits, `${entry.name} with plain loops`);
    });
  }

  it("reads weights beyond 64 KB from Storage in parts (784-100-10)", () => {
    const model = syntheticModel([784, 100, 10], 3);
    const images = mnist.test.images.subarray(0, 20 * 784);
    const { convolve, plain } = predictOnInterpreter(model, images, 2, false);
    expectEmulator(model, images, 20, convolve.logits, "784-100-10 with E.convolve");
    expectEmulator(model, images, 2, plain.logits, "784-100-10 with plain loops");
  });

  it("requantizes like the TypeScript reference: halfway cases, limits and 5,000 random inputs", () => {
    const cases = [...edgeCases(), ...randomCases(5_000, 11)];
    const triples = new Int32Array(cases.flatMap((c) => [c.accumulator, c.multiplier, c.shift]));
    const run = mkdtempSync(join(folder, "requantize-"));
    writeFileSync(join(run, "cases.bin"), new Uint8Array(triples.buffer));
    const script = [
      generateEspruinoModule(golden.cases[0].model, "net", { inline: true }, null),
      `var cases = new Int32Array(E.toArrayBuffer(require("fs").readFileSync("cases.bin")));`,
      `var line = [];`,
      `for (var k = 0; k < cases.length; k += 3) {`,
      `  var c = fixnetRequantizeConstants(cases[k + 1], cases[k + 2]);`,
      `  line.push(fixnetRequantize(cases[k] * c.leftScale, c.multiplierHigh, c.multiplierLow, c.divisor, c.half));`,
      `  if (line.length === 50) { print("R " + line.join(" ")); line = []; }`,
      `}`,
      `if (line.length) print("R " + line.join(" "));`,
      `result = true;`,
    ].join("\n");
    writeFileSync(join(run, "test.js"), script);
    const result = runEspruinoScript(interpreter!, "test.js", run);
    expect(result.passed, result.stdout.slice(-2000)).toBe(true);
    const actual = numberLines(result.stdout, "R").flat();
    expect(actual.length).toBe(cases.length);
    const index = cases.findIndex((c, k) => actual[k] !== multiplyByQuantizedMultiplier(c.accumulator, c.multiplier, c.shift));
    const mismatch = index < 0 ? null : `${JSON.stringify(cases[index])}: expected ${multiplyByQuantizedMultiplier(cases[index].accumulator, cases[index].multiplier, cases[index].shift)}, actual ${actual[index]}`;
    expect(mismatch).toBeNull();
  });

  it("example app: classifies its test image, and drawn strokes become a centred 28x28 image", () => {
    const model = golden.cases[0].model;
    const sample = { pixels: mnist.test.images.subarray(0, 784), label: mnist.test.labels[0], description: "MNIST test image 0" };
    const run = mkdtempSync(join(folder, "example-"));
    const script = [
      generateEspruinoModule(model, "mnist", { inline: true }, null),
      generateEspruinoExample("mnist", sample),
      `var pixels = exampleStrokesToPixels([[10, 10, 10, 200]]);`, // a vertical bar: a one
      `var columns = []; for (var x = 0; x < 28; x++) { var ink = 0; for (var y = 0; y < 28; y++) ink += pixels[y * 28 + x]; if (ink) columns.push(x); }`,
      `var rows = []; for (var y2 = 0; y2 < 28; y2++) { var ink2 = 0; for (var x2 = 0; x2 < 28; x2++) ink2 += pixels[y2 * 28 + x2]; if (ink2) rows.push(y2); }`,
      `print("S " + columns[0] + " " + columns[columns.length - 1] + " " + rows[0] + " " + rows[rows.length - 1]);`,
      `result = true;`,
    ].join("\n");
    writeFileSync(join(run, "test.js"), script);
    const result = runEspruinoScript(interpreter!, "test.js", run);
    expect(result.passed, result.stdout.slice(-2000)).toBe(true);
    const logits = new Int8Array(10);
    const digit = emulateImage(model, sample.pixels, logits);
    expect(result.stdout).toMatch(new RegExp(`mnist: digit ${digit} in [\\d.]+ ms \\(logits ${Array.from(logits).join(" ")}\\)`));
    const [[left, right, top, bottom]] = numberLines(result.stdout, "S");
    expect([left, right]).toEqual([14, 15]); // 2 pixels wide, in the middle
    expect([top, bottom]).toEqual([4, 24]); // 20 pixels tall (plus the pen), centred
  });
});
