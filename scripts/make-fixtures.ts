// Regenerates the MNIST test fixtures: the first 100 training and first 50 test images of the
// real MNIST, plain and gzipped (run: npx tsx scripts/make-fixtures.ts). Not part of fixnet.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { writeIdx } from "../src/data/idx.ts";
import { defaultDataDir, loadDataset, MNIST_FILE_NAMES } from "../src/data/mnist.ts";
import type { ImageSet } from "../src/data/types.ts";

const TRAIN_COUNT = 100;
const TEST_COUNT = 50;

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures");
const plainDir = join(fixturesDir, "mnist-small");
const gzipDir = join(fixturesDir, "mnist-small-gz");

/** The first `count` images and labels of `set`, as IDX file bytes. */
function firstImages(set: ImageSet, count: number): { images: Uint8Array; labels: Uint8Array } {
  const pixelsPerImage = set.rows * set.cols;
  return {
    images: writeIdx([count, set.rows, set.cols], set.images.subarray(0, count * pixelsPerImage)),
    labels: writeIdx([count], set.labels.subarray(0, count)),
  };
}

const dataset = loadDataset(defaultDataDir());
const train = firstImages(dataset.train, TRAIN_COUNT);
const test = firstImages(dataset.test, TEST_COUNT);
const files: [string, Uint8Array][] = [
  [MNIST_FILE_NAMES.trainImages, train.images],
  [MNIST_FILE_NAMES.trainLabels, train.labels],
  [MNIST_FILE_NAMES.testImages, test.images],
  [MNIST_FILE_NAMES.testLabels, test.labels],
];

mkdirSync(plainDir, { recursive: true });
mkdirSync(gzipDir, { recursive: true });
for (const [name, bytes] of files) {
  writeFileSync(join(plainDir, name), bytes);
  // zlib writes mtime 0, so the .gz files are the same bytes on every run.
  writeFileSync(join(gzipDir, name + ".gz"), gzipSync(bytes, { level: 9 }));
}
console.log(`wrote ${files.length} files each to ${plainDir} and ${gzipDir}`);
