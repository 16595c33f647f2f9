// The footprint per target for the report, when `fixnet size --json` output has been saved next
// to the model (size-*.json). Loosely coupled on purpose: any JSON object is accepted and shown
// as flat "field: value" rows, so the report keeps working whatever fields the size command adds.
// A file that cannot be read becomes a note, never a failed report; so does one measured on
// another model (by its "modelSha256" or "layers" fields, when it records them).

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { quantizedModelSha256 } from "../model/quantized-file.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";

export const SIZE_FILE_PATTERN = /^size.*\.json$/;

export interface FootprintReport {
  file: string;
  /** From a "target" field, else from the file name (size-avr.json → avr). */
  target: string;
  /** Leaf values, nested keys joined with dots: ["flash.weights", 12960]. */
  rows: [string, string | number | boolean | null][];
  /** Why the file could not be used, when it could not. */
  problem: string | null;
  /** Why the file is not this model's footprint, when it was measured on another one; its rows
   *  are then left out of the report. */
  otherModel: string | null;
  /** Why the file could not be matched to the model, when it could not (it is shown, with this
   *  as a note). */
  unchecked: string | null;
}

/** The model a report is about, which the footprints must have been measured on. */
export interface FootprintSubject {
  /** Layer sizes, input first. */
  layers: readonly number[];
  /** The int8 model and its file, when the report has one. */
  int8: { path: string; model: QuantizedModel } | null;
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

/**
 * Every size*.json in the folder, sorted by name; [] when there are none or no folder. With a
 * subject, each file is matched to it: a "modelSha256" field (quantizedModelSha256 of the model
 * measured) must equal the int8 model's, and a "layers" field its layer sizes; a file that
 * records neither cannot be checked and says so.
 */
export function readFootprints(folder: string, subject?: FootprintSubject): FootprintReport[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const subjectSha256 = subject?.int8 ? quantizedModelSha256(subject.int8.model) : null;
  return readdirSync(folder).filter((name) => SIZE_FILE_PATTERN.test(name)).sort().map((name): FootprintReport => {
    const file = join(folder, name);
    const fallbackTarget = basename(name, ".json").replace(/^size-?/, "") || "unknown target";
    const unusable = (problem: string): FootprintReport => ({ file, target: fallbackTarget, rows: [], problem, otherModel: null, unchecked: null });
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      return unusable(`could not read it: ${(error as Error).message.replace(/\s+/g, " ")}`);
    }
    if (document === null || typeof document !== "object" || Array.isArray(document)) {
      return unusable("expected a JSON object (fixnet size --json output)");
    }
    const fields = document as { target?: unknown; layers?: unknown; modelSha256?: unknown };
    const target = typeof fields.target === "string" ? fields.target : fallbackTarget;
    const match = subject ? matchSubject(fields, subject, subjectSha256) : { otherModel: null, unchecked: null };
    const rows: FootprintReport["rows"] = [];
    if (match.otherModel === null) flatten(document, "", rows);
    return { file, target, rows, problem: null, ...match };
  });
}

function matchSubject(
  fields: { layers?: unknown; modelSha256?: unknown },
  subject: FootprintSubject,
  subjectSha256: string | null,
): { otherModel: string | null; unchecked: string | null } {
  const layers = subject.layers.join("-");
  if (Array.isArray(fields.layers) && fields.layers.join("-") !== layers) {
    return { otherModel: `measured on a ${fields.layers.join("-")} model, this one is ${layers}`, unchecked: null };
  }
  const recorded = typeof fields.modelSha256 === "string" ? fields.modelSha256 : null;
  if (recorded !== null && subject.int8 !== null && subjectSha256 !== null && recorded !== subjectSha256) {
    return { otherModel: `measured on another int8 model (model sha256 ${recorded.slice(0, 12)}… recorded, ${subject.int8.path} has ${subjectSha256.slice(0, 12)}…)`, unchecked: null };
  }
  if (recorded === null) return { otherModel: null, unchecked: "it records no modelSha256, so it may have been measured on another model of the same shape" };
  if (subject.int8 === null) return { otherModel: null, unchecked: "no int8 model in this report to check its modelSha256 against" };
  return { otherModel: null, unchecked: null };
}
