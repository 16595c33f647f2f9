// What the network gets wrong: the misclassified test images (most confident first) as a
// labelled gallery, images where two models disagree, and the confusion matrix as a heat map.
// Works from Predictions, so the float and the int8 model are shown by the same code.

import type { ImageSet } from "../data/types.ts";
import { inkColour, sequentialColour, textColourOn } from "./colour.ts";
import { drawText, textHeight, textWidth } from "./font.ts";
import { createImage, drawCells, fillRect, type RgbaImage } from "./image.ts";
import type { Predictions } from "./predictions.ts";

export interface Mistake {
  /** Index in the test set. */
  index: number;
  label: number;
  predicted: number;
  /** The predicted class's probability, in (0, 1]. */
  confidence: number;
}

/** Every image whose predicted class is not its label, most confident first (ties by index). */
export function findMistakes(predictions: Predictions, labels: Uint8Array): Mistake[] {
  const mistakes: Mistake[] = [];
  for (let n = 0; n < predictions.count; n++) {
    if (predictions.predicted[n] !== labels[n]) {
      mistakes.push({ index: n, label: labels[n], predicted: predictions.predicted[n], confidence: predictions.confidence[n] });
    }
  }
  return mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
}

/** "7>2 93%": true label, predicted class, confidence (the gallery's caption format). */
export function mistakeCaption(mistake: Mistake): string {
  return `${mistake.label}>${mistake.predicted} ${Math.round(100 * mistake.confidence)}%`;
}

export interface GalleryEntry {
  /** Index in the image set. */
  index: number;
  /** A few characters of the bitmap font, drawn under the image. */
  caption: string;
}

export interface GalleryOptions {
  /** Screen pixels per image pixel. */
  pixelSize: number;
  columns: number;
  /** At most this many entries are drawn (the first ones). */
  limit: number;
  title?: string;
}

export const DEFAULT_GALLERY: Readonly<GalleryOptions> = { pixelSize: 3, columns: 10, limit: 60 };

export interface Gallery {
  image: RgbaImage;
  /** The entries drawn, with the top left corner of each image. */
  cells: { index: number; x: number; y: number }[];
  pixelSize: number;
}

const CAPTION_SCALE = 2;

/** Images of the set in a grid, each with its caption underneath; "NONE" when there are none. */
export function imageGallery(set: ImageSet, entries: readonly GalleryEntry[], options: Partial<GalleryOptions> = {}): Gallery {
  const settings = { ...DEFAULT_GALLERY, ...options };
  const { pixelSize } = settings;
  const shown = entries.slice(0, settings.limit);
  const gap = 8;
  const imageWidth = set.cols * pixelSize;
  const imageHeight = set.rows * pixelSize;
  const captionHeight = textHeight(CAPTION_SCALE) + 4;
  const cellWidth = Math.max(imageWidth, ...shown.map((entry) => textWidth(entry.caption, CAPTION_SCALE)));
  const cellHeight = imageHeight + captionHeight;
  const columns = Math.max(1, Math.min(settings.columns, shown.length));
  const rows = Math.max(1, Math.ceil(shown.length / columns));
  const titleSpace = settings.title ? textHeight(CAPTION_SCALE) + gap : 0;
  const image = createImage(gap + columns * (cellWidth + gap), gap + titleSpace + rows * (cellHeight + gap));
  if (settings.title) drawText(image, settings.title, gap, gap, CAPTION_SCALE, [0, 0, 0]);
  if (shown.length === 0) drawText(image, "NONE", gap, gap + titleSpace, CAPTION_SCALE, [90, 90, 90]);

  const pixels = set.rows * set.cols;
  const cells = shown.map((entry, k) => {
    const x = gap + (k % columns) * (cellWidth + gap);
    const y = gap + titleSpace + Math.floor(k / columns) * (cellHeight + gap);
    const digit = set.images.subarray(entry.index * pixels, (entry.index + 1) * pixels);
    // A hairline frame marks the image's extent on the white page.
    fillRect(image, x - 1, y - 1, imageWidth + 2, imageHeight + 2, [200, 200, 200]);
    drawCells(image, x, y, set.rows, set.cols, pixelSize, (i) => inkColour(digit[i]));
    drawText(image, entry.caption, x, y + imageHeight + 3, CAPTION_SCALE, [0, 0, 0]);
    return { index: entry.index, x, y };
  });
  return { image, cells, pixelSize };
}

/** The misclassified images with "true>predicted confidence" captions. */
export function mistakesGallery(set: ImageSet, mistakes: readonly Mistake[], options: Partial<GalleryOptions> = {}): Gallery {
  return imageGallery(set, mistakes.map((mistake) => ({ index: mistake.index, caption: mistakeCaption(mistake) })), options);
}

export interface Disagreement {
  index: number;
  label: number;
  floatPredicted: number;
  int8Predicted: number;
}

/** Images the two models classify differently, in test-set order. */
export function findDisagreements(float: Predictions, int8: Predictions, labels: Uint8Array): Disagreement[] {
  const found: Disagreement[] = [];
  for (let n = 0; n < float.count; n++) {
    if (float.predicted[n] !== int8.predicted[n]) found.push({ index: n, label: labels[n], floatPredicted: float.predicted[n], int8Predicted: int8.predicted[n] });
  }
  return found;
}

/** "7 F7 I2": true label, the float model's class, the int8 model's class. */
export function disagreementCaption(disagreement: Disagreement): string {
  return `${disagreement.label} F${disagreement.floatPredicted} I${disagreement.int8Predicted}`;
}

export interface ConfusionHeatmap {
  image: RgbaImage;
  /** [true][predicted] top left corner of each cell. */
  cells: { x: number; y: number }[][];
  cellSize: number;
}

/**
 * confusion: [classes][classes], row = true label, column = predicted class. Each cell is
 * coloured by its share of the row, through a square root so that the few-percent confusions
 * show beside the ~97% diagonal; its count is written in it.
 */
export function confusionHeatmap(confusion: number[][], options: { cellSize?: number; title?: string } = {}): ConfusionHeatmap {
  const classes = confusion.length;
  const cellSize = options.cellSize ?? 40;
  const scale = 2;
  const margin = 8;
  const labelSpace = textWidth(String(classes - 1), scale) + 8;
  const titleSpace = options.title ? textHeight(scale) + margin : 0;
  const heading = "COLUMNS: PREDICTED";
  const headingSpace = textHeight(scale) + margin;
  const gridLeft = margin + labelSpace;
  const gridTop = margin + titleSpace + headingSpace + textHeight(scale) + 6;
  const image = createImage(Math.max(gridLeft + classes * cellSize + margin, margin + textWidth(heading, scale) + margin), gridTop + classes * cellSize + margin + textHeight(scale) + margin);
  if (options.title) drawText(image, options.title, margin, margin, scale, [0, 0, 0]);
  drawText(image, heading, gridLeft, margin + titleSpace, scale, [60, 60, 60]);
  drawText(image, "ROWS: TRUE", margin, gridTop + classes * cellSize + margin, scale, [60, 60, 60]);

  const cells: { x: number; y: number }[][] = [];
  for (let r = 0; r < classes; r++) {
    const total = confusion[r].reduce((sum, count) => sum + count, 0);
    const label = String(r);
    drawText(image, label, margin, gridTop + r * cellSize + (cellSize - textHeight(scale)) / 2, scale, [0, 0, 0]);
    cells.push([]);
    for (let c = 0; c < classes; c++) {
      const x = gridLeft + c * cellSize;
      const y = gridTop + r * cellSize;
      cells[r].push({ x, y });
      const count = confusion[r][c];
      const colour = sequentialColour(total === 0 ? 0 : Math.sqrt(count / total));
      fillRect(image, x, y, cellSize, cellSize, colour);
      if (count > 0) {
        const text = String(count);
        const textScale = textWidth(text, scale) <= cellSize - 4 ? scale : 1;
        drawText(image, text, x + Math.floor((cellSize - textWidth(text, textScale)) / 2), y + Math.floor((cellSize - textHeight(textScale)) / 2), textScale, textColourOn(colour));
      }
    }
  }
  for (let c = 0; c < classes; c++) {
    const label = String(c);
    drawText(image, label, gridLeft + c * cellSize + Math.floor((cellSize - textWidth(label, scale)) / 2), gridTop - textHeight(scale) - 6, scale, [0, 0, 0]);
  }
  // Grid lines between cells, so that equal neighbours stay separate cells.
  for (let k = 0; k <= classes; k++) {
    fillRect(image, gridLeft + k * cellSize, gridTop, 1, classes * cellSize, [210, 210, 210]);
    fillRect(image, gridLeft, gridTop + k * cellSize, classes * cellSize, 1, [210, 210, 210]);
  }
  return { image, cells, cellSize };
}
