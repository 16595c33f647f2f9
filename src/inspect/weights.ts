// First-layer weights as pictures: each neuron's weights from the input pixels drawn as a tile
// of the input's shape (28×28 for MNIST), blue for negative, red for positive, neutral grey for
// zero, tiles in a grid, enlarged. Works on real-valued weights; the int8 weights are turned into
// the values they stand for (q · scale) first.

import type { Network } from "../model/network.ts";
import type { QuantizedModel } from "../model/quantized-model.ts";
import { divergingColour } from "./colour.ts";
import { drawText, textHeight, textWidth } from "./font.ts";
import { createImage, drawCells, fillRect, type Rgb, type RgbaImage } from "./image.ts";

/** How colours map to weights: each tile against its own largest |w| (shows every neuron's
 *  pattern, whatever its size), or all tiles against the layer's largest |w| (compares sizes). */
export const WEIGHT_SCALES = ["per-neuron", "shared"] as const;
export type WeightScale = (typeof WEIGHT_SCALES)[number];

export interface WeightGridOptions {
  /** Screen pixels per input pixel. */
  pixelSize: number;
  /** Pixels between tiles and around the grid. */
  gap: number;
  /** Tiles per row (default: a near-square grid). */
  columns?: number;
  scale: WeightScale;
  /** Drawn above the grid in the bitmap font, e.g. "FLOAT". */
  title?: string;
}

export const DEFAULT_WEIGHT_GRID: Readonly<WeightGridOptions> = { pixelSize: 6, gap: 6, scale: "per-neuron" };

/** Where things were drawn, so that tests and captions can find a neuron's tile. */
export interface WeightGrid {
  image: RgbaImage;
  /** [outputs] top left corner of each neuron's tile. */
  tiles: { x: number; y: number }[];
  /** Tile side lengths in screen pixels. */
  tileWidth: number;
  tileHeight: number;
  /** [outputs] the |w| that maps to the ends of the colour scale for each tile. */
  ranges: number[];
}

/** Real first-layer weights of the float network: [inputs][outputs]. */
export function floatFirstLayerWeights(network: Network): Float32Array {
  return network.dense[0].weights;
}

/** Real values the int8 first-layer weights stand for, q · weightScales[j]: [inputs][outputs]. */
export function int8FirstLayerWeights(model: QuantizedModel): Float64Array {
  const layer = model.dense[0];
  const values = new Float64Array(layer.weights.length);
  for (let i = 0; i < layer.inputs; i++) {
    for (let j = 0; j < layer.outputs; j++) values[i * layer.outputs + j] = layer.weights[i * layer.outputs + j] * layer.weightScales[j];
  }
  return values;
}

/**
 * weights: [inputs][outputs] with inputs = rows · cols (the image shape, row-major). Draws output
 * j's column of weights as a rows × cols tile: colour divergingColour(w / range_j), with range_j
 * the tile's (or the layer's) largest |w|; a tile of zeros is all NEUTRAL. A colour bar runs under
 * the grid from −range (blue) through 0 to +range (red).
 */
export function weightGrid(weights: ArrayLike<number>, rows: number, cols: number, outputs: number, options: Partial<WeightGridOptions> = {}): WeightGrid {
  const settings = { ...DEFAULT_WEIGHT_GRID, ...options };
  const inputs = rows * cols;
  if (weights.length !== inputs * outputs) throw new RangeError(`expected ${inputs}x${outputs} weights, got ${weights.length}`);
  const { pixelSize, gap } = settings;
  const columns = settings.columns ?? Math.ceil(Math.sqrt(outputs));
  const gridRows = Math.ceil(outputs / columns);
  const tileWidth = cols * pixelSize;
  const tileHeight = rows * pixelSize;
  const titleScale = 2;
  const titleSpace = settings.title ? textHeight(titleScale) + gap : 0;
  const barHeight = 3 * pixelSize;
  const barLabelScale = 2;
  const gridWidth = columns * tileWidth + (columns - 1) * gap;
  const gridHeight = gridRows * tileHeight + (gridRows - 1) * gap;
  const image = createImage(gridWidth + 2 * gap, titleSpace + gridHeight + barHeight + textHeight(barLabelScale) + 4 * gap);
  if (settings.title) drawText(image, settings.title, gap, gap, titleScale, [0, 0, 0]);

  const largest = new Array<number>(outputs).fill(0);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < outputs; j++) largest[j] = Math.max(largest[j], Math.abs(weights[i * outputs + j]));
  }
  const layerLargest = Math.max(0, ...largest);
  const ranges = largest.map((own) => (settings.scale === "shared" ? layerLargest : own));

  const tiles: { x: number; y: number }[] = [];
  for (let j = 0; j < outputs; j++) {
    const x = gap + (j % columns) * (tileWidth + gap);
    const y = gap + titleSpace + Math.floor(j / columns) * (tileHeight + gap);
    tiles.push({ x, y });
    const range = ranges[j];
    drawCells(image, x, y, rows, cols, pixelSize, (i) => divergingColour(range === 0 ? 0 : weights[i * outputs + j] / range));
  }

  const barY = gap + titleSpace + gridHeight + gap;
  for (let x = 0; x < gridWidth; x++) {
    const t = (2 * x) / Math.max(1, gridWidth - 1) - 1;
    fillRect(image, gap + x, barY, 1, barHeight, divergingColour(t));
  }
  const labelY = barY + barHeight + gap;
  const grey: Rgb = [60, 60, 60];
  drawText(image, "NEGATIVE", gap, labelY, barLabelScale, grey);
  drawText(image, "0", gap + Math.floor((gridWidth - textWidth("0", barLabelScale)) / 2), labelY, barLabelScale, grey);
  drawText(image, "POSITIVE", gap + gridWidth - textWidth("POSITIVE", barLabelScale), labelY, barLabelScale, grey);
  return { image, tiles, tileWidth, tileHeight, ranges };
}

/** The float network's first layer as a weight grid (inputs taken as a rows × cols image). */
export function floatWeightGrid(network: Network, rows: number, cols: number, options: Partial<WeightGridOptions> = {}): WeightGrid {
  return weightGrid(floatFirstLayerWeights(network), rows, cols, network.dense[0].outputs, options);
}

/** The int8 model's first layer as a weight grid of the real values q · scale. */
export function int8WeightGrid(model: QuantizedModel, rows: number, cols: number, options: Partial<WeightGridOptions> = {}): WeightGrid {
  return weightGrid(int8FirstLayerWeights(model), rows, cols, model.dense[0].outputs, options);
}
