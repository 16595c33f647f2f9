// Shared by the Espruino tests: the interpreter from ESPRUINO_BIN (skip with a message without
// it, fail under CI=true) and the rerun policy for when it crashes as a board, a Node stand-in
// for the few Espruino built-ins the generated module uses (so the module's JavaScript can also
// be run on many inputs quickly in Node), and a parser for the lines the test scripts print.

import { createContext, runInContext } from "node:vm";
import { expect } from "vitest";
import { crc32 } from "../../src/codegen/espruino.ts";
import { ESPRUINO_BIN_VARIABLE, findEspruinoInterpreter, type TelnetInterpreter } from "../../src/flash/espruino-linux.ts";
import { checkLayerContracts, INPUT_QUANTIZATION, MULTIPLIER_MIN, type QuantizedLayer, type QuantizedModel } from "../../src/model/quantized-model.ts";
import { createRandom } from "../../src/train/random.ts";

/**
 * The interpreter's path, or null outside CI when ESPRUINO_BIN is unset (the caller skips).
 * Under CI=true a missing interpreter throws, failing the file.
 */
export function requireEspruino(): string | null {
  const path = findEspruinoInterpreter();
  if (path) return path;
  const value = process.env[ESPRUINO_BIN_VARIABLE];
  const message = value
    ? `${ESPRUINO_BIN_VARIABLE}=${value} names no file`
    : `${ESPRUINO_BIN_VARIABLE} is not set (point it at the Espruino Linux interpreter, ../shared/tools/espruino/espruino; .ci/run sets it)`;
  if (process.env.CI === "true") throw new Error(`${message}; CI=true, so the Espruino tests must run`);
  console.warn(`skipping the Espruino interpreter tests: ${message}`);
  return null;
}

/**
 * The Linux interpreter's telnet input drops characters when the espruino tool sends fast, and
 * now and then the interpreter then crashes (SIGSEGV, SIGILL) on the garbled input, reports its
 * input FIFO full (FIFO_FULL) and stops answering, or garbles every resend of an upload — limits
 * of this test board, not of fixnet, whose retries handle the dropped characters of a sound
 * interpreter. A scenario whose interpreter died or broke that way (board() is the one it ran on,
 * or null; the scenario's stderr shows FIFO_FULL or an upload garbled on every attempt) is run
 * again on a fresh one, at most three times; any other failure, and a third, fail the test.
 */
export async function onStableBoard<T extends { code: number; stderr?: string }>(scenario: () => Promise<T>, board: () => TelnetInterpreter | null): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const result = await scenario();
    // Give the exit event a moment to arrive, then see whether the interpreter is gone.
    if (result.code !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
    const server = board();
    const ended = server !== null && (server.process.signalCode !== null || server.process.exitCode !== null);
    const broken = /FIFO_FULL|arrived garbled .* \d times/.exec(result.stderr ?? "");
    if (result.code === 0 || (!ended && !broken) || attempt === 3) return result;
    const what = ended ? `died (${server!.process.signalCode ?? `exit ${server!.process.exitCode}`})` : `broke (${broken![0]})`;
    console.warn(`the Espruino interpreter ${what} during attempt ${attempt}; running the scenario again on a fresh one`);
    await server?.stop();
  }
}

/** A generated network as the module defines it. */
export interface EspruinoNet {
  name: string;
  inputs: number;
  classes: number;
  convolve: boolean;
  predict(pixels: Uint8Array | number[]): { digit: number; logits: Int8Array };
}

/** Globals of a Node context that behaves like Espruino for the generated code. */
export type NodeEspruino = Record<string, unknown> & {
  fixnetRequantize(x: number, multiplierHigh: number, multiplierLow: number, divisor: number, half: number): number;
};

/**
 * Runs Espruino JavaScript in a Node context with E.convolve (a double-precision sum, like
 * Espruino's), E.toArrayBuffer, E.CRC32, atob and require("Storage").readArrayBuffer over
 * storage. Returns the context's globals.
 */
export function runInNodeEspruino(code: string, storage: Record<string, Uint8Array> = {}): NodeEspruino {
  const toArrayBuffer = (text: string): ArrayBuffer => Uint8Array.from(text, (character) => character.charCodeAt(0)).buffer;
  const E = {
    convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number {
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += a[i] * b[(i + offset) % b.length];
      return sum;
    },
    toArrayBuffer,
    CRC32: (buffer: ArrayBuffer): number => crc32(new Uint8Array(buffer)),
  };
  const Storage = {
    readArrayBuffer(name: string): ArrayBuffer | undefined {
      const bytes = storage[name];
      return bytes === undefined ? undefined : bytes.slice().buffer;
    },
    read(name: string, offset = 0, length?: number): string | undefined {
      const bytes = storage[name];
      if (bytes === undefined) return undefined;
      return String.fromCharCode(...bytes.subarray(offset, length === undefined ? undefined : offset + length));
    },
  };
  // Espruino's Math.pow is not exact (2^30 comes out as 1073741823.999999), so the runtime must
  // not use it; here it throws, so that Node catches what only the interpreter would show.
  const EspruinoMath = Object.create(Math, { pow: { value: () => { throw new Error("Math.pow is inexact on Espruino"); } } }) as Math;
  const context = createContext({ E, atob, Math: EspruinoMath, print: () => {}, require: (name: string) => (name === "Storage" ? Storage : undefined) });
  runInContext(code, context);
  return context as NodeEspruino;
}

/** The lines "<prefix> a b c ..." of a script's output, each as numbers. */
export function numberLines(stdout: string, prefix: string): number[][] {
  return stdout.split("\n")
    .filter((line) => line.startsWith(`${prefix} `))
    .map((line) => line.slice(prefix.length + 1).trim().split(/\s+/).map(Number));
}

/**
 * A random relu model of the given sizes that meets the integer contracts, its outputs spread
 * over the int8 range: for weights beyond 64 KB (a layer Espruino cannot view in one piece).
 * Accuracy means nothing here; exactness is what the tests check.
 */
export function syntheticModel(layers: number[], seed: number): QuantizedModel {
  const random = createRandom(seed);
  const dense: QuantizedLayer[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const inputs = layers[l];
    const outputs = layers[l + 1];
    const last = l + 2 === layers.length;
    const weights = new Int8Array(inputs * outputs);
    for (let k = 0; k < weights.length; k++) weights[k] = random.integer(255) - 127;
    const bias = Int32Array.from({ length: outputs }, () => random.integer(20001) - 10000);
    // A typical |sum| is about √inputs · 73 · 128; scale it to about 64.
    const shift = -Math.round(Math.log2(Math.sqrt(inputs) * 73 * 128 / 64));
    const quantization = { scale: 1 / 64, zeroPoint: last ? 0 : -128 };
    dense.push({
      inputs, outputs, activation: last ? "linear" : "relu",
      input: l === 0 ? { ...INPUT_QUANTIZATION } : { scale: 1 / 64, zeroPoint: -128 },
      weights, weightGranularity: "per-channel", weightScales: new Float32Array(outputs).fill(1 / 128), bias,
      multipliers: Int32Array.from({ length: outputs }, () => MULTIPLIER_MIN + random.integer(2 ** 30)),
      shifts: new Int32Array(outputs).fill(shift),
      requantized: quantization, clampMin: -128, clampMax: 127, table: null, output: quantization,
    });
  }
  for (const layer of dense) expect(checkLayerContracts(layer)).toBeNull();
  return { layers, hiddenActivation: "relu", input: { ...INPUT_QUANTIZATION }, dense, calibration: null, accuracy: null, floatParametersSha256: null };
}
