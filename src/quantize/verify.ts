// Measures an int8 model on a labelled image set with the reference emulator, and compares it
// with the float model it came from: the figures `fixnet verify` prints. It returns plain data
// (JSON-ready) and prints nothing.

import type { ImageSet } from "../data/types.ts";
import { evaluateLogits, type Evaluation } from "../model/evaluate.ts";
import { argmax, forwardBatch } from "../model/forward.ts";
import type { Network } from "../model/network.ts";
import { emulateBatch } from "./emulator.ts";
import { createSaturationCounts, dequantize, type AccuracyRecord, type LayerSaturation, type QuantizedModel } from "../model/quantized-model.ts";

export interface FloatComparison {
  evaluation: Evaluation;
  /** Fraction of images given the same class by both models. */
  agreement: number;
  /** How many images the int8 model classifies differently from the float model. */
  changed: number;
  /** The largest |dequantized int8 logit − float logit| over all images and classes. */
  largestLogitDifference: number;
}

export interface Verification {
  images: number;
  /** The int8 model's accuracy, per-class accuracy and confusion matrix. */
  int8: Evaluation;
  /** Present when a float model was given. */
  float: FloatComparison | null;
  /** [layers]: values clamped at −128 or 127 over the whole set. */
  saturation: LayerSaturation[];
}

/**
 * Runs the reference emulator (the specification, not the fast path) over every image of the
 * set and scores it; with a float network, also scores that and compares the two.
 * @throws RangeError when the image size or the float architecture do not fit the model.
 */
export function verifyQuantized(model: QuantizedModel, testSet: ImageSet, floatNetwork?: Network): Verification {
  const inputs = model.layers[0];
  const classes = model.layers[model.layers.length - 1];
  if (testSet.rows * testSet.cols !== inputs) {
    throw new RangeError(`the images have ${testSet.rows}x${testSet.cols} pixels, the model expects ${inputs} inputs`);
  }
  const saturation = createSaturationCounts(model);
  const int8Logits = emulateBatch(model, testSet.images, testSet.count, undefined, saturation);
  const int8 = evaluateLogits(int8Logits, testSet.labels, testSet.count, classes);

  let float: FloatComparison | null = null;
  if (floatNetwork) {
    const floatLayers = floatNetwork.architecture.layers;
    if (floatLayers.join("-") !== model.layers.join("-")) {
      throw new RangeError(`the float model is ${floatLayers.join("-")}, the quantized model ${model.layers.join("-")}`);
    }
    const floatLogits = forwardBatch(floatNetwork, testSet.images, testSet.count);
    const output = model.dense[model.dense.length - 1].output;
    let same = 0;
    let largestLogitDifference = 0;
    for (let n = 0; n < testSet.count; n++) {
      if (argmax(int8Logits, n * classes, classes) === argmax(floatLogits, n * classes, classes)) same++;
      for (let k = n * classes; k < (n + 1) * classes; k++) {
        largestLogitDifference = Math.max(largestLogitDifference, Math.abs(dequantize(int8Logits[k], output) - floatLogits[k]));
      }
    }
    float = {
      evaluation: evaluateLogits(floatLogits, testSet.labels, testSet.count, classes),
      agreement: testSet.count === 0 ? 1 : same / testSet.count,
      changed: testSet.count - same,
      largestLogitDifference,
    };
  }
  return { images: testSet.count, int8, float, saturation };
}

/** The summary a quantized model file keeps of a verification. */
export function accuracyRecord(verification: Verification): AccuracyRecord {
  return {
    testImages: verification.images,
    int8: verification.int8.accuracy,
    float: verification.float?.evaluation.accuracy ?? null,
    agreement: verification.float?.agreement ?? null,
    changed: verification.float?.changed ?? null,
  };
}
