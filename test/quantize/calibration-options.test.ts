// `fixnet quantize` calibration options: --percentile alone means percentile calibration (the
// file's calibration record says so), --calibration minmax with --percentile is refused, and
// --help says both.

import { existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli.ts";
import { resolveCalibrationArguments } from "../../src/commands/quantize.ts";
import { bufferIo } from "../../src/commands/io.ts";
import { serializeFloatModel } from "../../src/model/file.ts";
import { createNetwork, parameterCount } from "../../src/model/network.ts";
import { readQuantizedModel } from "../../src/model/quantized-file.ts";
import { DEFAULT_CALIBRATION } from "../../src/quantize/calibrate.ts";
import { expectFixnetError } from "../support/errors.ts";
import { scratchFolder } from "../support/scratch.ts";

const fixtureData = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mnist-small");
const folder = scratchFolder("fixnet-calibration-");
const floatPath = join(folder, "model.json");

// An untrained 784-8-10 network with small deterministic weights: calibration only needs
// pre-activations, not accuracy.
const layers = [784, 8, 10];
const parameters = new Float32Array(parameterCount(layers)).map((_, k) => Math.sin(k * 12.9898) * 0.05);
writeFileSync(floatPath, serializeFloatModel({ network: createNetwork({ layers, hiddenActivation: "relu" }, parameters), training: null }));

async function quantize(extra: string[], out: string) {
  const io = bufferIo();
  const code = await main(["quantize", floatPath, "--data", fixtureData, "--calibration-images", "20", "--quiet", "-o", out, ...extra], io);
  return { code, stderr: io.stderr.join("") };
}

describe("resolveCalibrationArguments", () => {
  it("--percentile alone implies percentile calibration", () => {
    expect(resolveCalibrationArguments({ percentile: 99 })).toEqual({ calibration: "percentile", percentile: 99 });
  });

  it("keeps the defaults when neither is given, and the default percentile for --calibration percentile", () => {
    expect(resolveCalibrationArguments({})).toEqual({ calibration: DEFAULT_CALIBRATION.method, percentile: DEFAULT_CALIBRATION.percentile });
    expect(resolveCalibrationArguments({ calibration: "percentile" })).toEqual({ calibration: "percentile", percentile: DEFAULT_CALIBRATION.percentile });
    expect(resolveCalibrationArguments({ calibration: "percentile", percentile: 98 })).toEqual({ calibration: "percentile", percentile: 98 });
  });

  it("refuses --calibration minmax with --percentile", () => {
    const message = expectFixnetError(() => resolveCalibrationArguments({ calibration: "minmax", percentile: 99 }), "bad-option", "--percentile 99");
    expect(message).toContain("contradicts --calibration minmax");
  });
});

describe("fixnet quantize --percentile", () => {
  it("given alone, calibrates by percentile and records it", async () => {
    const out = join(folder, "p99.int8.json");
    const result = await quantize(["--percentile", "99"], out);
    expect(result.code, result.stderr).toBe(0);
    const { calibration } = readQuantizedModel(out);
    expect(calibration?.method).toBe("percentile");
    expect(calibration?.percentile).toBe(99);
  });

  it("with --calibration minmax: exit 2, one line, no file", async () => {
    const out = join(folder, "contradiction.int8.json");
    const result = await quantize(["--calibration", "minmax", "--percentile", "99"], out);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/--percentile 99: contradicts --calibration minmax/);
    expect(existsSync(out)).toBe(false);
  });

  it("without either: minmax, as before", async () => {
    const out = join(folder, "default.int8.json");
    expect((await quantize([], out)).code).toBe(0);
    expect(readQuantizedModel(out).calibration).toMatchObject({ method: "minmax", percentile: null });
  });

  it("refuses 50, which would keep an empty range", async () => {
    const result = await quantize(["--percentile", "50"], join(folder, "p50.int8.json"));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--percentile/);
  });

  it("is explained in --help", async () => {
    const io = bufferIo();
    await main(["quantize", "--help"], io);
    const help = io.stdout.join("").replace(/\s+/g, " ");
    expect(help).toContain("implies --calibration percentile");
    expect(help).toContain("contradicts --calibration minmax");
  });
});
