// A SHA-256 over a dataset's images and labels, recorded in model files so that a model can be
// traced to the exact data it was trained and tested on, wherever that data was stored.

import { createHash } from "node:crypto";
import type { Dataset } from "./types.ts";

export function datasetFingerprint(dataset: Dataset): string {
  const hash = createHash("sha256");
  for (const set of [dataset.train, dataset.test]) {
    hash.update(`${set.count}x${set.rows}x${set.cols}\n`);
    hash.update(set.images);
    hash.update(set.labels);
  }
  return hash.digest("hex");
}
