// Pictures as plain RGBA pixel data, the few drawing operations the inspection views need, and
// PNG encoding through pngjs. Not a graphics library: rectangles, pixels and copies only; text
// comes from the bitmap font in font.ts; charts with text labels are SVG (svg.ts).

import { PNG } from "pngjs";

/** An opaque RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];

export interface RgbaImage {
  width: number;
  height: number;
  /** [height][width][4]: red, green, blue, alpha, row-major from the top left. */
  rgba: Uint8Array;
}

export function createImage(width: number, height: number, background: Rgb = WHITE): RgbaImage {
  const image = { width, height, rgba: new Uint8Array(width * height * 4) };
  fillRect(image, 0, 0, width, height, background);
  return image;
}

/** Fills the rectangle [x, x + w) × [y, y + h), clipped to the image. */
export function fillRect(image: RgbaImage, x: number, y: number, w: number, h: number, colour: Rgb): void {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const right = Math.min(image.width, x + w);
  const bottom = Math.min(image.height, y + h);
  for (let row = top; row < bottom; row++) {
    for (let column = left; column < right; column++) {
      const at = (row * image.width + column) * 4;
      image.rgba[at] = colour[0];
      image.rgba[at + 1] = colour[1];
      image.rgba[at + 2] = colour[2];
      image.rgba[at + 3] = 255;
    }
  }
}

/** The colour at (x, y), for tests and checks. */
export function pixelAt(image: RgbaImage, x: number, y: number): Rgb {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) throw new RangeError(`(${x}, ${y}) is outside a ${image.width}x${image.height} image`);
  const at = (y * image.width + x) * 4;
  return [image.rgba[at], image.rgba[at + 1], image.rgba[at + 2]];
}

/**
 * Draws a rows × cols grid of cells, each `scale` pixels square, at (x, y): cell (r, c) gets
 * colourOf(r · cols + c). Used for digits, weight tiles and heat maps, all enlarged with hard
 * edges so that one input pixel stays one visible square.
 */
export function drawCells(image: RgbaImage, x: number, y: number, rows: number, cols: number, scale: number, colourOf: (index: number) => Rgb): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) fillRect(image, x + c * scale, y + r * scale, scale, scale, colourOf(r * cols + c));
  }
}

/** Copies source into target with its top left corner at (x, y), clipped. */
export function blit(target: RgbaImage, source: RgbaImage, x: number, y: number): void {
  for (let row = 0; row < source.height; row++) {
    const ty = y + row;
    if (ty < 0 || ty >= target.height) continue;
    for (let column = 0; column < source.width; column++) {
      const tx = x + column;
      if (tx < 0 || tx >= target.width) continue;
      const from = (row * source.width + column) * 4;
      const to = (ty * target.width + tx) * 4;
      target.rgba.set(source.rgba.subarray(from, from + 4), to);
    }
  }
}

/** Images side by side, top-aligned, `gap` pixels apart: the float and int8 views of one thing. */
export function besideEachOther(images: readonly RgbaImage[], gap = 16, background: Rgb = WHITE): RgbaImage {
  const width = images.reduce((sum, image) => sum + image.width, 0) + gap * Math.max(0, images.length - 1);
  const height = Math.max(0, ...images.map((image) => image.height));
  const out = createImage(width, height, background);
  let x = 0;
  for (const image of images) {
    blit(out, image, x, 0);
    x += image.width + gap;
  }
  return out;
}

/** PNG file bytes (8-bit RGBA, no interlace). pngjs writes the chunks, CRCs and zlib stream. */
export function encodePng(image: RgbaImage): Uint8Array {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.rgba.buffer, image.rgba.byteOffset, image.rgba.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}

/** The image as a data: URI, so that an HTML page needs no other file. */
export function pngDataUri(image: RgbaImage): string {
  return `data:image/png;base64,${Buffer.from(encodePng(image)).toString("base64")}`;
}
