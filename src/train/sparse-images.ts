// Images in compressed sparse row form (only the inked pixels), built once per dataset, and the
// filling of a mini-batch from them, with an optional random shift as data augmentation.

import type { ImageSet } from "../data/types.ts";
import { PIXEL_SCALE } from "../model/forward.ts";
import type { SparseBatch } from "./backprop.ts";
import type { Random } from "./random.ts";

export interface SparseImages {
  count: number;
  rows: number;
  cols: number;
  /** [count + 1]: image n's pixels are index/value[start[n] .. start[n+1]). */
  start: Int32Array;
  /** Pixel positions (row·cols + col), ascending within an image. */
  index: Uint16Array;
  /** Pixel values as the network sees them (pixel / 255). */
  value: Float32Array;
  labels: Uint8Array;
}

/** The images first..first+count of a set, without their blank pixels. */
export function toSparseImages(set: ImageSet, first = 0, count = set.count - first): SparseImages {
  const pixels = set.rows * set.cols;
  const images = set.images.subarray(first * pixels, (first + count) * pixels);
  let nonZero = 0;
  for (let k = 0; k < images.length; k++) if (images[k] !== 0) nonZero++;
  const start = new Int32Array(count + 1);
  const index = new Uint16Array(nonZero);
  const value = new Float32Array(nonZero);
  let at = 0;
  for (let n = 0; n < count; n++) {
    start[n] = at;
    const base = n * pixels;
    for (let p = 0; p < pixels; p++) {
      const pixel = images[base + p];
      if (pixel === 0) continue;
      index[at] = p;
      value[at] = pixel * PIXEL_SCALE;
      at++;
    }
  }
  start[count] = at;
  return { count, rows: set.rows, cols: set.cols, start, index, value, labels: set.labels.slice(first, first + count) };
}

/** Shifts are coded as (dy + maxShift)·(2·maxShift + 1) + (dx + maxShift): 0 .. (2·maxShift+1)² − 1. */
export function shiftCount(maxShift: number): number {
  return (2 * maxShift + 1) ** 2;
}

/** Appends image n, moved by (dx, dy) pixels (ink moved off the edge is dropped), to the
 *  batch's index/value arrays at position at; returns the new end position. */
export function appendShiftedImage(batch: SparseBatch, at: number, images: SparseImages, n: number, dx: number, dy: number): number {
  const { rows, cols } = images;
  const begin = images.start[n];
  const end = images.start[n + 1];
  if (dx === 0 && dy === 0) {
    for (let k = begin; k < end; k++) {
      batch.index[at] = images.index[k];
      batch.value[at] = images.value[k];
      at++;
    }
    return at;
  }
  for (let k = begin; k < end; k++) {
    const p = images.index[k];
    const r = Math.floor(p / cols) + dy;
    const c = (p % cols) + dx;
    if (r < 0 || r >= rows || c < 0 || c >= cols) continue;
    batch.index[at] = r * cols + c;
    batch.value[at] = images.value[k];
    at++;
  }
  return at;
}

/**
 * Fills batch with images order[from .. from+size), each moved by a random whole-pixel shift in
 * [−maxShift, maxShift] on both axes when maxShift > 0. Targets are one-hot, blended with the
 * uniform distribution by labelSmoothing. shiftCodes[b] records sample b's shift.
 */
export function fillBatch(batch: SparseBatch, images: SparseImages, order: Int32Array, from: number, size: number, classes: number, maxShift: number, labelSmoothing: number, random: Random | null, shiftCodes?: Int32Array): void {
  const offTarget = labelSmoothing / classes;
  const onTarget = 1 - labelSmoothing + offTarget;
  const side = 2 * maxShift + 1;
  let at = 0;
  for (let b = 0; b < size; b++) {
    const n = order[from + b];
    batch.start[b] = at;
    batch.labels[b] = images.labels[n];
    for (let j = 0; j < classes; j++) batch.targets[b * classes + j] = offTarget;
    batch.targets[b * classes + images.labels[n]] = onTarget;
    let dx = 0;
    let dy = 0;
    if (maxShift > 0 && random) {
      dx = random.integer(side) - maxShift;
      dy = random.integer(side) - maxShift;
    }
    if (shiftCodes) shiftCodes[b] = (dy + maxShift) * side + (dx + maxShift);
    at = appendShiftedImage(batch, at, images, n, dx, dy);
  }
  batch.start[size] = at;
  batch.size = size;
}
