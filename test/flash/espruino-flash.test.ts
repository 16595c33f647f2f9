// `fixnet flash --target espruino` end to end, on the Linux Espruino interpreter serving its REPL
// on tcp://127.0.0.1:2323 (`espruino --telnet`, from ESPRUINO_BIN): the upload through the
// espruino tool, the on-board check against the emulator, and, when saved with SAVE_ON_SEND=1,
// the module still working after the interpreter is killed and started again on its Storage.

import { rmSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { startEspruinoTelnet, type TelnetInterpreter } from "../../src/flash/espruino-linux.ts";
import { goldenFolder, root } from "../codegen/support.ts";
import { onStableBoard, requireEspruino } from "../espruino/support.ts";

const interpreter = requireEspruino();
const model = `${goldenFolder}/relu.qmodel.json`;
const data = `${root}/test/fixtures/mnist-small`;
const folders: string[] = [];
let server: TelnetInterpreter | null = null;

/** Starts the interpreter, on a given Storage folder or a new one. */
async function startBoard(folder?: string): Promise<TelnetInterpreter> {
  server = await startEspruinoTelnet(interpreter!, folder);
  if (!folders.includes(server.folder)) folders.push(server.folder);
  return server;
}

afterEach(async () => {
  await server?.stop();
  server = null;
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

async function flash(args: string[]) {
  const io = bufferIo();
  const code = await main(["flash", model, "--data", data, "--target", "espruino", "--images", "5", "--timeout", "30", ...args], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

/** A scenario, run again on a fresh interpreter when this one died (see onStableBoard). */
async function onStableServer<T extends { code: number }>(scenario: () => Promise<T>): Promise<T> {
  return onStableBoard(scenario, () => server);
}

const checkPassed = /on-board check: all 5 test images give the emulator's logits exactly; \d classified correctly \(accuracy [\d.]+%\); [\d.]+ ms per inference on the board/;

describe.skipIf(!interpreter)("fixnet flash --target espruino, on espruino --telnet", () => {
  it("uploads the module with inlined weights to RAM and checks it on the board", async () => {
    const result = await onStableServer(async () => flash(["--port", (await startBoard()).url, "--inline"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^uploaded in [\d.]+ s; in RAM: a reset clears it/);
    expect(result.stdout).toMatch(checkPassed);
  });

  it("saved with SAVE_ON_SEND=1 (weights in Storage), the module works again after a restart", async () => {
    const result = await onStableServer(async () => flash(["--port", (await startBoard()).url, "--config", "SAVE_ON_SEND=1"]));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/saved to flash \(SAVE_ON_SEND=1\): it runs again after a reset/);
    expect(result.stdout).toMatch(checkPassed);

    const board = server!;
    await board.stop(); // SIGKILL: a power cut, as far as the board knows
    const check = await onStableServer(async () => flash(["--port", (await startBoard(board.folder)).url, "--check-only"]));
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(checkPassed);
  });

  it("a board without the module: the check says so in one line", async () => {
    const board = await startBoard();
    const result = await flash(["--port", board.url, "--check-only"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`fixnet: ${board.url}: the module "mnist" is not loaded on the board (a reset clears it unless it was uploaded with --config SAVE_ON_SEND=1); run fixnet flash again\n`);
  });
});
