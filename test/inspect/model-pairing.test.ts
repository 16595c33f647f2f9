// A float model and an int8 model used together must belong together: the int8 file records
// the SHA-256 of the float parameters it was quantized from, and verify --float, report and
// inspect refuse a pair whose hashes differ, with one line naming both files.

import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFloatModel, type FloatModel } from "../../src/model/file.ts";
import { createNetwork, parametersSha256 } from "../../src/model/network.ts";
import { checkQuantizedFrom, writeQuantizedModel } from "../../src/model/quantized-file.ts";
import { DEFAULT_CALIBRATION } from "../../src/quantize/calibrate.ts";
import { quantizeFloatModel } from "../../src/quantize/pipeline.ts";
import { expectFixnetError } from "../support/errors.ts";
import { fixtureData, trainTinyModels } from "./fixture.ts";
import { runCli } from "../support/cli.ts";

const tiny = await trainTinyModels();

// Another float model of the same 784-16-16-10 shape (every parameter 1% larger), and the int8
// model quantized from it: the layer sizes agree, only the recorded hash tells them apart.
const other: FloatModel = {
  network: createNetwork(tiny.float.network.architecture, tiny.float.network.parameters.map((value) => value * 1.01)),
  training: tiny.float.training,
};
const otherFolder = join(tiny.folder, "other");
mkdirSync(otherFolder);
const otherFloatPath = join(otherFolder, "model.json");
const otherInt8Path = join(otherFolder, "model.int8.json");
writeFloatModel(otherFloatPath, other);
const otherInt8 = quantizeFloatModel(other, tiny.dataset, { calibration: { ...DEFAULT_CALIBRATION, images: tiny.dataset.train.count }, source: "other", verify: false }).model;
writeQuantizedModel(otherInt8Path, otherInt8);

const recorded = otherInt8.floatParametersSha256!;
const actual = parametersSha256(tiny.float.network.parameters);
const refusal = `${otherInt8Path} was quantized from another float model (parameters sha256 ${recorded.slice(0, 12)}… recorded, ${tiny.floatPath} has ${actual.slice(0, 12)}…): pass the float model it came from, or quantize this one again`;

const run = runCli;

describe("checkQuantizedFrom", () => {
  it("accepts an int8 model with the float model it was quantized from", () => {
    expect(tiny.int8.floatParametersSha256).toBe(actual);
    expect(() => checkQuantizedFrom(tiny.int8Path, tiny.int8, tiny.floatPath, tiny.float.network)).not.toThrow();
    expect(() => checkQuantizedFrom(otherInt8Path, otherInt8, otherFloatPath, other.network)).not.toThrow();
  });

  it("refuses one quantized from another float model of the same shape, naming both files", () => {
    expect(recorded).not.toBe(actual);
    const message = expectFixnetError(() => checkQuantizedFrom(otherInt8Path, otherInt8, tiny.floatPath, tiny.float.network), "bad-option", otherInt8Path);
    expect(message).toBe(refusal);
  });

  it("refuses another layer shape before comparing hashes", () => {
    const small = createNetwork({ layers: [784, 8, 10], hiddenActivation: "relu" });
    const message = expectFixnetError(() => checkQuantizedFrom(tiny.int8Path, tiny.int8, "small.json", small), "bad-option", "small.json");
    expect(message).toBe(`${tiny.int8Path}: an int8 784-16-16-10 network, but small.json is 784-8-10; pass the float model it was quantized from`);
  });

  it("accepts a file that records no float model (null) on its layer sizes alone", () => {
    const unrecorded = { ...otherInt8, floatParametersSha256: null };
    expect(() => checkQuantizedFrom(otherInt8Path, unrecorded, tiny.floatPath, tiny.float.network)).not.toThrow();
  });
});

describe("commands given a float and an int8 model that do not belong together", () => {
  it("verify --float: exit 2, one line naming both files", async () => {
    const result = await run(["verify", otherInt8Path, "--float", tiny.floatPath, "--data", fixtureData]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`fixnet: ${refusal}\n`);
    const matching = await run(["verify", tiny.int8Path, "--float", tiny.floatPath, "--data", fixtureData]);
    expect(matching.code, matching.stderr).toBe(0);
    expect(matching.stdout).toMatch(/agreement: \d+\.\d\d%/);
  });

  it("report: exit 2 and no page, whether the int8 model is given or found next to the float model", async () => {
    const page = join(tiny.folder, "mismatched.html");
    const given = await run(["report", tiny.floatPath, otherInt8Path, "--data", fixtureData, "--noise-images", "10", "-o", page]);
    expect(given.code).toBe(2);
    expect(given.stderr).toBe(`fixnet: ${refusal}\n`);
    expect(existsSync(page)).toBe(false);

    // otherFolder/model.json swapped for tiny's float model: the sibling int8 model is the other one.
    const swappedFolder = join(tiny.folder, "swapped");
    mkdirSync(swappedFolder);
    const swappedFloat = join(swappedFolder, "model.json");
    writeFloatModel(swappedFloat, tiny.float);
    writeQuantizedModel(join(swappedFolder, "model.int8.json"), otherInt8);
    const found = await run(["report", swappedFloat, "--data", fixtureData, "--noise-images", "10", "-o", page]);
    expect(found.code).toBe(2);
    expect(found.stderr).toMatch(/swapped\/model\.int8\.json was quantized from another float model .*swapped\/model\.json has/);
    expect(existsSync(page)).toBe(false);
  });

  it("inspect weights, mistakes, noise: exit 2, one line, nothing written", async () => {
    for (const [view, file] of [["weights", "w.png"], ["mistakes", "m.png"], ["noise", "n.svg"]]) {
      const out = join(tiny.folder, file);
      const result = await run(["inspect", view, tiny.floatPath, otherInt8Path, "--data", fixtureData, "-o", out]);
      expect(result.code, view).toBe(2);
      expect(result.stderr).toBe(`fixnet: ${refusal}\n`);
      expect(existsSync(out)).toBe(false);
    }
  });
});
