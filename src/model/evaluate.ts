// Accuracy of any classifier over an image set: overall, per class, and the confusion matrix.
// It takes logits, so the float network and the int8 emulator are scored by the same code.

import { argmax } from "./forward.ts";

export interface Evaluation {
  count: number;
  correct: number;
  /** correct / count, in [0, 1]. */
  accuracy: number;
  /** [classes]: accuracy among images whose true label is that class (NaN when there are none). */
  perClassAccuracy: number[];
  /** [classes][classes], row = true label, column = predicted class. */
  confusion: number[][];
}

/** Scores predictions given as logits: [count][classes] (any numeric array). */
export function evaluateLogits(logits: ArrayLike<number>, labels: Uint8Array, count: number, classes: number): Evaluation {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let n = 0; n < count; n++) {
    const predicted = argmax(logits, n * classes, classes);
    confusion[labels[n]][predicted]++;
    if (predicted === labels[n]) correct++;
  }
  const perClassAccuracy = confusion.map((row, label) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : row[label] / total;
  });
  return { count, correct, accuracy: count === 0 ? 0 : correct / count, perClassAccuracy, confusion };
}
