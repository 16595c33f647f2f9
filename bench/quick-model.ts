// The float model the benchmarks measure when not given one: the classic 784-16-16-10 network
// trained briefly (5 epochs, seed 1). A benchmark of the int8 path needs a realistic network,
// not the best one; given a path, it reads that model file instead.

import type { Dataset } from "../src/data/types.ts";
import { readFloatModel, type FloatModel } from "../src/model/file.ts";
import type { Activation } from "../src/model/network.ts";
import { train } from "../src/train/loop.ts";

export async function quickFloatModel(dataset: Dataset, path: string | undefined, hiddenActivation: Activation = "relu", maxShift = 1): Promise<FloatModel> {
  if (path) return readFloatModel(path);
  console.log(`training 784-16-16-10 ${hiddenActivation} for 5 epochs (adam 0.003, cosine${maxShift > 0 ? `, shifts up to ${maxShift} pixel` : ""})...`);
  const result = await train(dataset.train, {
    layers: [784, 16, 16, 10], hiddenActivation, optimizer: "adam", learningRate: 0.003, momentum: 0.9,
    batchSize: 32, epochs: 5, schedule: "cosine", decayRate: 1, l2: 0, validationCount: 5000, seed: 1,
    maxShift, labelSmoothing: 0, distillation: null,
  });
  return { network: result.network, training: null };
}
