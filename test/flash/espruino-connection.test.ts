// What fixnet says when the espruino tool cannot reach an Espruino board, from the tool's own
// output (lines copied from runs of EspruinoTools 0.1.67 with serialport 10): one line naming
// the port, the tool's reason, and what to check. The runs themselves are in
// espruino-serial.test.ts (a serial device) and flash-commands.test.ts (a network port).

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { connectionFailure } from "../../src/flash/espruino.ts";

const originalPath = process.env.PATH;
const folder = mkdtempSync(join(tmpdir(), "fixnet-connection-"));
afterEach(() => {
  process.env.PATH = originalPath;
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Puts on PATH only a folder that has (or lacks) a udevadm, as the espruino tool would find it. */
function udevadmInstalled(installed: boolean): void {
  const bin = mkdtempSync(join(folder, "bin-"));
  if (installed) {
    writeFileSync(join(bin, "udevadm"), "#!/bin/sh\n");
    chmodSync(join(bin, "udevadm"), 0o755);
  }
  process.env.PATH = bin;
}

/** The espruino tool ending with an uncaught error from the serialport package (Node's format). */
function serialportCrash(message: string): string {
  return `Connecting to '/dev/ttyACM0'\nnode:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\n${message}\n` +
    "Emitted 'error' event on SerialPort instance at:\n    at SerialPort._error (node_modules/@serialport/stream/dist/index.js:79:18)\n\nNode.js v20.20.2\n";
}

const notFound = `Connecting to '/dev/ttyACM0'\nserial: Port "/dev/ttyACM0" not found\nUnable to connect!\n`;

describe.skipIf(process.platform !== "linux")("connectionFailure: a serial port the tool does not list (Linux)", () => {
  it("with udevadm installed: says that only USB and hardware serial devices are listed, and how to see them", () => {
    udevadmInstalled(true);
    expect(connectionFailure("/dev/ttyACM0", notFound)?.message).toBe(
      `/dev/ttyACM0: cannot connect to the Espruino board (Port "/dev/ttyACM0" not found); the espruino tool finds serial ports through udev ` +
      `(udevadm, Debian package udev), which lists only USB and hardware serial devices (ttyACM*, ttyUSB*, ttyAMA*, rfcomm*; not ttyS* nor pseudo-terminals): ` +
      `is the board plugged in? ls /dev/ttyACM* /dev/ttyUSB* shows the ports there are, npx espruino --no-ble --list those the tool can open`);
  });

  it("without udevadm: says to install udev", () => {
    udevadmInstalled(false);
    expect(connectionFailure("/dev/ttyACM0", notFound)?.message).toBe(
      `/dev/ttyACM0: cannot connect to the Espruino board (Port "/dev/ttyACM0" not found); the espruino tool finds serial ports through udev, ` +
      `and udevadm is not installed (Debian: apt-get install --no-install-recommends udev)`);
  });
});

describe("connectionFailure: one line with the tool's reason and what to check", () => {
  const cases: [string, string, string, RegExp][] = [
    ["a network board that refuses", "tcp://127.0.0.1:2399", "RECEIVE ERROR: Error: connect ECONNREFUSED 127.0.0.1:2399\n",
      /^tcp:\/\/127\.0\.0\.1:2399: cannot connect to the Espruino board \(RECEIVE ERROR: Error: connect ECONNREFUSED 127\.0\.0\.1:2399\); is the board on the network/],
    ["a port another program holds", "/dev/ttyACM0", serialportCrash("Error: Error Resource temporarily unavailable Cannot lock port"),
      /^\/dev\/ttyACM0: cannot connect to the Espruino board \(Resource temporarily unavailable Cannot lock port\); it is open in another program/],
    ["a port the user may not open", "/dev/ttyACM0", serialportCrash("Error: Error: Permission denied, cannot open /dev/ttyACM0"),
      /^\/dev\/ttyACM0: cannot connect to the Espruino board \(Permission denied, cannot open \/dev\/ttyACM0\); your user may not open serial ports \(on Debian: sudo usermod -aG dialout \$USER/],
    ["a device that is no serial port", "/dev/ttyACM0", serialportCrash("Error: Error: Inappropriate ioctl for device setting custom baud rate of 115200"),
      /^\/dev\/ttyACM0: cannot connect to the Espruino board \(Inappropriate ioctl for device setting custom baud rate of 115200\); is the board plugged in/],
  ];
  for (const [what, port, output, message] of cases) {
    it(what, () => {
      const error = connectionFailure(port, output);
      expect(error?.code).toBe("board");
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain("\n");
    });
  }

  it("a board that answers, errors of its own included, is no connection failure", () => {
    const output = `Connected\n>print(1)\n1\nUncaught Error: Function "open" not found!\n at line 1 col 9\nUncaught Error: Cannot open file\nERROR: Out of Memory!\n`;
    expect(connectionFailure("/dev/ttyACM0", output)).toBeNull();
  });
});
