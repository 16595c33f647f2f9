// A whole training run as the CLI and benchmarks use it: train on the training images, score the
// kept parameters on the test images, and assemble the model file's training record.

import { datasetFingerprint } from "../data/fingerprint.ts";
import { CLASS_COUNT } from "../data/mnist.ts";
import type { Dataset, ImageSet } from "../data/types.ts";
import { evaluateLogits, type Evaluation } from "../model/evaluate.ts";
import type { FloatModel, TeacherRecord, TrainingRecord } from "../model/file.ts";
import { forwardBatch } from "../model/forward.ts";
import { parametersSha256, type Network } from "../model/network.ts";
import { train, type TrainHooks, type TrainOptions, type TrainResources } from "./loop.ts";
import { FIXNET_VERSION } from "../version.ts";

export interface TrainRunResult {
  model: FloatModel;
  test: Evaluation;
}

export function evaluateNetwork(network: Network, set: ImageSet): Evaluation {
  const classes = network.architecture.layers[network.architecture.layers.length - 1];
  return evaluateLogits(forwardBatch(network, set.images, set.count), set.labels, set.count, classes);
}

/** Checks that options fit the data before any work starts. */
export function checkTrainOptions(dataset: Dataset, options: TrainOptions): string | null {
  const pixels = dataset.train.rows * dataset.train.cols;
  const { layers } = options;
  if (layers[0] !== pixels) return `--layers: the first size must be the ${pixels} pixels of a ${dataset.train.rows}x${dataset.train.cols} image, found ${layers[0]}`;
  if (layers[layers.length - 1] !== CLASS_COUNT) return `--layers: the last size must be the ${CLASS_COUNT} classes, found ${layers[layers.length - 1]}`;
  if (options.distillation && (options.distillation.temperature <= 0 || options.distillation.weight < 0 || options.distillation.weight > 1)) {
    return `distillation: temperature must be above 0 and weight in [0, 1], found ${options.distillation.temperature} and ${options.distillation.weight}`;
  }
  if (options.validationCount >= dataset.train.count) return `--validation: ${options.validationCount} held-out images leave none of the ${dataset.train.count} training images to train on`;
  return null;
}

/** A teacher for distillation: the network and where it came from. */
export interface Teacher {
  model: FloatModel;
  source: string;
}

export async function trainModel(dataset: Dataset, datasetName: string, preset: string, options: TrainOptions, hooks: TrainHooks = {}, resources: Omit<TrainResources, "teacher"> = {}, teacher: Teacher | null = null): Promise<TrainRunResult> {
  const result = await train(dataset.train, options, hooks, { ...resources, teacher: teacher?.model.network });
  const teacherRecord: TeacherRecord | null = teacher && {
    source: teacher.source,
    layers: teacher.model.network.architecture.layers,
    parametersSha256: parametersSha256(teacher.model.network.parameters),
    testAccuracy: teacher.model.training?.testAccuracy ?? null,
  };
  const test = evaluateNetwork(result.network, dataset.test);
  const model: FloatModel = {
    network: result.network,
    training: {
      dataset: { source: datasetName, sha256: datasetFingerprint(dataset), trainCount: dataset.train.count, testCount: dataset.test.count },
      seed: options.seed,
      preset,
      options: { ...options },
      epochs: result.history,
      bestEpoch: result.bestEpoch,
      interrupted: result.interrupted,
      teacher: options.distillation ? teacherRecord : null,
      testAccuracy: test.accuracy,
      fixnetVersion: FIXNET_VERSION,
    },
  };
  return { model, test };
}

/** JSON with every object's keys sorted: two option sets compare equal however they were built. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item);
}

/**
 * Why record is not what trainModel(dataset, preset, options) would write now, or null when it
 * is: the same data (its fingerprint), preset, options (seed included) and fixnet version, and a
 * run that was not interrupted. Training is deterministic, so such a model can stand in for
 * training it again (the CLI reuses a teacher this way).
 */
export function trainingDiffers(record: TrainingRecord | null, dataset: Dataset, preset: string, options: TrainOptions): string | null {
  if (record === null) return "it records no training";
  if (record.interrupted) return "its training was interrupted";
  if (record.fixnetVersion !== FIXNET_VERSION) return `fixnet ${record.fixnetVersion} trained it, this is ${FIXNET_VERSION}`;
  if (record.preset !== preset) return `it was trained with preset ${record.preset}, not ${preset}`;
  if (record.dataset.sha256 !== datasetFingerprint(dataset)) return "it was trained on other data";
  if (canonicalJson(record.options) !== canonicalJson(JSON.parse(JSON.stringify(options)))) return "it was trained with other options (seed, epochs, held-out images...)";
  return null;
}
