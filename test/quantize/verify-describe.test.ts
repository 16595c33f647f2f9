// verifyQuantized and describeQuantized on the golden models and the 50 fixture test images:
// the figures must be consistent with the emulator and with the model's own integers.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/mnist.ts";
import { evaluateLogits } from "../../src/model/evaluate.ts";
import { describeQuantized } from "../../src/quantize/describe.ts";
import { emulateBatch } from "../../src/quantize/emulator.ts";
import { readQuantizedModel } from "../../src/model/quantized-file.ts";
import { accuracyRecord, verifyQuantized } from "../../src/quantize/verify.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
const testSet = loadDataset(join(fixtures, "mnist-small")).test;
const relu = readQuantizedModel(join(fixtures, "golden", "relu.qmodel.json"));
const sigmoid = readQuantizedModel(join(fixtures, "golden", "sigmoid.qmodel.json"));

describe("verifyQuantized", () => {
  it("scores the reference emulator's logits and counts every requantized value", () => {
    const verification = verifyQuantized(relu, testSet);
    const expected = evaluateLogits(emulateBatch(relu, testSet.images, testSet.count), testSet.labels, testSet.count, 10);
    expect(verification.images).toBe(50);
    expect(verification.int8).toEqual(expected);
    expect(verification.float).toBeNull();
    expect(verification.saturation.map((layer) => layer.values)).toEqual([50 * 8, 50 * 8, 50 * 10]);
    expect(accuracyRecord(verification)).toEqual({ testImages: 50, int8: expected.accuracy, float: null, agreement: null, changed: null });
    expect(JSON.parse(JSON.stringify(verification)).int8.confusion).toEqual(expected.confusion);
  });

  it("refuses images of another size", () => {
    expect(() => verifyQuantized(relu, { ...testSet, rows: 14 })).toThrow(RangeError);
  });
});

describe("describeQuantized", () => {
  it("adds up the bytes a device stores", () => {
    // relu 784-8-8-10: weights 6272 + 64 + 80; 26 outputs: int32 bias and multiplier, int8 shift
    const description = describeQuantized(relu);
    expect(description.architecture).toBe("784-8-8-10");
    expect(description.parameters).toBe(6416 + 26);
    expect(description.bytes).toEqual({ weights: 6416, bias: 104, multipliers: 104, shifts: 26, table: 0, total: 6650 });
    // sigmoid: the same plus two 256-entry tables
    expect(describeQuantized(sigmoid).bytes.total).toBe(6650 + 512);
  });

  it("reports each layer's parameters and integer ranges", () => {
    const [first, , last] = describeQuantized(relu).layers;
    expect(first.input).toEqual({ scale: Math.fround(1 / 255), zeroPoint: -128 });
    expect(first.clamp).toEqual({ min: -128, max: 127 });
    expect(first.weights.min).toBeGreaterThanOrEqual(-127);
    expect(first.weights.max).toBeLessThanOrEqual(127);
    expect(first.multiplier.min).toBeGreaterThanOrEqual(2 ** 30);
    expect(first.shift.max).toBeLessThanOrEqual(30);
    expect(first.hasTable).toBe(false);
    expect(first.worstCaseAccumulator).toBeLessThan(2 ** 31);
    expect(first.accumulatorHeadroomBits).toBeGreaterThan(0);
    expect(last.activation).toBe("linear");
    const effective = relu.dense[0].multipliers[0] / 2 ** 31 * 2 ** relu.dense[0].shifts[0];
    expect(effective).toBeGreaterThanOrEqual(first.effectiveMultiplier.min);
    expect(effective).toBeLessThanOrEqual(first.effectiveMultiplier.max);
  });
});
