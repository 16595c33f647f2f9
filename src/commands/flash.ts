// `fixnet flash QMODEL --target espruino|avr|cortex-m --port PORT` and `--board qemu|simavr`:
// puts the int8 model on a board (or a virtual board) and checks it there on test images
// against the emulator. --dry-run writes and builds the files and prints the commands that would
// touch the board instead of running them; --check-only runs the check on a board already
// flashed.

import cliProgress from "cli-progress";
import type { Command } from "commander";
import { fileProvenance } from "../codegen/c.ts";
import { checkEspruinoName } from "../codegen/espruino.ts";
import { loadDataset } from "../data/mnist.ts";
import { FixnetError } from "../errors.ts";
import type { BoardCheck } from "../flash/board-check.ts";
import type { ImageSize } from "../flash/footprint.ts";
import { checkEspruinoPort, checkSerialPort, DEFAULT_ESPRUINO_BAUD, formatCommand } from "../flash/espruino.ts";
import {
  AVR_BOOTLOADER_BAUD,
  avrBoard,
  checkEspruino,
  checkSerialBoard,
  chooseProgrammer,
  CORTEX_M_PROGRAMMERS,
  cortexMBoard,
  FLASH_TARGETS,
  flashEspruino,
  prepareCBoard,
  requireAvrPort,
  prepareEspruino,
  runOnVirtualBoard,
  runUploadCommands,
  VIRTUAL_BOARD_TARGETS,
  VIRTUAL_BOARDS,
  type CheckImages,
  type CheckProgress,
  type CortexMProgrammer,
  type FlashTarget,
  type SerialBoard,
  type SerialBoardCheck,
  type VirtualBoard,
  UPLOAD_TOOLS,
} from "../flash/flash.ts";
import { CHIPS, CORTEX_M_CHIPS, CORTEX_M_FIRMWARE_BAUD, DEFAULT_CORTEX_M_CHIP, type CortexMChip, type CortexMChipName } from "../flash/chips.ts";
import { keepTemporaryFolder, makeTemporaryFolder, removeTemporaryFolder } from "../flash/processes.ts";
import { findTool, requireTools } from "../flash/tools.ts";
import { readQuantizedModel } from "../model/quantized-file.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { makeOutputFolder } from "./folders.ts";
import type { Io } from "./io.ts";
import { integerIn, oneOf } from "./options.ts";

export const DEFAULT_CHECK_IMAGES = 10;
export const DEFAULT_FLASH_TIMEOUT = 60;

export interface FlashCommandOptions {
  target?: FlashTarget;
  port?: string;
  board?: VirtualBoard;
  baud?: number;
  name: string;
  inline?: boolean;
  config?: string[];
  chip?: CortexMChipName;
  programmer?: CortexMProgrammer;
  openocdConfig?: string[];
  images: number;
  data?: string;
  out?: string;
  timeout: number;
  dryRun?: boolean;
  checkOnly?: boolean;
}

const percent = (value: number): string => `${(100 * value).toFixed(1)}%`;
const bytes = (value: number): string => `${value.toLocaleString("en-US")} bytes`;

/** "10 of 10 test images give the emulator's logits exactly; 9 correct (90.0%)". */
export function formatBoardCheck(check: BoardCheck): string {
  const exact = check.exact === check.images
    ? `all ${check.images} test images give the emulator's logits exactly`
    : `${check.images - check.exact} of ${check.images} test images DIFFER from the emulator (first: ${check.firstMismatch})`;
  return `${exact}; ${check.correct} classified correctly (accuracy ${percent(check.accuracy)})`;
}

/** The check fails the command when any logit differs: the board does not run the model. */
function requireExact(check: BoardCheck, where: string): void {
  if (check.exact !== check.images) {
    throw new FixnetError("board", `${where}: the on-board check failed: ${check.images - check.exact} of ${check.images} test images differ from the emulator; first: ${check.firstMismatch}`);
  }
}

function checkImages(model: QuantizedModel, qmodelPath: string, options: FlashCommandOptions): CheckImages {
  const test = loadDataset(options.data).test;
  if (test.rows * test.cols !== model.layers[0]) {
    throw new FixnetError("bad-option", `${qmodelPath}: the model takes ${model.layers[0]} inputs but the test images have ${test.rows * test.cols} pixels`);
  }
  if (options.images > test.count) throw new FixnetError("bad-option", `--images: ${options.images} asked for, the test set has ${test.count}`);
  return { images: test.images.subarray(0, options.images * model.layers[0]), labels: test.labels.subarray(0, options.images), count: options.images };
}

/** --target and --board together: the board decides the target, and they must agree; --chip
 *  and the openocd options are for Cortex-M only. */
function resolveTarget(options: FlashCommandOptions): FlashTarget {
  let target: FlashTarget;
  if (options.board) {
    const implied = VIRTUAL_BOARD_TARGETS[options.board];
    if (options.target && options.target !== implied) throw new FixnetError("bad-option", `--board ${options.board} runs --target ${implied} firmware, not ${options.target}`);
    if (options.port) throw new FixnetError("bad-option", `--board ${options.board} is a virtual board: leave out --port ${options.port}`);
    if (options.checkOnly) throw new FixnetError("bad-option", `--check-only is for a board already flashed; --board ${options.board} builds and checks in one go`);
    if (options.dryRun) throw new FixnetError("bad-option", `--dry-run prints the commands for a real board; --board ${options.board} runs the virtual board: leave out one of them`);
    target = implied;
  } else {
    if (!options.target) throw new FixnetError("bad-option", `--target is required: ${FLASH_TARGETS.join(", ")} (or --board ${VIRTUAL_BOARDS.join("|")} for a virtual board)`);
    target = options.target;
  }
  if (target !== "cortex-m") {
    const misplaced = options.chip ? "--chip" : options.programmer ? "--programmer" : options.openocdConfig ? "--openocd-config" : null;
    if (misplaced) throw new FixnetError("bad-option", `${misplaced} is for --target cortex-m (or --board qemu), not ${target}`);
  }
  if (target === "cortex-m" && options.baud !== undefined) {
    throw new FixnetError("bad-option", `--baud: the Cortex-M firmware always talks at ${CORTEX_M_FIRMWARE_BAUD} baud (FIXNET_BAUD in firmware-template/cortex-m/chip.h); leave out --baud`);
  }
  if (options.checkOnly && options.dryRun) throw new FixnetError("bad-option", `--check-only runs no upload command; leave out --dry-run`);
  return target;
}

const count = (value: number): string => Math.round(value).toLocaleString("en-US");

/** "firmware: 15,912 bytes of flash (the model's data included), 876 bytes of static RAM + the stack". */
function formatImageSize(size: ImageSize): string {
  return `firmware: ${bytes(size.flash)} of flash (the model's data included), ${bytes(size.staticRam)} of static RAM + the stack\n`;
}

/** "42,000 cycles (2.63 ms at 16 MHz) per inference, counted by the board; 184 bytes of stack". */
function formatSerialCheck(result: SerialBoardCheck, board: SerialBoard): string {
  const stack = result.stackBytes === null ? "" : `; ${result.stackBytes} bytes of stack`;
  return `on-board check: ${formatBoardCheck(result)}; ${count(result.cycles.mean)} cycles (${result.cycles.milliseconds.mean.toFixed(2)} ms at ${board.clockHz / 1e6} MHz) per inference, counted by the board${stack}\n`;
}

/** A bar on stderr for the on-board check when stderr is a terminal (a check of 1,000 images
 *  takes half a minute); nothing otherwise. */
function checkProgress(io: Io): { onProgress?: CheckProgress; finish(): void } {
  if (!io.interactive) return { finish: () => {} };
  let bar: cliProgress.SingleBar | null = null;
  const finish = (): void => {
    process.removeListener("exit", finish);
    bar?.stop(); // clears its line
    bar = null;
  };
  const onProgress = (answered: number, total: number): void => {
    if (bar === null) {
      // The cursor stays visible: Ctrl-C exits at once, and would leave it hidden.
      bar = new cliProgress.SingleBar({
        format: "on-board check [{bar}] {value}/{total} test images | {eta_formatted} left",
        stream: process.stderr,
        clearOnComplete: true,
      }, cliProgress.Presets.shades_classic);
      bar.start(total, answered);
      process.once("exit", finish);
    } else {
      bar.update(answered);
    }
  };
  return { onProgress, finish };
}

/** The board behind --port for a C target. */
function serialBoard(target: "avr" | "cortex-m", port: string, chip: CortexMChip): SerialBoard {
  return target === "avr" ? avrBoard(port) : cortexMBoard(port, chip);
}

export async function runFlash(qmodelPath: string, options: FlashCommandOptions, io: Io): Promise<void> {
  const target = resolveTarget(options);
  if (target === "espruino") checkEspruinoName(options.name);
  if (target === "espruino" && !options.port) {
    throw new FixnetError("bad-option", `--target espruino needs --port PORT: a serial device such as /dev/ttyACM0, or tcp://HOST:PORT for a board on the network (the Linux interpreter's espruino --telnet is tcp://127.0.0.1:2323)`);
  }
  const chip = CHIPS[options.chip ?? DEFAULT_CORTEX_M_CHIP];
  const model = readQuantizedModel(qmodelPath);
  const check = checkImages(model, qmodelPath, options);
  // --dry-run keeps its files (the printed commands name them); a real run, or one that fails,
  // removes its own, even on Ctrl-C (see makeTemporaryFolder).
  const temporary = options.out ? null : makeTemporaryFolder("fixnet-flash-");
  const folder = temporary ?? makeOutputFolder(options.out!, "--out");
  const progress = checkProgress(io);
  /** After "wrote ..." / "built ...": where the files stay, when they do not. */
  const kept = temporary !== null && !options.dryRun ? " (in a temporary folder, removed at the end; --out DIR keeps them)" : "";
  let failed = false;
  try {
    if (options.board) {
      const result = await runOnVirtualBoard(model, options.board, folder, check, chip, options.timeout, progress.onProgress);
      progress.finish();
      io.err(formatImageSize(result.size));
      io.out(`${result.description}: ${formatBoardCheck(result.check)}\n`);
      if (result.cycles) {
        io.out(`cycles per inference: mean ${count(result.cycles.mean)} (${result.cycles.milliseconds.mean.toFixed(2)} ms at 16 MHz), min ${count(result.cycles.min)}, max ${count(result.cycles.max)}\n`);
      } else {
        io.out(`QEMU models no cycles: fixnet size --target cortex-m3 counts instructions per inference\n`);
      }
      requireExact(result.check, result.description);
      return;
    }

    if (target === "espruino") {
      const espruino = { port: options.port!, baud: options.baud ?? DEFAULT_ESPRUINO_BAUD, name: options.name, inline: Boolean(options.inline), config: options.config ?? [] };
      const sample = { pixels: check.images.subarray(0, model.layers[0]), label: check.labels[0], description: "MNIST test image 0" };
      if (options.checkOnly) {
        checkEspruinoPort(espruino.port);
        const result = await checkEspruino(model, espruino.port, espruino.baud, espruino.name, check, options.timeout);
        io.out(`on-board check: ${formatBoardCheck(result.check)}; ${result.milliseconds.mean.toFixed(2)} ms per inference on the board\n`);
        requireExact(result.check, espruino.port);
        return;
      }
      const plan = prepareEspruino(model, folder, espruino, fileProvenance(qmodelPath), sample, !options.dryRun);
      io.err(`wrote ${plan.files.join(", ")}${kept}\n`);
      if (options.dryRun) {
        for (const line of plan.commands) io.out(`${formatCommand(line)}\n`);
        io.out(`# then the on-board check, ${check.count} test images through the REPL: ${formatCommand(plan.checkCommand)}\n`);
        return;
      }
      io.err(`uploading to ${espruino.port}: module ${bytes(plan.moduleBytes)}${plan.weightsBytes ? `, weights ${bytes(plan.weightsBytes)} to Storage` : " (weights inlined)"}\n`);
      const result = await flashEspruino(model, plan, espruino, check, options.timeout, (reason) => io.err(`${reason}\n`));
      io.out(`uploaded in ${result.uploadSeconds.toFixed(1)} s; ${plan.saved ? "saved to flash (SAVE_ON_SEND=1): it runs again after a reset" : "in RAM: a reset clears it (--config SAVE_ON_SEND=1 keeps it)"}\n`);
      io.out(`on-board check: ${formatBoardCheck(result.check)}; ${result.milliseconds.mean.toFixed(2)} ms per inference on the board\n`);
      requireExact(result.check, espruino.port);
      return;
    }

    if (options.checkOnly) {
      if (!options.port) throw new FixnetError("bad-option", `--check-only needs --port PORT, the board's serial port${target === "cortex-m" ? ` (--chip ${chip.name}: ${chip.serial})` : ""}`);
      checkSerialPort(options.port);
      const board = serialBoard(target, options.port, chip);
      const result = await checkSerialBoard(model, board, check, options.timeout, progress.onProgress);
      progress.finish();
      io.out(formatSerialCheck(result, board));
      requireExact(result, options.port);
      return;
    }
    const programmer = chooseProgrammer(options.programmer ?? null, (tool) => findTool(tool) !== null);
    if (target === "avr") requireAvrPort(options.port);
    if (!options.dryRun) {
      // Before the build: a missing uploader or port is the user's to fix, and quick to report.
      if (target === "cortex-m" && !options.programmer && findTool(UPLOAD_TOOLS.openocd.tool) === null && findTool(UPLOAD_TOOLS.stFlash.tool) === null) {
        throw new FixnetError("missing-tool", `neither openocd nor st-flash is installed (needed for flashing a Cortex-M board): apt-get install --no-install-recommends openocd (any debug probe) or stlink-tools (ST-Link)`);
      }
      requireTools([target === "avr" ? UPLOAD_TOOLS.avrdude : programmer === "openocd" ? UPLOAD_TOOLS.openocd : UPLOAD_TOOLS.stFlash]);
      if (options.port) checkSerialPort(options.port);
    }
    const plan = prepareCBoard(model, target, folder, { port: options.port, baud: options.baud ?? AVR_BOOTLOADER_BAUD, chip, openocdConfig: options.openocdConfig ?? [] }, programmer);
    io.err(`built ${plan.files.join(", ")}${kept}\n`);
    io.err(formatImageSize(plan.size));
    if (options.dryRun) {
      for (const line of plan.commands) io.out(`${formatCommand(line)}\n`);
      if (options.port) io.out(`# then the on-board check, ${check.count} test images over ${options.port}\n`);
      return;
    }
    runUploadCommands(plan.commands, options.timeout);
    io.out(`flashed with ${plan.commands.map((line) => line.command).join(", ")}\n`);
    if (!options.port) {
      // Only cortex-m gets here: avr needs --port to upload at all.
      io.out(`no --port, so no on-board check: connect ${chip.serial} and run the same command with --check-only --port PORT\n`);
      return;
    }
    const board = serialBoard(target, options.port, chip);
    const result = await checkSerialBoard(model, board, check, options.timeout, progress.onProgress);
    progress.finish();
    io.out(formatSerialCheck(result, board));
    requireExact(result, options.port);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    progress.finish();
    if (temporary !== null) {
      if (options.dryRun && !failed) keepTemporaryFolder(temporary);
      else removeTemporaryFolder(temporary);
    }
  }
}

export function registerFlash(program: Command, io: Io): void {
  program
    .command("flash")
    .description("put an int8 model on a board (Espruino, Arduino Uno, Cortex-M) or a virtual board (QEMU, simavr) and check it there against the emulator")
    .argument("<qmodel>", "quantized model file written by fixnet quantize")
    .option("--target <target>", `${FLASH_TARGETS.join(", ")}`, oneOf(FLASH_TARGETS))
    .option("--port <port>", "espruino: a serial device or tcp://HOST:PORT; avr: the Arduino's serial port; cortex-m: the board's serial port, for the on-board check")
    .option("--board <board>", `a virtual board instead of a port: qemu (the --chip's QEMU model) or simavr (ATmega328P)`, oneOf(VIRTUAL_BOARDS))
    .option("--chip <chip>", `cortex-m: ${CORTEX_M_CHIPS.map((name) => `${name} (${CHIPS[name].boards})`).join(", ")}; default ${DEFAULT_CORTEX_M_CHIP}`, oneOf(CORTEX_M_CHIPS))
    .option("--baud <rate>", `serial speed (espruino default ${DEFAULT_ESPRUINO_BAUD}; avr: the bootloader's, default ${AVR_BOOTLOADER_BAUD}; cortex-m: fixed at ${CORTEX_M_FIRMWARE_BAUD})`, integerIn(300, 4_000_000))
    .option("--name <name>", "espruino: the module's global variable and Storage file prefix", "mnist")
    .option("--inline", "espruino: weights inlined in the module as base64 (one upload, costs RAM) instead of a Storage file")
    .option("--config <key=value>", "espruino: an EspruinoTools setting, repeatable; SAVE_ON_SEND=1 keeps the module after a reset", (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option("--programmer <tool>", `cortex-m: ${CORTEX_M_PROGRAMMERS.join(" or ")} (default: whichever is installed, openocd first)`, oneOf(CORTEX_M_PROGRAMMERS))
    .option("--openocd-config <file>", "cortex-m with openocd: a configuration file (-f), repeatable; default: the chip's usual board and probe", (value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    .option("--images <n>", "test images for the on-board check", integerIn(1, 10_000), DEFAULT_CHECK_IMAGES)
    .option("--data <dir>", "MNIST-format data whose test images are used (default: bundled MNIST)")
    .option("--out <dir>", "keep the generated and built files here (default: a temporary folder)")
    .option("--timeout <seconds>", "give up on a board that does not answer within this", integerIn(1, 3600), DEFAULT_FLASH_TIMEOUT)
    .option("--dry-run", "write and build the files, print the commands that would touch the board, run none of them")
    .option("--check-only", "no upload: only the on-board check of what the board already runs (needs --port)")
    .action(async (qmodelPath: string, options: FlashCommandOptions) => {
      await runFlash(qmodelPath, options, io);
    });
}
