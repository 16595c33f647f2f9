// Output folders a user names on the command line (--out): made when missing, refused in one
// line when the path is a file or cannot be made or written in. Not for temporary folders
// (makeTemporaryFolder in src/flash/toolchains.ts makes those).
//
// Permission checks use access(2), which passes everything for root (permissions do not apply to
// root); a read-only file system fails it for everyone.

import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { FixnetError } from "../errors.ts";

/** The nearest of path and its parents that exists (the root always does). */
function nearestExisting(path: string): string {
  let candidate = path;
  for (;;) {
    try {
      statSync(candidate);
      return candidate;
    } catch {
      const parent = dirname(candidate);
      if (parent === candidate) return candidate;
      candidate = parent;
    }
  }
}

/** Why files cannot be created in an existing folder, for a message; null when they can. */
function writeProblem(folder: string): string | null {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") return "no permission; pick a folder you can write to, or change its permissions";
    if (code === "EROFS") return "a read-only file system; pick another folder";
    return (error as Error).message;
  }
}

/**
 * Checks, making nothing, what makeOutputFolder checks: path is a folder or can be made as one
 * (no file on the way to it), and files can be written in it. Call it before slow work whose
 * output folder is made later. Returns the absolute path; throws as makeOutputFolder does.
 */
export function checkOutputFolder(path: string, option: string): string {
  const folder = resolve(path);
  const existing = nearestExisting(folder);
  if (!statSync(existing).isDirectory()) {
    const where = existing === folder ? "" : ` on the way to it, ${existing}`;
    throw new FixnetError("bad-file", `${path}: ${option} expected a folder, found a file${where} (name a new or existing folder)`);
  }
  const problem = writeProblem(existing);
  if (problem !== null) {
    const what = existing === folder ? "cannot write files in it" : `cannot make it in ${existing}`;
    throw new FixnetError("missing-file", `${path}: ${option}: ${what} (${problem})`);
  }
  return folder;
}

/**
 * Makes the folder path (and its parents) unless it is already there, checks files can be
 * written in it, and returns its absolute path. Call it before any slow work, so that a
 * mistyped option costs nothing.
 * @param option The option that named it, for the message: "--out".
 * @throws FixnetError "bad-file" when path, or a folder on the way to it, is a file;
 * "missing-file" when it cannot be made or written in (no permission, a read-only file system).
 */
export function makeOutputFolder(path: string, option: string): string {
  const folder = checkOutputFolder(path, option);
  try {
    mkdirSync(folder, { recursive: true });
    return folder;
  } catch (error) {
    // Only when something changed since the check (another program at work in the folder).
    throw new FixnetError("missing-file", `${path}: ${option}: cannot make the folder (${(error as Error).message})`);
  }
}

/**
 * Checks that files can be written in an existing folder, the one a file option (train's -o)
 * puts its file in: a run that has nowhere to put its result should not start.
 * @throws FixnetError "missing-file" (no permission, a read-only file system).
 */
export function checkWritableFolder(folder: string, option: string): void {
  const problem = writeProblem(folder);
  if (problem !== null) throw new FixnetError("missing-file", `${folder}: ${option}: cannot write files in this folder (${problem})`);
}
