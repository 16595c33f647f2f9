// Training curves from the model file's training record: loss and accuracy per epoch, on the
// training images (as trained, with augmentation) and on the held-out validation images, with
// the kept epoch marked. An SVG chart; the numbers come from the file, nothing is re-run.

import type { TrainingRecord } from "../model/file.ts";
import { FLOAT_COLOUR, INT8_COLOUR, lineChart, svgDocument } from "./svg.ts";

const TRAIN_COLOUR = FLOAT_COLOUR;
const VALIDATION_COLOUR = INT8_COLOUR;

const percent = (value: number): string => `${Number((100 * value).toFixed(1))}%`;

/** Loss and accuracy charts side by side, 920 × 320 pixels. */
export function trainingCurvesSvg(training: TrainingRecord): string {
  const epochs = training.epochs;
  const width = 920;
  const height = 320;
  const lastEpoch = epochs.length === 0 ? 1 : epochs[epochs.length - 1].epoch;
  const xDomain: [number, number] = [Math.min(1, lastEpoch), lastEpoch];
  const markers = epochs.length === 0 ? [] : [{ x: training.bestEpoch, label: `kept epoch ${training.bestEpoch}` }];
  const finite = (values: number[]): number[] => values.filter((value) => Number.isFinite(value));

  const losses = finite(epochs.flatMap((epoch) => [epoch.loss, epoch.validationLoss]));
  const lossTop = losses.length === 0 ? 1 : Math.max(...losses) * 1.05;
  const loss = lineChart({
    x: 0, y: 0, width: width / 2, height,
    title: "Loss (cross-entropy) per epoch",
    xLabel: "epoch", yLabel: "loss (nats)",
    xDomain, yDomain: [0, lossTop],
    formatY: (value) => value.toFixed(value < 1 ? 2 : 1),
    markers,
    series: [
      { name: "training", colour: TRAIN_COLOUR, points: epochs.map((epoch) => [epoch.epoch, epoch.loss]) },
      { name: "validation", colour: VALIDATION_COLOUR, dashed: true, points: epochs.map((epoch) => [epoch.epoch, epoch.validationLoss]) },
    ],
  });

  const accuracies = finite(epochs.flatMap((epoch) => [epoch.accuracy, epoch.validationAccuracy]));
  const accuracyBottom = accuracies.length === 0 ? 0 : Math.max(0, Math.floor(Math.min(...accuracies) * 10) / 10);
  const accuracy = lineChart({
    x: width / 2, y: 0, width: width / 2, height,
    title: "Accuracy per epoch",
    xLabel: "epoch", yLabel: "accuracy",
    xDomain, yDomain: [accuracyBottom, 1],
    formatY: percent,
    markers,
    series: [
      { name: "training", colour: TRAIN_COLOUR, points: epochs.map((epoch) => [epoch.epoch, epoch.accuracy]) },
      { name: "validation", colour: VALIDATION_COLOUR, dashed: true, points: epochs.map((epoch) => [epoch.epoch, epoch.validationAccuracy]) },
    ],
  });
  return svgDocument(width, height, `training curves: ${epochs.length} epochs, kept epoch ${training.bestEpoch}`, loss + accuracy);
}
