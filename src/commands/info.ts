// `fixnet info MODEL`: what a model file holds — layers, activations, parameter count and how it
// was trained.

import type { Command } from "commander";
import { readFloatModel } from "../model/file.ts";
import { parameterCount } from "../model/network.ts";
import type { Io } from "./io.ts";

export function describeFloatModel(path: string) {
  const { network, training } = readFloatModel(path);
  const { layers, hiddenActivation } = network.architecture;
  return {
    file: path,
    kind: "float",
    layers,
    hiddenActivation,
    outputActivation: "linear (softmax in training)",
    parameters: parameterCount(layers),
    dense: network.dense.map((layer, l) => ({
      layer: l + 1,
      inputs: layer.inputs,
      outputs: layer.outputs,
      weights: layer.weights.length,
      biases: layer.bias.length,
      activation: l === network.dense.length - 1 ? "linear" : hiddenActivation,
    })),
    training: training && {
      preset: training.preset,
      seed: training.seed,
      epochsRun: training.epochs.length,
      bestEpoch: training.bestEpoch,
      interrupted: training.interrupted,
      testAccuracy: training.testAccuracy,
      dataset: training.dataset.source,
    },
  };
}

export function registerInfo(program: Command, io: Io): void {
  program
    .command("info")
    .description("show a model file's layers, activations, parameter count and training record")
    .argument("<model>", "model file")
    .option("--json", "print as JSON")
    .action((modelPath: string, options: { json?: boolean }) => {
      const info = describeFloatModel(modelPath);
      if (options.json) { io.out(`${JSON.stringify(info, null, 2)}\n`); return; }
      io.out(`${info.file}: float model ${info.layers.join("-")}, hidden ${info.hiddenActivation}, ${info.parameters.toLocaleString("en-US")} parameters\n`);
      for (const layer of info.dense) {
        io.out(`  layer ${layer.layer}: ${layer.inputs} -> ${layer.outputs}, ${layer.weights} weights + ${layer.biases} biases, ${layer.activation}\n`);
      }
      if (info.training) {
        const t = info.training;
        io.out(`  trained: preset ${t.preset}, seed ${t.seed}, ${t.epochsRun} epochs${t.interrupted ? " (interrupted)" : ""}, kept epoch ${t.bestEpoch}, test accuracy ${(100 * t.testAccuracy).toFixed(2)}%, data ${t.dataset}\n`);
      }
    });
}
