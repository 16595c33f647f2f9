// Ctrl-C during `fixnet size` and `fixnet flash`, as a terminal sends it: SIGINT to the CLI's
// whole process group while a simulator runs. The CLI must quit with 130 and at most one line,
// and leave no temporary folder behind. The CLI runs as a real process, in its own group.

import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { goldenFolder, root, targetMissing } from "../codegen/support.ts";

const model = join(goldenFolder, "relu.qmodel.json");
const temporaryFolders: string[] = [];
afterAll(() => {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
});

/** The names of pid's child processes, from /proc (Linux; names are cut at 15 characters). */
function childNames(pid: number): string[] {
  const names: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // "pid (name) state ppid ...": the name may hold spaces and parentheses.
    const close = stat.lastIndexOf(")");
    const parent = Number(stat.slice(close + 2).split(" ")[1]);
    if (parent === pid) names.push(stat.slice(stat.indexOf("(") + 1, close));
  }
  return names;
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

interface Interrupted {
  code: number | null;
  stderr: string;
  /** fixnet-* entries left in the CLI's temporary folder (TMPDIR). */
  leftovers: string[];
}

/**
 * Runs `fixnet args` in its own process group with a TMPDIR of its own, waits until it has
 * started the program `childName` and for `afterMilliseconds` more, then sends SIGINT to the
 * group, as Ctrl-C in a terminal does.
 */
async function interruptDuring(args: string[], childName: string, afterMilliseconds: number): Promise<Interrupted> {
  const temporary = mkdtempSync(join(tmpdir(), "fixnet-interrupt-test-"));
  temporaryFolders.push(temporary);
  const cli = spawn(process.execPath, ["--import", "tsx", join(root, "src", "cli.ts"), ...args], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TMPDIR: temporary },
  });
  let stderr = "";
  cli.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
  cli.stdout.resume();
  const exited = new Promise<number | null>((resolve) => cli.once("close", (code) => resolve(code)));
  try {
    const deadline = Date.now() + 100_000;
    while (!childNames(cli.pid!).includes(childName)) {
      if (cli.exitCode !== null || Date.now() > deadline) throw new Error(`fixnet ${args.join(" ")} never ran ${childName}:\n${stderr}`);
      await sleep(20);
    }
    await sleep(afterMilliseconds);
    process.kill(-cli.pid!, "SIGINT");
    const code = await exited;
    return { code, stderr, leftovers: readdirSync(temporary).filter((name) => name.startsWith("fixnet-")) };
  } finally {
    try {
      process.kill(-cli.pid!, "SIGKILL"); // whatever is left of the group, should the test fail
    } catch {
      // all gone
    }
  }
}

function expectQuietInterruption(result: Interrupted): void {
  expect(result.code, result.stderr).toBe(130);
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  expect(lines.length, result.stderr.slice(0, 2000)).toBeLessThanOrEqual(1);
  if (lines.length === 1) expect(lines[0]).toMatch(/^fixnet: interrupted/);
  expect(result.leftovers).toEqual([]);
}

describe.skipIf(targetMissing("avr"))("Ctrl-C while simavr runs", () => {
  it("fixnet size --target avr: exit 130, one line at most, no temporary folder left", async () => {
    expectQuietInterruption(await interruptDuring(["size", model, "--target", "avr", "--images", "10000"], "fixnet-simavr", 300));
  });

  it("fixnet flash --board simavr: exit 130, one line at most, no temporary folder left", async () => {
    expectQuietInterruption(await interruptDuring(["flash", model, "--board", "simavr", "--images", "10000"], "fixnet-simavr", 300));
  });
});

describe.skipIf(targetMissing("cortex-m3"))("Ctrl-C while QEMU runs", () => {
  it("fixnet size --target cortex-m3 (QEMU exits with status 0 on SIGINT): exit 130, one line at most", async () => {
    expectQuietInterruption(await interruptDuring(["size", model, "--target", "cortex-m3", "--images", "10000"], "qemu-system-arm", 300));
  });

  it("fixnet flash --board qemu, during the check over its UART: exit 130, no temporary folder left", async () => {
    expectQuietInterruption(await interruptDuring(["flash", model, "--board", "qemu", "--chip", "stm32f4", "--images", "1000"], "qemu-system-arm", 1500));
  });
});
