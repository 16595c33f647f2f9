// The quantizer: float network + calibration → int8 model, following the TFLite int8 spec
// (symmetric per-channel int8 weights, asymmetric int8 activations, int32 biases, integer
// requantization multipliers, lookup tables for sigmoid and tanh). All float work of the int8
// path happens here, once, like TFLite's Prepare; it runs no inference itself.

import { FixnetError } from "../errors.ts";
import { activationFunction, parametersSha256, type Network } from "../model/network.ts";
import { quantizeMultiplier } from "./fixed-point.ts";
import {
  checkLayerContracts,
  INPUT_QUANTIZATION,
  INT8_MAX,
  INT8_MIN,
  INT32_MAX,
  SIGMOID_OUTPUT,
  TABLE_LENGTH,
  TANH_OUTPUT,
  WEIGHT_MAX,
  type CalibrationRecord,
  type LayerActivation,
  type QuantizationParameters,
  type QuantizedLayer,
  type QuantizedModel,
  type WeightGranularity,
} from "../model/quantized-model.ts";

export interface QuantizeOptions {
  /** One weight scale per layer instead of one per output neuron. */
  perTensor: boolean;
}

export const DEFAULT_QUANTIZE_OPTIONS: Readonly<QuantizeOptions> = { perTensor: false };

/** C's std::round (TfLiteRound): to nearest, ties away from zero. */
export function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.round(-value) : Math.round(value);
}

function clampInt8(value: number): number {
  return value < INT8_MIN ? INT8_MIN : value > INT8_MAX ? INT8_MAX : value;
}

/**
 * Asymmetric int8 parameters for a float range, as TFLite's converter nudges them: the range
 * is widened to contain 0, scale = (max − min) / 255 as a float32, and the zero point is
 * −128 − min/scale rounded (ties away from zero) and clamped to int8, so that 0.0 maps to an
 * integer exactly. An empty range [0, 0] (a neuron that never fires) is taken as [0, 1].
 */
export function asymmetricQuantization(min: number, max: number): QuantizationParameters {
  const low = Math.min(min, 0);
  const high = Math.max(max, 0);
  const width = high - low > 0 ? high - low : 1;
  const scale = Math.fround(width / (INT8_MAX - INT8_MIN));
  const zeroPoint = clampInt8(roundHalfAwayFromZero(INT8_MIN - low / scale));
  return { scale, zeroPoint: zeroPoint === 0 ? 0 : zeroPoint }; // no −0 in files
}

/**
 * Symmetric int8 weights (TFLite spec: zero point 0, values in [−127, 127]).
 * weights: [inputs][outputs]. Per channel, scale_j = max_i |w_ij| / 127 (a float32) and
 * q_ij = round(w_ij / scale_j), ties away from zero; per tensor, one scale for all. A channel
 * of zeros gets scale 1 (any positive scale represents it exactly).
 */
export function quantizeWeights(weights: Float32Array, inputs: number, outputs: number, granularity: WeightGranularity): { values: Int8Array; scales: Float32Array } {
  const largest = new Float64Array(outputs);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < outputs; j++) largest[j] = Math.max(largest[j], Math.abs(weights[i * outputs + j]));
  }
  if (granularity === "per-tensor") {
    let overall = 0;
    for (const value of largest) overall = Math.max(overall, value);
    largest.fill(overall);
  }
  const scales = new Float32Array(outputs);
  for (let j = 0; j < outputs; j++) scales[j] = largest[j] > 0 ? Math.fround(largest[j] / WEIGHT_MAX) : 1;
  const values = new Int8Array(inputs * outputs);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < outputs; j++) {
      const q = roundHalfAwayFromZero(weights[i * outputs + j] / scales[j]);
      values[i * outputs + j] = Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, q));
    }
  }
  return { values, scales };
}

/**
 * The 256-entry int8 → int8 table of a sigmoid or tanh layer. Entry q + 128 is the activation
 * of the real value x = input.scale · (q − input.zeroPoint), quantized to TFLite's fixed output
 * quantization: sigmoid: clamp(round(256·σ(x)) − 128), tanh: clamp(round(128·tanh(x))), with
 * rounding ties away from zero and clamping to [−128, 127]. (For sigmoid this matches
 * TFLite-Micro's int8 LOGISTIC kernel entry for entry; see issue 3.)
 */
export function activationTable(activation: "sigmoid" | "tanh", input: QuantizationParameters): Int8Array {
  const f = activationFunction(activation);
  const output = activation === "sigmoid" ? SIGMOID_OUTPUT : TANH_OUTPUT;
  const table = new Int8Array(TABLE_LENGTH);
  for (let q = INT8_MIN; q <= INT8_MAX; q++) {
    const x = input.scale * (q - input.zeroPoint);
    table[q - INT8_MIN] = clampInt8(roundHalfAwayFromZero(f(x) / output.scale) + output.zeroPoint);
  }
  return table;
}


/**
 * Quantizes a float network with the ranges of a calibration run.
 * Per layer l (input quantization = the model input for l = 0, else layer l − 1's output):
 * - relu: requantized = output = asymmetricQuantization(0, range.max), so the zero point is
 *   −128 and the clamp [zeroPoint, 127] is the ReLU.
 * - sigmoid / tanh: requantized = asymmetricQuantization(range) (the pre-activation), then a
 *   table to the fixed output quantization (scale 1/256, zero point −128 / scale 1/128, 0).
 * - the last layer (linear): output = asymmetricQuantization(range): int8 logits.
 * - bias_j = round(b_j / float32(input.scale · weightScale_j)), ties away from zero.
 * - multiplier_j, shift_j = quantizeMultiplier(input.scale · weightScale_j / requantized.scale),
 *   the product and quotient taken in double from the float32 scales, as TFLite-Micro does.
 * @param source names the float model in error messages.
 * @throws FixnetError "bad-file" when a layer cannot meet the integer contracts (a bias or
 *   an accumulator beyond int32, a multiplier of 2^30 or more).
 */
export function quantizeNetwork(network: Network, calibration: CalibrationRecord, options: QuantizeOptions = DEFAULT_QUANTIZE_OPTIONS, source = "float model"): QuantizedModel {
  const { layers, hiddenActivation } = network.architecture;
  if (calibration.preActivationRanges.length !== network.dense.length) {
    throw new RangeError(`calibration has ${calibration.preActivationRanges.length} layer ranges, the network ${network.dense.length} layers`);
  }
  const granularity: WeightGranularity = options.perTensor ? "per-tensor" : "per-channel";
  const dense: QuantizedLayer[] = [];
  let input: QuantizationParameters = { ...INPUT_QUANTIZATION };

  network.dense.forEach((floatLayer, l) => {
    const { inputs, outputs } = floatLayer;
    const activation: LayerActivation = l === network.dense.length - 1 ? "linear" : hiddenActivation;
    const range = calibration.preActivationRanges[l];
    const fail = (problem: string, hint: string): never => {
      throw new FixnetError("bad-file", `${source}: cannot quantize layer ${l} (${inputs}->${outputs}): ${problem}; ${hint}`);
    };

    const requantized = activation === "relu" ? asymmetricQuantization(0, range.max) : asymmetricQuantization(range.min, range.max);
    const table = activation === "sigmoid" || activation === "tanh" ? activationTable(activation, requantized) : null;
    const output = activation === "sigmoid" ? { ...SIGMOID_OUTPUT } : activation === "tanh" ? { ...TANH_OUTPUT } : requantized;
    // TFLite CalculateActivationRangeQuantized: ReLU clamps at the quantized 0.0.
    const clampMin = activation === "relu" ? Math.max(INT8_MIN, requantized.zeroPoint) : INT8_MIN;

    const weights = quantizeWeights(floatLayer.weights, inputs, outputs, granularity);
    const bias = new Int32Array(outputs);
    const multipliers = new Int32Array(outputs);
    const shifts = new Int32Array(outputs);
    for (let j = 0; j < outputs; j++) {
      const biasScale = Math.fround(input.scale * weights.scales[j]);
      const q = roundHalfAwayFromZero(floatLayer.bias[j] / biasScale);
      if (Math.abs(q) > INT32_MAX) {
        fail(`bias ${j} (${floatLayer.bias[j]}) is ${q} in units of ${biasScale}, beyond int32`, "its weights are tiny next to its bias; retrain, e.g. with --l2");
      }
      bias[j] = q;
      const realMultiplier = (input.scale * weights.scales[j]) / requantized.scale;
      if (!(realMultiplier < 2 ** 30)) {
        fail(`output ${j}: requantization multiplier ${realMultiplier} is 2^30 or more`, "its output range is degenerate; calibrate on more images");
      }
      const quantized = quantizeMultiplier(realMultiplier);
      multipliers[j] = quantized.multiplier;
      shifts[j] = quantized.shift;
    }

    const layer: QuantizedLayer = {
      inputs,
      outputs,
      activation,
      input,
      weights: weights.values,
      weightGranularity: granularity,
      weightScales: weights.scales,
      bias,
      multipliers,
      shifts,
      requantized,
      clampMin,
      clampMax: INT8_MAX,
      table,
      output,
    };
    const problem = checkLayerContracts(layer);
    if (problem !== null) fail(problem, "the weights are too large for int8 with int32 accumulators; retrain with --l2");
    dense.push(layer);
    input = output;
  });

  return {
    layers: [...layers],
    hiddenActivation,
    input: { ...INPUT_QUANTIZATION },
    dense,
    calibration,
    accuracy: null,
    floatParametersSha256: parametersSha256(network.parameters),
  };
}
