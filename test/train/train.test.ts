// The training loop on the committed 100-image fixture: it learns, it is reproducible to the
// byte, and it stops cleanly when asked.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/mnist.ts";
import { serializeFloatModel } from "../../src/model/file.ts";
import { train, type TrainOptions } from "../../src/train/loop.ts";
import { evaluateNetwork, trainModel } from "../../src/train/run.ts";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "mnist-small");
const dataset = loadDataset(fixtures);

const options: TrainOptions = {
  layers: [784, 16, 16, 10], hiddenActivation: "relu", optimizer: "adam", learningRate: 0.01, momentum: 0.9,
  batchSize: 10, epochs: 30, schedule: "cosine", decayRate: 1, l2: 0, validationCount: 0, seed: 5,
  maxShift: 0, labelSmoothing: 0, distillation: null,
};

describe("train", () => {
  it("learns the small training set and does well above chance on unseen digits", async () => {
    const result = await train(dataset.train, options);
    expect(evaluateNetwork(result.network, dataset.train).accuracy).toBeGreaterThan(0.95);
    expect(evaluateNetwork(result.network, dataset.test).accuracy).toBeGreaterThan(0.4); // chance is 0.1
  });

  it("learns with SGD + momentum, sigmoid, step decay, L2, shifts and label smoothing too", async () => {
    const result = await train(dataset.train, {
      ...options, hiddenActivation: "sigmoid", optimizer: "sgd", learningRate: 0.5, schedule: "exponential",
      decayRate: 0.98, l2: 1e-4, maxShift: 1, labelSmoothing: 0.05, epochs: 40,
    });
    expect(evaluateNetwork(result.network, dataset.train).accuracy).toBeGreaterThan(0.8);
  });

  it("gives a byte-identical model file for the same seed and options, and a different one for another seed", async () => {
    const run = async (seed: number) => serializeFloatModel((await trainModel(dataset, "fixture", "test", { ...options, epochs: 3, maxShift: 1, validationCount: 20, seed })).model);
    const first = await run(1);
    expect(await run(1)).toBe(first);
    expect(await run(2)).not.toBe(first);
  });

  it("gives the same model on two threads as on one, to the byte (SGD with L2, and Adam)", async () => {
    for (const variant of [{ optimizer: "sgd", l2: 1e-3, hiddenActivation: "sigmoid" }, { optimizer: "adam" }] as const) {
      const settings = { ...options, ...variant, epochs: 2, maxShift: 1, validationCount: 20, batchSize: 7 };
      const one = await train(dataset.train, settings, {}, { threads: 1 });
      const two = await train(dataset.train, settings, {}, { threads: 2 });
      expect(Buffer.from(two.network.parameters.buffer).equals(Buffer.from(one.network.parameters.buffer))).toBe(true);
      expect(two.history).toEqual(one.history);
    }
  });

  it("keeps the best validation epoch", async () => {
    const result = await train(dataset.train, { ...options, epochs: 6, validationCount: 30 });
    const best = Math.max(...result.history.map((epoch) => epoch.validationAccuracy));
    expect(result.history[result.bestEpoch - 1].validationAccuracy).toBe(best);
    expect(result.history.findIndex((epoch) => epoch.validationAccuracy === best)).toBe(result.bestEpoch - 1);
  });

  it("stops between batches when asked and reports the run as interrupted", async () => {
    let polls = 0;
    const result = await train(dataset.train, { ...options, epochs: 1000 }, { shouldStop: () => ++polls >= 2 });
    expect(result.interrupted).toBe(true);
    expect(result.history.length).toBeLessThan(1000);
    expect(result.history[result.history.length - 1].complete).toBe(false);
  });
});
