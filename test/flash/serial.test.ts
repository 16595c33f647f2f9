// The AVR on-board check over a serial port, against a stand-in Uno on a pseudo-terminal
// (fake-uno.py, which answers with given lines): the protocol, the pacing, the verdict, and
// `fixnet flash --target avr` end to end with a stand-in avrdude. The firmware itself runs on
// simavr in flash-commands.test.ts; this tests fixnet's side of the cable.

import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { avrBoard, checkSerialBoard } from "../../src/flash/flash.ts";
import { escapeFrameBytes, FRAME_START } from "../../src/flash/serial.ts";
import { emulateBatch } from "../../src/quantize/emulator.ts";
import { requireTool } from "../support/tools.ts";
import { targetMissing } from "../codegen/support.ts";
import { boardModel, boardModelPath, firstTestImages, smallData } from "./support.ts";

const python = requireTool("python3", "python3");
const here = dirname(fileURLToPath(import.meta.url));
const modelPath = boardModelPath;
const model = boardModel;
const data = smallData;
const COUNT = 5;
const check = firstTestImages(COUNT);
const folder = mkdtempSync(join(tmpdir(), "fixnet-serial-test-"));
const boards: ChildProcess[] = [];
afterEach(() => {
  for (const board of boards.splice(0)) board.kill("SIGKILL");
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The firmware's answer lines for the check images: class, logits, cycles. */
function answers(change?: { image: number; logit: number }): string[] {
  const logits = emulateBatch(model, check.images, COUNT);
  return Array.from({ length: COUNT }, (_, n) => {
    const row = Array.from(logits.subarray(n * 10, (n + 1) * 10));
    if (change?.image === n) row[change.logit] += 1;
    return `${row.indexOf(Math.max(...row))} ${row.join(" ")} ${40000 + n}`;
  });
}

/** Starts a stand-in Uno answering with lines; returns its pseudo-terminal's path. */
async function fakeUno(lines: string[]): Promise<string> {
  const file = join(folder, `answers-${boards.length}.txt`);
  writeFileSync(file, lines.join("\n"));
  const board = spawn(python!, [join(here, "fake-uno.py"), file], { stdio: ["ignore", "pipe", "inherit"] });
  boards.push(board);
  return new Promise((resolve, reject) => {
    board.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    board.once("exit", (code) => reject(new Error(`fake-uno.py exited with ${code}`)));
  });
}

describe.skipIf(!python)("AVR on-board check over a serial port", () => {
  it("sends the count and the images, reads the answers and judges them against the emulator", async () => {
    const port = await fakeUno(answers());
    const result = await checkSerialBoard(model, { ...avrBoard(port), settleSeconds: 0.1 }, check, 5);
    expect(result.exact).toBe(COUNT);
    expect(result.firstMismatch).toBeNull();
    expect(result.cycles.mean).toBe(40002);
  });

  it("names the first logit that differs", async () => {
    const port = await fakeUno(answers({ image: 3, logit: 7 }));
    const result = await checkSerialBoard(model, { ...avrBoard(port), settleSeconds: 0.1 }, check, 5);
    expect(result.exact).toBe(COUNT - 1);
    expect(result.firstMismatch).toMatch(/^image 3, logit 7 \(index 37\): expected -?\d+, actual -?\d+$/);
  });

  it("a board that stops answering: one line, after the timeout", async () => {
    const port = await fakeUno(answers().slice(0, 2));
    await expect(checkSerialBoard(model, { ...avrBoard(port), settleSeconds: 0.1 }, check, 1)).rejects.toThrow(`${port}: no answer for test image 2 within 1 s (is the fixnet firmware running at 1000000 baud? flash it again)`);
  });

  it.skipIf(targetMissing("avr"))("fixnet flash --target avr: builds, runs avrdude, then the check", async () => {
    const log = join(folder, "avrdude-args.txt");
    const avrdude = join(folder, "avrdude");
    writeFileSync(avrdude, `#!/bin/sh\necho "$@" > ${log}\n`);
    chmodSync(avrdude, 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${folder}:${path}`;
    try {
      const port = await fakeUno(answers());
      const io = bufferIo();
      const code = await main(["flash", modelPath, "--target", "avr", "--port", port, "--data", data, "--images", String(COUNT), "--timeout", "10"], io);
      expect(code, io.stderr.join("")).toBe(0);
      expect(readFileSync(log, "utf8")).toMatch(new RegExp(`^-c arduino -p m328p -P ${port} -b 115200 -D -U flash:w:/.*/build/fixnet-avr\\.hex:i\\n$`));
      expect(io.stdout.join("")).toMatch(/on-board check: all 5 test images give the emulator's logits exactly; \d classified correctly \(accuracy [\d.]+%\); 40,002 cycles \(2\.50 ms at 16 MHz\) per inference, counted by the board/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("the Cortex-M firmware's framing (SLIP byte stuffing)", () => {
  it("escapes the frame start and the escape byte, and nothing else", () => {
    expect(Array.from(escapeFrameBytes(Uint8Array.of(1, 0xc0, 2, 0xdb, 0xdc, 0xdd, 255)))).toEqual([1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 0xdc, 0xdd, 255]);
    expect(FRAME_START).toBe(0xc0);
  });
});
