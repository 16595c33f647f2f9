// Syntax errors in hand-edited model files: one line with the line and column, for both model
// readers and `fixnet info`. The scanner that finds the position is held to JSON.parse (the
// oracle) on what is valid, and to V8's offset wherever V8 gives one.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { readFloatModel } from "../../src/model/file.ts";
import { readQuantizedModel } from "../../src/model/quantized-file.ts";
import { findJsonSyntaxError } from "../../src/model/validate.ts";
import { expectFixnetError } from "../support/errors.ts";
import { scratchFolder } from "../support/scratch.ts";
import { createRandom } from "../../src/train/random.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const golden = readFileSync(join(root, "test", "fixtures", "golden", "relu.qmodel.json"), "utf8");
const scratch = scratchFolder("fixnet-json-");

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe("findJsonSyntaxError", () => {
  const handWritten = [
    "", " ", "{", "}", "[", "[1,]", "[,1]", "{,}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}", "['x']",
    "01", "-", "-0", "1.", "1.5e", "1e+", ".5", "+1", "1e5", "-0.0E-3", "NaN", "Infinity", "undefined", "tru", "nulll",
    "True", "\"a\nb\"", "\"a\tb\"", "\"\\x\"", "\"\\u12g4\"", "\"\\u00e9\"", "\"unterminated", "// comment\n{}", "\uFEFF{}",
    "{} {}", "[1 2]", "{\"a\":1 \"b\":2}", "  {\"a\": [1, 2, {\"b\": null}]}  \n", "\"\u{1F600}\"", "[\"\\/\"]",
  ];

  it("agrees with JSON.parse on hand-written valid and invalid texts", () => {
    for (const text of handWritten) {
      expect(findJsonSyntaxError(text) === null, JSON.stringify(text)).toBe(parses(text));
    }
  });

  it("agrees with JSON.parse, and with V8's offset where it gives one, on mutated model files", () => {
    const next = createRandom(1).next; // the trainer's seeded generator: the same mutations every run
    const inserts = [",", ":", "{", "}", "[", "]", "\"", "'", "0", "-", ".", "e", "a", "\n", "\\", " ", "\u0001"];
    const source = golden.slice(0, 1200).replace(/,\s*$/, "") + "\n}";
    let checkedOffsets = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const at = Math.floor(next() * source.length);
      const text = next() < 0.5
        ? source.slice(0, at) + source.slice(at + 1)
        : source.slice(0, at) + inserts[Math.floor(next() * inserts.length)] + source.slice(at);
      const problem = findJsonSyntaxError(text);
      let v8Message: string | null = null;
      try { JSON.parse(text); } catch (error) { v8Message = (error as Error).message; }
      expect(problem === null, `${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))}: ${v8Message}`).toBe(v8Message === null);
      const position = v8Message?.match(/at position (\d+)/);
      if (problem && position) {
        expect(problem.offset, v8Message!).toBe(Number(position[1]));
        checkedOffsets++;
      }
    }
    expect(checkedOffsets).toBeGreaterThan(500);
  });
});

describe("model files with a syntax error", () => {
  it("names the line and column, on one line, for the int8 model reader", () => {
    const path = join(scratch, "trailing-comma.int8.json");
    // A trailing comma after the last field, the usual hand-editing slip.
    const text = golden.replace(/\n}\n$/, ",\n}\n");
    writeFileSync(path, text);
    const lines = text.split("\n").length - 1;
    const message = expectFixnetError(() => readQuantizedModel(path), "bad-file", path);
    expect(message).toBe(`${path}: not a fixnet quantized model file (JSON): invalid JSON at line ${lines}, column 1: expected a property name in double quotes (JSON allows no comma before '}'), found '}'`);
  });

  it("names the line and column for the float model reader", () => {
    const path = join(scratch, "model.json");
    writeFileSync(path, "{\n  \"format\": \"fixnet-float-model\",\n  \"version\": 01\n}\n");
    const message = expectFixnetError(() => readFloatModel(path), "bad-file", path);
    expect(message).toMatch(/invalid JSON at line 3, column 15: expected ',' or '}' after a property value, found '1'$/);
  });

  it("says where a text file that is not JSON goes wrong: fixnet info README.md", async () => {
    const io = bufferIo();
    const code = await main(["info", join(root, "README.md")], io);
    const stderr = io.stderr.join("");
    expect(code).toBe(3);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("README.md: not a fixnet model file (JSON): invalid JSON at line 1, column 1: expected a JSON value");
    expect(stderr).toContain("found '#'");
  });

  it("counts columns in characters after the last line break", async () => {
    const path = join(scratch, "unicode.json");
    writeFileSync(path, "{\n  \"é\u{1F600}\": x\n}");
    const io = bufferIo();
    expect(await main(["info", path], io)).toBe(3);
    expect(io.stderr.join("")).toContain("invalid JSON at line 2, column 9: expected a JSON value (object, array, string, number, true, false or null), found 'x'");
  });
});
