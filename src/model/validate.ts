// Small checks for reading hand-editable JSON files: each failure names the file, the field (or
// the line and column of a syntax error), what was expected and what was found. Used by the float
// and the int8 model readers. It knows nothing about what the fields mean.

import { existsSync, readFileSync, statSync } from "node:fs";
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

// ---------------------------------------------------------------------------------------------
// JSON syntax

/**
 * Reads and parses a JSON file a user may have edited by hand. A missing file, a folder or
 * invalid JSON is one FixnetError line; a syntax error gives its line and column (1-based,
 * columns in characters), what was expected there and what was found.
 */
export function readJsonDocument(path: string, what: string): Json {
  if (!existsSync(path)) throw new FixnetError("missing-file", `${path}: no such file (expected a ${what})`);
  if (statSync(path).isDirectory()) throw new FixnetError("bad-file", `${path}: is a folder, expected a ${what}`);
  return parseJsonDocument(readFileSync(path, "utf8"), path, what);
}

/** JSON.parse, with readJsonDocument's one-line error naming `file`. */
export function parseJsonDocument(text: string, file: string, what: string): Json {
  try {
    return JSON.parse(text);
  } catch (error) {
    const problem = findJsonSyntaxError(text);
    if (problem === null) {
      // The scanner and V8 disagree (or the nesting is too deep to scan): V8's own words, on
      // one line (its message quotes a snippet of the file, line breaks included).
      throw new FixnetError("bad-file", `${file}: not a ${what}: invalid JSON (${(error as Error).message.replace(/\s+/g, " ")})`);
    }
    const { line, column } = lineAndColumn(text, problem.offset);
    throw new FixnetError("bad-file", `${file}: not a ${what}: invalid JSON at line ${line}, column ${column}: expected ${problem.expected}, found ${describeCharacter(text, problem.offset)}`);
  }
}

export interface JsonSyntaxError {
  /** Index into the text (UTF-16 code units) of the first character that cannot be JSON. */
  offset: number;
  /** What the grammar allows there, in words. */
  expected: string;
}

/**
 * The first syntax error in `text` by the JSON grammar (RFC 8259), or null when the text is one
 * valid JSON value. Called after JSON.parse has failed, because V8 reports a character offset
 * at best and a quoted snippet at worst; the tests hold it to agree with JSON.parse on what is
 * valid. Recursive: returns null for nesting too deep for the stack.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const scanner = new JsonScanner(text);
  try {
    scanner.document();
    return null;
  } catch (error) {
    if (error instanceof JsonSyntaxProblem) return { offset: error.offset, expected: error.expected };
    if (error instanceof RangeError) return null; // call stack exhausted
    throw error;
  }
}

class JsonSyntaxProblem {
  constructor(readonly offset: number, readonly expected: string) {}
}

const VALUE = "a JSON value (object, array, string, number, true, false or null)";

class JsonScanner {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): void {
    this.value();
    this.skipWhitespace();
    if (this.at < this.text.length) this.fail("the end of the file (a JSON file holds one value)");
  }

  private fail(expected: string): never {
    throw new JsonSyntaxProblem(this.at, expected);
  }

  private skipWhitespace(): void {
    // JSON whitespace: space, tab, line feed, carriage return; nothing else.
    while (this.at < this.text.length && " \t\n\r".includes(this.text[this.at])) this.at++;
  }

  private value(): void {
    this.skipWhitespace();
    const c = this.text[this.at];
    if (c === "{") this.object();
    else if (c === "[") this.array();
    else if (c === "\"") this.string();
    else if (c === "-" || (c >= "0" && c <= "9")) this.number();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else if (c === "'") this.fail(`${VALUE}; JSON strings take double quotes`);
    else if (c === "/") this.fail(`${VALUE}; JSON has no comments`);
    else this.fail(VALUE);
  }

  private object(): void {
    this.at++; // {
    this.skipWhitespace();
    if (this.text[this.at] === "}") { this.at++; return; }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] !== "\"") this.fail(this.text[this.at] === "}" ? "a property name in double quotes (JSON allows no comma before '}')" : "a property name in double quotes");
      this.string();
      this.skipWhitespace();
      if (this.text[this.at] !== ":") this.fail("':' after the property name");
      this.at++;
      this.value();
      this.skipWhitespace();
      const c = this.text[this.at];
      if (c === "}") { this.at++; return; }
      if (c !== ",") this.fail("',' or '}' after a property value");
      this.at++;
    }
  }

  private array(): void {
    this.at++; // [
    this.skipWhitespace();
    if (this.text[this.at] === "]") { this.at++; return; }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] === "]") this.fail(`${VALUE} (JSON allows no comma before ']')`);
      this.value();
      this.skipWhitespace();
      const c = this.text[this.at];
      if (c === "]") { this.at++; return; }
      if (c !== ",") this.fail("',' or ']' after an array element");
      this.at++;
    }
  }

  private string(): void {
    this.at++; // opening quote
    for (;;) {
      if (this.at >= this.text.length) this.fail("a closing '\"'");
      const code = this.text.charCodeAt(this.at);
      if (code === 0x22) { this.at++; return; }
      if (code < 0x20) this.fail("a closing '\"' before the end of the line (write a line break or tab in a string as \\n or \\t)");
      if (code === 0x5c) {
        this.at++;
        const escape = this.text[this.at];
        if (escape !== undefined && "\"\\/bfnrt".includes(escape)) {
          this.at++;
        } else if (escape === "u") {
          this.at++;
          for (let k = 0; k < 4; k++, this.at++) {
            if (!/^[0-9a-fA-F]$/.test(this.text[this.at] ?? "")) this.fail("a hex digit (\\u takes four)");
          }
        } else {
          this.fail("an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX");
        }
        continue;
      }
      this.at++;
    }
  }

  /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private number(): void {
    if (this.text[this.at] === "-") this.at++;
    if (this.text[this.at] === "0") this.at++;
    else this.digits("a digit");
    if (this.text[this.at] === ".") {
      this.at++;
      this.digits("a digit after the decimal point");
    }
    if (this.text[this.at] === "e" || this.text[this.at] === "E") {
      this.at++;
      if (this.text[this.at] === "+" || this.text[this.at] === "-") this.at++;
      this.digits("a digit in the exponent");
    }
  }

  private digits(expected: string): void {
    const start = this.at;
    while (this.text[this.at] >= "0" && this.text[this.at] <= "9") this.at++;
    if (this.at === start) this.fail(expected);
  }

  private literal(word: "true" | "false" | "null"): void {
    for (const letter of word) {
      if (this.text[this.at] !== letter) this.fail(JSON.stringify(word));
      this.at++;
    }
  }
}

/** 1-based line and column of an offset; lines end at \n, columns count characters (a
 *  character outside the Basic Multilingual Plane is one column). */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset; k++) {
    if (text.charCodeAt(k) === 0x0a) { line++; lineStart = k + 1; }
  }
  return { line, column: Array.from(text.slice(lineStart, offset)).length + 1 };
}

/** The character at offset, in words: 'x', "the end of the file", "a line break", "U+0007". */
function describeCharacter(text: string, offset: number): string {
  if (offset >= text.length) return "the end of the file";
  const code = text.codePointAt(offset)!;
  if (code === 0x0a || code === 0x0d) return "a line break";
  if (code === 0x09) return "a tab";
  if (code === 0xfeff) return "a byte-order mark (U+FEFF; save the file without it)";
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `'${String.fromCodePoint(code)}'`;
}
