// `fixnet inspect weights|mistakes|confusion|saliency|noise|curves`: one picture or chart of a
// model per call, written as PNG (pixel pictures) or SVG (charts with text). Reads the files,
// calls src/inspect, writes atomically, prints; all drawing and measuring lives in src/inspect.

import type { Command } from "commander";
import { extname } from "node:path";
import { loadDataset } from "../data/mnist.ts";
import type { ImageSet } from "../data/types.ts";
import { FixnetError } from "../errors.ts";
import { checkOutputPath, writeFileAtomic } from "../files.ts";
import { trainingCurvesSvg } from "../inspect/curves.ts";
import { besideEachOther, encodePng, type RgbaImage } from "../inspect/image.ts";
import { confusionHeatmap, findMistakes, mistakesGallery } from "../inspect/mistakes.ts";
import { checkImageSize, readInspectedModels, requireFloat, type InspectedModels } from "../inspect/models.ts";
import { DEFAULT_NOISE_PROBE, noiseProbe, noiseProbeSvg, summariseNoiseProbe } from "../inspect/noise.ts";
import { floatPredictions, int8Predictions, type Predictions } from "../inspect/predictions.ts";
import { saliencyOf, saliencyPicture } from "../inspect/saliency.ts";
import { floatWeightGrid, int8WeightGrid } from "../inspect/weights.ts";
import { evaluateLogits } from "../model/evaluate.ts";
import type { Io } from "./io.ts";
import { integerIn } from "./options.ts";

const MODEL_ARGUMENT = "a float model (fixnet train) or an int8 model (fixnet quantize)";
const QMODEL_ARGUMENT = "with a float MODEL, its int8 model: the two are shown side by side";
const DATA_OPTION = "folder with the MNIST-format test images (default: the bundled MNIST)";

/** Refuses an output name whose extension does not match what the view writes, before any work. */
export function checkOutput(path: string, extension: ".png" | ".svg", view: string): void {
  if (extname(path).toLowerCase() !== extension) {
    const why = extension === ".svg" ? "a chart with text labels, written as SVG (open it in a browser)" : "a pixel picture, written as PNG";
    throw new FixnetError("bad-option", `-o ${path}: ${view} is ${why}; give a file name ending in ${extension}`);
  }
  checkOutputPath(path, `${view} ${extension.slice(1).toUpperCase()}`);
}

function modelPaths(modelPath: string, qmodelPath: string | undefined): string[] {
  return qmodelPath === undefined ? [modelPath] : [modelPath, qmodelPath];
}

/** Loads the models and the test images and checks that they fit. */
function loadInputs(modelPaths: string[], data: string | undefined): { models: InspectedModels; testSet: ImageSet } {
  const models = readInspectedModels(modelPaths);
  const testSet = loadDataset(data).test;
  checkImageSize(models, testSet.rows, testSet.cols);
  return { models, testSet };
}

/** The present models' predictions on the set, float first, with their names. */
function predictionsOf(models: InspectedModels, set: ImageSet): { name: string; predictions: Predictions }[] {
  const result: { name: string; predictions: Predictions }[] = [];
  if (models.float) result.push({ name: "FLOAT", predictions: floatPredictions(models.float.model.network, set.images, set.count) });
  if (models.int8) result.push({ name: "INT8", predictions: int8Predictions(models.int8.model, set.images, set.count) });
  return result;
}

function writePng(io: Io, out: string, image: RgbaImage): void {
  writeFileAtomic(out, encodePng(image));
  io.err(`wrote ${out} (${image.width}x${image.height})\n`);
}

export function registerInspect(program: Command, io: Io): void {
  const inspect = program
    .command("inspect")
    .description("pictures of a model: first-layer weights, mistakes, confusion matrix, saliency, noise probe, training curves")
    .addHelpText("after", `
Examples:
  fixnet inspect weights out/model.json out/model.int8.json -o weights.png
  fixnet inspect mistakes out/model.json -o mistakes.png
  fixnet inspect confusion out/model.json out/model.int8.json -o confusion.png
  fixnet inspect saliency out/model.json --image 8 -o saliency.png
  fixnet inspect noise out/model.json out/model.int8.json -o noise.svg
  fixnet inspect curves out/model.json -o curves.svg
All of them on one page: fixnet report out/model.json out/model.int8.json -o report.html`);

  inspect
    .command("weights")
    .description("first-layer weights: each neuron's weights as a 28x28 tile, blue negative, red positive, grey zero (PNG)")
    .argument("<model>", MODEL_ARGUMENT)
    .argument("[qmodel]", QMODEL_ARGUMENT)
    .requiredOption("-o, --out <file.png>", "picture to write")
    .option("--shared-scale", "one colour scale for all tiles (compares sizes) instead of each tile against its own largest |weight| (shows every pattern)")
    .option("--pixel-size <n>", "screen pixels per weight", integerIn(1, 32), 6)
    .option("--data <dir>", "MNIST-format data: only its image size (rows x cols) is used (default: the bundled MNIST)")
    .action((modelPath: string, qmodelPath: string | undefined, options: { out: string; sharedScale?: boolean; pixelSize: number; data?: string }) => {
      checkOutput(options.out, ".png", "weights");
      const { models, testSet } = loadInputs(modelPaths(modelPath, qmodelPath), options.data);
      const settings = { pixelSize: options.pixelSize, scale: options.sharedScale ? "shared" as const : "per-neuron" as const };
      const images: RgbaImage[] = [];
      if (models.float) images.push(floatWeightGrid(models.float.model.network, testSet.rows, testSet.cols, { ...settings, title: "FLOAT" }).image);
      if (models.int8) images.push(int8WeightGrid(models.int8.model, testSet.rows, testSet.cols, { ...settings, title: "INT8" }).image);
      writePng(io, options.out, besideEachOther(images));
    });

  inspect
    .command("mistakes")
    .description("misclassified test images, most confident first, captioned true>predicted confidence, e.g. 7>2 93% (PNG)")
    .argument("<model>", MODEL_ARGUMENT)
    .argument("[qmodel]", QMODEL_ARGUMENT)
    .requiredOption("-o, --out <file.png>", "picture to write")
    .option("--limit <n>", "at most this many images per model", integerIn(1, 10000), 60)
    .option("--data <dir>", DATA_OPTION)
    .action((modelPath: string, qmodelPath: string | undefined, options: { out: string; limit: number; data?: string }) => {
      checkOutput(options.out, ".png", "mistakes");
      const { models, testSet } = loadInputs(modelPaths(modelPath, qmodelPath), options.data);
      const all = predictionsOf(models, testSet);
      const galleries = all.map(({ name, predictions }) => {
        const mistakes = findMistakes(predictions, testSet.labels);
        io.out(`${name.toLowerCase()}: ${mistakes.length} of ${testSet.count} test images misclassified${mistakes.length > options.limit ? `, ${options.limit} most confident shown` : ""}\n`);
        return mistakesGallery(testSet, mistakes, { limit: options.limit, columns: all.length > 1 ? 6 : 10, title: `${name} ${mistakes.length} WRONG` }).image;
      });
      writePng(io, options.out, besideEachOther(galleries));
    });

  inspect
    .command("confusion")
    .description("confusion matrix heat map on the test images: rows true label, columns predicted class (PNG)")
    .argument("<model>", MODEL_ARGUMENT)
    .argument("[qmodel]", QMODEL_ARGUMENT)
    .requiredOption("-o, --out <file.png>", "picture to write")
    .option("--data <dir>", DATA_OPTION)
    .action((modelPath: string, qmodelPath: string | undefined, options: { out: string; data?: string }) => {
      checkOutput(options.out, ".png", "confusion");
      const { models, testSet } = loadInputs(modelPaths(modelPath, qmodelPath), options.data);
      const heatmaps = predictionsOf(models, testSet).map(({ name, predictions }) => {
        const evaluation = evaluateLogits(predictions.logits, testSet.labels, testSet.count, predictions.classes);
        io.out(`${name.toLowerCase()} accuracy: ${(100 * evaluation.accuracy).toFixed(2)}% (${evaluation.correct} of ${evaluation.count})\n`);
        return confusionHeatmap(evaluation.confusion, { title: name }).image;
      });
      writePng(io, options.out, besideEachOther(heatmaps));
    });

  inspect
    .command("saliency")
    .description("for one test image, the gradient of the winning class's logit w.r.t. each input pixel, through the float network, as a heat map over the digit (PNG)")
    .argument("<model>", "float model (fixnet train); the int8 model has no gradient")
    .requiredOption("-o, --out <file.png>", "picture to write")
    .option("--image <n>", "index of the test image (0 is the first)", integerIn(0, 100_000_000), 0)
    .option("--pixel-size <n>", "screen pixels per image pixel", integerIn(1, 32), 8)
    .option("--data <dir>", DATA_OPTION)
    .action((modelPath: string, options: { out: string; image: number; pixelSize: number; data?: string }) => {
      checkOutput(options.out, ".png", "saliency");
      const { models, testSet } = loadInputs([modelPath], options.data);
      const { model } = requireFloat(models, "saliency");
      checkImageIndex(options.image, testSet);
      const saliency = saliencyOf(model.network, testSet, options.image);
      const picture = saliencyPicture(testSet, saliency, options.pixelSize);
      io.out(`test image ${saliency.index}: true ${saliency.label}, predicted ${saliency.predicted} (${(100 * saliency.confidence).toFixed(1)}%), largest |gradient| ${picture.range.toPrecision(3)}\n`);
      writePng(io, options.out, picture.image);
    });

  inspect
    .command("noise")
    .description("noise probe: how sure the model is about uniform noise, Gaussian noise, blank and shuffled-pixel images, next to real test images")
    .argument("<model>", MODEL_ARGUMENT)
    .argument("[qmodel]", QMODEL_ARGUMENT)
    .option("-o, --out <file.svg>", "also write the chart (SVG)")
    .option("--images <n>", "images per kind", integerIn(1, 1_000_000), DEFAULT_NOISE_PROBE.images)
    .option("--seed <n>", "random seed for the noise", integerIn(0, 2 ** 32 - 1), DEFAULT_NOISE_PROBE.seed)
    .option("--json", "print the figures as JSON")
    .option("--data <dir>", DATA_OPTION)
    .action((modelPath: string, qmodelPath: string | undefined, options: { out?: string; images: number; seed: number; json?: boolean; data?: string }) => {
      if (options.out) checkOutput(options.out, ".svg", "noise");
      const { models, testSet } = loadInputs(modelPaths(modelPath, qmodelPath), options.data);
      const probe = noiseProbe({ float: models.float?.model.network, int8: models.int8?.model }, testSet, { images: options.images, seed: options.seed });
      if (options.json) io.out(`${JSON.stringify(probe, null, 2)}\n`);
      else io.out(summariseNoiseProbe(probe).map((line) => `${line}\n`).join(""));
      if (options.out) {
        writeFileAtomic(options.out, noiseProbeSvg(probe));
        io.err(`wrote ${options.out}\n`);
      }
    });

  inspect
    .command("curves")
    .description("training curves: loss and accuracy per epoch from the model file's training record (SVG)")
    .argument("<model>", "float model written by fixnet train")
    .requiredOption("-o, --out <file.svg>", "chart to write")
    .action((modelPath: string, options: { out: string }) => {
      checkOutput(options.out, ".svg", "curves");
      const { model, path } = requireFloat(readInspectedModels([modelPath]), "curves");
      if (!model.training || model.training.epochs.length === 0) {
        throw new FixnetError("bad-file", `${path}: no training record (epochs) in the model file; curves need a model written by fixnet train`);
      }
      writeFileAtomic(options.out, trainingCurvesSvg(model.training));
      io.err(`wrote ${options.out}\n`);
    });
}

/** An image index must name a test image. */
export function checkImageIndex(index: number, set: ImageSet): void {
  if (index >= set.count) {
    throw new FixnetError("bad-option", `--image ${index}: out of range; the test set has ${set.count} images (0..${set.count - 1})`);
  }
}
