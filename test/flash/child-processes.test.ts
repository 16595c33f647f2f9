// What every program fixnet runs shares: a child stopped by Ctrl-C becomes FixnetError
// "interrupted" wherever it runs (compilers, simulators, uploaders, the Espruino interpreter),
// and temporary folders go away on process.exit too. Stand-in children are shell one-liners.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runEspruinoScript } from "../../src/flash/espruino-linux.ts";
import { runUploadCommands } from "../../src/flash/flash.ts";
import { runProgram } from "../../src/flash/toolchains.ts";
import { endedByCtrlC, keepTemporaryFolder, makeTemporaryFolder, removeTemporaryFolder, temporaryFoldersLeft } from "../../src/flash/processes.ts";
import { expectFixnetError } from "../support/errors.ts";
import { root } from "../codegen/support.ts";

const folder = mkdtempSync(join(tmpdir(), "fixnet-child-processes-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A shell that stops itself with SIGINT, as Ctrl-C in a terminal stops every program in it. */
const selfInterrupting = ["-c", "kill -INT $$"];

describe("a child stopped by Ctrl-C", () => {
  it("is recognised by how it ended: the signal, exit 130, or QEMU's last words", () => {
    expect(endedByCtrlC({ signal: "SIGINT", status: null })).toBe(true);
    expect(endedByCtrlC({ signal: null, status: 130 })).toBe(true);
    expect(endedByCtrlC({ signal: null, status: 0, stderr: "Timer with period zero, disabling\nqemu-system-arm: terminating on signal 2 from pid 4242 (node)\n" })).toBe(true);
    expect(endedByCtrlC({ signal: "SIGTERM", status: null })).toBe(false); // a timeout
    expect(endedByCtrlC({ signal: null, status: 1, stderr: "qemu-system-arm: terminating on signal 15" })).toBe(false);
    expect(endedByCtrlC({ signal: null, status: 0 })).toBe(false);
  });

  it("becomes FixnetError interrupted in runProgram (compilers, nm, size, the host harness)", () => {
    expect(expectFixnetError(() => runProgram("sh", selfInterrupting), "interrupted", "sh")).toBe("interrupted (Ctrl-C) while sh was running");
    const qemuLike = ["-c", "echo 'qemu-system-arm: terminating on signal 2 from pid 1 (node)' >&2"];
    expectFixnetError(() => runProgram("sh", qemuLike), "interrupted", "sh");
  });

  it("becomes FixnetError interrupted in runUploadCommands, not a board that did not answer", () => {
    expectFixnetError(() => runUploadCommands([{ command: "sh", args: selfInterrupting }], 10), "interrupted", "sh");
  });

  it("becomes FixnetError interrupted in runEspruinoScript", () => {
    const interpreter = join(folder, "espruino");
    writeFileSync(interpreter, "#!/bin/sh\nkill -INT $$\n");
    chmodSync(interpreter, 0o755);
    expectFixnetError(() => runEspruinoScript(interpreter, "test.js", folder), "interrupted", "espruino");
  });
});

describe("temporary folders", () => {
  it("are removed by removeTemporaryFolder and left alone by keepTemporaryFolder", () => {
    const removed = makeTemporaryFolder("fixnet-test-removed-");
    const kept = makeTemporaryFolder("fixnet-test-kept-");
    writeFileSync(join(removed, "file"), "x");
    expect(temporaryFoldersLeft()).toEqual(expect.arrayContaining([removed, kept]));
    removeTemporaryFolder(removed);
    keepTemporaryFolder(kept);
    expect(existsSync(removed)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(temporaryFoldersLeft()).not.toContain(removed);
    expect(temporaryFoldersLeft()).not.toContain(kept);
    rmSync(kept, { recursive: true });
  });

  it("are removed when the process exits at once (process.exit, as the CLI's Ctrl-C handler does)", () => {
    const script = [
      `const { makeTemporaryFolder, keepTemporaryFolder } = await import(${JSON.stringify(join(root, "src", "flash", "processes.ts"))});`,
      `const { writeFileSync } = await import("node:fs");`,
      `const left = makeTemporaryFolder("fixnet-test-exit-");`,
      `writeFileSync(left + "/build.o", "x");`,
      `const kept = makeTemporaryFolder("fixnet-test-exit-kept-");`,
      `keepTemporaryFolder(kept);`,
      `console.log(JSON.stringify([left, kept]));`,
      `process.exit(130);`,
    ].join("\n");
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(130);
    const [left, kept] = JSON.parse(result.stdout) as string[];
    expect(existsSync(left)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    rmSync(kept, { recursive: true });
  });
});
