// Writing and reading the files fixnet produces: atomically (temp file + rename, so an
// interrupted run never leaves half a file behind) and with one-line errors a user can act on.

import { existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { FixnetError } from "./errors.ts";

/** Checks that the folder an output file goes into exists, before any long work starts. */
export function checkOutputPath(path: string, what = "output file"): void {
  const folder = dirname(resolve(path));
  if (existsSync(folder) && !statSync(folder).isDirectory()) {
    throw new FixnetError("bad-option", `${path}: ${folder} is a file, not a folder; expected a path in a folder for the ${what}`);
  }
  if (!existsSync(folder)) {
    throw new FixnetError("missing-file", `${path}: the folder ${folder} for the ${what} does not exist (create it, or pick another path)`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new FixnetError("bad-option", `${path}: is a folder; expected a file name for the ${what}`);
  }
}

/** Writes data to path via a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  checkOutputPath(path);
  const temporary = `${dirname(resolve(path))}/.${basename(path)}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new FixnetError("bad-file", `${path}: could not write it (${(error as Error).message})`);
  }
}
