// Folders fixnet may not write in. The tests run as root, where permissions do not apply (a
// chmod 555 folder stays writable), so node:fs's accessSync is replaced: it reports EACCES or
// EROFS for folders whose name says so, as it would for a normal user or a read-only disk.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.ts";
import { checkOutputFolder, checkWritableFolder, makeOutputFolder } from "../../src/commands/folders.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { expectFixnetError } from "../support/errors.ts";

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs")>();
  const accessSync = (path: import("node:fs").PathLike, mode?: number): void => {
    const name = String(path);
    for (const code of ["EACCES", "EROFS"]) {
      if (name.includes(`${code}-folder`)) throw Object.assign(new Error(`${code}: refused, access '${name}'`), { code });
    }
    actual.accessSync(path, mode);
  };
  return { ...actual, accessSync, default: { ...actual, accessSync } };
});

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-unwritable-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("folders fixnet may not write in", () => {
  it("say why in one line, with the fix", () => {
    const denied = join(folder, "EACCES-folder");
    mkdirSync(denied);
    expect(expectFixnetError(() => checkWritableFolder(denied, "--out"), "missing-file", denied))
      .toBe(`${denied}: --out: cannot write files in this folder (no permission; pick a folder you can write to, or change its permissions)`);
    expect(expectFixnetError(() => makeOutputFolder(denied, "--out"), "missing-file", denied)).toContain("cannot write files in it (no permission");
    expect(expectFixnetError(() => checkOutputFolder(join(denied, "sub"), "--out"), "missing-file", denied)).toContain(`cannot make it in ${denied} (no permission`);
    const readOnly = join(folder, "EROFS-folder");
    mkdirSync(readOnly);
    expect(expectFixnetError(() => checkWritableFolder(readOnly, "--out"), "missing-file", readOnly)).toContain("a read-only file system");
  });

  it("train checks its model's folder before training, not after every epoch is done", async () => {
    const denied = join(folder, "train-EACCES-folder");
    mkdirSync(denied);
    const io = bufferIo();
    const code = await main(["train", "--data", fixtures, "--no-distill", "--epochs", "2", "-o", join(denied, "model.json")], io);
    const stderr = io.stderr.join("");
    expect(code).toBe(4);
    expect(stderr).not.toMatch(/epoch 1/);
    expect(stderr.trim()).toBe(`fixnet: ${denied}: --out: cannot write files in this folder (no permission; pick a folder you can write to, or change its permissions)`);
  });
});
