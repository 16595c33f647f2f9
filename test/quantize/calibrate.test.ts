// Calibration ranges on a tiny network whose pre-activations are worked out by hand, and the
// quantizer's refusals when a float model cannot meet the integer contracts.

import { describe, expect, it } from "vitest";
import type { ImageSet } from "../../src/data/types.ts";
import { FixnetError } from "../../src/errors.ts";
import { createNetwork } from "../../src/model/network.ts";
import { calibrate } from "../../src/quantize/calibrate.ts";
import { quantizeNetwork } from "../../src/quantize/quantize.ts";

// Three 2x2 images with pixels 0 or 255, so every float input is exactly 0 or 1.
const images: ImageSet = {
  images: Uint8Array.from([255, 0, 0, 0, /**/ 0, 255, 255, 0, /**/ 0, 0, 0, 0]),
  labels: Uint8Array.from([0, 1, 0]),
  count: 3,
  rows: 2,
  cols: 2,
};

/** 4 → 2 (relu) → 1. Layer 0 weights [4][2] = [[1, −1], [2, 0], [0, 3], [0, 0]], bias [0.5, −0.5];
 *  layer 1 weights [[1], [1]], bias 0. */
function tinyNetwork() {
  const network = createNetwork({ layers: [4, 2, 1], hiddenActivation: "relu" });
  network.dense[0].weights.set([1, -1, 2, 0, 0, 3, 0, 0]);
  network.dense[0].bias.set([0.5, -0.5]);
  network.dense[1].weights.set([1, 1]);
  return network;
}

describe("calibrate", () => {
  // Layer 0 pre-activations: image 0 → [1.5, −1.5], image 1 → [2.5, 2.5], image 2 → [0.5, −0.5]
  // Layer 1 (sum of the ReLU outputs): 1.5, 5, 0.5
  it("minmax: the full range over all outputs of a layer, widened to contain 0", () => {
    const record = calibrate(tinyNetwork(), images, { images: 10, method: "minmax", percentile: 99.99 }, "three images");
    expect(record).toEqual({
      method: "minmax",
      percentile: null,
      images: 3, // fewer than asked: all of them
      dataset: "three images",
      preActivationRanges: [{ min: -1.5, max: 2.5 }, { min: 0, max: 5 }],
    });
  });

  it("percentile: ranks round((n − 1)·(100 − p)/100) and round((n − 1)·p/100) of the sorted values", () => {
    // Layer 0 sorted: [−1.5, −0.5, 0.5, 1.5, 2.5, 2.5], n − 1 = 5.
    //   p = 80: max rank round(4) = 4 → 2.5, min rank round(1) = 1 → −0.5
    //   p = 60: max rank 3 → 1.5, min rank 2 → 0.5, widened to 0
    // Layer 1 sorted: [0.5, 1.5, 5], n − 1 = 2. p = 80: ranks round(0.4) = 0 → 0.5 → 0, round(1.6) = 2 → 5
    const at80 = calibrate(tinyNetwork(), images, { images: 3, method: "percentile", percentile: 80 });
    expect(at80.preActivationRanges).toEqual([{ min: -0.5, max: 2.5 }, { min: 0, max: 5 }]);
    expect(at80.percentile).toBe(80);
    const at60 = calibrate(tinyNetwork(), images, { images: 3, method: "percentile", percentile: 60 });
    expect(at60.preActivationRanges[0]).toEqual({ min: 0, max: 1.5 });
  });

  it("uses only the first `images` images", () => {
    const record = calibrate(tinyNetwork(), images, { images: 1, method: "minmax", percentile: 99.99 });
    expect(record.images).toBe(1);
    expect(record.preActivationRanges).toEqual([{ min: -1.5, max: 1.5 }, { min: 0, max: 1.5 }]);
  });

  it("refuses options out of range", () => {
    expect(() => calibrate(tinyNetwork(), images, { images: 0, method: "minmax", percentile: 99 })).toThrow(/calibration image count/);
    expect(() => calibrate(tinyNetwork(), images, { images: 3, method: "percentile", percentile: 40 })).toThrow(/percentile/);
    const wrongSize = { ...images, rows: 1 };
    expect(() => calibrate(tinyNetwork(), wrongSize)).toThrow(FixnetError);
  });
});

describe("quantizeNetwork refuses what int8 cannot hold", () => {
  const calibration = calibrate(tinyNetwork(), images, { images: 3, method: "minmax", percentile: 99.99 });

  it("a bias that does not fit int32 at its scale", () => {
    const network = tinyNetwork();
    network.dense[0].weights.fill(1e-9); // weight scale ~7.9e-12, bias scale ~3.1e-14
    network.dense[0].bias.set([1000, 0]);
    expect(() => quantizeNetwork(network, calibration, { perTensor: false }, "big-bias.json")).toThrow(
      /^big-bias\.json: cannot quantize layer 0 \(4->2\): bias 0 .* beyond int32/,
    );
  });

  it("an accumulator that could overflow", () => {
    const network = tinyNetwork();
    network.dense[0].weights.fill(1e-4); // every weight quantizes to 127, scale 1e-4/127
    // A bias of about 2^31 − 1000 units fits int32 on its own, but + Σ|w|·255 = 4·127·255 = 129540
    // can pass 2^31 − 1.
    const biasScale = Math.fround(Math.fround(1 / 255) * Math.fround(1e-4 / 127));
    network.dense[0].bias.set([(2 ** 31 - 1000) * biasScale, 0]);
    let error: unknown = null;
    try {
      quantizeNetwork(network, calibration, { perTensor: false }, "model.json");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FixnetError);
    expect((error as FixnetError).code).toBe("bad-file");
    expect((error as FixnetError).message).toMatch(/^model\.json: cannot quantize layer 0 \(4->2\): output 0: the int32 accumulator can reach \d+/);
  });

  it("an output range so narrow that the multiplier reaches 2^30", () => {
    const narrow = { ...calibration, preActivationRanges: [{ min: 0, max: 1e-35 }, { min: 0, max: 5 }] };
    expect(() => quantizeNetwork(tinyNetwork(), narrow)).toThrow(/requantization multiplier .* 2\^30 or more/);
  });
});
