// The CLI as a real process whose output goes to a reader that stops early (`fixnet ... | head`):
// the work goes on and its files are written; only the output is lost.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixtures = join(root, "test", "fixtures", "mnist-small");
const folder = mkdtempSync(join(tmpdir(), "fixnet-closed-output-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the reader got before it closed its end. */
  received: string;
}

/**
 * Runs `fixnet args` with stdout and stderr on pipes, and closes both pipes once the reader has
 * `closeAfter` characters (0: before the process writes anything), as `| head` does.
 */
function runWithEarlyClose(args: string[], closeAfter: number): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli.ts"), ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let received = "";
    const closeReader = (): void => {
      child.stdout.destroy();
      child.stderr.destroy();
    };
    if (closeAfter === 0) closeReader();
    const onData = (chunk: Buffer): void => {
      received += chunk.toString();
      if (received.length >= closeAfter) closeReader();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code, signal) => resolvePromise({ code, signal, received }));
  });
}

describe("output to a reader that closes early", () => {
  it("keeps training and writes the model when the reader stops after the first line", async () => {
    const model = join(folder, "piped.json");
    // Enough epochs that most of the per-epoch lines come after the reader has gone.
    const result = await runWithEarlyClose(["train", "--data", fixtures, "--no-distill", "--epochs", "60", "--batch-size", "10", "-o", model], 1);
    expect(result.received).toMatch(/^training /);
    expect(result.received).not.toMatch(/kept epoch/); // the reader really closed before the end
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(existsSync(model)).toBe(true);
  }, 60_000);

  it("still reports a failure in the exit code when the output is gone", async () => {
    const result = await runWithEarlyClose(["train", "--data", join(folder, "nowhere"), "-o", join(folder, "m.json")], 0);
    expect(result.code).toBe(4);
  }, 60_000);

  it("ends `fixnet --help | head` quietly with exit code 0", async () => {
    const result = await runWithEarlyClose(["--help"], 0);
    expect(result.received).toBe("");
    expect(result.code).toBe(0);
  }, 60_000);
});
