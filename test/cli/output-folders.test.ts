// Output folders the commands cannot use are refused in one line before any training: a path
// under an ordinary file (which fails even as root, where permissions do not apply).

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkOutputFolder, makeOutputFolder } from "../../src/commands/folders.ts";
import { expectFixnetError } from "../support/errors.ts";
import { runCli } from "../support/cli.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-output-folders-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const run = runCli;

function ordinaryFile(name: string): string {
  const file = join(folder, name);
  writeFileSync(file, "not a folder\n");
  return file;
}

describe("output folders", () => {
  it("makeOutputFolder names the file in the way, the folder itself or a parent", () => {
    const file = ordinaryFile("plain");
    expect(expectFixnetError(() => makeOutputFolder(join(file, "sub", "deeper"), "--out"), "bad-file", join(file, "sub", "deeper")))
      .toContain(`--out expected a folder, found a file on the way to it, ${file}`);
    expect(expectFixnetError(() => makeOutputFolder(file, "--out"), "bad-file", file)).toContain(`${file}: --out expected a folder, found a file (`);
    makeOutputFolder(join(folder, "made", "here"), "--out");
    makeOutputFolder(join(folder, "made", "here"), "--out"); // already there: fine
  });

  it("checkOutputFolder makes nothing", () => {
    const file = ordinaryFile("check-only");
    expectFixnetError(() => checkOutputFolder(join(file, "sub"), "--out"), "bad-file", file);
    checkOutputFolder(join(folder, "not", "yet"), "--out");
    expect(existsSync(join(folder, "not"))).toBe(false);
  });

  it("pipeline -o under a file: one line, exit 3, before training", async () => {
    const file = ordinaryFile("pipeline-afile");
    const out = join(file, "sub");
    const result = await run(["pipeline", "--data", fixtures, "--no-distill", "--epochs", "1", "-o", out]);
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`fixnet: ${out}: --out-dir expected a folder, found a file on the way to it, ${file}`);
  });

  it("pipeline: a file where the C code goes is refused before training, not after", async () => {
    const out = join(folder, "pipeline-c-blocked");
    mkdirSync(out);
    writeFileSync(join(out, "c"), "in the way\n");
    const result = await run(["pipeline", "--data", fixtures, "--no-distill", "--epochs", "1", "-o", out]);
    expect(result.code).toBe(3);
    expect(result.stderr).not.toMatch(/training/);
    expect(result.stderr).toContain(`${join(out, "c")}: --out-dir expected a folder, found a file (`);
  });
});
