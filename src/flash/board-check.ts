// The on-board check's verdict: what a board (or virtual board) answered for some test images,
// against the reference emulator (tolerance 0) and against the labels. Shared by every target
// of `fixnet flash`; it runs nothing itself.

import type { QuantizedModel } from "../model/quantized-model.ts";
import { emulateBatch } from "../quantize/emulator.ts";
import { firstMismatch } from "./measure.ts";
import type { FirmwareRun } from "./simulators.ts";

export interface BoardCheck {
  /** Test images run on the board. */
  images: number;
  /** Images whose logits are exactly the emulator's. */
  exact: number;
  /** The first differing logit, as a sentence, or null when all are exact. */
  firstMismatch: string | null;
  /** Images whose predicted class is their label. */
  correct: number;
  /** correct / images. */
  accuracy: number;
}

/**
 * Judges run, the board's answers for images ([count][inputs] raw pixels) with labels [count],
 * against the reference emulator (src/quantize/emulator.ts), the specification.
 */
export function judgeBoardRun(model: QuantizedModel, images: Uint8Array, labels: Uint8Array, count: number, run: FirmwareRun): BoardCheck {
  const classes = model.layers[model.layers.length - 1];
  const expected = emulateBatch(model, images.subarray(0, count * model.layers[0]), count);
  let exact = 0;
  let correct = 0;
  for (let n = 0; n < count; n++) {
    const same = expected.subarray(n * classes, (n + 1) * classes).every((value, k) => value === run.logits[n * classes + k]);
    if (same) exact++;
    if (run.classes[n] === labels[n]) correct++;
  }
  return { images: count, exact, firstMismatch: firstMismatch(expected, run.logits, classes), correct, accuracy: count === 0 ? 0 : correct / count };
}
