// What every child process and work folder of src/flash shares: a child that Ctrl-C stopped
// becomes FixnetError "interrupted" (one line, exit 130), and temporary folders go away even when
// the process exits at once. It knows nothing of firmware or boards.

import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { FixnetError } from "../errors.ts";

/** How a child process ended, as spawnSync and the "exit" event report it. */
export interface ChildEnding {
  signal: NodeJS.Signals | null;
  status: number | null;
  /** What it printed on stderr, when known. */
  stderr?: string;
}

/**
 * True when a child ended because the user pressed Ctrl-C. A terminal sends SIGINT to its whole
 * foreground process group, so fixnet's child gets it too and ends while fixnet's own SIGINT
 * handler still waits (spawnSync blocks it; Node may even exit before it runs). Most programs die
 * of the signal; some catch it and exit with 128 + 2; QEMU catches it, exits with status 0 and
 * says "terminating on signal 2".
 */
export function endedByCtrlC(ending: ChildEnding): boolean {
  return ending.signal === "SIGINT" || ending.status === 130 || /terminating on signal 2\b/.test(ending.stderr ?? "");
}

/** The error for a child that endedByCtrlC: the CLI exits with 130 and prints this one line. */
export function interruptedError(command: string): FixnetError {
  return new FixnetError("interrupted", `interrupted (Ctrl-C) while ${basename(command)} was running`);
}

/**
 * spawnSync, for every program fixnet runs to completion.
 * @throws FixnetError "interrupted" when the child endedByCtrlC; anything else is the caller's
 * to judge from the result.
 */
export function spawnChild(command: string, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, options);
  if (endedByCtrlC(result)) throw interruptedError(command);
  return result;
}

/** Temporary folders not removed yet: removed on process exit too, because the CLI's Ctrl-C
 *  handler calls process.exit, which runs no finally block. */
const temporaryFolders = new Set<string>();

function removeTemporaryFoldersLeft(): void {
  for (const folder of temporaryFolders) rmSync(folder, { recursive: true, force: true });
  temporaryFolders.clear();
}

/** A new folder in the system's temporary folder (prefix + 6 random characters). Pass it to
 *  removeTemporaryFolder or keepTemporaryFolder when done; until then the process removes it
 *  when it exits, however it exits (short of SIGKILL). */
export function makeTemporaryFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  if (temporaryFolders.size === 0) process.once("exit", removeTemporaryFoldersLeft);
  temporaryFolders.add(folder);
  return folder;
}

/** Removes a folder made by makeTemporaryFolder, with everything in it. */
export function removeTemporaryFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  forgetTemporaryFolder(folder);
}

/** Leaves a folder made by makeTemporaryFolder in place after the process exits. */
export function keepTemporaryFolder(folder: string): void {
  forgetTemporaryFolder(folder);
}

function forgetTemporaryFolder(folder: string): void {
  temporaryFolders.delete(folder);
  if (temporaryFolders.size === 0) process.removeListener("exit", removeTemporaryFoldersLeft);
}

/** The folders makeTemporaryFolder made that are still to be removed (for tests). */
export function temporaryFoldersLeft(): string[] {
  return [...temporaryFolders];
}
