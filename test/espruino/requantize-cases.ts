// Inputs for testing the Espruino runtime's requantization against the TypeScript reference
// (src/quantize/fixed-point.ts): every (accumulator, multiplier, shift) a valid model can produce
// — multiplier 0 or in [2^30, 2^31 − 1], shift in [−31, 30], accumulator · 2^max(shift, 0) an
// int32 — with the halfway cases of both roundings, the limits, and seeded random ones.

import { INT32_MAX, INT32_MIN, MULTIPLIER_MIN, SHIFT_MAX, SHIFT_MIN } from "../../src/model/quantized-model.ts";
import { createRandom } from "../../src/train/random.ts";

export interface RequantizeCase {
  /** The int32 accumulator (before the left shift). */
  accumulator: number;
  multiplier: number;
  shift: number;
}

/** The accumulators allowed for shift: acc · 2^max(shift, 0) must stay an int32. */
function accumulatorRange(shift: number): [number, number] {
  const left = Math.max(shift, 0);
  return [Math.ceil(INT32_MIN / 2 ** left), Math.floor(INT32_MAX / 2 ** left)];
}

/** Hand-picked cases: exact halves after the high multiply and after the shift, both signs,
 *  and the extreme accumulators, multipliers and shifts. */
export function edgeCases(): RequantizeCase[] {
  const cases: RequantizeCase[] = [];
  const multipliers = [0, MULTIPLIER_MIN, MULTIPLIER_MIN + 1, INT32_MAX, INT32_MAX - 1, 1518500250];
  for (let shift = SHIFT_MIN; shift <= SHIFT_MAX; shift++) {
    const [low, high] = accumulatorRange(shift);
    for (const multiplier of multipliers) {
      for (const accumulator of [0, 1, -1, 2, -2, 3, -3, low, low + 1, high, high - 1]) {
        if (accumulator >= low && accumulator <= high) cases.push({ accumulator, multiplier, shift });
      }
    }
    // Multiplier 2^30 (0.5): the high multiply of an odd x is an exact half (ties toward +inf),
    // and x = 2h gives h exactly, so h = (2k + 1) · 2^(right − 1) is a halfway case of the shift.
    const right = Math.max(-shift, 0);
    for (const k of [0, 1, 2, 5, 1000]) {
      for (const sign of [1, -1]) {
        const h = sign * (2 * k + 1) * 2 ** Math.max(right - 1, 0);
        for (const accumulator of [2 * h, 2 * h + 1, 2 * h - 1, sign * (2 * k + 1)]) {
          if (accumulator >= low && accumulator <= high) cases.push({ accumulator, multiplier: MULTIPLIER_MIN, shift });
        }
      }
    }
  }
  // The worked example of docs/quantized-format.md, where rounding twice differs from once.
  cases.push({ accumulator: 379, multiplier: MULTIPLIER_MIN, shift: -2 }, { accumulator: -379, multiplier: MULTIPLIER_MIN, shift: -2 });
  return cases;
}

/** count seeded random cases: shifts uniform, multipliers uniform over their range (a tenth 0),
 *  accumulators uniform over their range or small. */
export function randomCases(count: number, seed: number): RequantizeCase[] {
  const random = createRandom(seed);
  const cases: RequantizeCase[] = [];
  for (let n = 0; n < count; n++) {
    const shift = SHIFT_MIN + random.integer(SHIFT_MAX - SHIFT_MIN + 1);
    const multiplier = random.next() < 0.1 ? 0 : MULTIPLIER_MIN + random.integer(INT32_MAX - MULTIPLIER_MIN + 1);
    const [low, high] = accumulatorRange(shift);
    const small = random.integer(20001) - 10000;
    const accumulator = random.next() < 0.3 ? Math.min(Math.max(small, low), high) : low + random.integer(high - low + 1);
    cases.push({ accumulator, multiplier, shift });
  }
  return cases;
}
