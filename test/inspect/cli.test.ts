// `fixnet inspect …` and `fixnet report`, run in-process: the files they write, and bad input
// (not a fixnet model, image index out of range, a missing output folder, a wrong extension)
// as one line on stderr with an exit code and nothing written.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { fixtureData, trainTinyModels } from "./fixture.ts";
import { runCli } from "../support/cli.ts";

const tiny = await trainTinyModels();
const out = join(tiny.folder, "pictures");
mkdirSync(out);

const run = runCli;

function readPng(path: string): PNG {
  return PNG.sync.read(readFileSync(path));
}

/** A failed command: the given exit code, exactly one line on stderr, no output file. */
async function expectRefusal(args: string[], code: number, message: RegExp, file?: string) {
  const result = await run(args);
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  if (file) expect(existsSync(file)).toBe(false);
}

describe("fixnet inspect", () => {
  it("explains itself", async () => {
    const help = await run(["inspect", "--help"]);
    expect(help.code).toBe(0);
    for (const view of ["weights", "mistakes", "confusion", "saliency", "noise", "curves"]) expect(help.stdout).toContain(view);
    expect(help.stdout).toContain("fixnet report out/model.json out/model.int8.json -o report.html");
    expect((await run(["inspect", "saliency", "--help"])).stdout).toMatch(/--image <n>/);
  });

  it("writes the pixel pictures as PNG, float and int8 side by side", async () => {
    const single = join(out, "weights-float.png");
    const both = join(out, "weights.png");
    expect((await run(["inspect", "weights", tiny.floatPath, "--data", fixtureData, "-o", single])).code).toBe(0);
    const result = await run(["inspect", "weights", tiny.floatPath, tiny.int8Path, "--data", fixtureData, "-o", both]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`wrote ${both}`);
    expect(readPng(both).width).toBe(2 * readPng(single).width + 16);

    for (const view of ["mistakes", "confusion"]) {
      const file = join(out, `${view}.png`);
      const viewResult = await run(["inspect", view, tiny.floatPath, tiny.int8Path, "--data", fixtureData, "-o", file]);
      expect(viewResult.code, viewResult.stderr).toBe(0);
      expect(viewResult.stdout).toMatch(/^float/);
      expect(viewResult.stdout).toMatch(/\nint8/);
      expect(readPng(file).width).toBeGreaterThan(100);
    }
    const saliency = join(out, "saliency.png");
    const saliencyResult = await run(["inspect", "saliency", tiny.floatPath, "--image", "7", "--data", fixtureData, "-o", saliency]);
    expect(saliencyResult.code, saliencyResult.stderr).toBe(0);
    expect(saliencyResult.stdout).toMatch(/^test image 7: true \d, predicted \d/);
    expect(readPng(saliency).height).toBeGreaterThan(28 * 8);
  });

  it("writes the charts as SVG and prints the noise summary", async () => {
    const noise = join(out, "noise.svg");
    const result = await run(["inspect", "noise", tiny.floatPath, tiny.int8Path, "--images", "50", "--data", fixtureData, "-o", noise]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/uniform noise, int8: mean top probability/);
    expect(readFileSync(noise, "utf8")).toMatch(/^<svg /);
    const json = await run(["inspect", "noise", tiny.int8Path, "--images", "20", "--json", "--data", fixtureData]);
    expect(JSON.parse(json.stdout).rows[1].int8.images).toBe(20);

    const curves = join(out, "curves.svg");
    expect((await run(["inspect", "curves", tiny.floatPath, "-o", curves])).code).toBe(0);
    expect(readFileSync(curves, "utf8")).toContain("kept epoch");
  });

  it("refuses bad input with one line and writes nothing", async () => {
    const notModel = join(tiny.folder, "not-a-model.json");
    writeFileSync(notModel, JSON.stringify({ hello: "world" }));
    const file = join(out, "refused.png");
    await expectRefusal(["inspect", "weights", notModel, "-o", file], 3, /not-a-model\.json: not a fixnet model: expected format "fixnet-float-model" .* found no format field/, file);
    await expectRefusal(["inspect", "saliency", tiny.floatPath, "--image", "50", "--data", fixtureData, "-o", file], 2, /--image 50: out of range; the test set has 50 images \(0\.\.49\)/, file);
    await expectRefusal(["inspect", "saliency", tiny.int8Path, "--data", fixtureData, "-o", file], 2, /saliency needs the float model/, file);
    const missingFolder = join(tiny.folder, "no-such-folder", "weights.png");
    await expectRefusal(["inspect", "weights", tiny.floatPath, "-o", missingFolder], 4, /the folder .*no-such-folder for the weights PNG does not exist/, missingFolder);
    await expectRefusal(["inspect", "curves", tiny.floatPath, "-o", file], 2, /curves is a chart with text labels, written as SVG .*ending in \.svg/, file);
    await expectRefusal(["inspect", "weights", tiny.floatPath, join(tiny.folder, "missing.json"), "-o", file], 4, /missing\.json: no such file/, file);
    await expectRefusal(["inspect", "weights", tiny.floatPath, tiny.floatPath, "-o", file], 2, /a second float model/, file);
  });
});

describe("fixnet report", () => {
  it("writes one page next to the model, finding the int8 model and any footprint there", async () => {
    writeFileSync(join(tiny.folder, "size-host.json"), JSON.stringify({ target: "host", flashBytes: 13412 }));
    const page = join(tiny.folder, "report.html");
    const result = await run(["report", tiny.floatPath, "--data", fixtureData, "--noise-images", "50", "--image", "2", "--image", "9"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`using the int8 model ${tiny.int8Path}`);
    expect(result.stdout).toMatch(/^float test accuracy: \d+\.\d\d%, int8: \d+\.\d\d%, agreement \d+\.\d\d%/);
    expect(result.stdout).toContain(`report: ${page}`);
    const html = readFileSync(page, "utf8");
    expect(html).toContain(`data-figure="int8-accuracy">`);
    expect(html).toContain("<th>flashBytes</th><td>13,412</td>");
    expect(html).toContain("saliency of test image 9");
    // Written atomically: no temporary file is left beside it.
    expect(readdirSync(tiny.folder).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("ends the pipeline (npm start): report.html in the output folder, its path printed", async () => {
    const folder = join(tiny.folder, "pipeline");
    const result = await run(["pipeline", "--data", fixtureData, "--epochs", "2", "--batch-size", "10", "--validation", "10", "-o", folder]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split("\n").at(-1)).toBe(`report: ${join(folder, "report.html")}`);
    expect(readFileSync(join(folder, "report.html"), "utf8")).toContain(`<code>${join(folder, "model.int8.json")}</code>`);
  });

  it("refuses an int8 model alone, an image out of range and a missing folder", async () => {
    const missing = join(tiny.folder, "nowhere", "report.html");
    await expectRefusal(["report", tiny.floatPath, "--data", fixtureData, "-o", missing], 4, /nowhere for the report does not exist/, missing);
    const page = join(out, "refused.html");
    await expectRefusal(["report", tiny.int8Path, "--data", fixtureData, "-o", page], 2, /the report needs the float model/, page);
    await expectRefusal(["report", tiny.floatPath, "--data", fixtureData, "--image", "50", "-o", page], 2, /--image 50: out of range/, page);
  });
});
