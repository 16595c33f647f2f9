// The on-board check of fixnet's serial firmware (firmware-template/avr/main.c, and
// firmware-template/cortex-m/board.c, which wraps the same exchange in a frame) on a board: test
// images sent over the serial port one at a time, the answer lines read back. The port is set
// up with stty (raw, the firmware's baud rate) and used as a terminal device; no extra library.
// Linux only (stty -F). It judges nothing (board-check.ts does).

import { spawnSync } from "node:child_process";
import { constants, openSync, writeSync } from "node:fs";
import { ReadStream } from "node:tty";
import { FixnetError } from "../errors.ts";
import { parseHarnessOutput, type FirmwareRun } from "./simulators.ts";

/** The AVR firmware's UART speed (BAUD in firmware-template/avr/main.c): exact at 16 MHz. */
export const AVR_FIRMWARE_BAUD = 1_000_000;

/** How long an Uno takes from the reset that opening its port causes to the firmware running
 *  (Optiboot waits about 1 s for an upload first). */
export const AVR_RESET_SECONDS = 2;

export interface SerialCheckOptions {
  port: string;
  baud: number;
  /** [count][inputs] pixels. */
  images: Uint8Array;
  count: number;
  inputs: number;
  classes: number;
  /** Seconds to wait for each answer line. */
  timeoutSeconds: number;
  /** Seconds to wait after opening the port before sending (the board resets). */
  settleSeconds: number;
  /** Cortex-M board.c: the exchange starts with FRAME_START, and its bytes are escaped. */
  framed: boolean;
  /** Called after each answer: how many of the count images have been answered. */
  onProgress?: (answered: number, count: number) => void;
}

/** board.c's framing: SLIP's byte stuffing (RFC 1055). */
export const FRAME_START = 0xc0;
const FRAME_ESCAPE = 0xdb;
const ESCAPED: Record<number, number> = { [FRAME_START]: 0xdc, [FRAME_ESCAPE]: 0xdd };

/** bytes with FRAME_START and FRAME_ESCAPE each sent as FRAME_ESCAPE and a stand-in. */
export function escapeFrameBytes(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (const byte of bytes) {
    if (byte in ESCAPED) out.push(FRAME_ESCAPE, ESCAPED[byte]);
    else out.push(byte);
  }
  return Uint8Array.from(out);
}

/**
 * Sends the image count (2 bytes, little-endian), then each image after the answer to the one
 * before (the firmware does not read while it computes), and reads "<class> <logits...>
 * <cycles>" per image and "done <count> stack <bytes>", as the firmware prints them. Framed:
 * FRAME_START first, every byte after it escaped.
 * @throws FixnetError "board" when the port cannot be opened or set up, or an answer does not
 * come within the timeout (wrong port, or the firmware is not running).
 */
export async function checkOverSerial(options: SerialCheckOptions): Promise<FirmwareRun> {
  const { port, count, inputs, classes, timeoutSeconds } = options;
  const stty = spawnSync("stty", ["-F", port, String(options.baud), "raw", "-echo", "-hupcl"], { encoding: "utf8", timeout: 10_000 });
  if (stty.error || stty.status !== 0) {
    throw new FixnetError("board", `${port}: cannot set up the serial port at ${options.baud} baud (${(stty.error?.message ?? stty.stderr).trim()}); is it the board's port, and not open in another program?`);
  }
  let fd: number;
  try {
    fd = openSync(port, constants.O_RDWR | constants.O_NOCTTY);
  } catch (error) {
    throw new FixnetError("board", `${port}: cannot open the serial port (${(error as Error).message})`);
  }
  const input = new ReadStream(fd);
  let text = "";
  let wake: (() => void) | null = null;
  input.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    wake?.();
  });
  input.on("error", () => wake?.());
  const lines = (): string[] => text.split("\n").slice(0, -1);
  /** Waits until at least `wanted` complete lines have come, or the timeout. */
  const waitForLines = async (wanted: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (lines().length < wanted) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => { clearTimeout(timer); resolve(); };
      });
      wake = null;
    }
    return true;
  };
  try {
    await new Promise((resolve) => setTimeout(resolve, options.settleSeconds * 1000));
    text = ""; // whatever a bootloader printed
    const encode = options.framed ? escapeFrameBytes : (bytes: Uint8Array) => bytes;
    const header = encode(new Uint8Array([count & 0xff, count >> 8]));
    writeSync(fd, options.framed ? Uint8Array.of(FRAME_START, ...header) : header);
    for (let n = 0; n < count; n++) {
      writeSync(fd, encode(options.images.subarray(n * inputs, (n + 1) * inputs)));
      if (!(await waitForLines(n + 1))) {
        throw new FixnetError("board", `${port}: no answer for test image ${n} within ${timeoutSeconds} s (is the fixnet firmware running at ${options.baud} baud? flash it again)`);
      }
      options.onProgress?.(n + 1, count);
    }
    if (!(await waitForLines(count + 1))) throw new FixnetError("board", `${port}: the firmware did not finish ("done ${count}") within ${timeoutSeconds} s`);
    try {
      return parseHarnessOutput(text, count, classes, 1);
    } catch (error) {
      throw new FixnetError("board", `${port}: the board's answers are not the fixnet firmware's (${(error as Error).message.split("\n")[0]})`);
    }
  } finally {
    input.destroy(); // closes fd
  }
}
