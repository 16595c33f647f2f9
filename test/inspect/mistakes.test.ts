// The mistakes views against independent oracles: a test image the float model gets wrong (found
// with the model's own forward pass) appears in the gallery with its pixels and caption; the
// confusion heat map's cells carry the evaluation's counts; the int8 predictions are the
// reference emulator's classes.

import { describe, expect, it } from "vitest";
import { inkColour, sequentialColour } from "../../src/inspect/colour.ts";
import { pixelAt } from "../../src/inspect/image.ts";
import { confusionHeatmap, findDisagreements, findMistakes, mistakeCaption, mistakesGallery } from "../../src/inspect/mistakes.ts";
import { floatPredictions, int8Predictions } from "../../src/inspect/predictions.ts";
import { evaluateLogits } from "../../src/model/evaluate.ts";
import { argmax, forwardBatch } from "../../src/model/forward.ts";
import { emulateBatch } from "../../src/quantize/emulator.ts";
import { trainTinyModels } from "./fixture.ts";

const tiny = await trainTinyModels();
const { test } = tiny.dataset;

describe("mistakes gallery", () => {
  it("shows a known misclassified test image, its pixels and its caption", () => {
    const logits = forwardBatch(tiny.float.network, test.images, test.count);
    const wrong: number[] = [];
    for (let n = 0; n < test.count; n++) if (argmax(logits, n * 10, 10) !== test.labels[n]) wrong.push(n);
    expect(wrong.length, "the tiny model should make mistakes on 50 images").toBeGreaterThan(3);

    const mistakes = findMistakes(floatPredictions(tiny.float.network, test.images, test.count), test.labels);
    expect(mistakes.map((m) => m.index).sort((a, b) => a - b)).toEqual(wrong);
    for (let k = 1; k < mistakes.length; k++) expect(mistakes[k - 1].confidence).toBeGreaterThanOrEqual(mistakes[k].confidence);

    const known = wrong[wrong.length - 1];
    const mistake = mistakes.find((m) => m.index === known)!;
    expect(mistake.predicted).toBe(argmax(logits, known * 10, 10));
    expect(mistake.label).toBe(test.labels[known]);
    expect(mistakeCaption(mistake)).toMatch(new RegExp(`^${mistake.label}>${mistake.predicted} \\d+%$`));

    const gallery = mistakesGallery(test, mistakes, { pixelSize: 2 });
    const cell = gallery.cells.find((c) => c.index === known);
    expect(cell, `image ${known} in the gallery`).toBeDefined();
    for (let i = 0; i < 784; i++) {
      const expected = inkColour(test.images[known * 784 + i]);
      const actual = pixelAt(gallery.image, cell!.x + (i % 28) * 2, cell!.y + Math.floor(i / 28) * 2);
      if (actual.join() !== expected.join()) expect.fail(`pixel ${i}: expected ${expected}, actual ${actual}`);
    }
  });

  it("limits the gallery and still draws something when there are no mistakes", () => {
    const mistakes = findMistakes(floatPredictions(tiny.float.network, test.images, test.count), test.labels);
    expect(mistakesGallery(test, mistakes, { limit: 2 }).cells).toHaveLength(2);
    const empty = mistakesGallery(test, []);
    expect(empty.cells).toHaveLength(0);
    expect(empty.image.width).toBeGreaterThan(0);
  });
});

describe("confusion heat map", () => {
  it("colours each cell by its share of the row", () => {
    const predictions = floatPredictions(tiny.float.network, test.images, test.count);
    const { confusion } = evaluateLogits(predictions.logits, test.labels, test.count, 10);
    const heatmap = confusionHeatmap(confusion);
    for (let r = 0; r < 10; r++) {
      const total = confusion[r].reduce((a, b) => a + b, 0);
      for (let c = 0; c < 10; c++) {
        // A corner pixel, clear of the grid line and the centred count.
        const colour = pixelAt(heatmap.image, heatmap.cells[r][c].x + 2, heatmap.cells[r][c].y + 2);
        expect(colour, `cell ${r},${c}`).toEqual(sequentialColour(total === 0 ? 0 : Math.sqrt(confusion[r][c] / total)));
      }
    }
  });
});

describe("int8 predictions", () => {
  it("give the reference emulator's classes, and disagreements are where they differ", () => {
    const int8 = int8Predictions(tiny.int8, test.images, test.count);
    const reference = emulateBatch(tiny.int8, test.images, test.count);
    for (let n = 0; n < test.count; n++) expect(int8.predicted[n], `image ${n}`).toBe(argmax(reference, n * 10, 10));
    const float = floatPredictions(tiny.float.network, test.images, test.count);
    const disagreements = findDisagreements(float, int8, test.labels);
    for (const d of disagreements) expect(float.predicted[d.index]).not.toBe(int8.predicted[d.index]);
    let same = 0;
    for (let n = 0; n < test.count; n++) if (float.predicted[n] === int8.predicted[n]) same++;
    expect(same + disagreements.length).toBe(test.count);
  });
});
