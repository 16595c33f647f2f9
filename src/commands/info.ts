// `fixnet info MODEL`: what a model file holds — layers, activations, parameter count and how it
// was trained.

import type { Command } from "commander";
import { parseFloatModel } from "../model/file.ts";
import { parseQuantizedModel, QUANTIZED_MODEL_FORMAT } from "../model/quantized-file.ts";
import { describeQuantized, type QuantizedModelDescription } from "../quantize/describe.ts";
import { parameterCount } from "../model/network.ts";
import { readJsonDocument } from "../model/validate.ts";
import type { Io } from "./io.ts";

export function describeFloatModel(document: unknown, path: string) {
  const { network, training } = parseFloatModel(document, path);
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
    .description("show a model file: layers, parameters and training record; for int8 models scales, zero points, multipliers and bytes")
    .argument("<model>", "model file")
    .option("--json", "print as JSON")
    .action((modelPath: string, options: { json?: boolean }) => {
      const document = readJsonDocument(modelPath, "fixnet model file (JSON)") as { format?: unknown };
      if (document?.format === QUANTIZED_MODEL_FORMAT) {
        const description = describeQuantized(parseQuantizedModel(document, modelPath));
        if (options.json) io.out(`${JSON.stringify({ file: modelPath, kind: "int8", ...description }, null, 2)}\n`);
        else printQuantizedInfo(io, modelPath, description);
        return;
      }
      const info = describeFloatModel(document, modelPath);
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

const range = (r: { min: number; max: number }, digits?: number): string =>
  digits === undefined ? `${r.min}..${r.max}` : `${r.min.toPrecision(digits)}..${r.max.toPrecision(digits)}`;

function printQuantizedInfo(io: Io, path: string, d: QuantizedModelDescription): void {
  io.out(`${path}: int8 model ${d.architecture}, hidden ${d.hiddenActivation}, ${d.parameters.toLocaleString("en-US")} parameters, ${d.bytes.total.toLocaleString("en-US")} bytes on a device (${d.bytes.weights.toLocaleString("en-US")} of them weights)\n`);
  io.out(`  input: scale 1/255, zero point ${d.input.zeroPoint} (int8 input = pixel − 128)\n`);
  for (const layer of d.layers) {
    io.out(`  layer ${layer.index + 1}: ${layer.inputs} -> ${layer.outputs}, ${layer.activation}${layer.hasTable ? " (256-entry table)" : ""}, weights ${layer.weightGranularity} scale ${range(layer.weightScale, 3)}, ` +
      `multiplier ${range(layer.multiplier)} shift ${range(layer.shift)}, output scale ${layer.output.scale.toPrecision(4)} zero point ${layer.output.zeroPoint}, ` +
      `${layer.bytes.total.toLocaleString("en-US")} bytes, accumulator headroom ${layer.accumulatorHeadroomBits.toFixed(1)} bits\n`);
  }
  if (d.calibration) io.out(`  calibration: ${d.calibration.images} training images, ${d.calibration.method}\n`);
  if (d.accuracy) {
    const a = d.accuracy;
    io.out(`  measured: int8 ${(100 * a.int8).toFixed(2)}%${a.float === null ? "" : `, float ${(100 * a.float).toFixed(2)}%, agreement ${(100 * (a.agreement ?? 0)).toFixed(2)}%`} on ${a.testImages} test images\n`);
  }
}
