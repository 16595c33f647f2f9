// Where `fixnet flash` works: --out naming a file is one line before any build, a temporary
// folder is kept after --dry-run (its printed commands name the files) and removed after a run
// that fails. Runs in-process with TMPDIR pointing at a folder of its own.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { temporaryFoldersLeft } from "../../src/flash/processes.ts";
import { boardModelPath, smallData } from "./support.ts";

const outer = process.env.TMPDIR;
const folder = mkdtempSync(join(tmpdir(), "fixnet-flash-folders-"));
const temporary = join(folder, "tmp");
beforeAll(() => {
  mkdirSync(temporary);
  writeFileSync(join(folder, "afile"), "not a folder\n");
  process.env.TMPDIR = temporary; // os.tmpdir() reads it at each call
});
afterAll(() => {
  if (outer === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = outer;
  rmSync(folder, { recursive: true, force: true });
});

async function flash(args: string[]) {
  const io = bufferIo();
  const code = await main(["flash", boardModelPath, "--data", smallData, ...args], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

/** fixnet's folders in TMPDIR. */
const flashFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith("fixnet-flash-"));

describe("fixnet flash --out", () => {
  it("naming an ordinary file: one line, exit 3, before any build", async () => {
    const file = join(folder, "afile");
    const result = await flash(["--board", "simavr", "--out", file]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toBe(`fixnet: ${file}: --out expected a folder, found a file (name a new or existing folder)\n`);
    expect(flashFolders()).toEqual([]);
  });

  it("under an ordinary file: one line naming the file, exit 3", async () => {
    const file = join(folder, "afile");
    const result = await flash(["--target", "espruino", "--port", "/dev/null", "--dry-run", "--out", join(file, "sub")]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(new RegExp(`^fixnet: ${join(file, "sub")}: --out expected a folder, found a file on the way to it, ${file} .*\\n$`));
  });
});

describe("fixnet flash's temporary folder", () => {
  it("is kept after --dry-run, and not removed at exit either", async () => {
    const result = await flash(["--target", "espruino", "--port", "/dev/ttyACM7", "--dry-run"]);
    expect(result.code, result.stderr).toBe(0);
    const [kept] = flashFolders();
    expect(kept).toBeDefined();
    expect(result.stdout).toContain(join(tmpdir(), kept, "mnist-upload.js"));
    expect(temporaryFoldersLeft()).toEqual([]);
    rmSync(join(tmpdir(), kept), { recursive: true });
  });

  it("is removed after a run that fails", async () => {
    const result = await flash(["--target", "espruino", "--port", "tcp://127.0.0.1:2399", "--timeout", "5"]);
    expect(result.code, result.stderr).toBe(6);
    expect(flashFolders()).toEqual([]);
    expect(temporaryFoldersLeft()).toEqual([]);
  });
});
