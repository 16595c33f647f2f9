// Knowledge distillation: a larger "teacher" network's softened predictions become part of the
// small network's training targets, which carries more information than the label alone. The
// teacher's predictions are computed once per training image and per augmentation shift, before
// training starts, so distillation costs almost nothing per epoch.

import type { Network } from "../model/network.ts";
import { createSparseBatch, createWorkspace, forwardSparseBatch, type SparseBatch } from "./backprop.ts";
import { appendShiftedImage, shiftCount, type SparseImages } from "./sparse-images.ts";

export interface DistillationSettings {
  /** Softening: the teacher's softmax(logits / temperature); 1 leaves it as it is. */
  temperature: number;
  /** Share of the teacher in the targets: (1 − weight)·label + weight·teacher. */
  weight: number;
}

export interface Distillation extends DistillationSettings {
  teacher: Network;
}

/** [shifts][count][classes]: the teacher's softened distribution for every image and shift. */
export interface TeacherTargets {
  maxShift: number;
  count: number;
  classes: number;
  probabilities: Float32Array;
}

export function computeTeacherTargets(distillation: Distillation, images: SparseImages, maxShift: number): TeacherTargets {
  const { teacher, temperature } = distillation;
  const classes = teacher.architecture.layers[teacher.architecture.layers.length - 1];
  const shifts = shiftCount(maxShift);
  const side = 2 * maxShift + 1;
  const probabilities = new Float32Array(shifts * images.count * classes);
  const capacity = 256;
  const batch = createSparseBatch(capacity, teacher.architecture.layers[0], classes);
  const workspace = createWorkspace(teacher, capacity);
  const output = workspace.activations[workspace.activations.length - 1];
  // softmax(z / T) is proportional to softmax(z)^(1/T).
  const exponent = 1 / temperature;
  for (let code = 0; code < shifts; code++) {
    const dx = (code % side) - maxShift;
    const dy = Math.floor(code / side) - maxShift;
    for (let first = 0; first < images.count; first += capacity) {
      const size = Math.min(capacity, images.count - first);
      let at = 0;
      for (let b = 0; b < size; b++) {
        batch.start[b] = at;
        at = appendShiftedImage(batch, at, images, first + b, dx, dy);
      }
      batch.start[size] = at;
      batch.size = size;
      forwardSparseBatch(teacher, batch, workspace);
      for (let b = 0; b < size; b++) {
        let sum = 0;
        for (let j = 0; j < classes; j++) sum += Math.pow(output[b * classes + j], exponent);
        const row = ((code * images.count) + first + b) * classes;
        for (let j = 0; j < classes; j++) probabilities[row + j] = Math.pow(output[b * classes + j], exponent) / sum;
      }
    }
  }
  return { maxShift, count: images.count, classes, probabilities };
}

/** batch.targets ← (1 − weight)·targets + weight·teacher's distribution for each sample's image
 *  (order[from + b]) and shift (shiftCodes[b]). */
export function blendTeacherTargets(batch: SparseBatch, targets: TeacherTargets, weight: number, order: Int32Array, from: number, shiftCodes: Int32Array): void {
  const { classes, count, probabilities } = targets;
  for (let b = 0; b < batch.size; b++) {
    const row = (shiftCodes[b] * count + order[from + b]) * classes;
    for (let j = 0; j < classes; j++) {
      batch.targets[b * classes + j] = (1 - weight) * batch.targets[b * classes + j] + weight * probabilities[row + j];
    }
  }
}
