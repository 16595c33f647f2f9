// The float model file: a versioned JSON document holding the architecture, the parameters and
// how they were trained. Validated field by field on load; written atomically. The format is
// described in docs/model-format.md.

import { writeFileAtomic } from "../files.ts";
import { createNetwork, HIDDEN_ACTIVATIONS, parameterCount, type Network } from "./network.ts";
import { decodeFloat32Into, encodeFloat32, FieldReader, readJsonDocument } from "./validate.ts";

export const FLOAT_MODEL_FORMAT = "fixnet-float-model";
export const FLOAT_MODEL_VERSION = 1;

export interface EpochSummary {
  epoch: number;
  /** The learning rate at the epoch's end. */
  learningRate: number;
  /** Mean training cross-entropy and accuracy over the epoch (as trained, with augmentation). */
  loss: number;
  accuracy: number;
  validationLoss: number;
  validationAccuracy: number;
  /** False when the run was interrupted during this epoch. */
  complete: boolean;
}

/** How the parameters came to be. Free of timestamps and durations, so that the same seed and
 *  options give a byte-identical file. */
export interface TrainingRecord {
  /** The dataset folder as given, and a SHA-256 over its four files' contents. */
  dataset: { source: string; sha256: string; trainCount: number; testCount: number };
  seed: number;
  preset: string;
  /** Every option the trainer ran with. */
  options: Record<string, unknown>;
  epochs: EpochSummary[];
  bestEpoch: number;
  interrupted: boolean;
  /** The network distilled from, when options.distillation was set. */
  teacher: TeacherRecord | null;
  /** Test-set accuracy of the kept parameters, in [0, 1]. */
  testAccuracy: number;
  fixnetVersion: string;
}

export interface TeacherRecord {
  /** The teacher's model file. */
  source: string;
  layers: number[];
  parametersSha256: string;
  testAccuracy: number | null;
}

export interface FloatModel {
  network: Network;
  training: TrainingRecord | null;
}

export function serializeFloatModel(model: FloatModel): string {
  const { network } = model;
  const document = {
    format: FLOAT_MODEL_FORMAT,
    version: FLOAT_MODEL_VERSION,
    architecture: {
      layers: network.architecture.layers,
      hiddenActivation: network.architecture.hiddenActivation,
      outputActivation: "linear",
      input: "pixel / 255",
    },
    parameters: {
      encoding: "float32-le-base64",
      weightLayout: "[inputs][outputs]",
      layers: network.dense.map((layer) => ({
        inputs: layer.inputs,
        outputs: layer.outputs,
        weights: encodeFloat32(layer.weights),
        bias: encodeFloat32(layer.bias),
      })),
    },
    training: model.training,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function writeFloatModel(path: string, model: FloatModel): void {
  writeFileAtomic(path, serializeFloatModel(model));
}

export function readFloatModel(path: string): FloatModel {
  return parseFloatModel(readJsonDocument(path, "fixnet model file (JSON)"), path);
}

/** Validates a parsed document and builds the network; every problem is one FixnetError line. */
export function parseFloatModel(document: unknown, file: string): FloatModel {
  const read = new FieldReader(file);
  const root = read.object(document, "the file");
  if (root.format !== FLOAT_MODEL_FORMAT) {
    const hint = root.format === "fixnet-int8-model" ? " (this is a quantized model; this command takes the float model)" : " (not a fixnet float model)";
    read.fail("format", JSON.stringify(FLOAT_MODEL_FORMAT) + hint, root.format);
  }
  if (root.version !== FLOAT_MODEL_VERSION) {
    read.fail("version", `${FLOAT_MODEL_VERSION} (this fixnet reads version ${FLOAT_MODEL_VERSION}; retrain or upgrade fixnet)`, root.version);
  }
  const architecture = read.object(root.architecture, "architecture");
  const layerSizes = read.array(architecture.layers, "architecture.layers");
  if (layerSizes.length < 2) read.fail("architecture.layers", "at least an input and an output size", layerSizes);
  const layers = layerSizes.map((size, i) => read.integer(size, `architecture.layers[${i}]`, 1, 1 << 20));
  const hiddenActivation = read.oneOf(architecture.hiddenActivation, "architecture.hiddenActivation", HIDDEN_ACTIVATIONS);

  const parameters = read.object(root.parameters, "parameters");
  read.oneOf(parameters.encoding, "parameters.encoding", ["float32-le-base64"] as const);
  read.oneOf(parameters.weightLayout, "parameters.weightLayout", ["[inputs][outputs]"] as const);
  const denseLayers = read.array(parameters.layers, "parameters.layers");
  if (denseLayers.length !== layers.length - 1) {
    read.fail("parameters.layers", `${layers.length - 1} layers for architecture ${layers.join("-")}`, `${denseLayers.length} layers`);
  }
  const network = createNetwork({ layers, hiddenActivation }, new Float32Array(parameterCount(layers)));
  denseLayers.forEach((entry, l) => {
    const field = `parameters.layers[${l}]`;
    const layer = read.object(entry, field);
    read.integer(layer.inputs, `${field}.inputs`, layers[l], layers[l]);
    read.integer(layer.outputs, `${field}.outputs`, layers[l + 1], layers[l + 1]);
    decodeFloat32Into(read, layer.weights, `${field}.weights`, network.dense[l].weights);
    decodeFloat32Into(read, layer.bias, `${field}.bias`, network.dense[l].bias);
  });

  const training = root.training === null || root.training === undefined ? null : (read.object(root.training, "training") as unknown as TrainingRecord);
  if (training) {
    read.number(training.testAccuracy, "training.testAccuracy");
    read.array(training.epochs, "training.epochs");
  }
  return { network, training };
}
