// The standalone Cortex-M firmware (firmware-template/cortex-m/board.c) for each chip, run on
// QEMU's model of that chip with its UART on a pseudo-terminal, and talked to over that serial
// device exactly as fixnet talks to a real board: bit-exact against the emulator, a second check
// without a reset, an exchange abandoned halfway, images made of the framing's own bytes, and `fixnet flash --target cortex-m --port`
// end to end with a stand-in openocd that "programs" the virtual board by starting QEMU on the
// ELF it was given.

import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { CHIPS, CORTEX_M_CHIPS } from "../../src/flash/chips.ts";
import { checkSerialBoard, cortexMBoard } from "../../src/flash/flash.ts";
import { buildModelBoardFirmware } from "../../src/flash/measure.ts";
import { escapeFrameBytes, FRAME_START } from "../../src/flash/serial.ts";
import { startQemuBoard } from "../../src/flash/simulators.ts";
import { targetMissing } from "../codegen/support.ts";
import { boardModel, boardModelPath, firstTestImages, smallData } from "./support.ts";

const modelPath = boardModelPath;
const model = boardModel;
const data = smallData;
const COUNT = 20;
const check = firstTestImages(COUNT);
const folder = mkdtempSync(join(tmpdir(), "fixnet-cortex-m-board-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.skipIf(targetMissing("cortex-m3"))("Cortex-M board firmware over a serial port, on QEMU", () => {
  for (const name of CORTEX_M_CHIPS) {
    const chip = CHIPS[name];
    it(`${name} on ${chip.qemu.machine}: ${COUNT} test images bit-exact; checked again without a reset`, async () => {
      const board = await startQemuBoard(buildModelBoardFirmware(model, chip, join(folder, name)));
      try {
        const first = await checkSerialBoard(model, cortexMBoard(board.port, chip), check, 30);
        expect(first.firstMismatch).toBeNull();
        expect(first.exact).toBe(COUNT);
        expect(first.stackBytes).toBeGreaterThan(0);
        const again = await checkSerialBoard(model, cortexMBoard(board.port, chip), { ...check, count: 3 }, 30);
        expect(again.exact).toBe(3);
      } finally {
        board.stop();
      }
    });
  }

  it("a board left halfway through an image (the host stopped) answers the next check", async () => {
    const chip = CHIPS.stm32f4;
    const board = await startQemuBoard(buildModelBoardFirmware(model, chip, join(folder, "halfway")));
    try {
      // A stand-in for an interrupted check on a port set up as fixnet sets it up (raw, no echo):
      // the frame start, the count, part of an image, and an escape byte cut off from its
      // partner. The terminal stays open meanwhile: QEMU stops reading a pseudo-terminal that
      // nobody holds open (a real UART has no such pause).
      const interrupted = openSync(board.port, constants.O_RDWR | constants.O_NOCTTY);
      try {
        expect(spawnSync("stty", ["-F", board.port, "raw", "-echo"]).status).toBe(0);
        writeSync(interrupted, new Uint8Array([FRAME_START, 5, 0, ...escapeFrameBytes(check.images.subarray(0, 300)), 0xdb]));
        const result = await checkSerialBoard(model, cortexMBoard(board.port, chip), { ...check, count: 4 }, 30);
        expect(result.exact).toBe(4);
      } finally {
        closeSync(interrupted);
      }
    } finally {
      board.stop();
    }
  });

  it("images full of the frame's own bytes (0xC0, 0xDB) arrive intact", async () => {
    const chip = CHIPS.lm3s6965;
    const board = await startQemuBoard(buildModelBoardFirmware(model, chip, join(folder, "escapes")));
    try {
      const images = new Uint8Array(3 * 784);
      for (let i = 0; i < images.length; i++) images[i] = [0xc0, 0xdb, 0xdc, 0xdd, 0][(i * 7 + (i >> 5)) % 5];
      const result = await checkSerialBoard(model, cortexMBoard(board.port, chip), { images, labels: new Uint8Array(3), count: 3 }, 30);
      expect(result.firstMismatch).toBeNull();
      expect(result.exact).toBe(3);
    } finally {
      board.stop();
    }
  });

  it("fixnet flash --target cortex-m --chip stm32f4 --port: flashes (stand-in openocd), then checks over the port", async () => {
    const work = join(folder, "flash");
    const bin = join(work, "bin");
    const port = join(work, "ttyACM0");
    const log = join(work, "openocd-args.txt");
    const { machine, serialIndex } = CHIPS.stm32f4.qemu;
    rmSync(work, { recursive: true, force: true });
    const serials = `${"-serial null ".repeat(serialIndex)}-serial pty`;
    // The board's serial port exists before flashing (a Nucleo's ST-Link port does): a link that
    // the stand-in points at the virtual board's UART once it has "flashed".
    mkdirSync(bin, { recursive: true });
    symlinkSync("/dev/null", port);
    writeFileSync(join(bin, "openocd"), [
      "#!/bin/sh",
      `printf '%s\\n' "$@" > '${log}'`,
      `elf=$(printf '%s\\n' "$@" | sed -n 's/^program \\(.*\\) verify reset exit$/\\1/p')`,
      `setsid qemu-system-arm -M ${machine} -nographic -monitor none ${serials} -kernel "$elf" > '${work}/qemu.out' 2>&1 < /dev/null &`,
      `echo $! > '${work}/qemu.pid'`,
      "for i in $(seq 100); do",
      `  pty=$(grep -o '/dev/pts/[0-9]*' '${work}/qemu.out' | head -1)`,
      `  if [ -n "$pty" ]; then ln -sfn "$pty" '${port}'; exit 0; fi`,
      "  sleep 0.1",
      "done",
      "echo 'stand-in openocd: QEMU did not start' >&2; exit 1",
    ].join("\n"));
    chmodSync(join(bin, "openocd"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path}`;
    try {
      const io = bufferIo();
      const code = await main(["flash", modelPath, "--data", data, "--target", "cortex-m", "--chip", "stm32f4", "--port", port, "--images", "10"], io);
      const stdout = io.stdout.join("");
      expect(code, io.stderr.join("")).toBe(0);
      expect(readFileSync(log, "utf8").split("\n").slice(0, 3)).toEqual(["-f", "board/st_nucleo_f4.cfg", "-c"]);
      expect(stdout).toMatch(/^flashed with openocd\n/);
      expect(stdout).toMatch(/on-board check: all 10 test images give the emulator's logits exactly; \d+ classified correctly \(accuracy [\d.]+%\); [\d,]+ cycles \([\d.]+ ms at 16 MHz\) per inference, counted by the board; \d+ bytes of stack\n$/);

      const again = bufferIo();
      expect(await main(["flash", modelPath, "--data", data, "--target", "cortex-m", "--chip", "stm32f4", "--port", port, "--images", "3", "--check-only"], again), again.stderr.join("")).toBe(0);
      expect(again.stdout.join("")).toMatch(/^on-board check: all 3 test images give the emulator's logits exactly/);
    } finally {
      process.env.PATH = path;
      const pidFile = join(work, "qemu.pid");
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, "utf8")), "SIGKILL");
    }
  });
});
