// train and pipeline print a test evaluation for each model they train (the teacher, then the
// student); each block on stdout says which model it is about.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-evaluation-labels-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The line before each block's "test accuracy:" line: the one that says which model it is. */
function evaluationHeaders(stdout: string): string[] {
  const lines = stdout.split("\n");
  return lines.filter((_, i) => lines[i + 1]?.startsWith("test accuracy: "));
}

describe("evaluation blocks on stdout", () => {
  it("train with a freshly trained teacher: a teacher block, then a student block", async () => {
    const io = bufferIo();
    const model = join(folder, "student.json");
    expect(await main(["train", "--data", fixtures, "--epochs", "1", "-o", model], io)).toBe(0);
    const stdout = io.stdout.join("");
    expect(stdout.match(/^test accuracy: /gm)).toHaveLength(2);
    expect(evaluationHeaders(stdout)).toEqual([
      `teacher ${join(folder, "student.teacher.json")} (preset wide, 784-256-10), on the 50 test images:`,
      `student ${model} (preset classic, 784-16-16-10, distilled from ${join(folder, "student.teacher.json")}), on the 50 test images:`,
    ]);
  });

  it("train without a teacher: one block, labelled as the model", async () => {
    const io = bufferIo();
    const model = join(folder, "alone.json");
    expect(await main(["train", "--data", fixtures, "--epochs", "1", "--no-distill", "-o", model], io)).toBe(0);
    expect(evaluationHeaders(io.stdout.join(""))).toEqual([`model ${model} (preset classic, 784-16-16-10), on the 50 test images:`]);
  });

  it("pipeline: the teacher's and the student's blocks are labelled too", async () => {
    const io = bufferIo();
    const out = join(folder, "pipeline");
    expect(await main(["pipeline", "--data", fixtures, "--epochs", "1", "-o", out], io)).toBe(0);
    const headers = evaluationHeaders(io.stdout.join(""));
    expect(headers[0]).toMatch(/^teacher .*model\.teacher\.json \(preset wide/);
    expect(headers[1]).toMatch(/^student .*model\.json \(preset classic/);
  }, 120_000);
});
