// Named training configurations. `classic` is the 784-16-16-10 digit network of the textbooks;
// `wide` is the "tweaked" variant with more hidden neurons, and the classic network's teacher.
// The figures they reach are measured by `npm run bench:accuracy` and recorded in the README.

import type { TrainOptions } from "./loop.ts";

export type PresetOptions = Omit<TrainOptions, "seed" | "validationCount">;

export const PRESETS = {
  classic: {
    layers: [784, 16, 16, 10],
    hiddenActivation: "relu",
    optimizer: "adam",
    learningRate: 0.003,
    momentum: 0.9,
    batchSize: 32,
    epochs: 60,
    schedule: "cosine",
    decayRate: 1,
    l2: 0,
    maxShift: 1,
    labelSmoothing: 0,
    // Targets: 30% label, 70% the wide preset's predictions softened at temperature 2.
    distillation: { temperature: 2, weight: 0.7 },
  },
  wide: {
    layers: [784, 256, 10],
    hiddenActivation: "relu",
    optimizer: "adam",
    learningRate: 0.001,
    momentum: 0.9,
    batchSize: 64,
    epochs: 20,
    schedule: "cosine",
    decayRate: 1,
    l2: 0,
    maxShift: 1,
    labelSmoothing: 0,
    distillation: null,
  },
} as const satisfies Record<string, PresetOptions>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export const DEFAULT_SEED = 1;
export const DEFAULT_VALIDATION_COUNT = 5000;

/** The preset whose network teaches a preset that distils, when no --teacher is given. */
export const TEACHER_PRESET: PresetName = "wide";
