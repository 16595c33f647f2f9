// Talking to an Espruino board through the `espruino` command-line tool (npm package espruino,
// EspruinoTools 0.1.67): uploading a generated module and its weights file, and running the
// on-board check (test images sent one by one to the board's REPL, logits read back). The port
// is a serial device or tcp://host:port. Every run has a timeout and is judged by what the board
// prints, never by the tool's exit code (0.1.67 exits 0 on failures, and never exits after
// uploads shorter than about 512 bytes). It generates nothing and compares nothing.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { compactJavaScript } from "../codegen/js-syntax.ts";
import { FixnetError } from "../errors.ts";
import type { FirmwareRun } from "./simulators.ts";
import { findTool, installHint, type ToolRequirement } from "./tools.ts";

/** The baud rate fixnet asks for: what Espruino's ESP32/ESP8266 builds use; USB boards ignore it. */
export const DEFAULT_ESPRUINO_BAUD = 115200;

/** A program and its arguments, as run and as printed by --dry-run. */
export interface CommandLine {
  command: string;
  args: string[];
}

/** The command as a shell would take it (arguments quoted where needed). */
export function formatCommand(line: CommandLine): string {
  const quote = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  return [line.command, ...line.args].map(quote).join(" ");
}

/** The espruino CLI's script in the installed package. */
export function espruinoCliPath(): string {
  try {
    return createRequire(import.meta.url).resolve("espruino/bin/espruino-cli.js");
  } catch {
    throw new FixnetError("missing-tool", `the espruino command-line tool is not installed (it comes with fixnet: run npm install in the fixnet folder, or npm install espruino@0.1.67)`);
  }
}

/** A port as the espruino tool takes it: a serial device, or tcp://host[:port] (port 23 if none). */
export function checkEspruinoPort(port: string): void {
  if (/^tcp:\/\//.test(port)) {
    if (!/^tcp:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(port)) {
      throw new FixnetError("bad-option", `--port ${port}: expected tcp://HOST or tcp://HOST:PORT (for example tcp://127.0.0.1:2323)`);
    }
    return;
  }
  if (!port.startsWith("/")) {
    throw new FixnetError("bad-option", `--port ${port}: expected a serial device such as /dev/ttyACM0 or a network board such as tcp://192.168.1.50:23`);
  }
  checkSerialPort(port);
}

/** A serial device that is there. */
export function checkSerialPort(port: string): void {
  if (!existsSync(port)) {
    throw new FixnetError("board", `${port}: no such serial port (is the board plugged in? the ports present are listed by ls /dev/ttyACM* /dev/ttyUSB*)`);
  }
}

function cliCommand(args: string[]): CommandLine {
  return { command: process.execPath, args: [espruinoCliPath(), ...args] };
}

export interface EspruinoUploadOptions {
  port: string;
  baud: number;
  /** The module's name: its upload script prints readyLine(name) once loaded. */
  name: string;
  /** The JavaScript file sent to the board's REPL (or to .bootcde with SAVE_ON_SEND=1). */
  code: string;
  /** Storage files to write first: { name: Storage name, path: file on this machine }. */
  storage: { name: string; path: string }[];
  /** EspruinoTools settings, "KEY=VALUE" (SAVE_ON_SEND=1 keeps the code after a reset). */
  config: string[];
}

/** One run of the espruino tool, and the line the board prints when it has done its part. */
export interface EspruinoStep {
  line: CommandLine;
  done: RegExp;
  /** What it does, for messages: "writing the weights to Storage". */
  what: string;
}

/** What the board prints when the module has loaded (see uploadScript). */
export function readyLine(name: string): RegExp {
  return new RegExp(`fixnet-ready ${name} (\\d+) (\\d+)`);
}

/** What the board prints when the Storage files are written (see espruinoUploadSteps). */
export const STORED_LINE = /fixnet-stored/;

/**
 * The runs that upload a module: `espruino --no-ble -p PORT -b BAUD [--storage NAME:FILE]...
 * [--config K=V]... CODE`, in one run. With SAVE_ON_SEND in the settings, the tool 0.1.67 saves
 * the Storage writes into .bootcde along with the code and garbles them, so the files are then
 * written by a run of their own first (`--storage NAME:FILE -e 'print(...)'`, which does not
 * reset the board) and the code is saved by a second.
 */
export function espruinoUploadSteps(options: EspruinoUploadOptions): EspruinoStep[] {
  const connection = ["--no-ble", "-p", options.port, "-b", String(options.baud)];
  const storage = options.storage.flatMap((file) => ["--storage", `${file.name}:${file.path}`]);
  const config = options.config.flatMap((setting) => ["--config", setting]);
  const module = (withStorage: string[]): EspruinoStep => ({
    line: cliCommand([...connection, ...withStorage, ...config, options.code]),
    done: readyLine(options.name),
    what: "uploading the module",
  });
  const saving = options.config.some((setting) => setting.startsWith("SAVE_ON_SEND=") && setting !== "SAVE_ON_SEND=0");
  if (storage.length === 0 || !saving) return [module(storage)];
  const store = { line: cliCommand([...connection, ...storage, "-e", `print("fixnet" + "-stored")`]), done: STORED_LINE, what: "writing the weights to Storage" };
  return [store, module([])];
}

/** `espruino --no-ble -p PORT -b BAUD`: the tool as a terminal, the REPL on its stdin and stdout. */
export function espruinoTerminalCommand(port: string, baud: number): CommandLine {
  return cliCommand(["--no-ble", "-p", port, "-b", String(baud)]);
}

/** Lines the espruino tool prints when it cannot reach the board (not its failure to fetch board
 *  data from www.espruino.com, which it survives: the board itself is all it needs). A port the
 *  serialport package fails to open (in use, no permission, not a serial device) ends the tool
 *  with a stack trace whose first line says why ("Error: Error Resource temporarily unavailable
 *  Cannot lock port"); of that line, the message quotes the group. */
const CONNECTION_FAILURES = [
  /RECEIVE ERROR[^\n]*/,
  /Port "[^"]*" not found/,
  /^(?:Error:? )+([^\n]*(?:cannot open|Cannot lock port|baud rate)[^\n]*)/m,
  /Unable to connect!?/,
];

/** An uncaught error the board reported (its REPL prints "Uncaught Error: ..."). */
const BOARD_ERROR = /Uncaught [^\n]*/;

/** udev's tool, through which the espruino tool (the serialport package) lists serial ports on Linux. */
const UDEV: ToolRequirement = { tool: "udevadm", debianPackage: "udev", purpose: "listing serial ports" };

/**
 * The error for output in which the espruino tool says it could not reach the board at port, with
 * what to check; null when it says no such thing.
 */
export function connectionFailure(port: string, output: string): FixnetError | null {
  const failure = CONNECTION_FAILURES.map((pattern) => pattern.exec(output)).find((match) => match !== null);
  if (!failure) return null;
  const what = (failure[1] ?? failure[0]).trim();
  return new FixnetError("board", `${port}: cannot connect to the Espruino board (${what}); ${connectionHint(port, what)}`);
}

function connectionHint(port: string, failure: string): string {
  if (port.startsWith("tcp://")) return "is the board on the network at that address? for the Linux interpreter, start espruino --telnet";
  if (/Cannot lock port/.test(failure)) return "it is open in another program (another fixnet or espruino tool, the Web IDE): close that first";
  if (/Permission denied/.test(failure)) return "your user may not open serial ports (on Debian: sudo usermod -aG dialout $USER, then log in again)";
  if (!/not found/.test(failure)) return "is the board plugged in and not open in another program (the Web IDE, a terminal)?";
  // The tool opens only the ports the serialport package lists, however present the device is.
  if (process.platform !== "linux") return "is the board plugged in? npx espruino --no-ble --list shows the serial ports the espruino tool can open";
  if (findTool(UDEV.tool) === null) return `the espruino tool finds serial ports through udev, and udevadm is not installed (Debian: ${installHint([UDEV])})`;
  return "the espruino tool finds serial ports through udev (udevadm, Debian package udev), which lists only USB and hardware serial devices " +
    "(ttyACM*, ttyUSB*, ttyAMA*, rfcomm*; not ttyS* nor pseudo-terminals): is the board plugged in? " +
    "ls /dev/ttyACM* /dev/ttyUSB* shows the ports there are, npx espruino --no-ble --list those the tool can open";
}

const CONNECT_ATTEMPTS = 3;
const CONNECT_PAUSE_MS = 1500;

/** Runs fn, again after a pause when it could not connect: a board that has just saved and
 *  restarted (SAVE_ON_SEND) refuses connections for a moment. A board that is not there at all
 *  is reported after CONNECT_ATTEMPTS tries (a few seconds). */
async function retryingConnection<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const refused = error instanceof FixnetError && error.message.includes("cannot connect to the Espruino board");
      if (!refused || attempt >= CONNECT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, CONNECT_PAUSE_MS));
    }
  }
}

/** A running espruino tool: what it printed so far, and a way to wait for more. */
class CliSession {
  private output = "";
  private waiters: (() => void)[] = [];
  private exited = false;
  readonly child;

  constructor(line: CommandLine) {
    this.child = spawn(line.command, line.args, { stdio: ["pipe", "pipe", "pipe"] });
    const take = (chunk: Buffer): void => {
      this.output += chunk.toString("latin1");
      this.wake();
    };
    this.child.stdout.on("data", take);
    this.child.stderr.on("data", take);
    this.child.stdin.on("error", () => {}); // the tool may exit before reading all of it
    this.child.once("exit", () => {
      this.exited = true;
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  text(): string {
    return this.output;
  }

  /**
   * Waits until done(output) gives a value, the tool exits, or timeoutSeconds pass; returns the
   * value, or null on exit or timeout (timedOut() tells which).
   */
  async waitFor<T>(done: (output: string) => T | null, timeoutSeconds: number): Promise<T | null> {
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const value = done(this.output);
      if (value !== null) return value;
      if (this.exited || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  hasExited(): boolean {
    return this.exited;
  }

  send(text: string): void {
    this.child.stdin.write(text, "latin1");
  }

  /** Sends text in pieces with pauses between them: the interpreter's input buffer is small
   *  (its telnet port reports FIFO_FULL and drops characters when a long line arrives at once). */
  async sendPaced(text: string, piece = 96, pauseMs = 8): Promise<void> {
    for (let at = 0; at < text.length; at += piece) {
      this.send(text.slice(at, at + piece));
      if (at + piece < text.length) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  /** Ends the tool: closes its stdin (in terminal mode it exits by itself then), and kills it if
   *  it lingers graceSeconds. */
  async stop(graceSeconds = 2): Promise<void> {
    if (this.exited) return;
    this.child.stdin.end();
    await this.waitFor(() => null, graceSeconds);
    if (!this.exited) this.child.kill("SIGKILL");
    await this.waitFor(() => null, 2);
  }
}

/**
 * The file fixnet uploads: the module without comments or indentation (less to send, and less
 * for the board to store), then a line that prints "fixnet-ready NAME INPUTS CLASSES" once the
 * module has loaded on the board (built from pieces, so that the marker is not in the text
 * sent, only in what the board prints).
 */
export function uploadScript(moduleText: string, name: string): string {
  return `${compactJavaScript(moduleText)}print("fixnet" + "-ready ${name} " + ${name}.inputs + " " + ${name}.classes);\n`;
}

export interface UploadResult {
  /** Seconds from starting the tool to the board reporting its part done (the last attempt). */
  seconds: number;
  /** Runs of the tool it took (more than 1 when an upload arrived garbled and was sent again). */
  attempts: number;
  output: string;
}

/** Board errors that mean the text arrived garbled (characters lost on the way: the Linux
 *  interpreter's telnet server drops some under load), so that sending it again can help. */
const GARBLED = /ReferenceError|SyntaxError|CRC-32|holds \d+ bytes|different data|Got [^\n]* expected/;

/** What Espruino prints when its input buffer overflowed and characters were lost. */
const OVERFLOW = /FIFO_FULL/;
/** How long the check waits after an overflow before sending the line again. */
const OVERFLOW_PAUSE_MS = 2000;

/** How long the board may take, after the tool has sent everything, to report the module
 *  loaded (it runs from flash after a SAVE_ON_SEND upload); longer means the text was garbled
 *  into an unfinished statement the REPL is still waiting to see closed. */
const AFTER_SENT_SECONDS = 15;

export const UPLOAD_ATTEMPTS = 3;

/** Seconds without any answer after which a check line is sent again (it was probably lost). */
const SILENCE_SECONDS = 8;

/**
 * Runs one step of an upload and waits for the line that says it is done; an upload that
 * arrives garbled is sent again, up to UPLOAD_ATTEMPTS runs (onRetry says why).
 * @throws FixnetError "board": cannot connect, the board reports an error (out of memory, a
 * missing Storage file), or no such line within timeoutSeconds.
 */
export async function runEspruinoStep(step: EspruinoStep, port: string, timeoutSeconds: number, onRetry: (reason: string) => void = () => {}): Promise<UploadResult> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await retryingConnection(() => attemptEspruinoStep(step, port, timeoutSeconds));
    if ("seconds" in outcome) return { ...outcome, attempts: attempt };
    if (attempt >= UPLOAD_ATTEMPTS) throw new FixnetError("board", `${port}: ${outcome.garbled} while ${step.what}, ${attempt} times (a bad connection? a slower --baud may help)`);
    onRetry(`${outcome.garbled} while ${step.what}; sending it again (attempt ${attempt + 1} of ${UPLOAD_ATTEMPTS})`);
  }
}

/**
 * The step's command, listening on for AFTER_SENT_SECONDS after the upload (`--sleep`). The tool
 * says "Upload Complete" when the operating system has taken the last bytes, not the board, and
 * exits once the board has been silent for 0.5 s: on a serial line the board may then still be
 * taking in the last kilobytes, or running them, and its "done" line would go unheard. fixnet
 * ends the tool as soon as it has that line. (--dry-run prints the step without it: run by hand,
 * the tool's output is there to watch.)
 */
function listeningAfterUpload(line: CommandLine): CommandLine {
  return { command: line.command, args: [...line.args, "--sleep", String(AFTER_SENT_SECONDS)] };
}

async function attemptEspruinoStep(step: EspruinoStep, port: string, timeoutSeconds: number): Promise<{ seconds: number; output: string } | { garbled: string }> {
  const start = Date.now();
  const session = new CliSession(listeningAfterUpload(step.line));
  const verdict = (output: string): "done" | "failed" | null => {
    if (step.done.test(output)) return "done";
    if (BOARD_ERROR.test(output) || OVERFLOW.test(output) || connectionFailure(port, output)) return "failed";
    return null;
  };
  try {
    let outcome = await session.waitFor((output) => verdict(output) ?? (/Upload Complete/.test(output) ? "sent" : null), timeoutSeconds);
    if (outcome === "sent") outcome = await session.waitFor(verdict, Math.min(AFTER_SENT_SECONDS, Math.max(1, timeoutSeconds - (Date.now() - start) / 1000)));
    const output = session.text();
    if (outcome === "done") return { seconds: (Date.now() - start) / 1000, output };
    if (OVERFLOW.test(output)) return { garbled: "the board's input buffer overflowed (FIFO_FULL: characters lost)" };
    const failure = connectionFailure(port, output);
    if (failure) throw failure;
    const error = BOARD_ERROR.exec(output);
    if (error && GARBLED.test(error[0])) return { garbled: `the upload arrived garbled (the board reported ${error[0].trim()})` };
    if (error) throw new FixnetError("board", `${port}: the board reported an error while ${step.what}: ${error[0].trim()} (out of memory? see the memory notes in docs/espruino.md)`);
    // The tool lost the board (or crashed) before it answered; sending again is safe.
    if (session.hasExited()) return { garbled: `the espruino tool disconnected before the board finished (last output: ${lastLines(output)})` };
    if (/Upload Complete/.test(output)) return { garbled: `the upload arrived garbled (sent, but the board did not report it done within ${AFTER_SENT_SECONDS} s)` };
    throw new FixnetError("board", `${port}: the board did not finish ${step.what} within ${timeoutSeconds} s (is it an Espruino, at this baud rate? --timeout gives it longer); last output: ${lastLines(output)}`);
  } finally {
    await session.stop(0); // an upload run reads no input: closing it would not end the tool
  }
}

function lastLines(output: string): string {
  const lines = output.split("\n").map((text) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trim()).filter((text) => text !== "");
  return JSON.stringify(lines.slice(-3).join(" / "));
}

export interface EspruinoCheckOptions {
  port: string;
  baud: number;
  /** The module's global name on the board. */
  name: string;
  /** [count][inputs] pixels. */
  images: Uint8Array;
  count: number;
  inputs: number;
  classes: number;
  /** Seconds for connecting, and again for each image. */
  timeoutSeconds: number;
}

/** FirmwareRun's fields plus the board's own time per predict call. */
export interface EspruinoRun extends FirmwareRun {
  /** [count] milliseconds per predict() call, measured on the board with getTime(). */
  milliseconds: number[];
}

/**
 * The on-board check: opens the board's REPL with the espruino tool, checks that the module is
 * loaded, then sends the images one at a time (base64, one line each, not echoed) and reads back
 * "fixnet-result <n> <digit> <ms> <logits...>" for each.
 * @throws FixnetError "board" when it cannot connect, the module is not loaded, the board
 * reports an error, or an answer does not come within the timeout.
 */
export async function checkOnEspruino(options: EspruinoCheckOptions): Promise<EspruinoRun> {
  return retryingConnection(() => checkOnEspruinoOnce(options));
}

async function checkOnEspruinoOnce(options: EspruinoCheckOptions): Promise<EspruinoRun> {
  const { port, name, count, inputs, classes, timeoutSeconds } = options;
  const session = new CliSession(espruinoTerminalCommand(port, options.baud));
  /** Sends one line (run without echo: "\x10" at its start) and waits for pattern in what the
   *  board prints after it; a line that arrives garbled is sent again. Each goes after a Ctrl-U,
   *  which empties the board's input line: a line that lost a bracket or a quote on the way
   *  leaves the REPL waiting for the rest, and would swallow every line sent after it (and the
   *  "\x10" only counts at the start of an empty line). Not Ctrl-C: the espruino tool exits on
   *  a second one that the board does not answer. */
  const exchange = async (line: string, pattern: RegExp, what: string): Promise<RegExpExecArray> => {
    for (let attempt = 1; ; attempt++) {
      const from = session.text().length;
      await session.sendPaced(`\x15\x10${line}\n`);
      // A line lost on the way gets no answer at all: wait a shorter while before sending again.
      const patience = attempt < UPLOAD_ATTEMPTS ? Math.min(timeoutSeconds, SILENCE_SECONDS) : timeoutSeconds;
      const match = await session.waitFor((output) => {
        const fresh = output.slice(from);
        return pattern.exec(fresh) ?? (BOARD_ERROR.test(fresh) || OVERFLOW.test(fresh) || connectionFailure(port, output) ? false : null);
      }, patience);
      if (match) return match;
      const fresh = session.text().slice(from);
      const failure = connectionFailure(port, session.text());
      if (failure) throw failure;
      if (match === null && attempt < UPLOAD_ATTEMPTS && !session.hasExited()) continue;
      const error = BOARD_ERROR.exec(fresh);
      if (((error && GARBLED.test(error[0])) || OVERFLOW.test(fresh)) && attempt < UPLOAD_ATTEMPTS && !session.hasExited()) {
        // A board whose input overflowed is still busy with it: let it drain before sending again.
        if (OVERFLOW.test(fresh)) await new Promise((resolve) => setTimeout(resolve, OVERFLOW_PAUSE_MS));
        continue;
      }
      if (OVERFLOW.test(fresh)) throw new FixnetError("board", `${port}: the board's input buffer overflowed (FIFO_FULL) during the check (${what}), ${attempt} times`);
      if (error) throw new FixnetError("board", `${port}: the board reported an error during the check (${what}): ${error[0].trim()}`);
      throw new FixnetError("board", `${port}: no answer from the board (${what}) within ${timeoutSeconds} s; last output: ${lastLines(session.text())}`);
    }
  };
  try {
    const connected = await session.waitFor((output) => (/\bConnected\b/.test(output) ? true : connectionFailure(port, output) ? false : null), timeoutSeconds);
    const failure = connectionFailure(port, session.text());
    if (failure) throw failure;
    if (connected !== true) throw new FixnetError("board", `${port}: no connection to the board within ${timeoutSeconds} s; last output: ${lastLines(session.text())}`);

    // The helper that runs one image, then whether the module is there ("fixnet-" markers are
    // assembled on the board, so that they appear only in what it prints).
    const loaded = await exchange(
      `var fixnetCheck = function (n, data) { var pixels = new Uint8Array(E.toArrayBuffer(atob(data))); var start = getTime(); var result = ${name}.predict(pixels); var ms = (getTime() - start) * 1000; ` +
        `print("fixnet" + "-result " + n + " " + result.digit + " " + ms.toFixed(3) + " " + result.logits.join(" ")); }; ` +
        `print("fixnet" + "-module " + (typeof ${name} === "object" && typeof ${name}.predict === "function"))`,
      /fixnet-module (true|false)/, "is the module loaded?");
    if (loaded[1] !== "true") {
      throw new FixnetError("board", `${port}: the module "${name}" is not loaded on the board (a reset clears it unless it was uploaded with --config SAVE_ON_SEND=1); run fixnet flash again`);
    }

    const run: EspruinoRun = {
      count,
      classes: new Int32Array(count),
      logits: new Int8Array(count * classes),
      stackBytes: null,
      costs: null,
      firmwareCycles: null,
      milliseconds: [],
    };
    for (let n = 0; n < count; n++) {
      const pixels = options.images.subarray(n * inputs, (n + 1) * inputs);
      const pattern = new RegExp(`fixnet-result ${n} (-?\\d+) ([\\d.]+)((?: -?\\d+){${classes}})\\s`);
      const match = await exchange(`fixnetCheck(${n}, "${Buffer.from(pixels).toString("base64")}")`, pattern, `test image ${n}`);
      run.classes[n] = Number(match[1]);
      run.milliseconds.push(Number(match[2]));
      run.logits.set(match[3].trim().split(" ").map(Number), n * classes);
    }
    session.send(`\x10delete fixnetCheck;\n`);
    return run;
  } finally {
    await session.stop();
  }
}
