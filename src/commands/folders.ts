// Output folders a user names on the command line (--out): made when missing, refused in one
// line when the path is a file or cannot be made. Not for temporary folders
// (makeTemporaryFolder in src/flash/toolchains.ts makes those).

import { mkdirSync, statSync } from "node:fs";
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

/**
 * Makes the folder path (and its parents) unless it is already there, and returns its absolute
 * path. Call it before any slow work, so that a mistyped option costs nothing.
 * @param option The option that named it, for the message: "--out".
 * @throws FixnetError "bad-file" when path, or a folder on the way to it, is a file;
 * "missing-file" when it cannot be made (no permission, a read-only file system).
 */
export function makeOutputFolder(path: string, option: string): string {
  const folder = resolve(path);
  try {
    mkdirSync(folder, { recursive: true });
    return folder;
  } catch (error) {
    const existing = nearestExisting(folder);
    if (!statSync(existing).isDirectory()) {
      const where = existing === folder ? "" : ` on the way to it, ${existing}`;
      throw new FixnetError("bad-file", `${path}: ${option} expected a folder, found a file${where} (name a new or existing folder)`);
    }
    throw new FixnetError("missing-file", `${path}: ${option}: cannot make the folder (${(error as Error).message})`);
  }
}
