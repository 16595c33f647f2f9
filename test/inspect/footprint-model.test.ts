// The report's footprint table holds only footprints measured on the model it reports on: a
// size-*.json whose modelSha256 or layers say it was measured on another model is left out, with
// a note on the page and a warning on stderr; one that records neither is shown, marked unchecked.

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { writeFloatModel } from "../../src/model/file.ts";
import { quantizedModelSha256, readQuantizedModel, writeQuantizedModel } from "../../src/model/quantized-file.ts";
import { readFootprints } from "../../src/inspect/footprint.ts";
import { buildReport } from "../../src/inspect/report.ts";
import { fixtureData, trainTinyModels } from "./fixture.ts";

const tiny = await trainTinyModels();
const ownSha256 = quantizedModelSha256(tiny.int8);
// Another int8 model of the same shape: one weight changed.
const otherInt8 = { ...tiny.int8, dense: tiny.int8.dense.map((layer, l) => (l === 0 ? { ...layer, weights: layer.weights.map((w, k) => (k === 0 ? (w === 5 ? 6 : 5) : w)) } : layer)) };
const otherSha256 = quantizedModelSha256(otherInt8);

/** What fixnet size --json writes, for a model of these layers and (when given) this hash. */
function sizeFile(target: string, layers: number[], modelSha256?: string, modelData = 13435): string {
  return JSON.stringify({
    model: "out/model.int8.json",
    ...(modelSha256 === undefined ? {} : { modelSha256 }),
    target,
    layers,
    images: 100,
    flash: { modelData, runtimeCode: 986 },
    ram: { scratchBytes: 80, stackPeakBytes: 92 },
    perInference: { unit: "cycles", mean: 66669.4, min: 39511, max: 107926 },
    bitExact: { images: 100, mismatches: 0, firstMismatch: null },
  });
}

function folderWith(name: string, files: Record<string, string>): string {
  const folder = join(tiny.folder, name);
  mkdirSync(folder);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text);
  return folder;
}

describe("quantizedModelSha256", () => {
  it("is the same for the model in memory and read back from its file, and changes with one weight", () => {
    expect(ownSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(quantizedModelSha256(readQuantizedModel(tiny.int8Path))).toBe(ownSha256);
    expect(otherSha256).not.toBe(ownSha256);
  });
});

describe("readFootprints with the model reported on", () => {
  const folder = folderWith("footprints", {
    "size-avr.json": sizeFile("avr", [784, 16, 16, 10], ownSha256),
    "size-cortex-m3.json": sizeFile("cortex-m3", [784, 16, 16, 10], otherSha256, 99999),
    "size-host.json": sizeFile("host", [784, 32, 10], undefined, 88888),
    "size-old.json": JSON.stringify({ target: "old", flashBytes: 13412 }),
  });
  const subject = { layers: tiny.int8.layers, int8: { path: tiny.int8Path, model: tiny.int8 } };
  const [avr, cortex, host, old] = readFootprints(folder, subject);

  it("keeps the one measured on this model", () => {
    expect(avr).toMatchObject({ target: "avr", problem: null, otherModel: null, unchecked: null });
    expect(avr.rows).toContainEqual(["flash.modelData", 13435]);
  });

  it("leaves out one measured on another model of the same shape, by its modelSha256", () => {
    expect(cortex.otherModel).toBe(`measured on another int8 model (model sha256 ${otherSha256.slice(0, 12)}… recorded, ${tiny.int8Path} has ${ownSha256.slice(0, 12)}…)`);
    expect(cortex.rows).toEqual([]);
  });

  it("leaves out one measured on another shape, by its layers, even without a modelSha256", () => {
    expect(host.otherModel).toBe("measured on a 784-32-10 model, this one is 784-16-16-10");
    expect(host.rows).toEqual([]);
  });

  it("shows one that records neither, marked unchecked", () => {
    expect(old.otherModel).toBeNull();
    expect(old.unchecked).toMatch(/records no modelSha256/);
    expect(old.rows).toContainEqual(["flashBytes", 13412]);
  });

  it("puts only this model's figures on the page, and one line for each file left out", () => {
    const page = buildReport({
      float: { path: tiny.floatPath, model: tiny.float },
      int8: subject.int8,
      testSet: tiny.dataset.test,
      datasetName: "mnist-small",
      footprints: [avr, cortex, host, old],
      noiseImages: 10,
    }).html;
    expect(page).toContain("<td>13,435</td>");
    expect(page).not.toContain("99,999");
    expect(page).not.toContain("88,888");
    expect(page).not.toContain("<tr><th>cortex-m3</th>");
    expect([...page.matchAll(/data-figure="footprint-skipped"/g)]).toHaveLength(2);
    expect(page).toContain("size-host.json</code> left out: measured on a 784-32-10 model, this one is 784-16-16-10.</p>");
    expect(page).toContain("size-old.json</code> not checked: it records no modelSha256");
  });

  it("says there is no footprint for this model when every file is another model's", () => {
    const page = buildReport({
      float: { path: tiny.floatPath, model: tiny.float },
      int8: subject.int8,
      testSet: tiny.dataset.test,
      datasetName: "mnist-small",
      footprints: [cortex, host],
      noiseImages: 10,
    }).html;
    expect(page).toContain("none for this model");
    expect(page).not.toContain("footprint-summary");
  });
});

describe("fixnet report with a size-*.json from another run", () => {
  it("warns on stderr, one line per file, and leaves its figures out of the page", async () => {
    const folder = folderWith("copied", {
      "size-avr.json": sizeFile("avr", [784, 16, 16, 10], otherSha256, 77777),
      "size-host.json": sizeFile("host", [784, 16, 16, 10], ownSha256, 13435),
    });
    const floatPath = join(folder, "model.json");
    const int8Path = join(folder, "model.int8.json");
    writeFloatModel(floatPath, tiny.float);
    writeQuantizedModel(int8Path, tiny.int8);
    const page = join(folder, "report.html");
    const io = bufferIo();
    const code = await main(["report", floatPath, int8Path, "--data", fixtureData, "--noise-images", "10", "-o", page], io);
    expect(code, io.stderr.join("")).toBe(0);
    const warnings = io.stderr.join("").trim().split("\n").filter((line) => line.startsWith("warning:"));
    expect(warnings).toEqual([`warning: ${join(folder, "size-avr.json")}: measured on another int8 model (model sha256 ${otherSha256.slice(0, 12)}… recorded, ${int8Path} has ${ownSha256.slice(0, 12)}…); left out of the report`]);
    const html = readFileSync(page, "utf8");
    expect(html).not.toContain("77,777");
    expect(html).toContain("<tr><th>host</th>");
    expect(html).toContain("size-avr.json</code> left out: measured on another int8 model");
  });
});
