// A summary of an int8 model for `fixnet info`: per layer the quantization parameters, the
// ranges of its integers and how many bytes it takes on a device. Plain data, JSON-ready;
// formatting it for a terminal is the command's job.

import {
  worstCaseAccumulator,
  type AccuracyRecord,
  type CalibrationRecord,
  type LayerActivation,
  type QuantizationParameters,
  type QuantizedModel,
  type WeightGranularity,
} from "../model/quantized-model.ts";

export interface NumberRange {
  min: number;
  max: number;
}

/** Bytes a device stores for a layer: int8 weights, int32 biases, int32 multipliers, int8
 *  shifts and the int8 table (assuming those C types; padding not counted). */
export interface LayerBytes {
  weights: number;
  bias: number;
  multipliers: number;
  shifts: number;
  table: number;
  total: number;
}

export interface LayerDescription {
  index: number;
  inputs: number;
  outputs: number;
  activation: LayerActivation;
  input: QuantizationParameters;
  weightGranularity: WeightGranularity;
  weightScale: NumberRange;
  weights: NumberRange;
  bias: NumberRange;
  multiplier: NumberRange;
  shift: NumberRange;
  /** Outputs whose multiplier was flushed to 0 (their value is always the zero point). */
  zeroMultipliers: number;
  /** The real multipliers the integer ones stand for: multiplier / 2^31 · 2^shift. */
  effectiveMultiplier: NumberRange;
  requantized: QuantizationParameters;
  clamp: NumberRange;
  hasTable: boolean;
  output: QuantizationParameters;
  /** The largest |accumulator| any input can produce, and how many bits of int32 are left. */
  worstCaseAccumulator: number;
  accumulatorHeadroomBits: number;
  bytes: LayerBytes;
}

export interface QuantizedModelDescription {
  architecture: string;
  hiddenActivation: string;
  input: QuantizationParameters;
  parameters: number;
  layers: LayerDescription[];
  bytes: LayerBytes;
  calibration: CalibrationRecord | null;
  accuracy: AccuracyRecord | null;
  floatParametersSha256: string | null;
}

function rangeOf(values: ArrayLike<number>): NumberRange {
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < values.length; k++) {
    min = Math.min(min, values[k]);
    max = Math.max(max, values[k]);
  }
  return { min, max };
}

export function describeQuantized(model: QuantizedModel): QuantizedModelDescription {
  const layers = model.dense.map((layer, index): LayerDescription => {
    const effective = Array.from(layer.multipliers, (multiplier, j) => (multiplier / 2 ** 31) * 2 ** layer.shifts[j]);
    let worst = 0;
    for (let j = 0; j < layer.outputs; j++) worst = Math.max(worst, worstCaseAccumulator(layer, j));
    const bytes = {
      weights: layer.weights.length,
      bias: 4 * layer.outputs,
      multipliers: 4 * layer.outputs,
      shifts: layer.outputs,
      table: layer.table?.length ?? 0,
      total: 0,
    };
    bytes.total = bytes.weights + bytes.bias + bytes.multipliers + bytes.shifts + bytes.table;
    return {
      index,
      inputs: layer.inputs,
      outputs: layer.outputs,
      activation: layer.activation,
      input: layer.input,
      weightGranularity: layer.weightGranularity,
      weightScale: rangeOf(layer.weightScales),
      weights: rangeOf(layer.weights),
      bias: rangeOf(layer.bias),
      multiplier: rangeOf(layer.multipliers),
      shift: rangeOf(layer.shifts),
      zeroMultipliers: layer.multipliers.filter((multiplier) => multiplier === 0).length,
      effectiveMultiplier: rangeOf(effective),
      requantized: layer.requantized,
      clamp: { min: layer.clampMin, max: layer.clampMax },
      hasTable: layer.table !== null,
      output: layer.output,
      worstCaseAccumulator: worst,
      accumulatorHeadroomBits: Math.floor(31 - Math.log2(Math.max(worst, 1))),
      bytes,
    };
  });
  const sum = (key: keyof LayerBytes): number => layers.reduce((total, layer) => total + layer.bytes[key], 0);
  return {
    architecture: model.layers.join("-"),
    hiddenActivation: model.hiddenActivation,
    input: model.input,
    parameters: model.dense.reduce((total, layer) => total + layer.weights.length + layer.bias.length, 0),
    layers,
    bytes: { weights: sum("weights"), bias: sum("bias"), multipliers: sum("multipliers"), shifts: sum("shifts"), table: sum("table"), total: sum("total") },
    calibration: model.calibration,
    accuracy: model.accuracy,
    floatParametersSha256: model.floatParametersSha256,
  };
}
