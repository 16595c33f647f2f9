// Pixel checks of the weight pictures and the colour scales: a neuron whose weights are all
// positive is drawn on the positive (red) side of the scale, all negative on the blue side, zero
// weights in the neutral colour; float and int8 alike. PNG bytes decode back to the same pixels.

import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { createNetwork } from "../../src/model/network.ts";
import type { QuantizedModel } from "../../src/model/quantized-model.ts";
import { divergingColour, inkColour, NEUTRAL, sequentialColour } from "../../src/inspect/colour.ts";
import { drawText, textWidth } from "../../src/inspect/font.ts";
import { besideEachOther, createImage, encodePng, pixelAt, type Rgb, type RgbaImage } from "../../src/inspect/image.ts";
import { floatWeightGrid, int8WeightGrid, weightGrid, type WeightGrid } from "../../src/inspect/weights.ts";
import { trainTinyModels } from "./fixture.ts";

/** On the red side / the blue side of the diverging scale (however faintly). */
const isPositive = ([r, , b]: Rgb): boolean => r > b;
const isNegative = ([r, , b]: Rgb): boolean => b > r;

/** Every screen pixel of neuron j's tile. */
function tilePixels(grid: WeightGrid, j: number): Rgb[] {
  const { x, y } = grid.tiles[j];
  const pixels: Rgb[] = [];
  for (let dy = 0; dy < grid.tileHeight; dy++) for (let dx = 0; dx < grid.tileWidth; dx++) pixels.push(pixelAt(grid.image, x + dx, y + dy));
  return pixels;
}

/** A 784-4-10 network: neuron 0 all positive (varied sizes), 1 all negative, 2 all zero, 3 mixed. */
function signedNetwork() {
  const network = createNetwork({ layers: [784, 4, 10], hiddenActivation: "relu" });
  const { weights, outputs } = network.dense[0];
  for (let i = 0; i < 784; i++) {
    weights[i * outputs + 0] = 0.01 + (i % 7) * 0.1;
    weights[i * outputs + 1] = -0.02 - (i % 5) * 0.3;
    weights[i * outputs + 2] = 0;
    weights[i * outputs + 3] = i < 392 ? 0.5 : -0.5;
  }
  return network;
}

describe("diverging colour scale", () => {
  it("puts zero at the neutral colour and the two signs on opposite sides", () => {
    expect(divergingColour(0)).toEqual(NEUTRAL);
    expect(divergingColour(-0)).toEqual(NEUTRAL);
    expect(divergingColour(Number.NaN)).toEqual(NEUTRAL);
    for (const t of [0.02, 0.1, 0.25, 0.5, 0.75, 1, 5]) {
      expect(isPositive(divergingColour(t)), `t = ${t}`).toBe(true);
      expect(isNegative(divergingColour(-t)), `t = ${-t}`).toBe(true);
    }
    // Clearly distinct from 0.1 on: red and blue differ by far more than rounding.
    const [r, , b] = divergingColour(0.1);
    expect(r - b).toBeGreaterThan(20);
    // Stronger values are darker: the scale reads as magnitude away from zero.
    const brightness = (c: Rgb): number => c[0] + c[1] + c[2];
    expect(brightness(divergingColour(1))).toBeLessThan(brightness(divergingColour(0.5)));
    expect(brightness(divergingColour(-1))).toBeLessThan(brightness(divergingColour(-0.5)));
    expect(sequentialColour(0)).toEqual([255, 255, 255]);
    expect(inkColour(0)).toEqual([255, 255, 255]);
    expect(inkColour(255)).toEqual([0, 0, 0]);
  });
});

describe("weight grid", () => {
  it("draws an all-positive neuron red, all-negative blue, all-zero neutral (float)", () => {
    for (const scale of ["per-neuron", "shared"] as const) {
      const grid = floatWeightGrid(signedNetwork(), 28, 28, { pixelSize: 2, scale });
      expect(grid.tiles).toHaveLength(4);
      expect(grid.tileWidth).toBe(56);
      expect(tilePixels(grid, 0).every(isPositive), `${scale}: neuron 0`).toBe(true);
      expect(tilePixels(grid, 1).every(isNegative), `${scale}: neuron 1`).toBe(true);
      expect(tilePixels(grid, 2).every((c) => c.join() === NEUTRAL.join()), `${scale}: neuron 2`).toBe(true);
      // The mixed neuron: top half (inputs 0..391) positive, bottom half negative.
      const { x, y } = grid.tiles[3];
      expect(isPositive(pixelAt(grid.image, x + 1, y + 1))).toBe(true);
      expect(isNegative(pixelAt(grid.image, x + 1, y + grid.tileHeight - 2))).toBe(true);
    }
  });

  it("scales each tile to its own largest |w|, or all tiles to the layer's", () => {
    const network = signedNetwork();
    const own = floatWeightGrid(network, 28, 28, { scale: "per-neuron" });
    const shared = floatWeightGrid(network, 28, 28, { scale: "shared" });
    expect(own.ranges.map((r) => Math.fround(r))).toEqual([Math.fround(0.61), Math.fround(1.22), 0, Math.fround(0.5)]);
    expect(new Set(shared.ranges.map((r) => Math.fround(r)))).toEqual(new Set([Math.fround(1.22)]));
    // The largest weight of a tile reaches the end of the scale only with its own range.
    const largestAt = 6; // input 6 has i % 7 = 6: weight 0.61
    const pixel = (grid: WeightGrid) => pixelAt(grid.image, grid.tiles[0].x + (largestAt % 28) * 6, grid.tiles[0].y);
    expect(pixel(own)).toEqual(divergingColour(1));
    expect(pixel(shared)).toEqual(divergingColour(0.61 / 1.22));
  });

  it("draws the int8 weights by the sign of q (q · scale), zero at neutral", async () => {
    const { int8 } = await trainTinyModels();
    const model: QuantizedModel = structuredClone(int8);
    const layer = model.dense[0];
    for (let i = 0; i < layer.inputs; i++) {
      layer.weights[i * layer.outputs + 0] = 1 + (i % 100);
      layer.weights[i * layer.outputs + 1] = -1 - (i % 127);
      layer.weights[i * layer.outputs + 2] = 0;
    }
    const grid = int8WeightGrid(model, 28, 28, { pixelSize: 1 });
    expect(grid.tiles).toHaveLength(16);
    expect(tilePixels(grid, 0).every(isPositive)).toBe(true);
    expect(tilePixels(grid, 1).every(isNegative)).toBe(true);
    expect(tilePixels(grid, 2).every((c) => c.join() === NEUTRAL.join())).toBe(true);
    // Every other tile: each pixel's side of the scale is the sign of its int8 weight.
    for (let j = 3; j < 16; j++) {
      const pixels = tilePixels(grid, j);
      pixels.forEach((colour, i) => {
        const q = layer.weights[i * layer.outputs + j];
        const side = q > 0 ? "positive" : q < 0 ? "negative" : "zero";
        const drawn = colour.join() === NEUTRAL.join() ? "zero" : isPositive(colour) ? "positive" : isNegative(colour) ? "negative" : "faint";
        if (drawn !== "faint" && drawn !== side) expect.fail(`neuron ${j}, input ${i}: int8 weight ${q} drawn ${drawn}`);
        if (q === 0) expect(drawn).toBe("zero");
      });
    }
  });

  it("rejects weights that do not fit the image shape", () => {
    expect(() => weightGrid(new Float32Array(10), 28, 28, 1)).toThrow(/expected 784x1 weights, got 10/);
  });
});

describe("PNG and drawing helpers", () => {
  it("encodes through pngjs: the PNG decodes to the same pixels", () => {
    const image = besideEachOther([createImage(3, 2, [10, 20, 30]), createImage(2, 4, [200, 100, 0])], 1);
    expect([image.width, image.height]).toEqual([6, 4]);
    const decoded = PNG.sync.read(Buffer.from(encodePng(image)));
    expect([decoded.width, decoded.height]).toEqual([6, 4]);
    expect(Buffer.compare(decoded.data, Buffer.from(image.rgba))).toBe(0);
    expect(pixelAt(image, 0, 0)).toEqual([10, 20, 30]);
    expect(pixelAt(image, 4, 3)).toEqual([200, 100, 0]);
    expect(pixelAt(image, 0, 3)).toEqual([255, 255, 255]);
  });

  it("draws bitmap text inside its measured width", () => {
    const image: RgbaImage = createImage(40, 12);
    drawText(image, "7>2", 1, 1, 2, [0, 0, 0]);
    expect(textWidth("7>2", 2)).toBe(22);
    let inked = 0;
    for (let y = 0; y < 12; y++) for (let x = 0; x < 40; x++) if (pixelAt(image, x, y)[0] === 0) { inked++; expect(x).toBeLessThan(1 + 22); }
    expect(inked).toBeGreaterThan(20);
  });
});
