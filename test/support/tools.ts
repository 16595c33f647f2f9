// Tests that need an external program (a browser, a compiler, a simulator) ask for it here: on a
// machine without it they are skipped with a message naming the Debian package to install; in CI
// (CI=true) a missing program fails the run instead, so that nothing is silently not tested.

import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The absolute path of `command` on PATH, or null. */
export function findOnPath(command: string): string | null {
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/**
 * The path of `command`, or null when it is missing outside CI (the caller skips, e.g. with
 * describe.skipIf(!path)). In CI a missing command throws, failing the test file.
 */
export function requireTool(command: string, debianPackage: string): string | null {
  const path = findOnPath(command);
  if (path) return path;
  const message = `${command} is not installed (Debian: apt-get install -y --no-install-recommends ${debianPackage})`;
  if (process.env.CI === "true") throw new Error(`${message}; CI=true, so tests that need it must run`);
  console.warn(`skipping the tests that need ${command}: ${message}`);
  return null;
}
