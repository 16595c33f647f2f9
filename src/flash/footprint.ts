// What a built firmware spends on fixnet, read from its symbol table and linker map: flash for
// the model's data and for the runtime's code (with the compiler helpers only the runtime
// calls), and the runtime's static RAM. It reads files; it builds and runs nothing.

import { readFileSync } from "node:fs";
import { runProgram, type Firmware, type Target } from "./toolchains.ts";

const NM: Record<Target, string> = { host: "nm", "cortex-m3": "arm-none-eabi-nm", avr: "avr-nm" };
const SIZE: Record<Target, string> = { host: "size", "cortex-m3": "arm-none-eabi-size", avr: "avr-size" };

/** The runtime's object files, as the linker map names them. */
const RUNTIME_OBJECTS = ["fixnet.o", "fixnet_avr.o"];

export interface Footprint {
  /** Bytes of flash (read-only data) holding the model: NAME_* arrays and structs. */
  modelData: number;
  /** Bytes of code in the runtime's own functions (fixnet_*, C and assembly). */
  runtimeCode: number;
  /** Bytes of compiler / C library helpers that only the runtime calls (e.g. memcpy_P). */
  runtimeHelpers: number;
  /** Their names. */
  helperNames: string[];
  /** Bytes of static RAM the runtime itself holds (0: all its buffers are the caller's). */
  runtimeStaticRam: number;
  /** The whole firmware image in flash (code + initialised data), harness included. */
  firmwareFlash: number;
}

interface SymbolEntry {
  name: string;
  size: number;
  /** nm's type letter: t/T code, r/R read-only data, d/D data, b/B bss. */
  type: string;
}

/** Defined symbols with sizes, from nm -S. */
export function readSymbols(target: Target, path: string): SymbolEntry[] {
  return runProgram(NM[target], ["-S", "--defined-only", path])
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length === 4)
    .map(([, size, type, name]) => ({ name, size: parseInt(size, 16), type }));
}

/**
 * The library symbols the runtime's objects call, from the linker map's cross-reference table:
 * each entry is a symbol, the file defining it, then the files referring to it. Only helpers
 * from archives (libgcc.a, libc.a) that no other object of ours refers to are the runtime's.
 */
export function runtimeHelpers(mapText: string): string[] {
  const table = mapText.split("Cross Reference Table")[1];
  if (table === undefined) return [];
  const helpers: string[] = [];
  let symbol: string | null = null;
  let fromArchive = false;
  let referrers: string[] = [];
  const finish = () => {
    if (symbol !== null && fromArchive && referrers.length > 0 && referrers.every((file) => RUNTIME_OBJECTS.some((object) => file.endsWith(object)))) {
      helpers.push(symbol);
    }
  };
  for (const line of table.split("\n")) {
    if (line.trim() === "" || line.startsWith("Symbol")) continue;
    if (!/^\s/.test(line)) {
      finish();
      const [name, file] = line.trim().split(/\s+/);
      symbol = name;
      fromArchive = (file ?? "").includes(".a(");
      referrers = [];
    } else {
      referrers.push(line.trim());
    }
  }
  finish();
  return helpers;
}

/** A firmware image's whole size: flash (code + initialised data) and static RAM (initialised
 *  + zeroed data; the stack comes on top), from binutils' size (Berkeley format). */
export interface ImageSize {
  flash: number;
  staticRam: number;
}

/** The size of an ELF image, read with sizeTool (arm-none-eabi-size, avr-size, size). */
export function imageSize(sizeTool: string, elf: string): ImageSize {
  const [text, data, bss] = runProgram(sizeTool, [elf]).split("\n")[1].trim().split(/\s+/).map(Number);
  return { flash: text + data, staticRam: data + bss };
}

export function measureFootprint(firmware: Firmware): Footprint {
  const symbols = readSymbols(firmware.target, firmware.path);
  const isCode = (entry: SymbolEntry) => /^[tTwW]$/.test(entry.type);
  const isRam = (entry: SymbolEntry) => /^[dDbB]$/.test(entry.type);
  const sum = (entries: SymbolEntry[]) => entries.reduce((total, entry) => total + entry.size, 0);
  const helperNames = runtimeHelpers(readFileSync(firmware.mapPath, "utf8")).filter((name) => symbols.some((entry) => entry.name === name && isCode(entry)));
  return {
    modelData: sum(symbols.filter((entry) => entry.name.startsWith(`${firmware.name}_`) && !isRam(entry))),
    runtimeCode: sum(symbols.filter((entry) => entry.name.startsWith("fixnet_") && isCode(entry))),
    runtimeHelpers: sum(symbols.filter((entry) => helperNames.includes(entry.name) && isCode(entry))),
    helperNames,
    runtimeStaticRam: sum(symbols.filter((entry) => entry.name.startsWith("fixnet_") && isRam(entry))),
    firmwareFlash: imageSize(SIZE[firmware.target], firmware.path).flash,
  };
}
