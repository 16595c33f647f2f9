// Temporary folders for tests, removed after the test file's tests. Importing this module
// registers one afterAll on the importing file (vitest evaluates modules afresh for each test
// file), so scratchFolder can be called anywhere: at the top, in a hook or inside a test.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A new folder under the system's temporary folder, named prefix + random characters. */
export function scratchFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}
