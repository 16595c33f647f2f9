// `fixnet eval MODEL`: test accuracy, per-class accuracy and the confusion matrix of a float
// model, as text or JSON.

import type { Command } from "commander";
import { loadDataset } from "../data/mnist.ts";
import type { Evaluation } from "../model/evaluate.ts";
import { readFloatModel } from "../model/file.ts";
import { FixnetError } from "../errors.ts";
import { evaluateNetwork } from "../train/run.ts";
import type { Io } from "./io.ts";

const percent = (value: number): string => (Number.isNaN(value) ? "-" : `${(100 * value).toFixed(2)}%`);

/** The confusion matrix as an aligned table: rows are true labels, columns predictions. */
export function formatConfusion(confusion: number[][]): string {
  const width = Math.max(5, ...confusion.flat().map((n) => String(n).length + 1));
  const cell = (text: string | number): string => String(text).padStart(width);
  const lines = [`true\\pred${confusion.map((_, j) => cell(j)).join("")}`];
  confusion.forEach((row, i) => lines.push(`${String(i).padStart(9)}${row.map(cell).join("")}`));
  return lines.join("\n") + "\n";
}

export function printEvaluation(io: Io, evaluation: Evaluation, name: string): void {
  io.out(`${name} accuracy: ${percent(evaluation.accuracy)} (${evaluation.correct} of ${evaluation.count})\n`);
  io.out(`per class: ${evaluation.perClassAccuracy.map((a, label) => `${label}: ${percent(a)}`).join("  ")}\n`);
  io.out(formatConfusion(evaluation.confusion));
}

export function registerEval(program: Command, io: Io): void {
  program
    .command("eval")
    .description("measure a float model on the test images: accuracy, per class, confusion matrix")
    .argument("<model>", "float model file written by fixnet train")
    .option("--data <dir>", "folder with the four MNIST-format IDX files (default: the bundled MNIST)")
    .option("--json", "print the figures as JSON")
    .action((modelPath: string, options: { data?: string; json?: boolean }) => {
      const model = readFloatModel(modelPath);
      const dataset = loadDataset(options.data);
      const pixels = dataset.test.rows * dataset.test.cols;
      if (model.network.architecture.layers[0] !== pixels) {
        throw new FixnetError("bad-option", `${modelPath}: the model takes ${model.network.architecture.layers[0]} inputs but the test images have ${pixels} pixels`);
      }
      const evaluation = evaluateNetwork(model.network, dataset.test);
      if (options.json) io.out(`${JSON.stringify({ model: modelPath, ...evaluation }, null, 2)}\n`);
      else printEvaluation(io, evaluation, "test");
    });
}
