// The Espruino interpreter built for Linux (../shared/tools/espruino/espruino, found through
// ESPRUINO_BIN) as a stand-in board: run a script with `espruino --test`, or serve the REPL on
// tcp://127.0.0.1:2323 as a board that `fixnet flash --target espruino` can upload to. For tests
// and benchmarks; it is not how fixnet talks to a real board (espruino.ts does that).

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FixnetError } from "../errors.ts";
import { endedByCtrlC, interruptedError, spawnChild } from "./processes.ts";

/** The environment variable that names the interpreter. */
export const ESPRUINO_BIN_VARIABLE = "ESPRUINO_BIN";

/** `espruino --telnet` always listens here. */
export const ESPRUINO_TELNET_PORT = 2323;
export const ESPRUINO_TELNET_URL = `tcp://127.0.0.1:${ESPRUINO_TELNET_PORT}`;

/** The interpreter named by ESPRUINO_BIN, or null when the variable is unset or names no file. */
export function findEspruinoInterpreter(): string | null {
  const path = process.env[ESPRUINO_BIN_VARIABLE];
  return path && existsSync(path) ? path : null;
}

export interface ScriptRun {
  /** true when the script set the global `result` to true (exit code 0). */
  passed: boolean;
  /** What the script printed (the interpreter's banner and its own lines included). */
  stdout: string;
  stderr: string;
}

/**
 * Runs `espruino --test script` in folder (the Storage file espruino.flash lives there).
 * @throws Error when the interpreter cannot be started or runs past the timeout; FixnetError
 * "interrupted" when Ctrl-C stopped it.
 */
export function runEspruinoScript(interpreter: string, script: string, folder: string, timeoutSeconds = 120): ScriptRun {
  const result = spawnChild(interpreter, ["--test", script], { cwd: folder, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: timeoutSeconds * 1000, killSignal: "SIGKILL" });
  if (result.error) throw new Error(`${interpreter} --test ${script}: ${result.error.message}`);
  if (result.signal) throw new Error(`${interpreter} --test ${script}: stopped by ${result.signal} (over ${timeoutSeconds} s?)\n${result.stdout.slice(-2000)}`);
  return { passed: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** A running `espruino --telnet`: a board on ESPRUINO_TELNET_URL whose Storage is folder/espruino.flash. */
export interface TelnetInterpreter {
  url: string;
  folder: string;
  process: ChildProcess;
  /** What the interpreter printed on its own console so far. */
  output(): string;
  /** Stops it with SIGKILL (it ignores SIGTERM) and waits until it is gone. Storage stays. */
  stop(): Promise<void>;
}

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts `espruino --telnet` in folder (a new temporary folder when not given: the interpreter
 * keeps its Storage in ./espruino.flash) and waits until the port accepts connections.
 * @throws FixnetError "board" when something else already listens on the port or it does not start.
 */
export async function startEspruinoTelnet(interpreter: string, folder?: string, timeoutSeconds = 10): Promise<TelnetInterpreter> {
  if (await portAnswers(ESPRUINO_TELNET_PORT)) {
    throw new FixnetError("board", `127.0.0.1:${ESPRUINO_TELNET_PORT} is already in use (another espruino --telnet? only one can listen at a time)`);
  }
  const cwd = folder ?? mkdtempSync(join(tmpdir(), "fixnet-espruino-"));
  const child = spawn(interpreter, ["--telnet"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("latin1"); });
  child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("latin1"); });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!(await portAnswers(ESPRUINO_TELNET_PORT))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      if (endedByCtrlC({ status: child.exitCode, signal: child.signalCode, stderr: output })) throw interruptedError(interpreter);
      throw new FixnetError("board", `${interpreter} --telnet did not start listening on port ${ESPRUINO_TELNET_PORT} within ${timeoutSeconds} s: ${output.trim().split("\n").slice(-3).join(" / ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: ESPRUINO_TELNET_URL, folder: cwd, process: child, output: () => output, stop };
}

/** Removes a folder made by startEspruinoTelnet (after stop). */
export function removeInterpreterFolder(server: TelnetInterpreter): void {
  rmSync(server.folder, { recursive: true, force: true });
}
