// Shared by the board tests: the golden ReLU model and the first test images of the small MNIST
// fixture, as the on-board check takes them.

import { join } from "node:path";
import { loadImageSet } from "../../src/data/mnist.ts";
import type { CheckImages } from "../../src/flash/flash.ts";
import { readQuantizedModel } from "../../src/model/quantized-file.ts";
import { goldenFolder, root } from "../codegen/support.ts";

export const boardModelPath = join(goldenFolder, "relu.qmodel.json");
export const boardModel = readQuantizedModel(boardModelPath);
/** MNIST-format data with a small test set (--data for fixnet flash). */
export const smallData = join(root, "test", "fixtures", "mnist-small");

/** The first count test images of smallData and their labels. */
export function firstTestImages(count: number): CheckImages {
  const test = loadImageSet(join(smallData, "t10k-images-idx3-ubyte"), join(smallData, "t10k-labels-idx1-ubyte"));
  return { images: test.images.subarray(0, count * test.rows * test.cols), labels: test.labels.subarray(0, count), count };
}
