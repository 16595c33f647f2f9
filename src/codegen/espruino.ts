// int8 model → an Espruino module: NAME.js (the hand-written runtime of
// firmware-template/espruino/fixnet.js followed by the model as data) and NAME.bin (the weights
// for the board's Storage), or one file with the weights inlined as base64; plus a small example
// app. No inference logic is generated; the runtime is the algorithm. It uploads nothing.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FixnetError } from "../errors.ts";
import { readQuantizedModel } from "../model/quantized-file.ts";
import type { QuantizedLayer, QuantizedModel } from "../model/quantized-model.ts";
import { FIXNET_VERSION } from "../version.ts";
import { fileProvenance, firmwareTemplateDir, writeFilesTogether, type CProvenance } from "./c.ts";

/** The module description layout the runtime reads (FIXNET_ESPRUINO_FORMAT in fixnet.js). */
export const FIXNET_ESPRUINO_FORMAT = 1;

/** Espruino 2v29 Storage file names hold at most 28 characters; NAME.bin and NAME-example.js
 *  must fit, and older firmware (8-character names) needs a short NAME anyway. */
export const ESPRUINO_NAME_MAX_LENGTH = 16;

/** Espruino's typed arrays take byte offsets up to 65535, so the runtime views inlined weights
 *  only when they fit (beyond that, Storage files are read in parts; see fixnetWeightView). */
export const ESPRUINO_INLINE_MAX_BYTES = 65536;

/** The runtime copied at the top of every module. */
export function espruinoRuntimePath(): string {
  return join(firmwareTemplateDir(), "espruino", "fixnet.js");
}

export function espruinoExampleTemplatePath(): string {
  return join(firmwareTemplateDir(), "espruino", "example.js");
}

export interface EspruinoOptions {
  /** true: weights inlined as base64 in NAME.js (one upload, costs RAM); false: NAME.bin for Storage. */
  inline: boolean;
}

/** An MNIST test image embedded in the example app, so that it shows a prediction at once. */
export interface SampleImage {
  pixels: Uint8Array;
  label: number;
  /** Where it came from, for the app's comment ("MNIST test image 0"). */
  description: string;
}

/** A file to write: text, or bytes for NAME.bin. */
export interface EspruinoFile {
  name: string;
  data: string | Uint8Array;
}

/** Where each layer's bytes lie in NAME.bin. */
export interface WeightLayout {
  /** Per layer: offset of its [outputs][inputs] int8 weights, and of its 256-entry table or −1. */
  layers: { weights: number; table: number }[];
  bytes: number;
}

/** JavaScript's reserved words and the Espruino globals a module name must not hide. */
const RESERVED_NAMES = new Set([
  "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
  "extends", "false", "finally", "for", "function", "if", "implements", "import", "in", "instanceof", "interface", "let",
  "new", "null", "package", "private", "protected", "public", "return", "static", "super", "switch", "this", "throw", "true",
  "try", "typeof", "var", "void", "while", "with", "yield", "await", "arguments", "eval", "undefined", "NaN", "Infinity",
  "E", "Math", "JSON", "Storage", "Graphics", "Bangle", "Puck", "Pixl", "NRF", "ESP32", "Serial1", "g", "print", "require",
  "process", "global", "exports", "module", "console", "atob", "btoa", "load", "reset", "save", "setTimeout", "setInterval",
]);

/**
 * Checks that name can be the module's global variable and prefix its Storage files.
 * @throws FixnetError "bad-option" saying what is wrong and what would do.
 */
export function checkEspruinoName(name: string, option = "--name"): void {
  const why = espruinoNameProblem(name);
  if (why !== null) {
    throw new FixnetError("bad-option", `${option} "${name}": ${why}; use letters, digits and underscores, starting with a letter (for example "mnist")`);
  }
}

function espruinoNameProblem(name: string): string | null {
  if (name.length === 0) return "is empty";
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    const bad = [...name].find((character) => !/[A-Za-z0-9_]/.test(character));
    return bad === undefined ? "must start with a letter (it names a JavaScript variable)" : `contains ${JSON.stringify(bad)}, which a JavaScript variable name cannot`;
  }
  if (RESERVED_NAMES.has(name)) return "is a JavaScript reserved word or an Espruino global";
  if (/^fixnet/i.test(name)) return `starts with "fixnet", which the runtime's own names use`;
  if (name.length > ESPRUINO_NAME_MAX_LENGTH) return `is ${name.length} characters long; at most ${ESPRUINO_NAME_MAX_LENGTH} keep the Storage file names valid on every Espruino`;
  return null;
}

export function weightLayout(model: QuantizedModel): WeightLayout {
  let offset = 0;
  const layers = model.dense.map((layer) => {
    const weights = offset;
    offset += layer.inputs * layer.outputs;
    const table = layer.table === null ? -1 : offset;
    if (layer.table !== null) offset += layer.table.length;
    return { weights, table };
  });
  return { layers, bytes: offset };
}

/**
 * NAME.bin: per layer its weights transposed to [outputs][inputs] int8 (each output's row is
 * contiguous, so E.convolve can take it as one vector), then its lookup table if it has one.
 * Offsets as weightLayout gives them; no header (the module records length and CRC-32).
 */
export function espruinoWeights(model: QuantizedModel): Uint8Array {
  const layout = weightLayout(model);
  const bytes = new Int8Array(layout.bytes);
  model.dense.forEach((layer, l) => {
    const base = layout.layers[l].weights;
    for (let j = 0; j < layer.outputs; j++) {
      for (let i = 0; i < layer.inputs; i++) bytes[base + j * layer.inputs + i] = layer.weights[i * layer.outputs + j];
    }
    if (layer.table !== null) bytes.set(layer.table, layout.layers[l].table);
  });
  return new Uint8Array(bytes.buffer);
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, zlib's and Espruino's E.CRC32), unsigned. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let k = 0; k < bytes.length; k++) crc = crcTable[(crc ^ bytes[k]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The Storage file that holds a module's weights. */
export function weightsStorageName(name: string): string {
  return `${name}.bin`;
}

function layerDescription(layer: QuantizedLayer, offsets: { weights: number; table: number }): string {
  const list = (values: ArrayLike<number>): string => `[${Array.from(values).join(", ")}]`;
  return [
    `    {`,
    `      inputs: ${layer.inputs}, outputs: ${layer.outputs}, inputZeroPoint: ${layer.input.zeroPoint}, /* ${layer.activation} */`,
    `      weights: ${offsets.weights}, table: ${offsets.table},`,
    `      bias: ${list(layer.bias)},`,
    `      multipliers: ${list(layer.multipliers)},`,
    `      shifts: ${list(layer.shifts)},`,
    `      outputZeroPoint: ${layer.requantized.zeroPoint}, clampMin: ${layer.clampMin}, clampMax: ${layer.clampMax}`,
    `    }`,
  ].join("\n");
}

function readTemplate(path: string): string {
  if (!existsSync(path)) throw new FixnetError("missing-file", `${path}: part of the fixnet Espruino runtime is missing from this installation (reinstall fixnet)`);
  return readFileSync(path, "utf8");
}

/** Text that may go inside a JavaScript block comment, in ASCII: the espruino tool counts
 *  characters where Storage counts bytes, so a module saved to flash must be ASCII only. */
function commentSafe(text: string): string {
  return text.replace(/\*\//g, "* /").replace(/[\r\n]+/g, " ").replace(/[^\x20-\x7e]/g, "?");
}

function describeAccuracy(model: QuantizedModel): string {
  const accuracy = model.accuracy;
  if (accuracy === null) return "not measured";
  const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;
  return `${percent(accuracy.int8)} int8${accuracy.float === null ? "" : ` (float ${percent(accuracy.float)})`} on ${accuracy.testImages} test images`;
}

/**
 * NAME.js: a header comment, the runtime, then `var NAME = fixnetLoad({...})` with the model's
 * integers (biases not folded: the runtime sums weights · (x − inputZeroPoint)) and where its
 * weights are. Runs as it is on Espruino (upload it, or put it in .bootcde).
 */
export function generateEspruinoModule(model: QuantizedModel, name: string, options: EspruinoOptions, provenance: CProvenance | null): string {
  checkEspruinoName(name);
  const layout = weightLayout(model);
  const weights = espruinoWeights(model);
  const storage = weightsStorageName(name);
  const classes = model.layers[model.layers.length - 1];
  if (options.inline && layout.bytes > ESPRUINO_INLINE_MAX_BYTES) {
    throw new FixnetError("bad-option", `--inline: the ${model.layers.join("-")} network has ${layout.bytes} bytes of weights; at most ${ESPRUINO_INLINE_MAX_BYTES} can be inlined (Espruino's typed-array offsets, and the RAM they would take): leave out --inline to keep them in a Storage file`);
  }
  const source = options.inline
    ? `{ base64: "${Buffer.from(weights).toString("base64")}", bytes: ${layout.bytes}, crc32: ${crc32(weights)} }`
    : `{ storage: "${storage}", bytes: ${layout.bytes}, crc32: ${crc32(weights)} }`;
  const lines = [
    `/* ${name}.js: a ${model.layers.join("-")} int8 network for Espruino, run by the fixnet runtime below.`,
    ` * Generated by fixnet ${FIXNET_VERSION} (fixnet codegen --target espruino); do not edit, regenerate from the model.`,
    ` *`,
    ` * Source model:   ${provenance ? commentSafe(provenance.path) : "(not from a file)"}`,
    ` * Its SHA-256:    ${provenance ? provenance.sha256 : "-"}`,
    ` * Test accuracy:  ${describeAccuracy(model)}`,
    ` * Scheme:         TFLite int8, double rounding; ${model.hiddenActivation} hidden layers, int8 logits`,
    ` * Weights:        ${layout.bytes} bytes, ` + (options.inline
      ? `inlined below as base64 (one upload; they take RAM)`
      : `in the Storage file "${storage}" (read in place from flash; upload it with this file)`),
    ` *`,
    ` * Use: ${name}.predict(pixels) -> { digit, logits }, pixels the ${model.layers[0]} bytes of a 28x28 image`,
    ` * (row by row, 0 = background, 255 = ink), logits the ${classes} int8 scores. ${name}.convolve = false`,
    ` * switches from E.convolve to plain loops (same results, slower).`,
    ` */`,
    ``,
    readTemplate(espruinoRuntimePath()).trimEnd(),
    ``,
    `var ${name} = fixnetLoad({`,
    `  format: ${FIXNET_ESPRUINO_FORMAT},`,
    `  name: "${name}",`,
    `  weights: ${source},`,
    `  dense: [`,
    model.dense.map((layer, l) => layerDescription(layer, layout.layers[l])).join(",\n"),
    `  ]`,
    `});`,
    ``,
  ];
  return lines.join("\n");
}

/** NAME-example.js: the example app (firmware-template/espruino/example.js) for this module,
 *  with a test image to classify at start. */
export function generateEspruinoExample(name: string, sample: SampleImage): string {
  checkEspruinoName(name);
  return readTemplate(espruinoExampleTemplatePath())
    .replace(/\bMODEL_NAME\b/g, name)
    .replace(/"SAMPLE_BASE64"/g, JSON.stringify(Buffer.from(sample.pixels).toString("base64")))
    .replace(/\bSAMPLE_LABEL\b/g, String(sample.label))
    .replace(/SAMPLE_DESCRIPTION/g, commentSafe(sample.description));
}

/** NAME.js, NAME.bin (unless inlined) and, given a sample image, NAME-example.js. */
export function generateEspruinoFiles(model: QuantizedModel, name: string, options: EspruinoOptions, provenance: CProvenance | null, sample: SampleImage | null): EspruinoFile[] {
  const files: EspruinoFile[] = [{ name: `${name}.js`, data: generateEspruinoModule(model, name, options, provenance) }];
  if (!options.inline) files.push({ name: weightsStorageName(name), data: espruinoWeights(model) });
  if (sample !== null) files.push({ name: `${name}-example.js`, data: generateEspruinoExample(name, sample) });
  return files;
}

/** Writes the module's files into folder with writeFilesTogether (all or none). Returns the paths. */
export function writeEspruinoFiles(folder: string, files: EspruinoFile[]): string[] {
  return writeFilesTogether(folder, files);
}

/**
 * `fixnet codegen --target espruino`: reads and validates a quantized model file and writes the
 * module (and the weights file and example app) into outDir. Returns the paths written.
 */
export function generateEspruinoFromFile(qmodelPath: string, outDir: string, name: string, options: EspruinoOptions, sample: SampleImage | null): string[] {
  checkEspruinoName(name);
  const model = readQuantizedModel(qmodelPath);
  return writeEspruinoFiles(outDir, generateEspruinoFiles(model, name, options, fileProvenance(qmodelPath), sample));
}
