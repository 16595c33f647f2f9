// Output folders the commands cannot use are refused in one line before any training: a path
// under an ordinary file (which fails even as root, where permissions do not apply).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { makeOutputFolder } from "../../src/commands/folders.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { expectFixnetError } from "../support/errors.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-output-folders-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(args: string[]) {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("") };
}

function ordinaryFile(name: string): string {
  const file = join(folder, name);
  writeFileSync(file, "not a folder\n");
  return file;
}

describe("output folders", () => {
  it("makeOutputFolder names the file in the way, the folder itself or a parent", () => {
    const file = ordinaryFile("plain");
    expect(expectFixnetError(() => makeOutputFolder(join(file, "sub", "deeper"), "reports"), "bad-option", join(file, "sub", "deeper")))
      .toContain(`cannot create this folder for the reports: ${file} is a file, not a folder`);
    expect(expectFixnetError(() => makeOutputFolder(file, "reports"), "bad-option", file)).toContain(`${file}: cannot create this folder for the reports: it is a file, not a folder`);
    makeOutputFolder(join(folder, "made", "here"), "reports");
    makeOutputFolder(join(folder, "made", "here"), "reports"); // already there: fine
  });

  it("pipeline -o under a file: one line, exit 2, before training", async () => {
    const file = ordinaryFile("pipeline-afile");
    const out = join(file, "sub");
    const result = await run(["pipeline", "--data", fixtures, "--no-distill", "--epochs", "1", "-o", out]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`fixnet: ${out}: cannot create this folder for the pipeline's products: ${file} is a file`);
  });

  it("pipeline: a file where the C code goes is refused before training, not after", async () => {
    const out = join(folder, "pipeline-c-blocked");
    mkdirSync(out);
    writeFileSync(join(out, "c"), "in the way\n");
    const result = await run(["pipeline", "--data", fixtures, "--no-distill", "--epochs", "1", "-o", out]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/training/);
    expect(result.stderr).toContain(`${join(out, "c")}: cannot create this folder for the generated code: it is a file`);
  });
});
