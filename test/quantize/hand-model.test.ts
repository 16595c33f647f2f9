// Tiny models whose every integer was worked out by hand (in the comments, from the formulas in
// docs/quantized-format.md, not by running the code): the independent oracle for the quantizer,
// the lookup tables and the reference emulator. The fast emulator must agree with all of them.

import { describe, expect, it } from "vitest";
import { createNetwork } from "../../src/model/network.ts";
import { createFastScratch, emulateImageFast } from "../../src/quantize/emulator-fast.ts";
import { emulateImage } from "../../src/quantize/emulator.ts";
import { activationTable, asymmetricQuantization, quantizeNetwork, quantizeWeights } from "../../src/quantize/quantize.ts";
import { parseQuantizedModel, serializeQuantizedModel } from "../../src/model/quantized-file.ts";
import {
  createSaturationCounts,
  INPUT_QUANTIZATION,
  SIGMOID_OUTPUT,
  type CalibrationRecord,
  type QuantizedLayer,
  type QuantizedModel,
} from "../../src/model/quantized-model.ts";

const TWO_POW_30 = 1073741824; // the quantized multiplier for 0.5
/** fround(1/255) = 8421505 / 2^31 exactly (1/255 · 2^31 = 8421504.50..., rounded to 24 bits). */
const INPUT_SCALE = 8421505 / 2 ** 31;

/** The four pixels every model here is fed: the int8 input is pixel − 128 = [−128, −118, 127, 0]. */
const PIXELS = Uint8Array.from([0, 10, 255, 128]);

function layer(fields: Partial<QuantizedLayer> & Pick<QuantizedLayer, "inputs" | "outputs" | "weights" | "bias" | "multipliers" | "shifts">): QuantizedLayer {
  const requantized = fields.requantized ?? { scale: 1 / 64, zeroPoint: -128 };
  return {
    activation: "relu",
    input: { ...INPUT_QUANTIZATION },
    weightGranularity: "per-channel",
    weightScales: new Float32Array(fields.outputs).fill(1 / 128),
    requantized,
    clampMin: -128,
    clampMax: 127,
    table: null,
    output: requantized,
    ...fields,
  };
}

function model(layers: number[], hiddenActivation: QuantizedModel["hiddenActivation"], dense: QuantizedLayer[]): QuantizedModel {
  return { layers, hiddenActivation, input: { ...INPUT_QUANTIZATION }, dense, calibration: null, accuracy: null, floatParametersSha256: null };
}

/** Both emulators on PIXELS; they must agree, and the model must survive a file round trip. */
function run(quantized: QuantizedModel): { logits: number[]; predicted: number; saturation: ReturnType<typeof createSaturationCounts> } {
  const reparsed = parseQuantizedModel(JSON.parse(serializeQuantizedModel(quantized)), "hand-made model");
  const classes = quantized.layers[quantized.layers.length - 1];
  const logits = new Int8Array(classes);
  const saturation = createSaturationCounts(quantized);
  const predicted = emulateImage(reparsed, PIXELS, logits, saturation);
  const fastLogits = new Int8Array(classes);
  const fastPredicted = emulateImageFast(quantized, PIXELS, fastLogits, createFastScratch(quantized));
  expect(Array.from(fastLogits)).toEqual(Array.from(logits));
  expect(fastPredicted).toBe(predicted);
  return { logits: Array.from(logits), predicted, saturation };
}

describe("reference emulator on hand-made integer models", () => {
  it("4 → 3 (relu) → 2: sums, double rounding, ReLU clamp, saturation", () => {
    // Layer 0, input zero point −128, so x − zeroPoint is the pixel itself: [0, 10, 255, 128].
    //   weights [4][3]       bias        multiplier, shift
    //   [ 1, -2,  3]         [100,       2^30, −1   (× 0.25)
    //   [ 4,  5, -6]          −53,       2^30, −2   (× 0.125)
    //   [-1,  2,  1]            7]       2^30, +1   (× 1)
    //   [ 0, -1,  2]
    // acc0 = 100 + 1·0 + 4·10 − 1·255 + 0·128 = −115
    //   high mul: −115 · 0.5 = −57.5, ties toward +∞ → −57; divide by 2^1: −28.5, ties away → −29
    //   + zero point −128 = −157 → ReLU clamp at −128 → −128 (not counted as saturation)
    // acc1 = −53 − 2·0 + 5·10 + 2·255 − 1·128 = 379
    //   high mul: 189.5 → 190; divide by 2^2: 47.5 → 48 (double rounding: 379/8 = 47.375 would be 47)
    //   + −128 = −80
    // acc2 = 7 + 3·0 − 6·10 + 1·255 + 2·128 = 458
    //   shift +1: 916; high mul: 458; no right shift; + −128 = 330 → clamp 127 (saturated above)
    const first = layer({
      inputs: 4,
      outputs: 3,
      weights: Int8Array.from([1, -2, 3, 4, 5, -6, -1, 2, 1, 0, -1, 2]),
      bias: Int32Array.from([100, -53, 7]),
      multipliers: Int32Array.from([TWO_POW_30, TWO_POW_30, TWO_POW_30]),
      shifts: Int32Array.from([-1, -2, 1]),
    });
    // Layer 1 (linear), input h = [−128, −80, 127] with zero point −128: x − zp = [0, 48, 255].
    //   weights [3][2]   bias       multiplier, shift        output zero point 3
    //   [ 7, -7]         [9,        2^30, −1
    //   [ 2, -3]          −202]     2^30,  0
    //   [-1,  1]
    // acc0 = 9 + 7·0 + 2·48 − 1·255 = −150: high mul −75; divide by 2: −37.5, ties away → −38; + 3 = −35
    // acc1 = −202 − 7·0 − 3·48 + 1·255 = −91: high mul −45.5, ties toward +∞ → −45; + 3 = −42
    const logitsQuantization = { scale: 1 / 16, zeroPoint: 3 };
    const second = layer({
      inputs: 3,
      outputs: 2,
      activation: "linear",
      input: first.output,
      weights: Int8Array.from([7, -7, 2, -3, -1, 1]),
      bias: Int32Array.from([9, -202]),
      multipliers: Int32Array.from([TWO_POW_30, TWO_POW_30]),
      shifts: Int32Array.from([-1, 0]),
      requantized: logitsQuantization,
      output: logitsQuantization,
    });
    const result = run(model([4, 3, 2], "relu", [first, second]));
    expect(result.logits).toEqual([-35, -42]);
    expect(result.predicted).toBe(0);
    expect(result.saturation).toEqual([{ values: 3, below: 0, above: 1 }, { values: 2, below: 0, above: 0 }]);
  });

  it("4 → 2 (sigmoid table) → 2", () => {
    // Layer 0 requantizes to the pre-activation quantization scale 1/16, zero point 0.
    //   weights [4][2]: column 0 picks pixel 1 (10), column 1 picks −pixel 3 (−128).
    //   acc0 = 22 + 10 = 32 → × 0.5 = 16;  acc1 = 96 − 128 = −32 → × 0.5 = −16.
    // Table (entry = clamp(round(256·σ(x)) − 128), x = (v − 0)/16):
    //   v = 16: x = 1, 256·σ(1) = 187.151 → 187 − 128 = 59
    //   v = −16: x = −1, 256·σ(−1) = 68.849 → 69 − 128 = −59
    const preActivation = { scale: 1 / 16, zeroPoint: 0 };
    const first = layer({
      inputs: 4,
      outputs: 2,
      activation: "sigmoid",
      weights: Int8Array.from([0, 0, 1, 0, 0, 0, 0, -1]),
      bias: Int32Array.from([22, 96]),
      multipliers: Int32Array.from([TWO_POW_30, TWO_POW_30]),
      shifts: Int32Array.from([0, 0]),
      requantized: preActivation,
      table: activationTable("sigmoid", preActivation),
      output: { ...SIGMOID_OUTPUT },
    });
    // Layer 1: h = [59, −59], zero point −128 → x − zp = [187, 69].
    //   weights [[1, −1], [1, 1]], bias 0, multiplier 2^30 shift −2 (× 0.125), zero point 0
    //   acc0 = 187 + 69 = 256 → high mul 128 → /4 = 32
    //   acc1 = −187 + 69 = −118 → high mul −59 → /4 = −14.75 → −15
    const logitsQuantization = { scale: 1 / 8, zeroPoint: 0 };
    const second = layer({
      inputs: 2,
      outputs: 2,
      activation: "linear",
      input: first.output,
      weights: Int8Array.from([1, -1, 1, 1]),
      bias: Int32Array.from([0, 0]),
      multipliers: Int32Array.from([TWO_POW_30, TWO_POW_30]),
      shifts: Int32Array.from([-2, -2]),
      requantized: logitsQuantization,
      output: logitsQuantization,
    });
    const result = run(model([4, 2, 2], "sigmoid", [first, second]));
    expect(result.logits).toEqual([32, -15]);
    expect(result.predicted).toBe(0);
  });

  it("ties between logits go to the lowest index", () => {
    const logitsQuantization = { scale: 1 / 16, zeroPoint: 0 };
    const only = layer({
      inputs: 4,
      outputs: 3,
      activation: "linear",
      weights: new Int8Array(12),
      bias: Int32Array.from([4, 10, 10]), // × 0.5: [2, 5, 5]
      multipliers: Int32Array.from([TWO_POW_30, TWO_POW_30, TWO_POW_30]),
      shifts: Int32Array.from([0, 0, 0]),
      requantized: logitsQuantization,
      output: logitsQuantization,
    });
    const result = run(model([4, 3], "relu", [only]));
    expect(result.logits).toEqual([2, 5, 5]);
    expect(result.predicted).toBe(1);
  });
});

describe("lookup tables", () => {
  // Pre-activation quantization scale 1/16, zero point 0: entry index = v + 128, x = v / 16.
  const input = { scale: 1 / 16, zeroPoint: 0 };
  it("sigmoid: clamp(round(256·σ(x)) − 128)", () => {
    const table = activationTable("sigmoid", input);
    expect(table.length).toBe(256);
    expect(table[0 + 128]).toBe(0); // σ(0) = 0.5 → 128 − 128
    expect(table[16 + 128]).toBe(59); // 256·σ(1) = 187.151 → 187 − 128
    expect(table[-16 + 128]).toBe(-59); // 256·σ(−1) = 68.849 → 69 − 128
    expect(table[127 + 128]).toBe(127); // 256·σ(7.9375) = 255.909 → 256 − 128 = 128 → clamped to 127
    expect(table[-128 + 128]).toBe(-128); // 256·σ(−8) = 0.086 → 0 − 128
  });
  it("tanh: clamp(round(128·tanh(x)))", () => {
    const table = activationTable("tanh", input);
    expect(table[0 + 128]).toBe(0);
    expect(table[16 + 128]).toBe(97); // 128·tanh(1) = 97.484
    expect(table[-16 + 128]).toBe(-97); // −97.484, rounded to nearest
    expect(table[127 + 128]).toBe(127); // 127.99997 → 128 → clamped
    expect(table[-128 + 128]).toBe(-128); // −127.99997 → −128
  });
  it("is monotone and uses the pre-activation zero point", () => {
    const shifted = activationTable("sigmoid", { scale: 1 / 16, zeroPoint: -20 });
    expect(shifted[-20 + 128]).toBe(0); // v = zero point means x = 0
    for (let k = 1; k < 256; k++) expect(shifted[k]).toBeGreaterThanOrEqual(shifted[k - 1]);
  });
});

describe("asymmetricQuantization (TFLite nudging)", () => {
  it("puts 0.0 on an integer and widens ranges to contain it", () => {
    expect(asymmetricQuantization(0, 255 / 64)).toEqual({ scale: 1 / 64, zeroPoint: -128 }); // ReLU range
    expect(asymmetricQuantization(-2, 255 / 32 - 2)).toEqual({ scale: 1 / 32, zeroPoint: -64 }); // −128 + 2·32
    expect(asymmetricQuantization(0.5, 255 / 64)).toEqual({ scale: 1 / 64, zeroPoint: -128 }); // widened to [0, …]
    expect(asymmetricQuantization(-255 / 64, -1)).toEqual({ scale: 1 / 64, zeroPoint: 127 }); // widened to [… , 0]
    // [−1, 1]: scale fround(2/255), zero point −128 + 127.4999… → −0.5 → ties away from zero → −1
    expect(asymmetricQuantization(-1, 1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -1 });
    expect(asymmetricQuantization(0, 0)).toEqual({ scale: INPUT_SCALE, zeroPoint: -128 }); // empty → [0, 1]
  });
});

describe("quantizeWeights", () => {
  it("is symmetric per channel, rounds ties away from zero", () => {
    // [2][2], all values exact in float32: column 0 max |w| = 127/64 → scale 1/64,
    // column 1 max |w| = 127/128 → scale 1/128.
    const weights = Float32Array.from([
      1.984375, 0.9921875, //  → 127 (×64), 127 (×128)
      -0.0390625, 0.01171875, // → −2.5 → −3 (away from zero), 1.5 → 2
    ]);
    const perChannel = quantizeWeights(weights, 2, 2, "per-channel");
    expect(Array.from(perChannel.scales)).toEqual([1 / 64, 1 / 128]);
    expect(Array.from(perChannel.values)).toEqual([127, 127, -3, 2]);
    // One scale, 1/64, for both columns: 0.9921875·64 = 63.5 → 64, 0.01171875·64 = 0.75 → 1
    const perTensor = quantizeWeights(weights, 2, 2, "per-tensor");
    expect(Array.from(perTensor.scales)).toEqual([1 / 64, 1 / 64]);
    expect(Array.from(perTensor.values)).toEqual([127, 64, -3, 1]);
    const zeros = quantizeWeights(new Float32Array(4), 2, 2, "per-channel");
    expect(Array.from(zeros.scales)).toEqual([1, 1]);
  });
});

describe("quantizeNetwork on a hand-made float network", () => {
  // 4 → 3 (relu) → 2. Weights are chosen so that every scale is a power of two (exact in
  // float32) except the input scale fround(1/255) = 8421505 / 2^31.
  const network = createNetwork({ layers: [4, 3, 2], hiddenActivation: "relu" });
  // [4][3]; every column's largest |w| is 127/128, so each weight scale is 1/128 and q = 128·w.
  network.dense[0].weights.set([
    0.9921875, 0.5, -0.25, //       → 127,   64,  −32
    0.25, -0.9921875, -0.01171875, // →  32, −127,   −2 (−1.5 ties away from zero)
    -0.5, 0.0078125, 0.9921875, //  → −64,    1,  127
    0, 0.01171875, -0.9921875, //   →   0,    2 (1.5 → 2), −127
  ]);
  network.dense[0].bias.set([0.5, -0.25, 0]);
  // [3][2]; columns' largest |w| is 127/64, so weight scale 1/64 and q = 64·w.
  network.dense[1].weights.set([
    1.984375, -1, //   → 127, −64
    0.5, 1.984375, //  →  32, 127
    -1.25, 0.015625, // → −80,   1
  ]);
  network.dense[1].bias.set([0.25, -0.125]);
  const calibration: CalibrationRecord = {
    method: "minmax",
    percentile: null,
    images: 1,
    dataset: null,
    // Layer 0: ReLU range [0, 255/64] → scale 1/64, zero point −128.
    // Layer 1: [−2, 255/32 − 2] → scale 1/32, zero point −128 + 2·32 = −64.
    preActivationRanges: [{ min: -1, max: 255 / 64 }, { min: -2, max: 255 / 32 - 2 }],
  };
  const quantized = quantizeNetwork(network, calibration);
  const [first, second] = quantized.dense;

  it("quantizes weights, biases, scales and zero points", () => {
    expect(Array.from(first.weights)).toEqual([127, 64, -32, 32, -127, -2, -64, 1, 127, 0, 2, -127]);
    expect(Array.from(first.weightScales)).toEqual([1 / 128, 1 / 128, 1 / 128]);
    // bias scale = fround(8421505/2^31 · 1/128) = 8421505 / 2^38;
    // 0.5 / that = 16319.999 → 16320;  −0.25 → −8159.9995 → −8160
    expect(Array.from(first.bias)).toEqual([16320, -8160, 0]);
    expect(first.requantized).toEqual({ scale: 1 / 64, zeroPoint: -128 });
    expect([first.clampMin, first.clampMax]).toEqual([-128, 127]);
    expect(Array.from(second.weights)).toEqual([127, -64, 32, 127, -80, 1]);
    // bias scale = 1/64 · 1/64 = 1/4096: 0.25 → 1024, −0.125 → −512
    expect(Array.from(second.bias)).toEqual([1024, -512]);
    expect(second.input).toEqual(first.output);
    expect(second.output).toEqual({ scale: 1 / 32, zeroPoint: -64 });
  });

  it("derives multipliers and shifts like TFLite QuantizeMultiplier", () => {
    // Layer 0: (8421505/2^31 · 1/128) / (1/64) = 8421505/2^32 = (8421505/2^24) · 2^−8, and
    // 8421505/2^24 ∈ [0.5, 1): multiplier = 8421505 · 2^7 = 1077952640, shift −8.
    expect(Array.from(first.multipliers)).toEqual([1077952640, 1077952640, 1077952640]);
    expect(Array.from(first.shifts)).toEqual([-8, -8, -8]);
    // Layer 1: (1/64 · 1/64) / (1/32) = 1/128 = 0.5 · 2^−6: multiplier 2^30, shift −6.
    expect(Array.from(second.multipliers)).toEqual([TWO_POW_30, TWO_POW_30]);
    expect(Array.from(second.shifts)).toEqual([-6, -6]);
  });

  it("runs to the hand-computed logits", () => {
    // Layer 0 (x − zp = pixels [0, 10, 255, 128]):
    //   acc0 = 16320 + 127·0 + 32·10 − 64·255 + 0·128 = 320
    //   acc1 = −8160 + 64·0 − 127·10 + 1·255 + 2·128 = −8919
    //   acc2 = 0 − 32·0 − 2·10 + 127·255 − 127·128 = 16109
    //   high mul by 1077952640/2^31 = 0.5019608…: 160.627 → 161, −4476.989 → −4477, 8086.087 → 8086
    //   divide by 2^8 (ties away): 0.629 → 1, −17.488 → −17, 31.586 → 32
    //   + −128: −127, −145 → ReLU −128, −96
    // Layer 1 (x − zp = [1, 0, 32]):
    //   acc0 = 1024 + 127·1 + 32·0 − 80·32 = −1409; acc1 = −512 − 64·1 + 127·0 + 1·32 = −544
    //   high mul by 0.5: −704.5 → −704 (ties toward +∞), −272; divide by 2^6: −11, −4.25 → −4
    //   + −64: −75, −68 → class 1
    const result = run(quantized);
    expect(result.logits).toEqual([-75, -68]);
    expect(result.predicted).toBe(1);
  });
});
