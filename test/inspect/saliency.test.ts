// The input gradient against finite differences (the independent oracle), for every hidden
// activation; the double-precision forward pass against the model's own float forward pass; and
// the saliency picture's panels.

import { describe, expect, it } from "vitest";
import { inkColour, NEUTRAL } from "../../src/inspect/colour.ts";
import { pixelAt } from "../../src/inspect/image.ts";
import { forwardReal, inputGradient, saliencyOf, saliencyPicture } from "../../src/inspect/saliency.ts";
import { argmax, forwardImage } from "../../src/model/forward.ts";
import { createNetwork, HIDDEN_ACTIVATIONS } from "../../src/model/network.ts";
import { createRandom } from "../../src/train/random.ts";
import { trainTinyModels } from "./fixture.ts";

function randomNetwork(layers: number[], activation: (typeof HIDDEN_ACTIVATIONS)[number], seed: number) {
  const network = createNetwork({ layers, hiddenActivation: activation });
  const random = createRandom(seed);
  for (let k = 0; k < network.parameters.length; k++) network.parameters[k] = (2 * random.next() - 1) * 0.8;
  return network;
}

describe("input gradient", () => {
  it.each(HIDDEN_ACTIVATIONS)("matches central finite differences (%s)", (activation) => {
    const layers = [30, 9, 7, 4];
    const network = randomNetwork(layers, activation, 7);
    const random = createRandom(11);
    const x = Float64Array.from({ length: layers[0] }, () => random.next());
    const h = 1e-6;
    for (let target = 0; target < 4; target++) {
      const { logits, gradient } = inputGradient(network, x, target);
      expect(logits).toEqual(forwardReal(network, x)[2]);
      for (let i = 0; i < layers[0]; i++) {
        const plus = Float64Array.from(x);
        const minus = Float64Array.from(x);
        plus[i] += h;
        minus[i] -= h;
        const numeric = (forwardReal(network, plus)[2][target] - forwardReal(network, minus)[2][target]) / (2 * h);
        const tolerance = 1e-6 * Math.max(1, Math.abs(numeric));
        if (Math.abs(numeric - gradient[i]) > tolerance) {
          expect.fail(`${activation}, target ${target}, input ${i}: finite difference ${numeric}, backward pass ${gradient[i]}`);
        }
      }
    }
  });

  it("rejects a target outside the classes", () => {
    const network = randomNetwork([4, 3, 2], "relu", 1);
    expect(() => inputGradient(network, new Float64Array(4), 2)).toThrow(RangeError);
  });
});

const tiny = await trainTinyModels();
const { test } = tiny.dataset;

describe("saliency of a test image", () => {
  it("runs the same network as the float forward pass", () => {
    const logits = new Float32Array(10);
    for (let n = 0; n < 10; n++) {
      forwardImage(tiny.float.network, test.images.subarray(n * 784, (n + 1) * 784), logits);
      const saliency = saliencyOf(tiny.float.network, test, n);
      expect(saliency.predicted).toBe(argmax(logits));
      expect(saliency.label).toBe(test.labels[n]);
      const x = Float64Array.from(test.images.subarray(n * 784, (n + 1) * 784), (p) => p / 255);
      const real = forwardReal(tiny.float.network, x)[2];
      for (let k = 0; k < 10; k++) expect(Math.abs(real[k] - logits[k])).toBeLessThan(1e-4);
    }
  });

  it("draws the digit, the gradient (zero at neutral, by sign) and the overlay", () => {
    const index = 3;
    const saliency = saliencyOf(tiny.float.network, test, index);
    const picture = saliencyPicture(test, saliency, 2);
    expect(picture.panels).toHaveLength(3);
    expect(picture.range).toBeGreaterThan(0);
    for (let i = 0; i < 784; i++) {
      const x = (i % 28) * 2;
      const y = Math.floor(i / 28) * 2;
      const digit = pixelAt(picture.image, picture.panels[0].x + x, picture.panels[0].y + y);
      expect(digit).toEqual(inkColour(test.images[index * 784 + i]));
      const [r, , b] = pixelAt(picture.image, picture.panels[1].x + x, picture.panels[1].y + y);
      const g = saliency.gradient[i];
      if (g === 0) expect([r, b]).toEqual([NEUTRAL[0], NEUTRAL[2]]);
      else if (Math.abs(g) > 0.05 * picture.range) expect(g > 0 ? r > b : b > r, `pixel ${i}: gradient ${g}, colour ${r},${b}`).toBe(true);
    }
  });

  it("refuses an image index outside the set", () => {
    expect(() => saliencyOf(tiny.float.network, test, test.count)).toThrow(/image 50 is not in 0..49/);
  });
});
