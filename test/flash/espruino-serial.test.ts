// `fixnet flash --target espruino` over a serial device: the Linux Espruino interpreter
// (`espruino --telnet`, from ESPRUINO_BIN) behind a pseudo-terminal that pty-bridge.py relays to
// its telnet port, reached through the espruino tool's serial path (the serialport package and
// its native binding, termios on a real tty, fixnet's pacing and check). The one stand-in is the
// udev database: the espruino tool opens only the ports that `udevadm info -e` lists, and a
// container has no udev, so a stand-in udevadm first on PATH lists the pseudo-terminal as an
// Espruino on USB. Runs alone (package.json's test script): the interpreter's port is fixed.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { ESPRUINO_TELNET_PORT, startEspruinoTelnet, type TelnetInterpreter } from "../../src/flash/espruino-linux.ts";
import { goldenFolder, root } from "../codegen/support.ts";
import { onStableBoard, requireEspruino } from "../espruino/support.ts";
import { requireTool } from "../support/tools.ts";

const interpreter = requireEspruino();
const python = requireTool("python3", "python3");
const here = dirname(fileURLToPath(import.meta.url));
const model = join(goldenFolder, "relu.qmodel.json");
const data = join(root, "test", "fixtures", "mnist-small");

/** The folder of the stand-in udevadm, and the database it prints (rewritten for each board). */
let udev = "";
let database = "";
const folders: string[] = [];
/** The Python helpers started (bridges, a program holding a port), killed after each test. */
const helpers: ChildProcess[] = [];
let server: TelnetInterpreter | null = null;
const originalPath = process.env.PATH;

beforeAll(() => {
  udev = mkdtempSync(join(tmpdir(), "fixnet-udev-"));
  database = join(udev, "database");
  writeFileSync(join(udev, "udevadm"), `#!/bin/sh\n# Stand-in for udev's device database (udevadm info -e), written by espruino-serial.test.ts.\nexec cat '${database}'\n`, { mode: 0o755 });
  writeFileSync(database, "");
  // The espruino tool runs as a child of this process and inherits its PATH.
  process.env.PATH = `${udev}${delimiter}${originalPath ?? ""}`;
});
afterEach(async () => {
  for (const helper of helpers.splice(0)) helper.kill("SIGKILL");
  await server?.stop();
  server = null;
});
afterAll(() => {
  process.env.PATH = originalPath;
  for (const folder of [udev, ...folders].filter((path) => path !== "")) rmSync(folder, { recursive: true, force: true });
});

/** udev's record of an Espruino on USB at path: a ttyACM device with Espruino's own USB ids
 *  (STMicroelectronics 0483:5740), the fields the serialport package reads. */
function usbEspruinoRecord(path: string): string {
  return ["P: /devices/virtual/tty/ttyACM0", "N: ttyACM0", `E: DEVNAME=${path}`, "E: SUBSYSTEM=tty", "E: ID_VENDOR_ID=0483", "E: ID_MODEL_ID=5740", "", ""].join("\n");
}

/** A pseudo-terminal bridged to the interpreter (pty-bridge.py). */
interface SerialBoard {
  port: string;
  /** The line speeds the bridge found set on the terminal, in order (the espruino tool's -b). */
  bauds: number[];
}

/** Starts the interpreter and a pseudo-terminal bridged to it. With listed, the stand-in udev
 *  lists the terminal as a USB Espruino; without, it lists nothing. */
async function startSerialBoard(listed = true): Promise<SerialBoard> {
  server = await startEspruinoTelnet(interpreter!);
  folders.push(server.folder);
  const bridge = spawn(python!, [join(here, "pty-bridge.py"), "127.0.0.1", String(ESPRUINO_TELNET_PORT)], { stdio: ["ignore", "pipe", "inherit"] });
  helpers.push(bridge);
  const board: SerialBoard = { port: "", bauds: [] };
  let printed = "";
  await new Promise<void>((resolve, reject) => {
    bridge.stdout!.on("data", (chunk: Buffer) => {
      printed += chunk.toString();
      const lines = printed.split("\n").slice(0, -1);
      board.port = lines[0] ?? "";
      board.bauds = lines.slice(1).map((line) => Number(line.replace("baud ", "")));
      if (board.port) resolve();
    });
    bridge.once("exit", (code) => reject(new Error(`pty-bridge.py exited with ${code}`)));
  });
  writeFileSync(database, listed ? usbEspruinoRecord(board.port) : "");
  return board;
}

async function flash(args: string[]) {
  const io = bufferIo();
  const code = await main(["flash", model, "--data", data, "--target", "espruino", "--images", "5", "--timeout", "30", ...args], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

const checkPassed = /on-board check: all 5 test images give the emulator's logits exactly; \d classified correctly \(accuracy [\d.]+%\); [\d.]+ ms per inference on the board/;

describe.skipIf(!interpreter || !python)("fixnet flash --target espruino, over a serial device (a pseudo-terminal to espruino --telnet)", () => {
  it("uploads the module to RAM and checks it on the board at 115200 baud, then checks it again on the same port at --baud 57600", async () => {
    const { board, upload, check } = await onStableBoard(async () => {
      const board = await startSerialBoard();
      const upload = await flash(["--port", board.port, "--inline"]);
      const check = upload.code === 0 ? await flash(["--port", board.port, "--check-only", "--baud", "57600"]) : upload;
      return { code: check.code, stderr: check.stderr, board, upload, check };
    }, () => server);
    expect(upload.code, upload.stderr).toBe(0);
    expect(upload.stdout).toMatch(/^uploaded in [\d.]+ s; in RAM: a reset clears it/);
    expect(upload.stdout).toMatch(checkPassed);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(checkPassed);
    expect(board.bauds).toEqual([115200, 57600]);
  });

  it("saved with SAVE_ON_SEND=1, weights written to Storage by a run of their own: each run opens the port again", async () => {
    const result = await onStableBoard(async () => flash(["--port", (await startSerialBoard()).port, "--config", "SAVE_ON_SEND=1"]), () => server);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/saved to flash \(SAVE_ON_SEND=1\): it runs again after a reset/);
    expect(result.stdout).toMatch(checkPassed);
  });

  it("a serial port that udev does not list: one line saying why", async () => {
    const { port } = await startSerialBoard(false);
    const result = await flash(["--port", port, "--check-only"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(new RegExp(`^fixnet: ${port}: cannot connect to the Espruino board \\(Port "${port}" not found\\); the espruino tool finds serial ports through udev`));
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a serial port another program holds (locked, as the serialport package locks it): one line saying so", async () => {
    const { port } = await startSerialBoard();
    const holder = spawn(python!, ["-c", "import fcntl, os, sys, time; port = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY); fcntl.flock(port, fcntl.LOCK_EX); print('held', flush=True); time.sleep(300)", port], { stdio: ["ignore", "pipe", "inherit"] });
    helpers.push(holder);
    await once(holder.stdout!, "data");
    const result = await flash(["--port", port, "--check-only"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`fixnet: ${port}: cannot connect to the Espruino board (Resource temporarily unavailable Cannot lock port); it is open in another program (another fixnet or espruino tool, the Web IDE): close that first\n`);
  });
});
