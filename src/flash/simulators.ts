// Running built firmware on images and reading back what it printed: natively on the host, on
// QEMU's lm3s6965evb (Cortex-M3, with an instruction counter plugin) and on simavr's
// ATmega328P (through fixnet's libsimavr runner, cycle-exact); and starting a chip's standalone
// firmware on QEMU's model of that chip, with its UART on a pseudo-terminal (a virtual board that
// is talked to like a real one, over a serial port). Returns typed results; it does no
// building (toolchains.ts) and no judging (the caller compares with the emulator).

import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { FixnetError } from "../errors.ts";
import { AVR_FREQUENCY, AVR_MCU, runProgram, type BoardFirmware, type Firmware } from "./toolchains.ts";
import { endedByCtrlC, interruptedError, spawnChild } from "./processes.ts";
import { requireTools, TOOLS } from "./tools.ts";

/** What a firmware reported for a batch of images. */
export interface FirmwareRun {
  count: number;
  /** [count] predicted classes. */
  classes: Int32Array;
  /** [count][classesPerImage] int8 logits. */
  logits: Int8Array;
  /** The most stack one fixnet_predict call used, measured by the firmware (null on the host). */
  stackBytes: number | null;
  /** Per image: cycles (AVR, from the simulator) or instructions (Cortex-M, from QEMU) of one
   *  fixnet_predict call; null when not counted. */
  costs: number[] | null;
  /** AVR: the cycles the firmware measured itself with its timers (what a real Uno reports). */
  firmwareCycles: number[] | null;
}

/** Writes images ([count][inputs] bytes) where a firmware reads them; AVR gets a 2-byte count. */
function writeImages(path: string, images: Uint8Array, count: number, countPrefix: boolean): void {
  if (!countPrefix) {
    writeFileSync(path, images);
    return;
  }
  if (count > 0xffff) throw new RangeError(`at most 65535 images per AVR run, asked for ${count}`);
  const framed = new Uint8Array(images.length + 2);
  framed[0] = count & 0xff;
  framed[1] = count >> 8;
  framed.set(images, 2);
  writeFileSync(path, framed);
}

/**
 * Parses a harness's output: one line per image, "<class> <logit>..." (AVR adds its own cycle
 * count), then "done <count>" (firmware adds "stack <bytes>").
 * @throws Error naming the line when the output is not that (a fixnet bug or a crash).
 */
export function parseHarnessOutput(text: string, count: number, classesPerImage: number, extraColumns: number): FirmwareRun {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const classes = new Int32Array(count);
  const logits = new Int8Array(count * classesPerImage);
  const firmwareCycles: number[] = [];
  const expectedFields = 1 + classesPerImage + extraColumns;
  for (let n = 0; n < count; n++) {
    const line = lines[n];
    const fields = line === undefined ? [] : line.trim().split(/\s+/).map(Number);
    if (fields.length !== expectedFields || fields.some((field) => !Number.isInteger(field))) {
      throw new Error(`firmware output, image ${n}: expected ${expectedFields} integers, found ${JSON.stringify(line ?? "(no line)")}\n${text.slice(0, 2000)}`);
    }
    classes[n] = fields[0];
    for (let k = 0; k < classesPerImage; k++) logits[n * classesPerImage + k] = fields[1 + k];
    if (extraColumns > 0) firmwareCycles.push(fields[1 + classesPerImage]);
  }
  const done = /^done (\d+)(?: stack (\d+))?$/.exec(lines[count]?.trim() ?? "");
  if (!done || Number(done[1]) !== count) {
    throw new Error(`firmware output: expected "done ${count}" after the images, found ${JSON.stringify(lines[count] ?? "(nothing)")}\n${text.slice(-2000)}`);
  }
  return {
    count,
    classes,
    logits,
    stackBytes: done[2] === undefined ? null : Number(done[2]),
    costs: null,
    firmwareCycles: extraColumns > 0 ? firmwareCycles : null,
  };
}

/** Wall-clock limit for a simulator run: generous (about 100× the real need), so that only a
 *  hang reaches it. */
function runTimeoutMilliseconds(count: number): number {
  return 60_000 + count * 200;
}

function readCounts(path: string, count: number, what: string): number[] {
  const values = existsSync(path) ? readFileSync(path, "utf8").split("\n").filter((line) => line !== "").map(Number) : [];
  if (values.length !== count) throw new Error(`${what}: expected ${count} counts in ${path}, found ${values.length}`);
  return values;
}

/** Runs the host harness on images ([count][inputs] bytes). */
export function runOnHost(firmware: Firmware, images: Uint8Array, count: number, classesPerImage: number): FirmwareRun {
  const imagesPath = join(dirname(firmware.path), "images.bin");
  writeImages(imagesPath, images, count, false);
  const output = runProgram(firmware.path, [imagesPath]);
  return parseHarnessOutput(output, count, classesPerImage, 0);
}

/** The address of a symbol in an ELF file, from nm (Thumb functions keep their low bit). */
export function symbolAddress(nm: string, elf: string, symbol: string): number {
  const line = runProgram(nm, [elf]).split("\n").find((entry) => entry.trim().endsWith(` ${symbol}`));
  if (!line) throw new Error(`${elf}: no symbol ${symbol}`);
  return parseInt(line.trim().split(/\s+/)[0], 16);
}

/**
 * Runs the Cortex-M harness on QEMU's lm3s6965evb with semihosting, counting the instructions of
 * each fixnet_predict call when counterPlugin (buildQemuInstructionCounter) is given.
 * @throws FixnetError "missing-tool" without qemu-system-arm, "interrupted" on Ctrl-C.
 */
export function runOnQemu(firmware: Firmware, images: Uint8Array, count: number, classesPerImage: number, counterPlugin?: string): FirmwareRun {
  requireTools([TOOLS.qemu]);
  const folder = dirname(firmware.path);
  // QEMU splits its options at commas, so files are named relative to its working folder.
  writeImages(join(folder, "images.bin"), images, count, false);
  const countsFile = "instructions.txt";
  const args = ["-M", "lm3s6965evb", "-nographic", "-monitor", "none", "-serial", "none",
    "-semihosting-config", "enable=on,target=native,arg=fixnet,arg=images.bin", "-kernel", basename(firmware.path)];
  if (counterPlugin) {
    const begin = symbolAddress("arm-none-eabi-nm", firmware.path, "bench_begin");
    const stop = symbolAddress("arm-none-eabi-nm", firmware.path, "bench_end");
    args.push("-plugin", `${counterPlugin},begin=0x${begin.toString(16)},stop=0x${stop.toString(16)},out=${countsFile}`);
  }
  const result = spawnChild("qemu-system-arm", args, { cwd: folder, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: runTimeoutMilliseconds(count) });
  if (result.error) throw new Error(`qemu-system-arm: ${result.error.message} (the firmware did not finish)`);
  if (result.status !== 0) throw new Error(`qemu-system-arm: the firmware exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  const run = parseHarnessOutput(result.stdout, count, classesPerImage, 0);
  if (counterPlugin) run.costs = readCounts(join(folder, countsFile), count, "QEMU instruction counter");
  return run;
}

/**
 * Runs the AVR firmware on simavr's ATmega328P at 16 MHz through runner (buildSimavrRunner),
 * feeding the images over UART0 and collecting the exact cycles of each fixnet_predict call.
 * @throws FixnetError "interrupted" on Ctrl-C.
 */
export function runOnSimavr(firmware: Firmware, runner: string, images: Uint8Array, count: number, classesPerImage: number): FirmwareRun {
  const folder = dirname(firmware.path);
  const imagesPath = join(folder, "images-avr.bin");
  const cyclesPath = join(folder, "cycles.txt");
  writeImages(imagesPath, images, count, true);
  // A cycle budget far above any real model's (a runaway firmware stops instead of hanging).
  const maxCycles = 50_000_000 + count * 20_000_000;
  const result = spawnChild(runner, [firmware.path, "--input", imagesPath, "--cycles", cyclesPath, "--mcu", AVR_MCU, "--frequency", String(AVR_FREQUENCY), "--max-cycles", String(maxCycles)],
    { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: runTimeoutMilliseconds(count) });
  if (result.error) throw new Error(`${runner}: ${result.error.message} (the firmware did not finish)`);
  if (result.status !== 0) throw new Error(`simavr: the firmware exited with ${result.status ?? result.signal}:\n${result.stdout}${result.stderr}`);
  const run = parseHarnessOutput(result.stdout, count, classesPerImage, 1);
  run.costs = readCounts(cyclesPath, count, "simavr cycle counter");
  return run;
}

/** A chip's firmware running on QEMU: its UART is the serial device `port`. */
export interface QemuBoard {
  /** A pseudo-terminal, such as /dev/pts/3. */
  port: string;
  /** Stops QEMU. */
  stop(): void;
}

/** QEMU's line naming the terminal it made for a -serial pty. */
const PTY_LINE = /char device redirected to (\/dev\/pts\/\d+) \(label serial(\d+)\)/;

/**
 * Starts firmware (buildBoardFirmware) on the QEMU machine that models its chip, with the chip's
 * UART on a new pseudo-terminal and the machine's other UARTs unconnected.
 * @throws FixnetError "missing-tool" without qemu-system-arm; "board" when QEMU names no terminal
 * within timeoutSeconds; "interrupted" when Ctrl-C stopped QEMU first.
 */
export async function startQemuBoard(firmware: BoardFirmware, timeoutSeconds = 20): Promise<QemuBoard> {
  requireTools([TOOLS.qemu]);
  const { machine, serialIndex } = firmware.chip.qemu;
  const serials = [...Array.from({ length: serialIndex }, () => ["-serial", "null"]).flat(), "-serial", "pty"];
  const child = spawn("qemu-system-arm", ["-M", machine, "-nographic", "-monitor", "none", ...serials, "-kernel", firmware.path], { stdio: ["ignore", "pipe", "pipe"] });
  const stop = (): void => {
    process.removeListener("exit", stop);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  // A process.exit (the CLI's Ctrl-C handler) runs no finally block: QEMU must not outlive fixnet.
  process.once("exit", stop);
  let output = "";
  let interrupted = false;
  const port = await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutSeconds * 1000);
    const listen = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = PTY_LINE.exec(output);
      if (match && Number(match[2]) === serialIndex) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on("data", listen);
    child.stderr!.on("data", listen);
    child.once("error", () => { clearTimeout(timer); resolve(null); });
    // "close" rather than "exit": QEMU's last words on stderr have been read by then.
    child.once("close", (status: number | null, signal: NodeJS.Signals | null) => {
      interrupted = endedByCtrlC({ status, signal, stderr: output });
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (port === null) {
    stop();
    if (interrupted) throw interruptedError("qemu-system-arm");
    throw new FixnetError("board", `qemu-system-arm -M ${machine} did not start the virtual board (no serial terminal within ${timeoutSeconds} s): ${output.trim().split("\n").slice(-2).join(" / ") || "no output"}`);
  }
  return { port, stop };
}
