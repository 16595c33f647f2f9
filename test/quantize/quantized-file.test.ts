// The quantized model file: exact round trips, atomic writes, and refusal of damaged or
// hand-edited files with one line naming the file, the field, expected and found.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FixnetError } from "../../src/errors.ts";
import { parseQuantizedModel, readQuantizedModel, serializeQuantizedModel, writeQuantizedModel } from "../../src/model/quantized-file.ts";

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "golden");
const texts = {
  relu: readFileSync(join(goldenDir, "relu.qmodel.json"), "utf8"),
  sigmoid: readFileSync(join(goldenDir, "sigmoid.qmodel.json"), "utf8"),
  tanh: readFileSync(join(goldenDir, "tanh.qmodel.json"), "utf8"),
};
const scratchDir = mkdtempSync(join(tmpdir(), "fixnet-qfile-"));
afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

/** A parsed JSON file, edited freely by the cases below. */
type Document = any;

/** Parses an edited copy of a golden model; returns the error it raises, or null. */
function errorAfter(name: keyof typeof texts, edit: (document: Document) => void): FixnetError | null {
  const document = JSON.parse(texts[name]);
  edit(document);
  try {
    parseQuantizedModel(document, "edited.json");
  } catch (error) {
    if (error instanceof FixnetError) return error;
    throw error;
  }
  return null;
}

describe("quantized model file", () => {
  it("round-trips byte for byte", () => {
    for (const text of Object.values(texts)) {
      expect(serializeQuantizedModel(parseQuantizedModel(JSON.parse(text), "golden"))).toBe(text);
    }
  });

  it("writes atomically and reads back the same model", () => {
    const model = parseQuantizedModel(JSON.parse(texts.sigmoid), "golden");
    const path = join(scratchDir, "model.qmodel.json");
    writeQuantizedModel(path, model);
    expect(readQuantizedModel(path)).toEqual(model);
  });

  it("refuses missing files and invalid JSON", () => {
    expect(() => readQuantizedModel(join(scratchDir, "nope.json"))).toThrow(expect.objectContaining({ code: "missing-file" }));
    const broken = join(scratchDir, "broken.json");
    writeFileSync(broken, texts.relu.slice(0, 500));
    expect(() => readQuantizedModel(broken)).toThrow(expect.objectContaining({ code: "bad-file" }));
  });

  // [what, which model, edit, expected one-line message]
  const damaged: Array<[string, keyof typeof texts, (document: Document) => void, RegExp]> = [
    ["a float model", "relu", (d) => { d.format = "fixnet-float-model"; }, /^edited\.json: format: expected "fixnet-int8-model" \(this is a float model; run fixnet quantize on it first\), found "fixnet-float-model"$/],
    ["another version", "relu", (d) => { d.version = 2; }, /^edited\.json: version: expected 1 .*, found 2$/],
    ["a missing field", "relu", (d) => { delete d.layers[0].bias; }, /^edited\.json: layers\[0\]\.bias: expected an array, found nothing \(the field is missing\)$/],
    ["a missing record", "relu", (d) => { delete d.calibration; }, /^edited\.json: calibration: expected an object, found nothing/],
    ["a short weight row", "relu", (d) => { d.layers[0].weights.values[3].pop(); }, /^edited\.json: layers\[0\]\.weights\.values\[3\]: expected 8 values, found 7 values$/],
    ["a missing weight row", "relu", (d) => { d.layers[1].weights.values.pop(); }, /^edited\.json: layers\[1\]\.weights\.values: expected 8 rows \(one per input\) of 8 values, found 7 rows$/],
    ["weight −128", "relu", (d) => { d.layers[0].weights.values[5][2] = -128; }, /^edited\.json: layers\[0\]\.weights\.values\[5\]\[2\]: expected an integer in \[-127, 127\] \(int8 weights are symmetric: -128 is not allowed\), found -128$/],
    ["a fractional bias", "relu", (d) => { d.layers[0].bias[1] = 1.5; }, /^edited\.json: layers\[0\]\.bias\[1\]: expected an integer in \[-2147483648, 2147483647\], found 1\.5$/],
    ["too many biases", "relu", (d) => { d.layers[2].bias.push(0); }, /^edited\.json: layers\[2\]\.bias: expected 10 values, found 11 values$/],
    ["shift 31", "relu", (d) => { d.layers[1].shifts[2] = 31; }, /^edited\.json: layers\[1\]\.shifts\[2\]: expected an integer in \[-31, 30\], found 31$/],
    ["shift −32", "relu", (d) => { d.layers[1].shifts[0] = -32; }, /^edited\.json: layers\[1\]\.shifts\[0\]: expected an integer in \[-31, 30\], found -32$/],
    ["multiplier 2^31", "relu", (d) => { d.layers[0].multipliers[0] = 2 ** 31; }, /^edited\.json: layers\[0\]\.multipliers\[0\]: expected 0 or an integer in \[1073741824, 2147483647\] \(a quantized multiplier\), found 2147483648$/],
    ["multiplier below 2^30", "relu", (d) => { d.layers[0].multipliers[1] = 12345; }, /^edited\.json: layers\[0\]\.multipliers\[1\]: expected 0 or an integer in \[1073741824, 2147483647\]/],
    ["a negative multiplier", "relu", (d) => { d.layers[0].multipliers[1] = -(2 ** 30); }, /^edited\.json: layers\[0\]\.multipliers\[1\]: expected 0 or/],
    ["zero point 200", "relu", (d) => { d.layers[2].output.zeroPoint = 200; }, /^edited\.json: layers\[2\]\.output\.zeroPoint: expected an integer in \[-128, 127\], found 200$/],
    ["a broken zero-point chain", "relu", (d) => { d.layers[1].input.zeroPoint = 5; }, /^edited\.json: layers\[1\]\.input\.zeroPoint: expected -128 \(layers\[0\]\.output\.zeroPoint\), found 5$/],
    ["output ≠ requantized without a table", "relu", (d) => { d.layers[2].output.zeroPoint = d.layers[2].requantized.zeroPoint + 1; }, /^edited\.json: layers\[2\]\.output\.zeroPoint: expected -?\d+ \(layers\[2\]\.requantized\), found -?\d+$/],
    ["a negative scale", "relu", (d) => { d.layers[0].requantized.scale = -0.5; }, /^edited\.json: layers\[0\]\.requantized\.scale: expected a positive float32 scale, found -0\.5$/],
    ["another input scale", "relu", (d) => { d.input.scale = 1 / 256; }, /^edited\.json: input\.scale: expected 0\.003921568859368563 \(float32 1\/255\), found 0\.00390625$/],
    ["a ReLU clamp moved", "relu", (d) => { d.layers[0].clamp.min = -100; }, /^edited\.json: layers\[0\]\.clamp\.min: expected -128 \(ReLU clamps at requantized\.zeroPoint\), found -100$/],
    ["a table on a relu layer", "relu", (d) => { d.layers[0].table = new Array(256).fill(0); }, /^edited\.json: layers\[0\]\.table: expected null \(a relu layer has no table\)/],
    ["a short table", "sigmoid", (d) => { d.layers[0].table.pop(); }, /^edited\.json: layers\[0\]\.table: expected 256 values, found 255 values$/],
    ["a table entry out of int8", "sigmoid", (d) => { d.layers[1].table[7] = 128; }, /^edited\.json: layers\[1\]\.table\[7\]: expected an integer in \[-128, 127\] \(a sigmoid layer's lookup table\), found 128$/],
    ["another sigmoid output quantization", "sigmoid", (d) => { d.layers[0].output.zeroPoint = 0; }, /^edited\.json: layers\[0\]\.output\.zeroPoint: expected -128 \(TFLite's fixed sigmoid output quantization\), found 0$/],
    ["per-tensor scales that differ", "tanh", (d) => { d.layers[0].weights.scales[3] *= 2; }, /^edited\.json: layers\[0\]\.weights\.scales: expected one scale repeated for every output \(granularity per-tensor\)/],
    ["an accumulator that can overflow", "relu", (d) => { d.layers[0].bias[0] = 2147483000; }, /^edited\.json: layers\[0\]: output 0: the int32 accumulator can reach \d+ .*beyond 2\^31 − 1; expected integers that keep int32 arithmetic exact/],
    ["a shift that breaks the multiply's contract", "relu", (d) => { d.layers[0].shifts[0] = 20; }, /^edited\.json: layers\[0\]: output 0: shift 20 makes the accumulator .* exceed 2\^31 − 1/],
    ["a layer size that disagrees", "relu", (d) => { d.layers[1].outputs = 9; }, /^edited\.json: layers\[1\]\.outputs: expected 8 \(from architecture\.layers\), found 9$/],
    ["a wrong layer count", "relu", (d) => { d.layers.pop(); }, /^edited\.json: layers: expected 3 layers for architecture 784-8-8-10, found 2$/],
    ["a linear hidden layer", "relu", (d) => { d.layers[0].activation = "linear"; }, /^edited\.json: layers\[0\]\.activation: expected one of "relu", found "linear"$/],
    ["an accuracy above 1", "relu", (d) => { d.accuracy = { testImages: 10, int8: 1.2, float: null, agreement: null, changed: null }; }, /^edited\.json: accuracy\.int8: expected a fraction in \[0, 1\], found 1\.2$/],
  ];

  for (const [what, name, edit, message] of damaged) {
    it(`refuses ${what}`, () => {
      const error = errorAfter(name, edit);
      expect(error, "the edited file was accepted").not.toBeNull();
      expect(error!.code).toBe("bad-file");
      expect(error!.message).not.toContain("\n");
      expect(error!.message).toMatch(message);
    });
  }

  it("accepts the unedited files", () => {
    for (const name of ["relu", "sigmoid", "tanh"] as const) expect(errorAfter(name, () => {})).toBeNull();
  });
});
