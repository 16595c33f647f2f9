// int8 model → C: NAME_model.h holds the network as data only (const arrays in flash and the
// structs that describe them), next to a copy of the hand-written runtime from
// firmware-template/runtime. No inference logic is generated; the runtime is the algorithm.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FixnetError } from "../errors.ts";
import { readQuantizedModel } from "../model/quantized-file.ts";
import { INT32_MAX, INT32_MIN, type QuantizedLayer, type QuantizedModel } from "../model/quantized-model.ts";
import { FIXNET_VERSION } from "../version.ts";
import { arrayBody, checkCName, int32Literal } from "./c-syntax.ts";

/** The NAME that `fixnet codegen` and the pipeline use when none is given. */
export const DEFAULT_C_NAME = "mnist";

/** The fixnet_model_t / fixnet_layer_t layout this generator writes (FIXNET_MODEL_FORMAT in
 *  firmware-template/runtime/fixnet.h; the runtime refuses a header made for another). */
export const C_MODEL_FORMAT = 1;

/** The hand-written runtime copied next to every generated header. */
export const RUNTIME_FILES = ["fixnet.h", "fixnet.c", "fixnet_avr.S"] as const;

/** firmware-template/ in this package: the runtime and the target harnesses. */
export function firmwareTemplateDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "firmware-template");
}

/** Names the quantized model a header was generated from. */
export interface CProvenance {
  /** The quantized model file, as the user gave it. */
  path: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

export interface GeneratedFile {
  /** File name, no folder. */
  name: string;
  text: string;
}

/** How the caller's scratch buffer is used for a model (all in bytes except the words). */
export interface ScratchLayout {
  /** int32 sums of the widest layer (its row stride). */
  accumulatorWords: number;
  /** Hidden activations of the widest hidden layer, one byte each (0 for a single layer). */
  activationBytes: number;
  /** int32 words in all: NAME_SCRATCH_WORDS. */
  scratchWords: number;
}

/** The length of a weight row in the header: outputs rounded up to a multiple of 4, so that the
 *  runtime always sums four outputs together (FIXNET_STRIDE in fixnet.c); the extra weights are 0. */
export function rowStride(outputs: number): number {
  return Math.ceil(outputs / 4) * 4;
}

/** [inputs][stride] int8: the layer's weights with each row padded with zeros to the stride. */
export function paddedWeights(layer: QuantizedLayer): Int8Array {
  const stride = rowStride(layer.outputs);
  const padded = new Int8Array(layer.inputs * stride);
  for (let i = 0; i < layer.inputs; i++) padded.set(layer.weights.subarray(i * layer.outputs, (i + 1) * layer.outputs), i * stride);
  return padded;
}

export function scratchLayout(model: QuantizedModel): ScratchLayout {
  const accumulatorWords = Math.max(...model.dense.map((layer) => rowStride(layer.outputs)));
  const activationBytes = Math.max(0, ...model.dense.slice(0, -1).map((layer) => layer.outputs));
  return { accumulatorWords, activationBytes, scratchWords: accumulatorWords + Math.ceil(activationBytes / 4) };
}

/**
 * The bias the runtime starts each sum from. The runtime sums w · u over u = x + 128 (the uint8
 * form of the int8 input x, which for layer 0 is the raw pixel), whereas the model's sum is
 * Σ w · (x − z) with z the input zero point; so bias − (z + 128) · Σ_i w_ij, the same integer
 * after the sum (docs/quantized-format.md, section 4). For z = −128 (layer 0, relu layers) it is
 * the bias itself. |result| ≤ |bias| + 255 · Σ|w|, which the model's contracts keep in int32.
 */
export function foldedBias(layer: QuantizedLayer): Int32Array {
  const offset = layer.input.zeroPoint + 128;
  const folded = new Int32Array(layer.outputs);
  for (let j = 0; j < layer.outputs; j++) {
    let weightSum = 0;
    for (let i = 0; i < layer.inputs; i++) weightSum += layer.weights[i * layer.outputs + j];
    const value = layer.bias[j] - offset * weightSum; // exact: far below 2^53
    if (value < INT32_MIN || value > INT32_MAX) {
      throw new FixnetError("bad-file", `output ${j}: the folded bias ${value} is not an int32 (the model breaks its integer contracts)`);
    }
    folded[j] = value;
  }
  return folded;
}

/** Text that may go inside a C block comment. */
function commentSafe(text: string): string {
  return text.replace(/\*\//g, "* /").replace(/[\r\n]+/g, " ");
}

const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

function describeAccuracy(model: QuantizedModel): string {
  const accuracy = model.accuracy;
  if (accuracy === null) return "not measured";
  const float = accuracy.float === null ? "" : ` (float ${percent(accuracy.float)})`;
  return `${percent(accuracy.int8)} int8${float} on ${accuracy.testImages} test images`;
}

/** Bytes of model data in flash, without the small layer and model structs. */
export function modelDataBytes(model: QuantizedModel): number {
  return model.dense.reduce((sum, layer) => sum + layer.inputs * rowStride(layer.outputs) + 9 * layer.outputs + (layer.table ? 256 : 0), 0);
}

/**
 * NAME_model.h for a model: data only. The arrays are FIXNET_FLASH (PROGMEM on AVR, plain const
 * elsewhere); weights keep the file's [inputs][outputs] layout so that the runtime can skip the
 * row of every zero input (a blank pixel, a neuron ReLU zeroed).
 * @throws FixnetError "bad-option" for a NAME that is not a usable C identifier.
 */
export function generateModelHeader(model: QuantizedModel, name: string, provenance: CProvenance | null): string {
  checkCName(name);
  const upper = name.toUpperCase();
  const guard = `${upper}_MODEL_H`;
  const layout = scratchLayout(model);
  const classes = model.layers[model.layers.length - 1];
  const lines: string[] = [];
  const source = provenance ? commentSafe(provenance.path) : "(not from a file)";
  lines.push(
    `/* ${name}_model.h: a ${model.layers.join("-")} int8 network as C data for the fixnet runtime`,
    ` * (fixnet.h, fixnet.c, fixnet_avr.S). Generated by fixnet ${FIXNET_VERSION} (fixnet codegen); do not`,
    ` * edit, regenerate from the model.`,
    ` *`,
    ` * Source model:   ${source}`,
    ` * Its SHA-256:    ${provenance ? provenance.sha256 : "-"}`,
    ` * Float model:    parameters SHA-256 ${model.floatParametersSha256 ?? "unknown"}`,
    ` * Test accuracy:  ${describeAccuracy(model)}`,
    ` * Scheme:         TFLite int8, double rounding; ${model.hiddenActivation} hidden layers, int8 logits`,
    ` * Model data:     ${modelDataBytes(model)} bytes of arrays (plus the layer and model structs)`,
    ` * Scratch:        ${upper}_SCRATCH_WORDS int32 words = ${4 * layout.scratchWords} bytes (${layout.accumulatorWords} sums, ${layout.activationBytes} activation bytes)`,
    ` *`,
    ` * Include this file in one .c file only (its arrays are static). Everything here is FIXNET_FLASH:`,
    ` * PROGMEM on AVR, plain const elsewhere. Weights are [inputs][stride] (input-major), each row`,
    ` * padded with zeros to a multiple of 4 outputs; biases are folded with the input zero point`,
    ` * (see fixnet_layer_t in fixnet.h).`,
    ` */`,
    `#ifndef ${guard}`,
    `#define ${guard}`,
    ``,
    `#include "fixnet.h"`,
    ``,
    `#define ${upper}_INPUTS ${model.layers[0]}`,
    `#define ${upper}_CLASSES ${classes}`,
    `#define ${upper}_SCRATCH_WORDS ${layout.scratchWords}`,
    ``,
  );

  const layerInitializers: string[] = [];
  model.dense.forEach((layer, l) => {
    const prefix = `${name}_layer${l}`;
    const stride = rowStride(layer.outputs);
    lines.push(
      `/* layer ${l}: ${layer.inputs} -> ${layer.outputs}, ${layer.activation}; input zero point ${layer.input.zeroPoint}, ` +
        `output scale ${layer.output.scale} zero point ${layer.output.zeroPoint} */`,
      `static const int8_t ${prefix}_weights[${layer.inputs} * ${stride}] FIXNET_FLASH = {${stride === layer.outputs ? "" : ` /* ${stride - layer.outputs} zero column${stride - layer.outputs === 1 ? "" : "s"} of padding */`}`,
      arrayBody(paddedWeights(layer), Math.min(stride, 16)),
      `};`,
      `static const int32_t ${prefix}_bias[${layer.outputs}] FIXNET_FLASH = {`,
      arrayBody(foldedBias(layer), 8, "    ", int32Literal),
      `};`,
      `static const int32_t ${prefix}_multipliers[${layer.outputs}] FIXNET_FLASH = {`,
      arrayBody(layer.multipliers, 8, "    ", int32Literal),
      `};`,
      `static const int8_t ${prefix}_shifts[${layer.outputs}] FIXNET_FLASH = {`,
      arrayBody(layer.shifts, 16),
      `};`,
    );
    if (layer.table) {
      lines.push(`static const int8_t ${prefix}_table[256] FIXNET_FLASH = {`, arrayBody(layer.table, 16), `};`);
    }
    lines.push(``);
    layerInitializers.push(
      `    { ${prefix}_weights, ${prefix}_bias, ${prefix}_multipliers, ${prefix}_shifts, ${layer.table ? `${prefix}_table` : "NULL"}, ` +
        `${layer.inputs}, ${layer.outputs}, ${layer.requantized.zeroPoint}, ${layer.clampMin}, ${layer.clampMax} }`,
    );
  });

  lines.push(
    `/* { weights, bias, multipliers, shifts, table, inputs, outputs, output_zero_point, clamp_min, clamp_max } */`,
    `static const fixnet_layer_t ${name}_layers[${model.dense.length}] FIXNET_FLASH = {`,
    layerInitializers.join(",\n"),
    `};`,
    ``,
    `/* { format, layer_count, inputs, classes, accumulator_words, scratch_words, layers } */`,
    `static const fixnet_model_t ${name}_model FIXNET_FLASH = {`,
    `    ${C_MODEL_FORMAT}, ${model.dense.length}, ${upper}_INPUTS, ${upper}_CLASSES, ${layout.accumulatorWords}, ${upper}_SCRATCH_WORDS, ${name}_layers`,
    `};`,
    ``,
    `#endif /* ${guard} */`,
    ``,
  );
  return lines.join("\n");
}

/** The runtime's files, read from firmware-template/runtime. */
export function runtimeFiles(): GeneratedFile[] {
  const folder = join(firmwareTemplateDir(), "runtime");
  return RUNTIME_FILES.map((name) => {
    const path = join(folder, name);
    if (!existsSync(path)) throw new FixnetError("missing-file", `${path}: the fixnet runtime is missing from this installation (reinstall fixnet)`);
    return { name, text: readFileSync(path, "utf8") };
  });
}

/** NAME_model.h and the runtime, ready to write. */
export function generateCFiles(model: QuantizedModel, name: string, provenance: CProvenance | null): GeneratedFile[] {
  return [{ name: `${name}_model.h`, text: generateModelHeader(model, name, provenance) }, ...runtimeFiles()];
}

/** Writes NAME_model.h and the runtime into folder with writeFilesTogether. Returns the paths. */
export function writeGeneratedFiles(folder: string, files: GeneratedFile[]): string[] {
  return writeFilesTogether(folder, files.map((file) => ({ name: file.name, data: file.text })));
}

/**
 * Writes files into folder (created if missing), all of them or none: every destination is
 * checked first (a folder in the way is refused), each file is written to a temp file beside
 * its destination, and only when all are written are they renamed into place. Every file's
 * contents exist before the first byte is written. Returns the paths.
 */
export function writeFilesTogether(folder: string, files: readonly { name: string; data: string | Uint8Array }[]): string[] {
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new FixnetError("bad-option", `${folder}: is a file, expected a folder for the generated code`);
  }
  mkdirSync(folder, { recursive: true });
  const paths = files.map((file) => join(folder, file.name));
  for (const path of paths) {
    if (existsSync(path) && statSync(path).isDirectory()) {
      throw new FixnetError("bad-option", `${path}: is a folder, in the way of a generated file (move it away, or pick another output folder)`);
    }
  }
  const temporaries = paths.map((path) => join(folder, `.${basename(path)}.${process.pid}.tmp`));
  try {
    files.forEach((file, i) => writeFileSync(temporaries[i], file.data));
    temporaries.forEach((temporary, i) => renameSync(temporary, paths[i]));
  } catch (error) {
    for (const temporary of temporaries) rmSync(temporary, { force: true });
    throw new FixnetError("bad-file", `${folder}: could not write the generated files (${(error as Error).message})`);
  }
  return paths;
}

/** Names a model file by its path and the SHA-256 of its bytes. */
export function fileProvenance(path: string): CProvenance {
  return { path, sha256: createHash("sha256").update(readFileSync(path)).digest("hex") };
}

/**
 * `fixnet codegen`: reads and validates a quantized model file (a damaged one is refused) and
 * writes NAME_model.h, fixnet.h and fixnet.c into outDir. Returns the paths written.
 */
export function generateCFromFile(qmodelPath: string, outDir: string, name: string = DEFAULT_C_NAME): string[] {
  checkCName(name);
  const model = readQuantizedModel(qmodelPath);
  const files = generateCFiles(model, name, fileProvenance(qmodelPath));
  return writeGeneratedFiles(outDir, files);
}
