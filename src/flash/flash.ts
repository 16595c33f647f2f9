// `fixnet flash` as library calls: from an int8 model to a running board. Espruino boards get
// the generated module and its weights through the espruino tool and are then checked on test
// images through the REPL; Arduino Unos (avrdude) and Cortex-M boards (openocd or st-flash) get
// the firmware built from the generated C and are checked over their serial port; the virtual
// boards (simavr, QEMU) run that same firmware and are checked the same way. Each step is a typed
// function; printing is left to the command.

import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateEspruinoFiles, weightsStorageName, writeEspruinoFiles, type SampleImage } from "../codegen/espruino.ts";
import type { CProvenance } from "../codegen/c.ts";
import { FixnetError } from "../errors.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { judgeBoardRun, type BoardCheck } from "./board-check.ts";
import {
  checkEspruinoPort,
  checkOnEspruino,
  espruinoTerminalCommand,
  espruinoUploadSteps,
  runEspruinoStep,
  uploadScript,
  type CommandLine,
  type EspruinoRun,
  type EspruinoStep,
} from "./espruino.ts";
import { CORTEX_M_FIRMWARE_BAUD, CORTEX_M_SETTLE_SECONDS, type CortexMChip } from "./chips.ts";
import { imageSize, type ImageSize } from "./footprint.ts";
import { buildModelBoardFirmware, buildModelFirmware, statistics, type Statistics } from "./measure.ts";
import { AVR_FIRMWARE_BAUD, AVR_RESET_SECONDS, checkOverSerial } from "./serial.ts";
import { runOnSimavr, startQemuBoard } from "./simulators.ts";
import { AVR_FREQUENCY, BOARD_FIRMWARE_TOOLS, buildSimavrRunner, TARGET_TOOLS } from "./toolchains.ts";
import { spawnChild } from "./processes.ts";
import { requireTools, TOOLS, type ToolRequirement } from "./tools.ts";

export const FLASH_TARGETS = ["espruino", "avr", "cortex-m"] as const;
export type FlashTarget = (typeof FLASH_TARGETS)[number];

/** Simulated boards that run the same firmware as the real ones, for users without hardware. */
export const VIRTUAL_BOARDS = ["qemu", "simavr"] as const;
export type VirtualBoard = (typeof VIRTUAL_BOARDS)[number];
export const VIRTUAL_BOARD_TARGETS: Record<VirtualBoard, FlashTarget> = { qemu: "cortex-m", simavr: "avr" };

export const CORTEX_M_PROGRAMMERS = ["openocd", "st-flash"] as const;
export type CortexMProgrammer = (typeof CORTEX_M_PROGRAMMERS)[number];

/** The Uno's Optiboot bootloader speed. */
export const AVR_BOOTLOADER_BAUD = 115200;

/** The programs that put firmware on a board, and where Debian gets them. */
export const UPLOAD_TOOLS = {
  avrdude: { tool: "avrdude", debianPackage: "avrdude", purpose: "uploading to an Arduino through its bootloader" },
  avrObjcopy: { tool: "avr-objcopy", debianPackage: "binutils-avr", purpose: "turning AVR firmware into Intel hex" },
  openocd: { tool: "openocd", debianPackage: "openocd", purpose: "flashing a Cortex-M board through a debug probe" },
  stFlash: { tool: "st-flash", debianPackage: "stlink-tools", purpose: "flashing an STM32 board through an ST-Link" },
  armObjcopy: { tool: "arm-none-eabi-objcopy", debianPackage: "binutils-arm-none-eabi", purpose: "turning Cortex-M firmware into a raw image" },
} as const satisfies Record<string, ToolRequirement>;

/** Commands that touch a board: run in order, or printed by --dry-run. */
export interface UploadPlan {
  /** The files written (generated code, built firmware). */
  files: string[];
  commands: CommandLine[];
}

/** A C board's plan: the built firmware's size too. */
export interface FirmwarePlan extends UploadPlan {
  size: ImageSize;
}

// ---------------------------------------------------------------------------------------------
// Espruino

export interface EspruinoFlashOptions {
  port: string;
  baud: number;
  name: string;
  inline: boolean;
  /** EspruinoTools settings, "KEY=VALUE". */
  config: string[];
}

export interface EspruinoPlan extends UploadPlan {
  /** The runs of the espruino tool that upload (commands holds their command lines). */
  steps: EspruinoStep[];
  /** The REPL session that runs the on-board check. */
  checkCommand: CommandLine;
  moduleBytes: number;
  weightsBytes: number;
  /** true when SAVE_ON_SEND=1 puts the module in flash (it then runs at every start). */
  saved: boolean;
}

/** "KEY=VALUE" with an EspruinoTools-style key. */
export function checkEspruinoSetting(setting: string): void {
  if (!/^[A-Z][A-Z0-9_]*=\S*$/.test(setting)) {
    throw new FixnetError("bad-option", `--config ${setting}: expected KEY=VALUE with an EspruinoTools setting such as SAVE_ON_SEND=1 (npx espruino --listconfigs lists them)`);
  }
}

/**
 * Writes the module (NAME.js, NAME.bin unless inlined, NAME-example.js given a sample) and the
 * file to upload (NAME-upload.js: the module and a line saying it loaded) into folder, and
 * returns the espruino command that uploads them.
 */
export function prepareEspruino(model: QuantizedModel, folder: string, options: EspruinoFlashOptions, provenance: CProvenance | null, sample: SampleImage | null, checkPort = true): EspruinoPlan {
  if (checkPort) checkEspruinoPort(options.port);
  options.config.forEach(checkEspruinoSetting);
  const generated = generateEspruinoFiles(model, options.name, { inline: options.inline }, provenance, sample);
  const files = writeEspruinoFiles(folder, generated);
  const code = join(folder, `${options.name}-upload.js`);
  writeFileSync(code, uploadScript(generated[0].data as string, options.name));
  const weights = options.inline ? [] : [{ name: weightsStorageName(options.name), path: join(folder, weightsStorageName(options.name)) }];
  const steps = espruinoUploadSteps({ port: options.port, baud: options.baud, name: options.name, code, storage: weights, config: options.config });
  return {
    files: [...files, code],
    steps,
    commands: steps.map((step) => step.line),
    checkCommand: espruinoTerminalCommand(options.port, options.baud),
    moduleBytes: statSync(files[0]).size,
    weightsBytes: options.inline ? 0 : statSync(weights[0].path).size,
    saved: options.config.includes("SAVE_ON_SEND=1"),
  };
}

/** Test images for the on-board check: [count][inputs] pixels and their labels. */
export interface CheckImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface EspruinoFlashResult {
  uploadSeconds: number;
  check: BoardCheck;
  /** The board's own time per predict() call. */
  milliseconds: Statistics;
}

/**
 * Runs the upload (a garbled one is sent again: onRetry says so), then the on-board check.
 * @throws FixnetError "board" when the board cannot be reached or does not answer in time.
 */
export async function flashEspruino(model: QuantizedModel, plan: EspruinoPlan, options: EspruinoFlashOptions, check: CheckImages, timeoutSeconds: number, onRetry: (reason: string) => void = () => {}): Promise<EspruinoFlashResult> {
  let uploadSeconds = 0;
  for (const step of plan.steps) uploadSeconds += (await runEspruinoStep(step, options.port, timeoutSeconds, onRetry)).seconds;
  const result = await checkEspruino(model, options.port, options.baud, options.name, check, timeoutSeconds);
  return { uploadSeconds, ...result };
}

/** The on-board check alone, on a board that already runs the module. */
export async function checkEspruino(model: QuantizedModel, port: string, baud: number, name: string, check: CheckImages, timeoutSeconds: number): Promise<{ check: BoardCheck; milliseconds: Statistics }> {
  const run: EspruinoRun = await checkOnEspruino({
    port, baud, name, images: check.images, count: check.count, inputs: model.layers[0], classes: model.layers[model.layers.length - 1], timeoutSeconds,
  });
  return { check: judgeBoardRun(model, check.images, check.labels, check.count, run), milliseconds: statistics(run.milliseconds) };
}

// ---------------------------------------------------------------------------------------------
// C boards: Arduino Uno (avrdude), Cortex-M (openocd, st-flash)

export interface CFlashOptions {
  /** avr: the serial port of the bootloader. */
  port?: string;
  /** avr: the bootloader's baud rate. */
  baud: number;
  /** cortex-m: the chip the firmware is built for. */
  chip: CortexMChip;
  /** cortex-m with openocd: its -f files (empty: the chip's usual board and probe). */
  openocdConfig: readonly string[];
}

/** An Uno is flashed through its serial port: there is no upload without one. */
export function requireAvrPort(port: string | undefined): asserts port is string {
  if (!port) throw new FixnetError("bad-option", `--target avr needs --port PORT, the Arduino's serial port (for example /dev/ttyACM0); or --board simavr for a virtual board`);
}

/** Runs a build tool; a failure is a fixnet bug, so it is not a FixnetError (Ctrl-C is one:
 *  "interrupted"). */
function runBuildTool(line: CommandLine): void {
  const result = spawnChild(line.command, line.args, { encoding: "utf8", timeout: 120_000 });
  if (result.error || result.status !== 0) throw new Error(`${line.command} ${line.args.join(" ")} failed: ${result.error?.message ?? result.stderr}`);
}

/** openocd or st-flash: the one asked for, else the first installed (openocd when neither is, so
 *  that --dry-run still prints a command). */
export function chooseProgrammer(asked: CortexMProgrammer | null, findInstalled: (tool: string) => boolean): CortexMProgrammer {
  if (asked !== null) return asked;
  if (findInstalled(UPLOAD_TOOLS.openocd.tool)) return "openocd";
  if (findInstalled(UPLOAD_TOOLS.stFlash.tool)) return "st-flash";
  return "openocd";
}

/**
 * Builds the firmware for target from the model's generated C in folder (avr: the firmware of
 * firmware-template/avr, as `fixnet size` builds it; cortex-m: board.c for options.chip),
 * converts it to what the programmer takes, and returns the upload command.
 * @throws FixnetError "missing-tool" without the target's compiler; "bad-option" without --port
 * for avr, or for st-flash on a chip that is not an STM32.
 */
export function prepareCBoard(model: QuantizedModel, target: "avr" | "cortex-m", folder: string, options: CFlashOptions, programmer: CortexMProgrammer): FirmwarePlan {
  if (target === "avr") {
    requireAvrPort(options.port);
    requireTools([TOOLS.avrCompiler, TOOLS.avrBinutils, TOOLS.avrLibc, TOOLS.hostCompiler, UPLOAD_TOOLS.avrObjcopy]);
    const firmware = buildModelFirmware(model, "avr", folder);
    const hex = firmware.path.replace(/\.elf$/, ".hex");
    runBuildTool({ command: "avr-objcopy", args: ["-O", "ihex", "-R", ".eeprom", firmware.path, hex] });
    const upload = { command: "avrdude", args: ["-c", "arduino", "-p", "m328p", "-P", options.port, "-b", String(options.baud), "-D", "-U", `flash:w:${hex}:i`] };
    return { files: [firmware.path, hex], commands: [upload], size: imageSize("avr-size", firmware.path) };
  }
  const { chip } = options;
  if (programmer === "st-flash" && chip.stFlashAddress === null) {
    throw new FixnetError("bad-option", `--programmer st-flash flashes STM32 chips only, not --chip ${chip.name}: use --programmer openocd`);
  }
  requireTools(BOARD_FIRMWARE_TOOLS);
  const firmware = buildModelBoardFirmware(model, chip, folder);
  const size = imageSize("arm-none-eabi-size", firmware.path);
  if (programmer === "openocd") {
    const configs = options.openocdConfig.length > 0 ? options.openocdConfig : chip.openocdConfig;
    const upload = { command: "openocd", args: [...configs.flatMap((config) => ["-f", config]), "-c", `program ${firmware.path} verify reset exit`] };
    return { files: [firmware.path], commands: [upload], size };
  }
  const image = firmware.path.replace(/\.elf$/, ".bin");
  runBuildTool({ command: "arm-none-eabi-objcopy", args: ["-O", "binary", firmware.path, image] });
  const upload = { command: "st-flash", args: ["--reset", "write", image, chip.stFlashAddress!] };
  return { files: [firmware.path, image], commands: [upload], size };
}

/** The tool each upload command needs. */
export function uploadRequirement(line: CommandLine): ToolRequirement | null {
  return Object.values(UPLOAD_TOOLS).find((requirement) => requirement.tool === line.command) ?? null;
}

/**
 * Runs upload commands in order, each with a timeout.
 * @throws FixnetError "missing-tool" when a program is not installed, "board" when one fails
 * (no board on the port, no probe) or runs past the timeout, with its last lines of output;
 * "interrupted" when Ctrl-C stopped it.
 */
export function runUploadCommands(commands: CommandLine[], timeoutSeconds: number): void {
  for (const line of commands) {
    const requirement = uploadRequirement(line);
    if (requirement) requireTools([requirement]);
    const result = spawnChild(line.command, line.args, { encoding: "utf8", timeout: timeoutSeconds * 1000, killSignal: "SIGKILL" });
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-3).join(" / ");
    if (result.error && (result.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw new FixnetError("board", `${line.command}: ${result.error.message}`);
    if (result.signal) throw new FixnetError("board", `${line.command} did not finish within ${timeoutSeconds} s (is the board connected and in its bootloader?); last output: ${JSON.stringify(output)}`);
    if (result.status !== 0) throw new FixnetError("board", `${line.command} failed (exit ${result.status}): ${output} (is the board connected, on that port, and not open in another program?)`);
  }
}

/** A board running fixnet's firmware (AVR main.c, Cortex-M board.c) on a serial port. */
export interface SerialBoard {
  port: string;
  /** The firmware's UART speed. */
  baud: number;
  /** Seconds to wait after opening the port: an Uno resets; a Cortex-M board just started sets
   *  up its UART. */
  settleSeconds: number;
  /** The exchange goes in a frame (Cortex-M board.c), see serial.ts. */
  framed: boolean;
  /** The processor clock, to turn the firmware's cycle counts into time. */
  clockHz: number;
}

/** An Uno on port: opening the port resets it, the firmware then answers at AVR_FIRMWARE_BAUD. */
export function avrBoard(port: string): SerialBoard {
  return { port, baud: AVR_FIRMWARE_BAUD, settleSeconds: AVR_RESET_SECONDS, framed: false, clockHz: AVR_FREQUENCY };
}

/** A Cortex-M board with board.c for chip, its UART on port. */
export function cortexMBoard(port: string, chip: CortexMChip): SerialBoard {
  return { port, baud: CORTEX_M_FIRMWARE_BAUD, settleSeconds: CORTEX_M_SETTLE_SECONDS, framed: true, clockHz: chip.clockHz };
}

export interface SerialBoardCheck extends BoardCheck {
  /** The cycles per inference the firmware counted itself (timers, SysTick), and their time. */
  cycles: Statistics & { milliseconds: Statistics };
  /** The most stack one fixnet_predict call used, measured by the firmware. */
  stackBytes: number | null;
}

/** Told after each answer of an on-board check: images answered so far, of count. */
export type CheckProgress = (answered: number, count: number) => void;

/**
 * The on-board check of fixnet's firmware on a board over its serial port: the test images sent,
 * the answers judged against the emulator.
 * @throws FixnetError "board" when the board does not answer.
 */
export async function checkSerialBoard(model: QuantizedModel, board: SerialBoard, check: CheckImages, timeoutSeconds: number, onProgress?: CheckProgress): Promise<SerialBoardCheck> {
  const run = await checkOverSerial({
    port: board.port, baud: board.baud, images: check.images, count: check.count, inputs: model.layers[0], classes: model.layers[model.layers.length - 1], timeoutSeconds, settleSeconds: board.settleSeconds, framed: board.framed, onProgress,
  });
  const cycles = run.firmwareCycles ?? [];
  return {
    ...judgeBoardRun(model, check.images, check.labels, check.count, run),
    cycles: { ...statistics(cycles), milliseconds: statistics(cycles.map((value) => (1000 * value) / board.clockHz)) },
    stackBytes: run.stackBytes,
  };
}

// ---------------------------------------------------------------------------------------------
// Virtual boards

export interface VirtualBoardResult {
  board: VirtualBoard;
  /** The simulated chip, for messages. */
  description: string;
  check: BoardCheck;
  /** simavr: exact cycles per inference (and milliseconds at 16 MHz); QEMU: null (it models no
   *  cycles; `fixnet size --target cortex-m3` counts instructions). */
  cycles: (Statistics & { milliseconds: Statistics }) | null;
  /** The firmware the real board would get. */
  size: ImageSize;
}

/**
 * Builds the firmware the real board would get and runs it on the virtual board over the check
 * images: simavr (ATmega328P at 16 MHz, images over the UART) or QEMU's model of chip (its UART
 * on a pseudo-terminal, checked over it exactly as a real board over its serial port). Works in
 * folder. onProgress hears of each answer on QEMU (simavr runs the whole batch in one go).
 * @throws FixnetError "missing-tool" when the toolchain or the simulator is missing,
 * "interrupted" on Ctrl-C.
 */
export async function runOnVirtualBoard(model: QuantizedModel, board: VirtualBoard, folder: string, check: CheckImages, chip: CortexMChip, timeoutSeconds: number, onProgress?: CheckProgress): Promise<VirtualBoardResult> {
  if (board === "simavr") {
    requireTools(TARGET_TOOLS.avr);
    const classes = model.layers[model.layers.length - 1];
    const firmware = buildModelFirmware(model, "avr", folder);
    const run = runOnSimavr(firmware, buildSimavrRunner(join(folder, "tools")), check.images.subarray(0, check.count * model.layers[0]), check.count, classes);
    const cycles = run.costs === null ? null : { ...statistics(run.costs), milliseconds: statistics(run.costs.map((value) => (1000 * value) / AVR_FREQUENCY)) };
    return { board, description: "simavr (ATmega328P, 16 MHz)", check: judgeBoardRun(model, check.images, check.labels, check.count, run), cycles, size: imageSize("avr-size", firmware.path) };
  }
  requireTools([...BOARD_FIRMWARE_TOOLS, TOOLS.qemu]);
  const firmware = buildModelBoardFirmware(model, chip, folder);
  const qemu = await startQemuBoard(firmware);
  try {
    const result = await checkSerialBoard(model, cortexMBoard(qemu.port, chip), check, timeoutSeconds, onProgress);
    return { board, description: chip.qemu.description, check: result, cycles: null, size: imageSize("arm-none-eabi-size", firmware.path) };
  } finally {
    qemu.stop();
  }
}
