// The footprint per target for the report, when `fixnet size --json` output has been saved next
// to the model (size-*.json). Loosely coupled on purpose: any JSON object is accepted and shown
// as flat "field: value" rows, so the report keeps working whatever fields the size command adds.
// A file that cannot be read becomes a note, never a failed report.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";

export const SIZE_FILE_PATTERN = /^size.*\.json$/;

export interface FootprintReport {
  file: string;
  /** From a "target" field, else from the file name (size-avr.json → avr). */
  target: string;
  /** Leaf values, nested keys joined with dots: ["flash.weights", 12960]. */
  rows: [string, string | number | boolean | null][];
  /** Why the file could not be used, when it could not. */
  problem: string | null;
}

function flatten(value: unknown, prefix: string, rows: FootprintReport["rows"]): void {
  if (value === null || typeof value !== "object") {
    rows.push([prefix, value as string | number | boolean | null]);
    return;
  }
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== "object")) rows.push([prefix, value.join(", ")]);
    else value.forEach((item, k) => flatten(item, `${prefix}[${k}]`, rows));
    return;
  }
  for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, rows);
}

/** Every size*.json in the folder, sorted by name; [] when there are none or no folder. */
export function readFootprints(folder: string): FootprintReport[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  return readdirSync(folder).filter((name) => SIZE_FILE_PATTERN.test(name)).sort().map((name): FootprintReport => {
    const file = join(folder, name);
    const fallbackTarget = basename(name, ".json").replace(/^size-?/, "") || "unknown target";
    try {
      const document: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (document === null || typeof document !== "object" || Array.isArray(document)) {
        return { file, target: fallbackTarget, rows: [], problem: "expected a JSON object (fixnet size --json output)" };
      }
      const rows: FootprintReport["rows"] = [];
      flatten(document, "", rows);
      const target = (document as { target?: unknown }).target;
      return { file, target: typeof target === "string" ? target : fallbackTarget, rows, problem: null };
    } catch (error) {
      return { file, target: fallbackTarget, rows: [], problem: `could not read it: ${(error as Error).message}` };
    }
  });
}
