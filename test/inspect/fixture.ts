// A tiny, quickly trained model for the inspection tests: the classic 784-16-16-10 network
// trained for a few epochs on the 100-image fixture (test/fixtures/mnist-small), quantized with
// all of its training images. Deterministic (seed 1); weak enough to make plenty of mistakes on
// the 50 test images, which is what the mistakes views need.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../../src/data/mnist.ts";
import type { Dataset } from "../../src/data/types.ts";
import { writeFloatModel, type FloatModel } from "../../src/model/file.ts";
import { writeQuantizedModel } from "../../src/model/quantized-file.ts";
import type { QuantizedModel } from "../../src/model/quantized-model.ts";
import { DEFAULT_CALIBRATION } from "../../src/quantize/calibrate.ts";
import { quantizeFloatModel } from "../../src/quantize/pipeline.ts";
import { PRESETS } from "../../src/train/presets.ts";
import { trainModel } from "../../src/train/run.ts";
import { scratchFolder } from "../support/scratch.ts";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const fixtureData = join(root, "test", "fixtures", "mnist-small");

export interface TinyModels {
  dataset: Dataset;
  float: FloatModel;
  int8: QuantizedModel;
  /** A fresh folder holding model.json and model.int8.json. */
  folder: string;
  floatPath: string;
  int8Path: string;
}

export async function trainTinyModels(): Promise<TinyModels> {
  const dataset = loadDataset(fixtureData);
  const { model: float } = await trainModel(dataset, "mnist-small", "classic", {
    ...PRESETS.classic,
    layers: [...PRESETS.classic.layers],
    epochs: 6,
    batchSize: 10,
    maxShift: 0,
    distillation: null,
    validationCount: 10,
    seed: 1,
  });
  const { model: int8 } = quantizeFloatModel(float, dataset, { calibration: { ...DEFAULT_CALIBRATION, images: dataset.train.count }, source: "tiny model" });
  const folder = scratchFolder("fixnet-inspect-");
  const floatPath = join(folder, "model.json");
  const int8Path = join(folder, "model.int8.json");
  writeFloatModel(floatPath, float);
  writeQuantizedModel(int8Path, int8);
  return { dataset, float, int8, folder, floatPath, int8Path };
}
