// The float model file: a round trip keeps every bit, and damaged or hand-edited files are
// refused with one line naming the file and the field.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FixnetError } from "../../src/errors.ts";
import { readFloatModel, serializeFloatModel, writeFloatModel, type FloatModel } from "../../src/model/file.ts";
import { initialiseNetwork } from "../../src/train/loop.ts";
import { createRandom } from "../../src/train/random.ts";

const folder = mkdtempSync(join(tmpdir(), "fixnet-model-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const model: FloatModel = { network: initialiseNetwork([784, 16, 16, 10], "sigmoid", createRandom(1)), training: null };
const path = join(folder, "model.json");
writeFloatModel(path, model);
const original = JSON.parse(readFileSync(path, "utf8"));

function refusal(edit: (document: any) => void, fileText?: string): string {
  const document = structuredClone(original);
  edit(document);
  const damaged = join(folder, "damaged.json");
  writeFileSync(damaged, fileText ?? JSON.stringify(document));
  try {
    readFloatModel(damaged);
  } catch (error) {
    expect(error).toBeInstanceOf(FixnetError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    expect(message).toContain(damaged);
    return message;
  }
  throw new Error("the damaged file was accepted");
}

describe("float model file", () => {
  it("round-trips every parameter exactly", () => {
    const loaded = readFloatModel(path);
    expect(loaded.network.architecture).toEqual(model.network.architecture);
    expect(Buffer.from(loaded.network.parameters.buffer).equals(Buffer.from(model.network.parameters.buffer))).toBe(true);
    expect(serializeFloatModel(loaded)).toBe(serializeFloatModel(model));
  });

  it("leaves no temporary file behind", () => {
    expect(readdirSync(folder).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses damaged and hand-edited files", () => {
    expect(refusal((d) => { d.format = "something-else"; })).toMatch(/format: expected "fixnet-float-model"/);
    expect(refusal((d) => { d.version = 2; })).toMatch(/version: expected 1/);
    expect(refusal((d) => { delete d.architecture; })).toMatch(/architecture: expected an object, found nothing/);
    expect(refusal((d) => { d.architecture.layers = [784, 16, 10]; })).toMatch(/parameters.layers: expected 2 layers/);
    expect(refusal((d) => { d.architecture.layers[1] = -3; })).toMatch(/architecture.layers\[1\]/);
    expect(refusal((d) => { d.architecture.hiddenActivation = "swish"; })).toMatch(/hiddenActivation: expected one of/);
    expect(refusal((d) => { d.parameters.layers[1].weights = d.parameters.layers[1].weights.slice(0, 40); })).toMatch(/parameters.layers\[1\].weights: expected 256 float32 values \(1024 bytes\), found 30 bytes/);
    expect(refusal((d) => { d.parameters.layers[0].bias = "not base64!"; })).toMatch(/bias: expected base64/);
    expect(refusal((d) => { d.parameters.layers[2].bias = Buffer.from(new Float32Array(10).fill(Number.NaN).buffer).toString("base64"); })).toMatch(/value 0 is NaN/);
    expect(refusal(() => {}, "{ \"format\": ")).toMatch(/invalid JSON/);
  });

  it("says when it is given a quantized model instead", () => {
    expect(refusal((d) => { d.format = "fixnet-int8-model"; })).toMatch(/this is a quantized model/);
  });

  it("refuses a missing file and an output folder that does not exist", () => {
    expect(() => readFloatModel(join(folder, "nope.json"))).toThrow(/no such file/);
    expect(() => writeFloatModel(join(folder, "missing", "m.json"), model)).toThrow(/folder .* does not exist/);
  });
});
