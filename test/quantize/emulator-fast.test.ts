// The fast emulator against the reference, bit for bit, on 1,350 images per golden model: the
// 150 fixture images of MNIST and, for each, its negative, two shifted copies, a noisy, a
// brightened (saturates) and a dimmed copy, and two seeded random images.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/mnist.ts";
import { createFastScratch, emulateBatchFast, emulateImageFast } from "../../src/quantize/emulator-fast.ts";
import { emulateBatch } from "../../src/quantize/emulator.ts";
import { readQuantizedModel } from "../../src/model/quantized-file.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
const PIXELS = 784;

function seededBytes(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
}

function makeImages(): { images: Uint8Array; count: number } {
  const dataset = loadDataset(join(fixtures, "mnist-small"));
  const originals = [dataset.train, dataset.test].flatMap((set) =>
    Array.from({ length: set.count }, (_, n) => set.images.subarray(n * PIXELS, (n + 1) * PIXELS)),
  );
  const next = seededBytes(42);
  const variants: Uint8Array[] = [];
  for (const image of originals) {
    variants.push(image);
    variants.push(image.map((p) => 255 - p)); // negative: almost no blank pixels
    variants.push(Uint8Array.from({ length: PIXELS }, (_, i) => (i % 28 >= 3 ? image[i - 3] : 0))); // shifted right by 3
    variants.push(image.map((p) => (next() < 16 ? next() : p))); // salt noise
    variants.push(image.map((p) => Math.min(255, p * 3))); // brightened
    variants.push(Uint8Array.from({ length: PIXELS }, () => (next() < 128 ? 0 : next()))); // random, half blank
    variants.push(Uint8Array.from({ length: PIXELS }, (_, i) => (i + 56 < PIXELS ? image[i + 56] : 0))); // shifted up by 2
    variants.push(image.map((p) => p >> 1)); // dimmed
    variants.push(Uint8Array.from({ length: PIXELS }, () => next() & 3)); // faint noise, few blank pixels
  }
  const images = new Uint8Array(variants.length * PIXELS);
  variants.forEach((image, n) => images.set(image, n * PIXELS));
  return { images, count: variants.length };
}

const { images, count } = makeImages();

describe("fast emulator = reference emulator", () => {
  it("has at least 1000 images to compare", () => {
    expect(count).toBeGreaterThanOrEqual(1000);
  });

  for (const name of ["relu", "sigmoid", "tanh"]) {
    it(`${name}: identical logits on every image`, () => {
      const model = readQuantizedModel(join(fixtures, "golden", `${name}.qmodel.json`));
      const classes = model.layers[model.layers.length - 1];
      const expected = emulateBatch(model, images, count);
      const actual = emulateBatchFast(model, images, count);
      const index = actual.findIndex((value, k) => value !== expected[k]);
      const mismatch = index < 0 ? null : `image ${Math.floor(index / classes)}, logit ${index % classes}: expected ${expected[index]}, actual ${actual[index]}`;
      expect(mismatch).toBeNull();

      // The single-image form with a reused scratch gives the same, and returns the argmax.
      const scratch = createFastScratch(model);
      const logits = new Int8Array(classes);
      for (let n = 0; n < 50; n++) {
        const predicted = emulateImageFast(model, images.subarray(n * PIXELS, (n + 1) * PIXELS), logits, scratch);
        expect(Array.from(logits)).toEqual(Array.from(expected.subarray(n * classes, (n + 1) * classes)));
        let best = 0;
        for (let k = 1; k < classes; k++) if (logits[k] > logits[best]) best = k;
        expect(predicted).toBe(best);
      }
    });
  }
});
