// The quantized model file ("fixnet-int8-model", version 1): JSON with every integer written
// out as a plain number, specified field by field in docs/quantized-format.md. Validated
// strictly on load (a damaged or hand-edited file is refused, never run) and written
// atomically. It does no quantization or inference.

import { createHash } from "node:crypto";
import { FixnetError } from "../errors.ts";
import { writeFileAtomic } from "../files.ts";
import { HIDDEN_ACTIVATIONS, parametersSha256, type Network } from "./network.ts";
import { FieldReader, readJsonDocument, type Json } from "./validate.ts";
import {
  CALIBRATION_METHODS,
  checkLayerContracts,
  INPUT_QUANTIZATION,
  INT32_MAX,
  INT32_MIN,
  INT8_MAX,
  INT8_MIN,
  MULTIPLIER_MIN,
  SHIFT_MAX,
  SHIFT_MIN,
  SIGMOID_OUTPUT,
  TABLE_LENGTH,
  TANH_OUTPUT,
  WEIGHT_GRANULARITIES,
  WEIGHT_MAX,
  WEIGHT_MIN,
  type AccuracyRecord,
  type CalibrationRecord,
  type LayerActivation,
  type QuantizationParameters,
  type QuantizedLayer,
  type QuantizedModel,
} from "./quantized-model.ts";

export const QUANTIZED_MODEL_FORMAT = "fixnet-int8-model";
export const QUANTIZED_MODEL_VERSION = 1;
/** The integer scheme, named in the file so that a reader knows which rounding it must do. */
export const QUANTIZED_MODEL_SCHEME = "tflite-int8-double-rounding";
const WEIGHT_LAYOUT = "[inputs][outputs]";
const INPUT_ENCODING = "pixel - 128";

// ---------------------------------------------------------------------------------------------
// Writing

export function serializeQuantizedModel(model: QuantizedModel): string {
  const document = {
    format: QUANTIZED_MODEL_FORMAT,
    version: QUANTIZED_MODEL_VERSION,
    scheme: QUANTIZED_MODEL_SCHEME,
    architecture: { layers: model.layers, hiddenActivation: model.hiddenActivation, outputActivation: "linear" },
    input: { encoding: INPUT_ENCODING, scale: model.input.scale, zeroPoint: model.input.zeroPoint },
    calibration: model.calibration,
    accuracy: model.accuracy,
    floatParametersSha256: model.floatParametersSha256,
    layers: model.dense.map((layer) => ({
      inputs: layer.inputs,
      outputs: layer.outputs,
      activation: layer.activation,
      input: quantizationJson(layer.input),
      weights: {
        granularity: layer.weightGranularity,
        layout: WEIGHT_LAYOUT,
        scales: Array.from(layer.weightScales),
        values: Array.from({ length: layer.inputs }, (_, i) => Array.from(layer.weights.subarray(i * layer.outputs, (i + 1) * layer.outputs))),
      },
      bias: Array.from(layer.bias),
      multipliers: Array.from(layer.multipliers),
      shifts: Array.from(layer.shifts),
      requantized: quantizationJson(layer.requantized),
      clamp: { min: layer.clampMin, max: layer.clampMax },
      table: layer.table === null ? null : Array.from(layer.table),
      output: quantizationJson(layer.output),
    })),
  };
  return `${formatJson(document, "")}\n`;
}

export function writeQuantizedModel(path: string, model: QuantizedModel): void {
  writeFileAtomic(path, serializeQuantizedModel(model));
}

function quantizationJson(parameters: QuantizationParameters): QuantizationParameters {
  return { scale: parameters.scale, zeroPoint: parameters.zeroPoint };
}

/** JSON with two-space indentation, except that an array of numbers goes on one line (weight
 *  rows, tables and per-output arrays stay readable and diffable without a line per number),
 *  and so does a short object of plain values ({ "scale": …, "zeroPoint": … }). */
function formatJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === "number")) return `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
    const inner = indent + "  ";
    return `[\n${value.map((item) => inner + formatJson(item, inner)).join(",\n")}\n${indent}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return "{}";
    if (entries.every(([, item]) => item === null || typeof item !== "object")) {
      const oneLine = `{ ${entries.map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`).join(", ")} }`;
      if (oneLine.length <= 72) return oneLine;
    }
    const inner = indent + "  ";
    return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${formatJson(item, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Identity

/** SHA-256 (hex) of the model as fixnet writes it (serializeQuantizedModel): names one int8
 *  model in files measured on it (size-*.json). Layout and whitespace of the file on disk do
 *  not change it; any integer, scale or record does. */
export function quantizedModelSha256(model: QuantizedModel): string {
  return createHash("sha256").update(serializeQuantizedModel(model)).digest("hex");
}

/**
 * Checks that an int8 model and a float model belong together, for every command that uses
 * both (verify --float, report, inspect, pipeline): the same layer sizes and, when the int8
 * file records it, the float parameters it was quantized from (floatParametersSha256, computed
 * by parametersSha256 as the quantizer does). A file recording null is accepted on the layers.
 * @throws FixnetError "bad-option" naming both files.
 */
export function checkQuantizedFrom(quantizedPath: string, quantized: QuantizedModel, floatPath: string, floatNetwork: Network): void {
  const floatLayers = floatNetwork.architecture.layers.join("-");
  const int8Layers = quantized.layers.join("-");
  if (floatLayers !== int8Layers) {
    throw new FixnetError("bad-option", `${quantizedPath}: an int8 ${int8Layers} network, but ${floatPath} is ${floatLayers}; pass the float model it was quantized from`);
  }
  const recorded = quantized.floatParametersSha256;
  if (recorded === null) return;
  const actual = parametersSha256(floatNetwork.parameters);
  if (actual !== recorded) {
    throw new FixnetError("bad-option", `${quantizedPath} was quantized from another float model (parameters sha256 ${recorded.slice(0, 12)}… recorded, ${floatPath} has ${actual.slice(0, 12)}…): pass the float model it came from, or quantize this one again`);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export function readQuantizedModel(path: string): QuantizedModel {
  return parseQuantizedModel(readJsonDocument(path, "fixnet quantized model file (JSON)"), path);
}

/**
 * Validates a parsed document field by field and builds the model. Every problem is one
 * FixnetError "bad-file" line naming the file, the field, what was expected and what was found.
 * Beyond types and ranges it checks that the layers chain (each layer's input quantization is
 * the previous output's), that clamps and tables fit the activation, and the integer contracts
 * (checkLayerContracts): a file that passes can be run without any check at inference time.
 */
export function parseQuantizedModel(document: unknown, file: string): QuantizedModel {
  const read = new FieldReader(file);
  const root = read.object(document, "the file");
  if (root.format !== QUANTIZED_MODEL_FORMAT) {
    const hint = root.format === "fixnet-float-model" ? " (this is a float model; run fixnet quantize on it first)" : " (not a fixnet quantized model)";
    read.fail("format", JSON.stringify(QUANTIZED_MODEL_FORMAT) + hint, root.format);
  }
  if (root.version !== QUANTIZED_MODEL_VERSION) {
    read.fail("version", `${QUANTIZED_MODEL_VERSION} (this fixnet reads version ${QUANTIZED_MODEL_VERSION}; quantize again or upgrade fixnet)`, root.version);
  }
  read.oneOf(root.scheme, "scheme", [QUANTIZED_MODEL_SCHEME] as const);

  const architecture = read.object(root.architecture, "architecture");
  const sizes = read.array(architecture.layers, "architecture.layers");
  if (sizes.length < 2) read.fail("architecture.layers", "at least an input and an output size", sizes);
  const layers = sizes.map((size, i) => read.integer(size, `architecture.layers[${i}]`, 1, 1 << 20));
  const hiddenActivation = read.oneOf(architecture.hiddenActivation, "architecture.hiddenActivation", HIDDEN_ACTIVATIONS);
  read.oneOf(architecture.outputActivation, "architecture.outputActivation", ["linear"] as const);

  const input = read.object(root.input, "input");
  read.oneOf(input.encoding, "input.encoding", [INPUT_ENCODING] as const);
  expectValue(read, input.scale, "input.scale", INPUT_QUANTIZATION.scale, "float32 1/255");
  expectValue(read, input.zeroPoint, "input.zeroPoint", INPUT_QUANTIZATION.zeroPoint, "the int8 input is pixel - 128");

  const calibration = root.calibration === null ? null : readCalibration(read, root.calibration, layers.length - 1);
  const accuracy = root.accuracy === null ? null : readAccuracy(read, root.accuracy);
  let floatParametersSha256: string | null = null;
  if (root.floatParametersSha256 !== null) {
    floatParametersSha256 = read.string(root.floatParametersSha256, "floatParametersSha256");
    if (!/^[0-9a-f]{64}$/.test(floatParametersSha256)) read.fail("floatParametersSha256", "64 lowercase hex digits or null", floatParametersSha256);
  }

  const layerEntries = read.array(root.layers, "layers");
  if (layerEntries.length !== layers.length - 1) {
    failCount(read, "layers", `${layers.length - 1} layers for architecture ${layers.join("-")}`, `${layerEntries.length}`);
  }
  const dense: QuantizedLayer[] = [];
  let previousOutput: QuantizationParameters = { ...INPUT_QUANTIZATION };
  layerEntries.forEach((entry, l) => {
    const activation = l === layerEntries.length - 1 ? "linear" : hiddenActivation;
    const layer = readLayer(read, entry, `layers[${l}]`, layers[l], layers[l + 1], activation, previousOutput, l === 0 ? "input" : `layers[${l - 1}].output`);
    dense.push(layer);
    previousOutput = layer.output;
  });
  return { layers, hiddenActivation, input: { ...INPUT_QUANTIZATION }, dense, calibration, accuracy, floatParametersSha256 };
}

function readLayer(
  read: FieldReader,
  entry: Json,
  field: string,
  inputs: number,
  outputs: number,
  activation: LayerActivation,
  previousOutput: QuantizationParameters,
  previousName: string,
): QuantizedLayer {
  const layer = read.object(entry, field);
  expectValue(read, layer.inputs, `${field}.inputs`, inputs, "from architecture.layers");
  expectValue(read, layer.outputs, `${field}.outputs`, outputs, "from architecture.layers");
  read.oneOf(layer.activation, `${field}.activation`, [activation] as const);

  const input = readQuantization(read, layer.input, `${field}.input`);
  expectValue(read, input.scale, `${field}.input.scale`, previousOutput.scale, `${previousName}.scale`);
  expectValue(read, input.zeroPoint, `${field}.input.zeroPoint`, previousOutput.zeroPoint, `${previousName}.zeroPoint`);

  const weights = read.object(layer.weights, `${field}.weights`);
  const weightGranularity = read.oneOf(weights.granularity, `${field}.weights.granularity`, WEIGHT_GRANULARITIES);
  read.oneOf(weights.layout, `${field}.weights.layout`, [WEIGHT_LAYOUT] as const);
  const weightScales = new Float32Array(outputs);
  readNumbers(read, weights.scales, `${field}.weights.scales`, outputs).forEach((scale, j) => {
    weightScales[j] = readScale(read, scale, `${field}.weights.scales[${j}]`);
  });
  if (weightGranularity === "per-tensor" && weightScales.some((scale) => scale !== weightScales[0])) {
    read.fail(`${field}.weights.scales`, "one scale repeated for every output (granularity per-tensor)", Array.from(weightScales));
  }
  const rows = read.array(weights.values, `${field}.weights.values`);
  if (rows.length !== inputs) failCount(read, `${field}.weights.values`, `${inputs} rows (one per input) of ${outputs} values`, `${rows.length} rows`);
  const weightValues = new Int8Array(inputs * outputs);
  rows.forEach((row, i) => {
    weightValues.set(readIntegers(read, row, `${field}.weights.values[${i}]`, outputs, WEIGHT_MIN, WEIGHT_MAX, "(int8 weights are symmetric: -128 is not allowed)"), i * outputs);
  });

  const bias = Int32Array.from(readIntegers(read, layer.bias, `${field}.bias`, outputs, INT32_MIN, INT32_MAX));
  const multipliers = Int32Array.from(readNumbers(read, layer.multipliers, `${field}.multipliers`, outputs).map((value, j) => {
    if (!(value === 0 || (Number.isInteger(value) && value >= MULTIPLIER_MIN && value <= INT32_MAX))) {
      read.fail(`${field}.multipliers[${j}]`, `0 or an integer in [${MULTIPLIER_MIN}, ${INT32_MAX}] (a quantized multiplier)`, value);
    }
    return value;
  }));
  const shifts = Int32Array.from(readIntegers(read, layer.shifts, `${field}.shifts`, outputs, SHIFT_MIN, SHIFT_MAX));

  const requantized = readQuantization(read, layer.requantized, `${field}.requantized`);
  const clamp = read.object(layer.clamp, `${field}.clamp`);
  const clampMin = activation === "relu" ? Math.max(INT8_MIN, requantized.zeroPoint) : INT8_MIN;
  expectValue(read, clamp.min, `${field}.clamp.min`, clampMin, activation === "relu" ? "ReLU clamps at requantized.zeroPoint" : "the int8 minimum");
  expectValue(read, clamp.max, `${field}.clamp.max`, INT8_MAX, "the int8 maximum");

  const hasTable = activation === "sigmoid" || activation === "tanh";
  let table: Int8Array | null = null;
  if (hasTable) {
    table = Int8Array.from(readIntegers(read, layer.table, `${field}.table`, TABLE_LENGTH, INT8_MIN, INT8_MAX, `(a ${activation} layer's lookup table)`));
  } else if (layer.table !== null) {
    read.fail(`${field}.table`, `null (a ${activation} layer has no table)`, layer.table);
  }
  const output = readQuantization(read, layer.output, `${field}.output`);
  const expectedOutput = activation === "sigmoid" ? SIGMOID_OUTPUT : activation === "tanh" ? TANH_OUTPUT : requantized;
  const expectedName = hasTable ? `TFLite's fixed ${activation} output quantization` : `${field}.requantized`;
  expectValue(read, output.scale, `${field}.output.scale`, expectedOutput.scale, expectedName);
  expectValue(read, output.zeroPoint, `${field}.output.zeroPoint`, expectedOutput.zeroPoint, expectedName);

  const result: QuantizedLayer = {
    inputs,
    outputs,
    activation,
    input,
    weights: weightValues,
    weightGranularity,
    weightScales,
    bias,
    multipliers,
    shifts,
    requantized,
    clampMin,
    clampMax: INT8_MAX,
    table,
    output,
  };
  const problem = checkLayerContracts(result);
  if (problem !== null) {
    throw new FixnetError("bad-file", `${read.file}: ${field}: ${problem}; expected integers that keep int32 arithmetic exact (edited by hand? quantize the float model again)`);
  }
  return result;
}

/** A wrong number of items: "expected 16 values, found 15 values". */
function failCount(read: FieldReader, field: string, expected: string, found: string): never {
  throw new FixnetError("bad-file", `${read.file}: ${field}: expected ${expected}, found ${found}`);
}

/** A field whose value follows from others; found must equal expected exactly. */
function expectValue(read: FieldReader, found: Json, field: string, expected: number, why: string): void {
  if (found !== expected) read.fail(field, `${expected} (${why})`, found);
}

function readQuantization(read: FieldReader, value: Json, field: string): QuantizationParameters {
  const parameters = read.object(value, field);
  return {
    scale: readScale(read, parameters.scale, `${field}.scale`),
    zeroPoint: read.integer(parameters.zeroPoint, `${field}.zeroPoint`, INT8_MIN, INT8_MAX),
  };
}

/** A scale: positive, finite, and still so as a float32 (the value is rounded to float32). */
function readScale(read: FieldReader, value: Json, field: string): number {
  const scale = Math.fround(read.number(value, field));
  if (!(scale > 0 && Number.isFinite(scale))) read.fail(field, "a positive float32 scale", value);
  return scale;
}

function readNumbers(read: FieldReader, value: Json, field: string, length: number): number[] {
  const items = read.array(value, field);
  if (items.length !== length) failCount(read, field, `${length} values`, `${items.length} values`);
  return items.map((item, k) => read.number(item, `${field}[${k}]`));
}

function readIntegers(read: FieldReader, value: Json, field: string, length: number, min: number, max: number, note = ""): number[] {
  const items = read.array(value, field);
  if (items.length !== length) failCount(read, field, `${length} values`, `${items.length} values`);
  return items.map((item, k) => {
    if (typeof item !== "number" || !Number.isInteger(item) || item < min || item > max) {
      read.fail(`${field}[${k}]`, `an integer in [${min}, ${max}]${note ? " " + note : ""}`, item);
    }
    return item;
  });
}

function readCalibration(read: FieldReader, value: Json, layerCount: number): CalibrationRecord {
  const calibration = read.object(value, "calibration");
  const method = read.oneOf(calibration.method, "calibration.method", CALIBRATION_METHODS);
  const percentile = method === "percentile" ? read.number(calibration.percentile, "calibration.percentile") : null;
  if (percentile !== null && !(percentile > 50 && percentile <= 100)) read.fail("calibration.percentile", "a number in (50, 100]", percentile);
  if (method !== "percentile" && calibration.percentile !== null) read.fail("calibration.percentile", "null for method minmax", calibration.percentile);
  const images = read.integer(calibration.images, "calibration.images", 1, Number.MAX_SAFE_INTEGER);
  const dataset = calibration.dataset === null ? null : read.string(calibration.dataset, "calibration.dataset");
  const ranges = read.array(calibration.preActivationRanges, "calibration.preActivationRanges");
  if (ranges.length !== layerCount) failCount(read, "calibration.preActivationRanges", `${layerCount} ranges, one per layer`, `${ranges.length}`);
  const preActivationRanges = ranges.map((entry, l) => {
    const field = `calibration.preActivationRanges[${l}]`;
    const range = read.object(entry, field);
    const min = read.number(range.min, `${field}.min`);
    const max = read.number(range.max, `${field}.max`);
    if (min > 0) read.fail(`${field}.min`, "a number <= 0 (ranges contain 0)", min);
    if (max < 0) read.fail(`${field}.max`, "a number >= 0 (ranges contain 0)", max);
    return { min, max };
  });
  return { method, percentile, images, dataset, preActivationRanges };
}

function readAccuracy(read: FieldReader, value: Json): AccuracyRecord {
  const accuracy = read.object(value, "accuracy");
  const fraction = (item: Json, field: string): number => {
    const number = read.number(item, field);
    if (number < 0 || number > 1) read.fail(field, "a fraction in [0, 1]", number);
    return number;
  };
  const testImages = read.integer(accuracy.testImages, "accuracy.testImages", 0, Number.MAX_SAFE_INTEGER);
  return {
    testImages,
    int8: fraction(accuracy.int8, "accuracy.int8"),
    float: accuracy.float === null ? null : fraction(accuracy.float, "accuracy.float"),
    agreement: accuracy.agreement === null ? null : fraction(accuracy.agreement, "accuracy.agreement"),
    changed: accuracy.changed === null ? null : read.integer(accuracy.changed, "accuracy.changed", 0, testImages),
  };
}
