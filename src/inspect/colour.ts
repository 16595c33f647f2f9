// The colour scales of the pictures: a diverging scale centred on zero for weights and
// gradients, a sequential one for counts, and ink on paper for digits. Pure functions from a
// number to an RGB triple; nothing here draws.

import type { Rgb } from "./image.ts";

/** The colour of exactly zero on the diverging scale: a light grey, so that the white page
 *  around a tile stays distinguishable from a neutral weight. */
export const NEUTRAL: Rgb = [240, 240, 240];

/** ColorBrewer RdBu (colour-blind safe), ends darkened a little: t = −1 … 1, blue for negative,
 *  red for positive. Stop k sits at t = −1 + k/2. */
const DIVERGING_STOPS: readonly Rgb[] = [
  [5, 48, 97],
  [67, 147, 195],
  NEUTRAL,
  [214, 96, 77],
  [103, 0, 31],
];

/** ColorBrewer Blues, for counts and fractions in [0, 1]. */
const SEQUENTIAL_STOPS: readonly Rgb[] = [
  [255, 255, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

function interpolate(stops: readonly Rgb[], position: number): Rgb {
  const scaled = position * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(scaled));
  const f = scaled - k;
  const a = stops[k];
  const b = stops[k + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/**
 * t in [−1, 1] (clamped; NaN counts as 0) → blue … NEUTRAL … red. Exactly 0 gives NEUTRAL;
 * a positive t is never bluer than it is red, a negative t never redder than it is blue.
 */
export function divergingColour(t: number): Rgb {
  if (t === 0 || Number.isNaN(t)) return NEUTRAL;
  const clamped = Math.max(-1, Math.min(1, t));
  return interpolate(DIVERGING_STOPS, (clamped + 1) / 2);
}

/** t in [0, 1] (clamped) → white … dark blue. */
export function sequentialColour(t: number): Rgb {
  const clamped = Number.isFinite(t) ? Math.max(0, Math.min(1, t)) : 0;
  return interpolate(SEQUENTIAL_STOPS, clamped);
}

/** A raw MNIST pixel (0 = background, 255 = full ink) as dark ink on white paper. */
export function inkColour(pixel: number): Rgb {
  const level = 255 - pixel;
  return [level, level, level];
}

/** Black or white text, whichever reads on the given background. */
export function textColourOn(background: Rgb): Rgb {
  const luminance = 0.2126 * background[0] + 0.7152 * background[1] + 0.0722 * background[2];
  return luminance < 128 ? [255, 255, 255] : [0, 0, 0];
}

/** CSS hex for a colour, for SVG and HTML legends that must match the PNG scales. */
export function cssColour(colour: Rgb): string {
  return `#${colour.map((channel) => channel.toString(16).padStart(2, "0")).join("")}`;
}
