// The noise probe: the probe images are what they claim to be, the figures are consistent
// (histograms sum to the image count, shares are fractions), the run is reproducible, and the
// chart names every kind.

import { describe, expect, it } from "vitest";
import { CONFIDENCE_BINS, confidenceFigures, noiseProbe, noiseProbeSvg, PROBE_KINDS, probeImages, summariseNoiseProbe } from "../../src/inspect/noise.ts";
import { agreement, floatPredictions, int8Predictions } from "../../src/inspect/predictions.ts";
import { verifyQuantized } from "../../src/quantize/verify.ts";
import { createRandom } from "../../src/train/random.ts";
import { trainTinyModels } from "./fixture.ts";

const tiny = await trainTinyModels();
const { test } = tiny.dataset;

const mean = (values: ArrayLike<number>): number => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

describe("probe images", () => {
  it("are blank, uniform, Gaussian, or the test digits with their own pixels shuffled", () => {
    const random = createRandom(3);
    expect(probeImages("blank", test, 4, random).every((p) => p === 0)).toBe(true);
    expect(probeImages("test", test, 4, random)).toEqual(test.images.subarray(0, 4 * 784));

    const uniform = probeImages("uniform", test, 50, random);
    expect(Math.abs(mean(uniform) - 127.5)).toBeLessThan(2);
    expect(Math.min(...uniform)).toBe(0);
    expect(Math.max(...uniform)).toBe(255);

    const gaussian = probeImages("gaussian", test, 50, random);
    const m = mean(gaussian);
    const deviation = Math.sqrt(mean(Array.from(gaussian, (p) => (p - m) ** 2)));
    expect(Math.abs(m - 128)).toBeLessThan(2);
    expect(Math.abs(deviation - 64)).toBeLessThan(3);

    const shuffled = probeImages("shuffled", test, 60, random);
    for (let n = 0; n < 60; n++) {
      const source = test.images.subarray((n % test.count) * 784, ((n % test.count) + 1) * 784);
      const image = shuffled.subarray(n * 784, (n + 1) * 784);
      expect(Array.from(image).sort((a, b) => a - b)).toEqual(Array.from(source).sort((a, b) => a - b));
      if (source.some((p) => p > 0)) expect(image).not.toEqual(source);
    }
  });
});

describe("noise probe", () => {
  const probe = noiseProbe({ float: tiny.float.network, int8: tiny.int8 }, test, { images: 200, seed: 5 });

  it("gives consistent figures for every kind and both models", () => {
    expect(probe.rows.map((row) => row.kind)).toEqual([...PROBE_KINDS]);
    for (const row of probe.rows) {
      for (const figures of [row.float, row.int8]) {
        expect(figures).not.toBeNull();
        const expectedCount = row.kind === "test" ? test.count : 200;
        expect(figures!.images).toBe(expectedCount);
        expect(figures!.confidenceHistogram).toHaveLength(CONFIDENCE_BINS);
        expect(figures!.confidenceHistogram.reduce((a, b) => a + b, 0)).toBe(expectedCount);
        expect(figures!.classCounts.reduce((a, b) => a + b, 0)).toBe(expectedCount);
        // The top probability of 10 classes is at least 1/10.
        expect(figures!.meanConfidence).toBeGreaterThanOrEqual(0.1);
        expect(figures!.meanConfidence).toBeLessThanOrEqual(1);
        expect(figures!.medianConfidence).toBeGreaterThanOrEqual(0.1);
        expect(figures!.confidentShare).toBeGreaterThanOrEqual(0);
        expect(figures!.confidentShare).toBeLessThanOrEqual(1);
        expect(figures!.classCounts[figures!.topClass]).toBe(Math.max(...figures!.classCounts));
      }
    }
    // Identical blank images get one class.
    const blank = probe.rows.find((row) => row.kind === "blank")!;
    expect(blank.float!.topClassShare).toBe(1);
    expect(blank.int8!.topClassShare).toBe(1);
  });

  it("measures the real test images exactly like the models' own predictions", () => {
    const float = floatPredictions(tiny.float.network, test.images, test.count);
    const int8 = int8Predictions(tiny.int8, test.images, test.count);
    expect(probe.rows[0].float).toEqual(confidenceFigures(float));
    expect(probe.rows[0].int8).toEqual(confidenceFigures(int8));
    expect(probe.rows[0].agreement).toBe(agreement(float, int8));
    // Clamping counted by the reference emulator, as verify counts it.
    const verification = verifyQuantized(tiny.int8, test);
    const clamped = verification.saturation.reduce((sum, layer) => sum + layer.below + layer.above, 0);
    const values = verification.saturation.reduce((sum, layer) => sum + layer.values, 0);
    expect(probe.rows[0].int8Saturation).toBe(clamped / values);
  });

  it("is reproducible from its seed and says so in text and chart", () => {
    expect(noiseProbe({ float: tiny.float.network, int8: tiny.int8 }, test, { images: 200, seed: 5 })).toEqual(probe);
    const lines = summariseNoiseProbe(probe);
    expect(lines).toHaveLength(3 * PROBE_KINDS.length);
    expect(lines[3]).toMatch(/^uniform noise, float: mean top probability \d+\.\d%/);
    expect(lines[5]).toMatch(/^uniform noise: float and int8 give the same class to \d+\.\d%; int8 clamped \d+\.\d% of its values$/);
    const svg = noiseProbeSvg(probe);
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    for (const name of ["real test images", "uniform noise", "Gaussian noise", "blank images", "shuffled-pixel digits", "float model", "int8 model"]) expect(svg).toContain(name);
  });

  it("runs with one model only", () => {
    const floatOnly = noiseProbe({ float: tiny.float.network }, test, { images: 20 });
    expect(floatOnly.rows.every((row) => row.int8 === null && row.float !== null && row.agreement === null && row.int8Saturation === null)).toBe(true);
    expect(noiseProbeSvg(floatOnly)).not.toContain("int8 model");
  });
});
