// Augmentation shifts and distillation targets, each against a plain independent computation:
// a dense image shifted pixel by pixel, and the teacher run on that image by the float forward pass.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/mnist.ts";
import { forwardImage, softmax } from "../../src/model/forward.ts";
import { createSparseBatch } from "../../src/train/backprop.ts";
import { blendTeacherTargets, computeTeacherTargets } from "../../src/train/distill.ts";
import { initialiseNetwork } from "../../src/train/loop.ts";
import { createRandom } from "../../src/train/random.ts";
import { appendShiftedImage, toSparseImages } from "../../src/train/sparse-images.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mnist-small");
const { train } = loadDataset(fixtures);
const images = toSparseImages(train, 0, 12);

/** Image n moved by (dx, dy), as raw pixels, computed the obvious way. */
function shiftedPixels(n: number, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(784);
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const from = [r - dy, c - dx];
      if (from[0] >= 0 && from[0] < 28 && from[1] >= 0 && from[1] < 28) out[r * 28 + c] = train.images[n * 784 + from[0] * 28 + from[1]];
    }
  }
  return out;
}

describe("augmentation shifts", () => {
  it("move the ink exactly as a dense shift does", () => {
    const batch = createSparseBatch(1, 784, 10);
    for (const [dx, dy] of [[0, 0], [1, 0], [-1, 1], [2, -2]]) {
      for (let n = 0; n < images.count; n++) {
        const end = appendShiftedImage(batch, 0, images, n, dx, dy);
        const dense = new Uint8Array(784);
        for (let k = 0; k < end; k++) dense[batch.index[k]] = Math.round(batch.value[k] * 255);
        expect(dense, `image ${n} shifted by (${dx}, ${dy})`).toEqual(shiftedPixels(n, dx, dy));
      }
    }
  });
});

describe("distillation targets", () => {
  const teacher = initialiseNetwork([784, 20, 10], "relu", createRandom(3));
  const temperature = 2;
  const targets = computeTeacherTargets({ teacher, temperature, weight: 0.7 }, images, 1);

  it("are the teacher's softmax(logits / T) on each shifted image", () => {
    const logits = new Float32Array(10);
    const expected = new Float64Array(10);
    for (let code = 0; code < 9; code++) {
      const dx = (code % 3) - 1;
      const dy = Math.floor(code / 3) - 1;
      for (let n = 0; n < images.count; n++) {
        forwardImage(teacher, shiftedPixels(n, dx, dy), logits);
        softmax(logits.map((z) => z / temperature), expected);
        const row = (code * images.count + n) * 10;
        for (let j = 0; j < 10; j++) expect(targets.probabilities[row + j]).toBeCloseTo(expected[j], 5);
      }
    }
  });

  it("blend with the labels by the distillation weight", () => {
    const batch = createSparseBatch(2, 784, 10);
    batch.size = 2;
    batch.targets.fill(0);
    batch.targets[3] = 1;      // sample 0: label 3
    batch.targets[10 + 7] = 1; // sample 1: label 7
    const order = Int32Array.from([5, 2]);
    const shifts = Int32Array.from([4, 8]);
    blendTeacherTargets(batch, targets, 0.7, order, 0, shifts);
    for (const [b, n, code, label] of [[0, 5, 4, 3], [1, 2, 8, 7]]) {
      let sum = 0;
      for (let j = 0; j < 10; j++) {
        const teacherShare = 0.7 * targets.probabilities[(code * images.count + n) * 10 + j];
        expect(batch.targets[b * 10 + j]).toBeCloseTo((j === label ? 0.3 : 0) + teacherShare, 6);
        sum += batch.targets[b * 10 + j];
      }
      expect(sum).toBeCloseTo(1, 5);
    }
  });
});
