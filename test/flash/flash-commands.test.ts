// `fixnet flash` without a real board: the exact commands --dry-run prints for every target, the
// virtual boards (simavr, QEMU) running the firmware for real with the on-board check, and the
// one-line refusals for missing options, ports and tools.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { espruinoCliPath } from "../../src/flash/espruino.ts";
import { findTool } from "../../src/flash/tools.ts";
import { goldenFolder, root, targetMissing } from "../codegen/support.ts";

const model = join(goldenFolder, "relu.qmodel.json");
const data = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-flash-test-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function flash(args: string[]) {
  const io = bufferIo();
  const code = await main(["flash", model, "--data", data, ...args], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

const espruino = `${process.execPath} ${espruinoCliPath()} --no-ble`;

describe("fixnet flash --dry-run, Espruino", () => {
  it("prints the one espruino command that writes the weights to Storage and uploads the module", async () => {
    const out = join(folder, "espruino");
    const result = await flash(["--target", "espruino", "--port", "/dev/ttyACM7", "--dry-run", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const [upload, check] = result.stdout.trimEnd().split("\n");
    expect(upload).toBe(`${espruino} -p /dev/ttyACM7 -b 115200 --storage mnist.bin:${out}/mnist.bin ${out}/mnist-upload.js`);
    expect(check).toBe(`# then the on-board check, 10 test images through the REPL: ${espruino} -p /dev/ttyACM7 -b 115200`);
    for (const file of ["mnist.js", "mnist.bin", "mnist-example.js", "mnist-upload.js"]) expect(existsSync(join(out, file)), file).toBe(true);
    expect(readFileSync(join(out, "mnist-upload.js"), "utf8")).toMatch(/print\("fixnet" \+ "-ready mnist " \+ mnist\.inputs \+ " " \+ mnist\.classes\);\n$/);
  });

  it("writes the weights on their own before saving the module with SAVE_ON_SEND=1", async () => {
    const out = join(folder, "espruino-saved");
    const result = await flash(["--target", "espruino", "--port", "tcp://192.168.1.50:23", "--baud", "9600", "--name", "digits", "--config", "SAVE_ON_SEND=1", "--dry-run", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split("\n").slice(0, 2)).toEqual([
      `${espruino} -p tcp://192.168.1.50:23 -b 9600 --storage digits.bin:${out}/digits.bin -e 'print("fixnet" + "-stored")'`,
      `${espruino} -p tcp://192.168.1.50:23 -b 9600 --config SAVE_ON_SEND=1 ${out}/digits-upload.js`,
    ]);
  });

  it("uploads one file with --inline", async () => {
    const out = join(folder, "espruino-inline");
    const result = await flash(["--target", "espruino", "--port", "/dev/ttyUSB0", "--inline", "--dry-run", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe(`${espruino} -p /dev/ttyUSB0 -b 115200 ${out}/mnist-upload.js`);
    expect(existsSync(join(out, "mnist.bin"))).toBe(false);
  });
});

describe.skipIf(targetMissing("avr"))("fixnet flash, AVR", () => {
  it("--dry-run builds the firmware and prints the avrdude command", async () => {
    const out = join(folder, "avr");
    const result = await flash(["--target", "avr", "--port", "/dev/ttyACM0", "--dry-run", "--out", out]);
    expect(result.code, result.stderr).toBe(0);
    const hex = join(out, "build", "fixnet-avr.hex");
    expect(result.stdout).toBe(`avrdude -c arduino -p m328p -P /dev/ttyACM0 -b 115200 -D -U flash:w:${hex}:i\n# then the on-board check, 10 test images over /dev/ttyACM0\n`);
    expect(readFileSync(hex, "utf8")).toMatch(/^:[0-9A-F]{10}/);
  });

  it("--board simavr runs the firmware on 20 test images, bit-exact, and counts cycles", async () => {
    const result = await flash(["--board", "simavr", "--images", "20"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^simavr \(ATmega328P, 16 MHz\): all 20 test images give the emulator's logits exactly; \d+ classified correctly \(accuracy [\d.]+%\)\n/);
    expect(result.stdout).toMatch(/cycles per inference: mean [\d,]+ \([\d.]+ ms at 16 MHz\)/);
  });

  it.skipIf(findTool("avrdude") !== null)("without avrdude: one line naming the package, before building", async () => {
    const result = await flash(["--target", "avr", "--port", "/dev/ttyACM0"]);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe("fixnet: avrdude not found (needed for uploading to an Arduino through its bootloader): install the Debian package avrdude (apt-get install --no-install-recommends avrdude)\n");
  });
});

describe.skipIf(targetMissing("cortex-m3"))("fixnet flash, Cortex-M", () => {
  it("--dry-run prints the openocd or st-flash command for each chip", async () => {
    const out = join(folder, "cortex-m");
    const openocd = await flash(["--target", "cortex-m", "--programmer", "openocd", "--dry-run", "--out", out]);
    expect(openocd.code, openocd.stderr).toBe(0);
    expect(openocd.stdout).toBe(`openocd -f board/ek-lm3s6965.cfg -c 'program ${out}/build/fixnet-lm3s6965.elf verify reset exit'\n`);
    const bluePill = await flash(["--target", "cortex-m", "--chip", "stm32f1", "--programmer", "openocd", "--port", "/dev/ttyUSB0", "--dry-run", "--out", out]);
    expect(bluePill.code, bluePill.stderr).toBe(0);
    expect(bluePill.stdout).toBe([
      `openocd -f interface/stlink.cfg -f target/stm32f1x.cfg -c 'program ${out}/build/fixnet-stm32f1.elf verify reset exit'`,
      "# then the on-board check, 10 test images over /dev/ttyUSB0",
      "",
    ].join("\n"));
    const ownConfig = await flash(["--target", "cortex-m", "--chip", "stm32f4", "--programmer", "openocd", "--openocd-config", "interface/cmsis-dap.cfg", "--openocd-config", "target/stm32f4x.cfg", "--dry-run", "--out", out]);
    expect(ownConfig.stdout).toBe(`openocd -f interface/cmsis-dap.cfg -f target/stm32f4x.cfg -c 'program ${out}/build/fixnet-stm32f4.elf verify reset exit'\n`);
    const stFlash = await flash(["--target", "cortex-m", "--chip", "stm32f4", "--programmer", "st-flash", "--dry-run", "--out", out]);
    expect(stFlash.code, stFlash.stderr).toBe(0);
    expect(stFlash.stdout).toBe(`st-flash --reset write ${out}/build/fixnet-stm32f4.bin 0x08000000\n`);
    expect(existsSync(join(out, "build", "fixnet-stm32f4.bin"))).toBe(true);
  });

  it("--board qemu --chip stm32f1 runs the board firmware on 20 test images, bit-exact, over its UART", async () => {
    const result = await flash(["--board", "qemu", "--chip", "stm32f1", "--images", "20"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^QEMU stm32vldiscovery \(STM32F100, Cortex-M3\): all 20 test images give the emulator's logits exactly; \d+ classified correctly/);
    expect(result.stdout).toMatch(/QEMU models no cycles: fixnet size --target cortex-m3 counts instructions per inference\n$/);
    const [, flashBytes, ramBytes] = /firmware: ([\d,]+) bytes of flash \(the model's data included\), ([\d,]+) bytes of static RAM \+ the stack\n/.exec(result.stderr)!.map((field) => Number(field.replaceAll(",", "")));
    // The golden model's data, the runtime and board.c; the 784-byte image buffer and more.
    expect(flashBytes).toBeGreaterThan(2000);
    expect(flashBytes).toBeLessThan(64 * 1024);
    expect(ramBytes).toBeGreaterThan(784);
  });
});

describe("fixnet flash refusals: one line each", () => {
  const cases: [string[], number, RegExp][] = [
    [[], 2, /^fixnet: --target is required: espruino, avr, cortex-m \(or --board qemu\|simavr for a virtual board\)\n$/],
    [["--board", "simavr", "--target", "cortex-m"], 2, /--board simavr runs --target avr firmware, not cortex-m/],
    [["--board", "qemu", "--port", "/dev/ttyACM0"], 2, /--board qemu is a virtual board: leave out --port/],
    [["--target", "espruino"], 2, /--target espruino needs --port PORT/],
    [["--target", "espruino", "--port", "COM3"], 2, /--port COM3: expected a serial device such as \/dev\/ttyACM0/],
    [["--target", "espruino", "--port", "tcp://a b"], 2, /expected tcp:\/\/HOST or tcp:\/\/HOST:PORT/],
    [["--target", "espruino", "--port", "/dev/ttyNOSUCH"], 6, /^fixnet: \/dev\/ttyNOSUCH: no such serial port \(is the board plugged in\?/],
    [["--target", "espruino", "--port", "/dev/null", "--config", "save"], 2, /--config save: expected KEY=VALUE/],
    [["--target", "espruino", "--port", "/dev/null", "--name", "my-net"], 2, /--name "my-net": contains "-"/],
    [["--target", "avr", "--dry-run"], 2, /--target avr needs --port PORT/],
    [["--target", "avr"], 2, /^fixnet: --target avr needs --port PORT/], // before asking for avrdude
    [["--target", "avr", "--chip", "stm32f4", "--port", "/dev/null"], 2, /^fixnet: --chip is for --target cortex-m \(or --board qemu\), not avr\n$/],
    [["--board", "simavr", "--openocd-config", "x.cfg"], 2, /--openocd-config is for --target cortex-m/],
    [["--target", "cortex-m", "--check-only"], 2, /^fixnet: --check-only needs --port PORT, the board's serial port \(--chip lm3s6965: UART0 \(PA0\/PA1\), the board's USB serial port\)\n$/],
    [["--target", "cortex-m", "--programmer", "st-flash", "--dry-run"], 2, /^fixnet: --programmer st-flash flashes STM32 chips only, not --chip lm3s6965: use --programmer openocd\n$/],
    [["--board", "qemu", "--baud", "9600"], 2, /^fixnet: --baud: the Cortex-M firmware always talks at 115200 baud/],
    [["--board", "qemu", "--check-only"], 2, /--check-only is for a board already flashed/],
    [["--board", "simavr", "--dry-run"], 2, /^fixnet: --dry-run prints the commands for a real board; --board simavr runs the virtual board: leave out one of them\n$/],
    [["--board", "qemu", "--dry-run", "--chip", "stm32f1"], 2, /^fixnet: --dry-run prints the commands for a real board; --board qemu runs the virtual board/],
    [["--target", "cortex-m", "--port", "/dev/ttyNOSUCH", "--check-only"], 6, /^fixnet: \/dev\/ttyNOSUCH: no such serial port/],
  ];
  for (const [args, code, message] of cases) {
    it(`${args.join(" ") || "(no options)"} → exit ${code}`, async () => {
      const result = await flash(args);
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    });
  }

  it("an Espruino that does not answer: one line, within the timeout", async () => {
    const start = Date.now();
    const result = await flash(["--target", "espruino", "--port", "tcp://127.0.0.1:2399", "--timeout", "10"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/fixnet: tcp:\/\/127\.0\.0\.1:2399: cannot connect to the Espruino board \(RECEIVE ERROR: .*ECONNREFUSED.*\); is the board on the network/);
    expect(Date.now() - start).toBeLessThan(10_000);
  });
});
