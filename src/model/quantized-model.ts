// The int8 model in memory: TFLite int8 quantization parameters and integer tensors for each
// dense layer, plus the integer contracts every layer must meet (checked by the quantizer and by
// the file reader). It computes nothing about inference; see emulator.ts for that.

import { HIDDEN_ACTIVATIONS } from "./network.ts";

/** A hidden layer's activation, or "linear" for the output layer (int8 logits). */
export const LAYER_ACTIVATIONS = [...HIDDEN_ACTIVATIONS, "linear"] as const;
export type LayerActivation = (typeof LAYER_ACTIVATIONS)[number];

export const WEIGHT_GRANULARITIES = ["per-channel", "per-tensor"] as const;
export type WeightGranularity = (typeof WEIGHT_GRANULARITIES)[number];

export const INT8_MIN = -128;
export const INT8_MAX = 127;
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
/** Weights are symmetric: −128 is never used, so that −w is always representable (TFLite spec). */
export const WEIGHT_MIN = -127;
export const WEIGHT_MAX = 127;
/** TFLite's documented range for the shift of a quantized multiplier. */
export const SHIFT_MIN = -31;
export const SHIFT_MAX = 30;
/** quantizeMultiplier gives 0 or a positive multiplier in [2^30, 2^31 − 1] (scales are > 0). */
export const MULTIPLIER_MIN = 1073741824;

/** TFLite affine quantization: real = scale · (q − zeroPoint), q an int8. */
export interface QuantizationParameters {
  /** A positive float32 value. */
  scale: number;
  /** In [−128, 127]. */
  zeroPoint: number;
}

/** The input: the raw 8-bit pixel p ∈ [0, 255] means p/255, held as the int8 p − 128. */
export const INPUT_QUANTIZATION: Readonly<QuantizationParameters> = { scale: Math.fround(1 / 255), zeroPoint: -128 };
/** TFLite's fixed output quantization of LOGISTIC (σ ∈ [0, 1)) and TANH (tanh ∈ (−1, 1)). */
export const SIGMOID_OUTPUT: Readonly<QuantizationParameters> = { scale: 1 / 256, zeroPoint: -128 };
export const TANH_OUTPUT: Readonly<QuantizationParameters> = { scale: 1 / 128, zeroPoint: 0 };
/** A lookup table maps every int8 (index q + 128) to an int8. */
export const TABLE_LENGTH = 256;

/**
 * One dense layer. For output j, with x the int8 input vector:
 *   acc = bias[j] + Σ_i weights[i·outputs + j] · (x[i] − input.zeroPoint)          (int32)
 *   v   = clamp(multiplyByQuantizedMultiplier(acc, multipliers[j], shifts[j])
 *               + requantized.zeroPoint, clampMin, clampMax)                        (int8)
 *   y[j] = table ? table[v + 128] : v
 * docs/quantized-format.md is the full specification.
 */
export interface QuantizedLayer {
  inputs: number;
  outputs: number;
  activation: LayerActivation;
  /** The quantization of x: the model input for layer 0, else the previous layer's output. */
  input: QuantizationParameters;
  /** [inputs][outputs] (input-major, like the float model), int8 in [−127, 127]. */
  weights: Int8Array;
  weightGranularity: WeightGranularity;
  /** [outputs] float32 scales, zero point 0 (all equal when per-tensor). */
  weightScales: Float32Array;
  /** [outputs] int32, scale = input.scale · weightScales[j], zero point 0. Not folded: the
   *  input zero point is subtracted inside the sum, as TFLite does. */
  bias: Int32Array;
  /** [outputs]: 0, or in [2^30, 2^31 − 1]; with shifts, represents
   *  input.scale · weightScales[j] / requantized.scale (TFLite QuantizeMultiplier). */
  multipliers: Int32Array;
  /** [outputs] in [−31, 30]. */
  shifts: Int32Array;
  /** The quantization of v: the layer's output for relu and linear layers, the pre-activation
   *  (the table's input) for sigmoid and tanh layers. */
  requantized: QuantizationParameters;
  /** int8 bounds of v: [requantized.zeroPoint, 127] for relu (ReLU is the clamp), else [−128, 127]. */
  clampMin: number;
  clampMax: number;
  /** [256] int8 for sigmoid and tanh layers (index v + 128), else null. */
  table: Int8Array | null;
  /** The quantization of y, which the next layer reads. Equals requantized without a table. */
  output: QuantizationParameters;
}

/** A float range [min, max], always containing 0. */
export interface ValueRange {
  min: number;
  max: number;
}

export const CALIBRATION_METHODS = ["minmax", "percentile"] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

/** How the activation ranges were measured. */
export interface CalibrationRecord {
  method: CalibrationMethod;
  /** For "percentile": the upper percentile kept, e.g. 99.99 (the lower one is 100 − it). */
  percentile: number | null;
  /** How many images were run (the first ones of the set). */
  images: number;
  /** Where the images came from (a dataset folder), when known. */
  dataset: string | null;
  /** [layers]: each dense layer's pre-activation range over those images, widened to contain 0. */
  preActivationRanges: ValueRange[];
}

/** Test-set figures measured when the model was made (fractions in [0, 1]). */
export interface AccuracyRecord {
  testImages: number;
  int8: number;
  float: number | null;
  /** Fraction of test images given the same class by the float and the int8 model. */
  agreement: number | null;
  /** How many test images the int8 model classifies differently from the float model. */
  changed: number | null;
}

export interface QuantizedModel {
  /** Neurons per layer, input first: [784, 16, 16, 10]. */
  layers: number[];
  hiddenActivation: (typeof HIDDEN_ACTIVATIONS)[number];
  /** Always INPUT_QUANTIZATION. */
  input: QuantizationParameters;
  dense: QuantizedLayer[];
  calibration: CalibrationRecord | null;
  accuracy: AccuracyRecord | null;
  /** SHA-256 over the float model's parameters (float32 little-endian), when made from one. */
  floatParametersSha256: string | null;
}

/** Per layer: how many requantized values fell outside the int8 range and were clamped. */
export interface LayerSaturation {
  /** Values computed (images × outputs). */
  values: number;
  /** Clamped up to −128. Always 0 for relu layers: below their zero point is ReLU, not loss. */
  below: number;
  /** Clamped down to 127. */
  above: number;
}

export function createSaturationCounts(model: QuantizedModel): LayerSaturation[] {
  return model.dense.map(() => ({ values: 0, below: 0, above: 0 }));
}

/** The largest |x − zeroPoint| over int8 x: 255 for zero point −128, 128 for zero point 0. */
export function largestInputMagnitude(zeroPoint: number): number {
  return Math.max(INT8_MAX - zeroPoint, zeroPoint - INT8_MIN);
}

/** The largest |acc| output j can reach: |bias| + Σ_i |w_ij| · max|x − zeroPoint|. Exact in a
 *  double (well below 2^53 for any layer that fits a microcontroller). */
export function worstCaseAccumulator(layer: QuantizedLayer, j: number): number {
  let sum = 0;
  for (let i = 0; i < layer.inputs; i++) sum += Math.abs(layer.weights[i * layer.outputs + j]);
  return Math.abs(layer.bias[j]) + sum * largestInputMagnitude(layer.input.zeroPoint);
}

/**
 * The integer contracts of one layer, checked offline so that inference never needs to:
 * the int32 accumulator cannot overflow whatever the input (every partial sum is bounded by
 * the worst case too, so the order of summation does not matter), and every accumulator value
 * is a valid multiplyByQuantizedMultiplier input (acc · 2^max(shift, 0) stays an int32).
 * Returns a description of the first violation, or null.
 */
export function checkLayerContracts(layer: QuantizedLayer): string | null {
  for (let j = 0; j < layer.outputs; j++) {
    const worst = worstCaseAccumulator(layer, j);
    if (worst > INT32_MAX) {
      return `output ${j}: the int32 accumulator can reach ${worst} (|bias| ${Math.abs(layer.bias[j])} + Σ|w|·${largestInputMagnitude(layer.input.zeroPoint)}), beyond 2^31 − 1`;
    }
    const leftShift = Math.max(layer.shifts[j], 0);
    if (worst * 2 ** leftShift > INT32_MAX) {
      return `output ${j}: shift ${layer.shifts[j]} makes the accumulator (up to ${worst}) · 2^${leftShift} exceed 2^31 − 1 (multiplyByQuantizedMultiplier's contract)`;
    }
  }
  return null;
}

/** The real value an int8 stands for (host side, for reports; the emulator never calls it). */
export function dequantize(q: number, parameters: QuantizationParameters): number {
  return parameters.scale * (q - parameters.zeroPoint);
}
