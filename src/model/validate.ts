// Small checks for reading hand-editable JSON files: each failure names the file, the field,
// what was expected and what was found. Used by the float and the int8 model readers.

import { FixnetError } from "../errors.ts";

export type Json = unknown;

export class FieldReader {
  constructor(readonly file: string) {}

  fail(field: string, expected: string, found: unknown): never {
    throw new FixnetError("bad-file", `${this.file}: ${field}: expected ${expected}, found ${describe(found)}`);
  }

  object(value: Json, field: string): Record<string, Json> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.fail(field, "an object", value);
    return value as Record<string, Json>;
  }

  array(value: Json, field: string): Json[] {
    if (!Array.isArray(value)) this.fail(field, "an array", value);
    return value;
  }

  string(value: Json, field: string): string {
    if (typeof value !== "string") this.fail(field, "a string", value);
    return value;
  }

  number(value: Json, field: string): number {
    if (typeof value !== "number" || !Number.isFinite(value)) this.fail(field, "a finite number", value);
    return value;
  }

  integer(value: Json, field: string, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `an integer in [${min}, ${max}]`, value);
    }
    return value;
  }

  oneOf<T extends string>(value: Json, field: string, choices: readonly T[]): T {
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
      this.fail(field, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
    }
    return value as T;
  }

  boolean(value: Json, field: string): boolean {
    if (typeof value !== "boolean") this.fail(field, "true or false", value);
    return value;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Float32 values as little-endian bytes in base64: compact, exact, and independent of locale. */
export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return Buffer.from(bytes).toString("base64");
}

/** Decodes encodeFloat32 into target, checking the length and that every value is finite. */
export function decodeFloat32Into(reader: FieldReader, text: Json, field: string, target: Float32Array): void {
  const encoded = reader.string(text, field);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) reader.fail(field, "base64 text", `${encoded.slice(0, 20)}...`);
  const bytes = Buffer.from(encoded, "base64");
  if (bytes.length !== target.length * 4) {
    throw new FixnetError("bad-file", `${reader.file}: ${field}: expected ${target.length} float32 values (${target.length * 4} bytes), found ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < target.length; i++) {
    const value = view.getFloat32(i * 4, true);
    if (!Number.isFinite(value)) {
      throw new FixnetError("bad-file", `${reader.file}: ${field}: value ${i} is ${value}, expected a finite number (the training diverged? try a smaller --learning-rate)`);
    }
    target[i] = value;
  }
}
