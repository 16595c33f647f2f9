// Building firmware from generated C: the compilers and flags for each target (host, Cortex-M3,
// ATmega328P) and for each Cortex-M chip's standalone firmware (chips.ts), the harnesses in
// firmware-template/, and the two host tools that run them (tools/simavr-run.c,
// tools/qemu-insn-count.c). Library functions with typed results, shared by
// `fixnet size`, the tests and `fixnet flash`. It builds; it runs nothing but compilers.

import { existsSync, mkdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { firmwareTemplateDir } from "../codegen/c.ts";
import type { CortexMChip } from "./chips.ts";
import { spawnChild } from "./processes.ts";
import { requireTools, TOOLS, type ToolRequirement } from "./tools.ts";

export const TARGETS = ["host", "cortex-m3", "avr"] as const;
export type Target = (typeof TARGETS)[number];

/** The strictness every build of fixnet's C uses: C99, warnings as errors. */
export const C_WARNING_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"] as const;

/** What each target needs installed. */
export const TARGET_TOOLS: Record<Target, readonly ToolRequirement[]> = {
  host: [TOOLS.hostCompiler, TOOLS.hostBinutils],
  "cortex-m3": [TOOLS.armCompiler, TOOLS.armBinutils, TOOLS.armLibc, TOOLS.qemu, TOOLS.hostCompiler],
  avr: [TOOLS.avrCompiler, TOOLS.avrBinutils, TOOLS.avrLibc, TOOLS.simavrLibrary, TOOLS.hostCompiler],
};

/** The ATmega328P of an Arduino Uno. */
export const AVR_MCU = "atmega328p";
export const AVR_FREQUENCY = 16_000_000;

/** A folder written by `fixnet codegen`: NAME_model.h and the runtime files. */
export interface ModelSources {
  folder: string;
  name: string;
}

export interface BuildOptions {
  /** Extra preprocessor definitions, e.g. { FIXNET_AVR_ASM: "0" } for the C fallback. */
  defines?: Record<string, string>;
  /** Host only: -fsanitize=undefined,address, aborting on the first report. */
  sanitize?: boolean;
  /** Default "-O2". */
  optimization?: "-O2" | "-Os" | "-O3";
}

export interface Firmware {
  target: Target;
  /** The executable (host) or ELF image (cortex-m3, avr). */
  path: string;
  /** The linker map with a cross-reference table (which object calls which symbol). */
  mapPath: string;
  /** The generated header's name prefix, for finding the model's symbols. */
  name: string;
}

/** Runs a program to completion; a failure throws with its output (a broken build of generated
 *  code is a fixnet bug, so it is not a FixnetError).
 *  @throws FixnetError "interrupted" when Ctrl-C stopped it. */
export function runProgram(command: string, args: readonly string[], options: { cwd?: string; timeoutSeconds?: number } = {}): string {
  const result = spawnChild(command, args, { cwd: options.cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: (options.timeoutSeconds ?? 300) * 1000 });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** -D flags that tell a harness which generated model to include (NAME → NAME_model.h, NAME_model,
 *  NAME_INPUTS...). */
function modelDefines(name: string): string[] {
  const upper = name.toUpperCase();
  return [
    `-DMODEL_HEADER="${name}_model.h"`,
    `-DMODEL=${name}_model`,
    `-DMODEL_INPUTS=${upper}_INPUTS`,
    `-DMODEL_CLASSES=${upper}_CLASSES`,
    `-DMODEL_SCRATCH_WORDS=${upper}_SCRATCH_WORDS`,
  ];
}

function userDefines(defines: Record<string, string> | undefined): string[] {
  return Object.entries(defines ?? {}).map(([key, value]) => `-D${key}=${value}`);
}

/** How one firmware is compiled and linked. */
interface Recipe {
  compiler: string;
  /** For compiling and linking. */
  flags: string[];
  linkFlags: string[];
  harness: string[];
  runtime: string[];
  /** The output's file name. */
  output: string;
}

/** Compiler, per-target flags, harness sources and runtime sources. */
function targetRecipe(target: Target, sources: ModelSources, options: BuildOptions): Recipe {
  const templates = firmwareTemplateDir();
  const runtime = [join(sources.folder, "fixnet.c")];
  const optimization = options.optimization ?? "-O2";
  switch (target) {
    case "host":
      return {
        compiler: "gcc",
        flags: [optimization, "-ffunction-sections", "-fdata-sections", ...(options.sanitize ? ["-g", "-fsanitize=undefined,address", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"] : [])],
        linkFlags: ["-Wl,--gc-sections", ...(options.sanitize ? ["-fsanitize=undefined,address"] : [])],
        harness: [join(templates, "host", "main.c")],
        runtime,
        output: "fixnet-host",
      };
    case "cortex-m3": {
      const folder = join(templates, "cortex-m");
      const machine = ["-mcpu=cortex-m3", "-mthumb"];
      return {
        compiler: "arm-none-eabi-gcc",
        flags: [...machine, optimization, "-ffunction-sections", "-fdata-sections"],
        linkFlags: [...machine, "--specs=nano.specs", "--specs=rdimon.specs", "-nostartfiles", `-L${folder}`, "-T", join(folder, "lm3s6965.ld"), "-Wl,--gc-sections"],
        harness: [join(folder, "startup.c"), join(folder, "main.c")],
        runtime,
        output: "fixnet-cortex-m3.elf",
      };
    }
    case "avr": {
      const machine = [`-mmcu=${AVR_MCU}`];
      return {
        compiler: "avr-gcc",
        flags: [...machine, `-DF_CPU=${AVR_FREQUENCY}UL`, optimization, "-ffunction-sections", "-fdata-sections"],
        linkFlags: [...machine, "-Wl,--gc-sections"],
        harness: [join(templates, "avr", "main.c")],
        runtime: [...runtime, join(sources.folder, "fixnet_avr.S")],
        output: "fixnet-avr.elf",
      };
    }
  }
}

/**
 * Compiles a target's harness (firmware-template/<target>/) with the generated model and runtime
 * in sources.folder, every file with C99 warnings as errors, into buildDir: one object per source
 * (so the linker map can tell the runtime's calls from the harness's), then a link.
 * @throws FixnetError "missing-tool" when the target's toolchain is not installed.
 */
export function buildFirmware(target: Target, sources: ModelSources, buildDir: string, options: BuildOptions = {}): Firmware {
  requireTools(TARGET_TOOLS[target].filter((tool) => tool !== TOOLS.qemu && tool !== TOOLS.simavrLibrary));
  const built = compileAndLink(targetRecipe(target, sources, options), sources, buildDir, userDefines(options.defines));
  return { target, ...built, name: sources.name };
}

/** The standalone firmware for a real Cortex-M board (firmware-template/cortex-m/board.c). */
export interface BoardFirmware {
  chip: CortexMChip;
  /** The ELF image. */
  path: string;
  mapPath: string;
}

/** What building board.c needs: the Arm compiler, binutils and newlib (for memcpy and the like). */
export const BOARD_FIRMWARE_TOOLS: readonly ToolRequirement[] = [TOOLS.armCompiler, TOOLS.armBinutils, TOOLS.armLibc];

/**
 * Builds board.c, the chip's UART driver and the runtime with the generated model in
 * sources.folder, for chip, into buildDir (C99, warnings as errors, as every fixnet build).
 * @throws FixnetError "missing-tool" when the Arm toolchain is not installed.
 */
export function buildBoardFirmware(chip: CortexMChip, sources: ModelSources, buildDir: string): BoardFirmware {
  requireTools(BOARD_FIRMWARE_TOOLS);
  const folder = join(firmwareTemplateDir(), "cortex-m");
  const machine = [`-mcpu=${chip.cpu}`, "-mthumb"];
  const recipe: Recipe = {
    compiler: "arm-none-eabi-gcc",
    flags: [...machine, "-O2", "-ffunction-sections", "-fdata-sections"],
    // -L: the chip's linker script INCLUDEs sections.ld from the same folder.
    linkFlags: [...machine, "--specs=nano.specs", "--specs=nosys.specs", "-nostartfiles", `-L${folder}`, "-T", join(folder, chip.linkerScript), "-Wl,--gc-sections"],
    harness: [join(folder, "startup.c"), join(folder, "board.c"), join(folder, chip.driver)],
    runtime: [join(sources.folder, "fixnet.c")],
    output: `fixnet-${chip.name}.elf`,
  };
  return { chip, ...compileAndLink(recipe, sources, buildDir, []) };
}

/** Compiles each source into its own object in buildDir, then links them with a map. */
function compileAndLink(recipe: Recipe, sources: ModelSources, buildDir: string, extraDefines: string[]): { path: string; mapPath: string } {
  mkdirSync(buildDir, { recursive: true });
  const defines = [...modelDefines(sources.name), ...extraDefines];
  const objects = [...recipe.harness, ...recipe.runtime].map((source) => {
    const object = join(buildDir, `${basename(source).replace(/\.[cS]$/, "")}.o`);
    const language = source.endsWith(".S") ? [] : [...C_WARNING_FLAGS];
    runProgram(recipe.compiler, [...language, ...recipe.flags, ...defines, `-I${resolve(sources.folder)}`, "-c", source, "-o", object]);
    return object;
  });
  const path = join(buildDir, recipe.output);
  const mapPath = `${path}.map`;
  runProgram(recipe.compiler, [...recipe.flags, ...recipe.linkFlags, ...objects, "-o", path, `-Wl,-Map=${mapPath},--cref`]);
  return { path, mapPath };
}

/** tools/ in this package: the simavr runner and the QEMU plugin sources. */
export function hostToolsDir(): string {
  return resolve(firmwareTemplateDir(), "..", "tools");
}

/** Builds tools/simavr-run.c against libsimavr into buildDir; returns the executable. */
export function buildSimavrRunner(buildDir: string): string {
  requireTools([TOOLS.hostCompiler, TOOLS.simavrLibrary]);
  mkdirSync(buildDir, { recursive: true });
  const output = join(buildDir, "fixnet-simavr");
  if (!existsSync(output)) {
    runProgram("gcc", [...C_WARNING_FLAGS.filter((flag) => flag !== "-pedantic"), "-O2", "-I/usr/include/simavr", join(hostToolsDir(), "simavr-run.c"), "-o", output, "-lsimavr"]);
  }
  return output;
}

/** Builds tools/qemu-insn-count.c as a QEMU plugin into buildDir; returns the shared object. */
export function buildQemuInstructionCounter(buildDir: string): string {
  requireTools([TOOLS.hostCompiler]);
  mkdirSync(buildDir, { recursive: true });
  const output = join(buildDir, "fixnet-qemu-insn-count.so");
  if (!existsSync(output)) {
    runProgram("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-shared", "-fPIC", "-fvisibility=hidden", join(hostToolsDir(), "qemu-insn-count.c"), "-o", output]);
  }
  return output;
}
