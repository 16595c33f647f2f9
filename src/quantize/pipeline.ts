// The whole `fixnet quantize` flow as one library call: calibrate on training images, quantize,
// verify on the test images and record the figures in the model. No files, no printing: the
// command reads the float model and the dataset, calls this, writes and prints.

import type { Dataset } from "../data/types.ts";
import type { FloatModel } from "../model/file.ts";
import { calibrate, DEFAULT_CALIBRATION, type CalibrationOptions } from "./calibrate.ts";
import { DEFAULT_QUANTIZE_OPTIONS, quantizeNetwork, type QuantizeOptions } from "./quantize.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { accuracyRecord, verifyQuantized, type Verification } from "./verify.ts";

export interface QuantizeFlowOptions extends QuantizeOptions {
  calibration: CalibrationOptions;
  /** Measure on the test set and record the accuracies in the model (default true). */
  verify: boolean;
  /** Names the float model in error messages (its path). */
  source: string;
}

export const DEFAULT_QUANTIZE_FLOW: Readonly<QuantizeFlowOptions> = {
  ...DEFAULT_QUANTIZE_OPTIONS,
  calibration: DEFAULT_CALIBRATION,
  verify: true,
  source: "float model",
};

export interface QuantizeFlowResult {
  /** Ready to write; its accuracy record is filled when verify was on. */
  model: QuantizedModel;
  verification: Verification | null;
}

/** Calibrates on dataset.train, quantizes, and (by default) verifies on dataset.test. */
export function quantizeFloatModel(floatModel: FloatModel, dataset: Dataset, options: Partial<QuantizeFlowOptions> = {}): QuantizeFlowResult {
  const settings: QuantizeFlowOptions = { ...DEFAULT_QUANTIZE_FLOW, ...options };
  const calibration = calibrate(floatModel.network, dataset.train, settings.calibration, dataset.source);
  const model = quantizeNetwork(floatModel.network, calibration, settings, settings.source);
  if (!settings.verify) return { model, verification: null };
  const verification = verifyQuantized(model, dataset.test, floatModel.network);
  model.accuracy = accuracyRecord(verification);
  return { model, verification };
}
