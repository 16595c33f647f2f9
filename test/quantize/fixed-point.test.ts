// Tests for the TFLite fixed-point helpers: hand-computed tables (every expected number below
// was worked out by hand from the gemmlowp / TFLite formulas, not by calling the code), a
// property test against a BigInt oracle written here from the definitions, and the fast twins
// against the reference on a million seeded random inputs.

import { describe, expect, it } from "vitest";
import {
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from "../../src/quantize/fixed-point.ts";
import {
  multiplyByQuantizedMultiplierFast,
  saturatingRoundingDoublingHighMulFast,
} from "../../src/quantize/fixed-point-fast.ts";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_POW_30 = 1073741824; // 0.5 as a quantized multiplier

// ---------------------------------------------------------------------------------------------
// Independent oracle: the same functions from their mathematical definitions, in BigInt.

function floorDivide(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator; // truncates toward zero
  return numerator % denominator !== 0n && (numerator < 0n) !== (denominator < 0n) ? quotient - 1n : quotient;
}

/** round(a·b / 2^31), ties toward +infinity, INT32_MIN² saturating to INT32_MAX. */
function oracleHighMul(a: number, b: number): number {
  const rounded = floorDivide(BigInt(a) * BigInt(b) + (1n << 30n), 1n << 31n);
  return rounded > BigInt(INT32_MAX) ? INT32_MAX : Number(rounded);
}

/** round(x / 2^exponent), ties away from zero. */
function oracleDivideByPowerOfTwo(x: number, exponent: number): number {
  const divisor = 1n << BigInt(exponent);
  const magnitude = BigInt(x < 0 ? -x : x);
  let quotient = magnitude / divisor;
  if (2n * (magnitude - quotient * divisor) >= divisor) quotient += 1n;
  return Number(x < 0 ? -quotient : quotient);
}

function oracleMultiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const shifted = shift > 0 ? x * 2 ** shift : x;
  return oracleDivideByPowerOfTwo(oracleHighMul(shifted, multiplier), shift > 0 ? 0 : -shift);
}

// ---------------------------------------------------------------------------------------------
// Seeded inputs (mulberry32), so every run checks the same cases.

function createGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0; // uniform uint32
  };
}

const EDGE_VALUES = [
  0, 1, -1, 2, -2, 3, -3, INT32_MIN, INT32_MIN + 1, INT32_MAX, INT32_MAX - 1,
  TWO_POW_30, -TWO_POW_30, TWO_POW_30 - 1, TWO_POW_30 + 1, -TWO_POW_30 - 1, -TWO_POW_30 + 1,
];

/** An int32 that hits edges, ties and small values often, and the full range the rest. */
function randomInt32(next: () => number): number {
  const kind = next() % 5;
  if (kind === 0) return EDGE_VALUES[next() % EDGE_VALUES.length];
  if (kind === 1) return (next() % 2001) - 1000;
  if (kind === 2) {
    // a power of two plus a small offset, either sign: lands on exact halves after shifts
    const value = 2 ** (next() % 31) + ((next() % 5) - 2);
    return next() % 2 === 0 ? value : -value;
  }
  return next() | 0;
}

/** A quantized multiplier as quantizeMultiplier makes them, or any int32. */
function randomMultiplier(next: () => number): number {
  const kind = next() % 4;
  if (kind === 0) return TWO_POW_30 + (next() % TWO_POW_30); // [2^30, 2^31 - 1]
  if (kind === 1) return -TWO_POW_30 - (next() % (TWO_POW_30 + 1)); // [-2^31, -2^30]
  return randomInt32(next);
}

/** A shift in [-31, 30] and an x for which x · 2^max(shift, 0) is still an int32. */
function randomShiftAndX(next: () => number): [number, number] {
  const shift = (next() % 62) - 31;
  const leftShift = shift > 0 ? shift : 0;
  const kind = next() % 8;
  if (kind === 0) return [shift, -(2 ** (31 - leftShift))];
  if (kind === 1) return [shift, 2 ** (31 - leftShift) - 1];
  return [shift, randomInt32(next) >> leftShift];
}

/** Runs check on count cases; returns a description of the first mismatch, or null. */
function firstMismatch(count: number, check: (index: number) => string | null): string | null {
  for (let index = 0; index < count; index++) {
    const mismatch = check(index);
    if (mismatch !== null) return `case ${index}: ${mismatch}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

describe("saturatingRoundingDoublingHighMul", () => {
  // [a, b, a·b / 2^31 rounded to nearest with ties toward +infinity, why]
  const table: Array<[number, number, number, string]> = [
    [0, 0, 0, "zero"],
    [0, INT32_MIN, 0, "zero times INT32_MIN"],
    [1, 1, 0, "1/2^31 rounds to 0"],
    [-1, 1, 0, "-1/2^31 rounds to 0"],
    [TWO_POW_30, 1, 1, "+0.5 tie goes up to 1"],
    [-TWO_POW_30, 1, 0, "-0.5 tie goes up to 0, not away from zero"],
    [TWO_POW_30, 3, 2, "+1.5 tie goes up to 2"],
    [-TWO_POW_30, 3, -1, "-1.5 tie goes up to -1"],
    [101, TWO_POW_30, 51, "101 · 0.5 = 50.5 goes to 51"],
    [-101, TWO_POW_30, -50, "-101 · 0.5 = -50.5 goes to -50"],
    [TWO_POW_30 - 1, 1, 0, "just below +0.5"],
    [TWO_POW_30 + 1, 1, 1, "just above +0.5"],
    [-TWO_POW_30 + 1, 1, 0, "just above -0.5"],
    [-TWO_POW_30 - 1, 1, -1, "just below -0.5"],
    [TWO_POW_30, TWO_POW_30, 536870912, "0.5 · 0.5 = 0.25 of 2^31"],
    [12345, INT32_MAX, 12345, "12345 · (1 - 2^-31)"],
    [-12345, INT32_MAX, -12345, "-12345 · (1 - 2^-31)"],
    [INT32_MIN, 1, -1, "-2^31 / 2^31 exactly"],
    [INT32_MIN, -1, 1, "2^31 / 2^31 exactly"],
    [INT32_MIN, INT32_MIN, INT32_MAX, "(-1)·(-1) = 1 saturates"],
    [INT32_MIN, INT32_MAX, -2147483647, "-2^31 · (2^31 - 1) / 2^31 exactly"],
    [INT32_MAX, INT32_MIN, -2147483647, "same, swapped"],
    [INT32_MIN, INT32_MIN + 1, INT32_MAX, "2^31 · (2^31 - 1) / 2^31 exactly, no saturation"],
    [INT32_MAX, INT32_MAX, 2147483646, "(2^31 - 1)^2 / 2^31 = 2^31 - 2 + 2^-31"],
  ];
  it("matches the hand-computed table", () => {
    for (const [a, b, expected, why] of table) {
      expect(saturatingRoundingDoublingHighMul(a, b), `saturatingRoundingDoublingHighMul(${a}, ${b}): ${why}`)
        .toBe(expected);
    }
  });

  it("matches the BigInt oracle on 200 000 seeded inputs", () => {
    const next = createGenerator(1);
    const mismatch = firstMismatch(200_000, () => {
      const a = randomInt32(next);
      const b = randomInt32(next);
      const expected = oracleHighMul(a, b);
      const actual = saturatingRoundingDoublingHighMul(a, b);
      return actual === expected ? null : `(${a}, ${b}) expected ${expected}, got ${actual}`;
    });
    expect(mismatch).toBeNull();
  });

  it("rejects arguments that are not int32", () => {
    expect(() => saturatingRoundingDoublingHighMul(INT32_MAX + 1, 1)).toThrow(RangeError);
    expect(() => saturatingRoundingDoublingHighMul(1, INT32_MIN - 1)).toThrow(RangeError);
    expect(() => saturatingRoundingDoublingHighMul(0.5, 1)).toThrow(RangeError);
    expect(() => saturatingRoundingDoublingHighMul(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe("roundingDivideByPOT", () => {
  // [x, exponent, x / 2^exponent rounded to nearest with ties away from zero]
  const table: Array<[number, number, number]> = [
    [5, 0, 5], [-5, 0, -5], [INT32_MIN, 0, INT32_MIN], [INT32_MAX, 0, INT32_MAX], [0, 0, 0],
    [1, 1, 1], [-1, 1, -1], // ±0.5
    [3, 1, 2], [-3, 1, -2], // ±1.5
    [10, 2, 3], [-10, 2, -3], // ±2.5
    [5, 2, 1], [-5, 2, -1], // ±1.25
    [6, 2, 2], [-6, 2, -2], // ±1.5
    [7, 2, 2], [-7, 2, -2], // ±1.75
    [INT32_MAX, 1, 1073741824], [INT32_MIN, 1, -1073741824], // 1073741823.5, -2^30
    [INT32_MAX, 30, 2], [INT32_MIN, 30, -2], // 1.999..., -2
    [TWO_POW_30, 31, 1], [-TWO_POW_30, 31, -1], // ±0.5
    [TWO_POW_30 - 1, 31, 0], [-TWO_POW_30 + 1, 31, 0], // just inside ±0.5
    [TWO_POW_30 + 1, 31, 1], [-TWO_POW_30 - 1, 31, -1], // just outside ±0.5
    [INT32_MIN, 31, -1], [INT32_MAX, 31, 1], // -1 exactly, 0.99999...
    [1, 31, 0], [-1, 31, 0], [0, 31, 0],
  ];
  it("matches the hand-computed table", () => {
    for (const [x, exponent, expected] of table) {
      expect(roundingDivideByPOT(x, exponent), `roundingDivideByPOT(${x}, ${exponent})`).toBe(expected);
    }
  });

  it("matches the BigInt oracle on 200 000 seeded inputs", () => {
    const next = createGenerator(2);
    const mismatch = firstMismatch(200_000, () => {
      const x = randomInt32(next);
      const exponent = next() % 32;
      const expected = oracleDivideByPowerOfTwo(x, exponent);
      const actual = roundingDivideByPOT(x, exponent);
      return actual === expected ? null : `(${x}, ${exponent}) expected ${expected}, got ${actual}`;
    });
    expect(mismatch).toBeNull();
  });

  it("rejects exponents outside [0, 31] and x outside int32", () => {
    expect(() => roundingDivideByPOT(1, -1)).toThrow(RangeError);
    expect(() => roundingDivideByPOT(1, 32)).toThrow(RangeError);
    expect(() => roundingDivideByPOT(1, 1.5)).toThrow(RangeError);
    expect(() => roundingDivideByPOT(2 ** 31, 1)).toThrow(RangeError);
  });
});

describe("multiplyByQuantizedMultiplier", () => {
  // [x, quantizedMultiplier, shift, expected, how]; multiplier 2^30 stands for 0.5
  const table: Array<[number, number, number, number, string]> = [
    [100, TWO_POW_30, 0, 50, "100 · 0.5"],
    [100, TWO_POW_30, -1, 25, "100 · 0.25"],
    [100, TWO_POW_30, -2, 13, "12.5: the shift rounds the tie away from zero"],
    [-100, TWO_POW_30, -2, -13, "-12.5: the shift rounds the tie away from zero"],
    [5, TWO_POW_30, -1, 2, "1.25 double-rounded: high mul 2.5 -> 3, then 1.5 -> 2"],
    [-5, TWO_POW_30, -1, -1, "-1.25: high mul -2.5 -> -2, then -1"],
    [-7, TWO_POW_30, -1, -2, "-1.75: high mul -3.5 -> -3, then -1.5 -> -2"],
    [3, TWO_POW_30, 1, 3, "(3 · 2) · 0.5"],
    [1, TWO_POW_30, 30, 536870912, "(1 · 2^30) · 0.5 = 2^29"],
    [-2, TWO_POW_30, 30, -TWO_POW_30, "-2 · 2^30 = INT32_MIN is still allowed"],
    [1, INT32_MAX, 30, TWO_POW_30, "2^30 · (1 - 2^-31) = 2^30 - 0.5, tie goes up"],
    [-1, INT32_MAX, 30, -1073741823, "-2^30 + 0.5, tie goes up"],
    [INT32_MAX, INT32_MAX, -31, 1, "high mul 2^31 - 2, then / 2^31 = 0.99999..."],
    [INT32_MIN, INT32_MAX, -31, -1, "high mul -(2^31 - 1), then / 2^31 = -0.99999..."],
    [TWO_POW_30, TWO_POW_30, -31, 0, "high mul 2^29, then / 2^31 = 0.25"],
    [INT32_MIN, INT32_MIN, 0, INT32_MAX, "saturating high mul"],
    [INT32_MIN, INT32_MIN, -31, 1, "saturated INT32_MAX / 2^31"],
    [INT32_MAX, 0, 0, 0, "multiplier 0"],
    [1, 0, 30, 0, "multiplier 0, largest shift"],
    [INT32_MIN, 0, -31, 0, "multiplier 0, smallest shift"],
    [100, -TWO_POW_30, 0, -50, "negative multiplier -0.5"],
    [101, -TWO_POW_30, 0, -50, "-50.5, tie goes up"],
    [-101, -TWO_POW_30, 0, 51, "+50.5, tie goes up"],
  ];
  it("matches the hand-computed table", () => {
    for (const [x, multiplier, shift, expected, how] of table) {
      expect(multiplyByQuantizedMultiplier(x, multiplier, shift),
        `multiplyByQuantizedMultiplier(${x}, ${multiplier}, ${shift}): ${how}`).toBe(expected);
    }
  });

  it("gives the hand-derived values for 1 and -1 times 0.5 at every shift from -31 to 30", () => {
    // x = 1: the exact value is 2^(shift - 1). For shift >= 1 it is exact; at shift 0 the high
    // mul rounds 0.5 up to 1; at shift -1 the high mul gives 1 and the shift rounds 0.5 to 1
    // (double rounding: the exact 0.25 becomes 1); below that 1 / 2^k with k >= 2 rounds to 0.
    // x = -1: -2^(shift - 1) for shift >= 1; at shift 0 the high mul rounds -0.5 up to 0.
    for (let shift = -31; shift <= 30; shift++) {
      const expectedPositive = shift >= 1 ? 2 ** (shift - 1) : shift >= -1 ? 1 : 0;
      const expectedNegative = shift >= 1 ? -(2 ** (shift - 1)) : 0;
      expect(multiplyByQuantizedMultiplier(1, TWO_POW_30, shift), `(1, 2^30, ${shift})`).toBe(expectedPositive);
      expect(multiplyByQuantizedMultiplier(-1, TWO_POW_30, shift), `(-1, 2^30, ${shift})`).toBe(expectedNegative);
    }
  });

  it("accepts exactly the x for which x · 2^shift is an int32", () => {
    for (let shift = 1; shift <= 30; shift++) {
      const highest = 2 ** (31 - shift) - 1;
      const lowest = -(2 ** (31 - shift));
      expect(() => multiplyByQuantizedMultiplier(highest, TWO_POW_30, shift), `x = ${highest}, shift ${shift}`)
        .not.toThrow();
      expect(() => multiplyByQuantizedMultiplier(lowest, TWO_POW_30, shift), `x = ${lowest}, shift ${shift}`)
        .not.toThrow();
      expect(() => multiplyByQuantizedMultiplier(highest + 1, TWO_POW_30, shift), `x = ${highest + 1}, shift ${shift}`)
        .toThrow(RangeError);
      expect(() => multiplyByQuantizedMultiplier(lowest - 1, TWO_POW_30, shift), `x = ${lowest - 1}, shift ${shift}`)
        .toThrow(RangeError);
    }
  });

  it("rejects shifts outside [-31, 30] and non-int32 arguments", () => {
    expect(() => multiplyByQuantizedMultiplier(0, TWO_POW_30, 31)).toThrow(RangeError);
    expect(() => multiplyByQuantizedMultiplier(0, TWO_POW_30, -32)).toThrow(RangeError);
    expect(() => multiplyByQuantizedMultiplier(0, TWO_POW_30, 0.5)).toThrow(RangeError);
    expect(() => multiplyByQuantizedMultiplier(0, 2 ** 31, 0)).toThrow(RangeError);
    expect(() => multiplyByQuantizedMultiplier(1.5, TWO_POW_30, 0)).toThrow(RangeError);
  });

  it("matches the BigInt oracle on 200 000 seeded inputs", () => {
    const next = createGenerator(3);
    const mismatch = firstMismatch(200_000, () => {
      const [shift, x] = randomShiftAndX(next);
      const multiplier = randomMultiplier(next);
      const expected = oracleMultiplyByQuantizedMultiplier(x, multiplier, shift);
      const actual = multiplyByQuantizedMultiplier(x, multiplier, shift);
      return actual === expected ? null : `(${x}, ${multiplier}, ${shift}) expected ${expected}, got ${actual}`;
    });
    expect(mismatch).toBeNull();
  });
});

describe("quantizeMultiplier", () => {
  // [real, multiplier, shift, how]; real = multiplier / 2^31 · 2^shift
  const table: Array<[number, number, number, string]> = [
    [0, 0, 0, "zero"],
    [-0, 0, 0, "negative zero"],
    [1, TWO_POW_30, 1, "frexp(1) = 0.5 · 2^1"],
    [0.5, TWO_POW_30, 0, "frexp(0.5) = 0.5 · 2^0"],
    [0.25, TWO_POW_30, -1, "0.5 · 2^-1"],
    [0.75, 1610612736, 0, "0.75 · 2^31"],
    [1 / 3, 1431655765, -1, "(2/3) · 2^31 = 1431655765.33"],
    [3.7, 1986422374, 2, "0.925 · 2^31 = 1986422374.4"],
    [0.5 + 2 ** -32, TWO_POW_30 + 1, 0, "mantissa · 2^31 = 2^30 + 0.5, tie away from zero"],
    [0.5 + 2 ** -33, TWO_POW_30, 0, "mantissa · 2^31 = 2^30 + 0.25"],
    [1 - 2 ** -40, TWO_POW_30, 1, "mantissa · 2^31 rounds up to 2^31: halved, shift + 1"],
    [2 ** -31, TWO_POW_30, -30, "0.5 · 2^-30"],
    [2 ** -32, TWO_POW_30, -31, "0.5 · 2^-31, the smallest shift kept"],
    [2 ** -32 * (1 - 2 ** -53), TWO_POW_30, -31, "just below 2^-32, mantissa rounds up into shift -31"],
    [2 ** -32 * (1 - 2 ** -30), 0, 0, "mantissa · 2^31 = 2^31 - 2 at shift -32: flushed"],
    [2 ** -33, 0, 0, "shift -32: flushed to zero"],
    [Number.MIN_VALUE, 0, 0, "smallest subnormal: flushed"],
    [2 ** -1022 - 2 ** -1074, 0, 0, "largest subnormal: flushed"],
    [2 ** 29, TWO_POW_30, 30, "0.5 · 2^30, the largest shift"],
    [2 ** 30 - 0.5, INT32_MAX, 30, "(1 - 2^-31) · 2^30, the largest accepted positive value"],
    [-0.5, -TWO_POW_30, 0, "negative mantissa -0.5"],
    [-1, -TWO_POW_30, 1, "-0.5 · 2^1"],
    [-3.7, -1986422374, 2, "-0.925 · 2^31"],
    [-(0.5 + 2 ** -32), -TWO_POW_30 - 1, 0, "-(2^30 + 0.5), tie away from zero"],
    [-(1 - 2 ** -40), INT32_MIN, 0, "rounds to -2^31, which TFLite keeps (it only halves +2^31)"],
    [-(2 ** 30 - 0.25), INT32_MIN, 30, "likewise kept at shift 30, while +(2^30 - 0.25) is rejected"],
  ];
  it("matches the hand-computed table", () => {
    for (const [real, multiplier, shift, how] of table) {
      expect(quantizeMultiplier(real), `quantizeMultiplier(${real}): ${how}`).toStrictEqual({ multiplier, shift });
    }
  });

  it("rejects values that would need shift > 30, and non-finite values", () => {
    for (const real of [2 ** 30, 2 ** 30 - 0.25, -(2 ** 30), 1e300, Number.NaN, Infinity, -Infinity]) {
      expect(() => quantizeMultiplier(real), `quantizeMultiplier(${real})`).toThrow(RangeError);
    }
  });

  it("rounds to the nearest representable multiplier on 100 000 seeded values", () => {
    // For |real| >= 2^-32 the result must be in the normalized range, and real · 2^(31 - shift)
    // (an exact power-of-two scaling) must be within 0.5 of multiplier, ties away from zero.
    const next = createGenerator(4);
    const mismatch = firstMismatch(100_000, () => {
      const magnitude = 2 ** ((next() / 2 ** 32) * 60 - 32) * (1 + next() / 2 ** 32); // [2^-32, 2^29)
      const real = next() % 2 === 0 ? magnitude : -magnitude;
      const { multiplier, shift } = quantizeMultiplier(real);
      const scaled = real * 2 ** (31 - shift);
      const error = scaled - multiplier;
      const normalized = real > 0
        ? multiplier >= TWO_POW_30 && multiplier <= INT32_MAX
        : multiplier >= INT32_MIN && multiplier <= -TWO_POW_30;
      const nearest = Math.abs(error) < 0.5 || (Math.abs(error) === 0.5 && Math.abs(multiplier) > Math.abs(scaled));
      if (normalized && nearest && shift >= -31 && shift <= 30) return null;
      return `quantizeMultiplier(${real}) gave { multiplier: ${multiplier}, shift: ${shift} }, ` +
        `but real · 2^(31 - shift) = ${scaled}`;
    });
    expect(mismatch).toBeNull();
  });
});

describe("fast twins", () => {
  it("saturatingRoundingDoublingHighMulFast matches the reference on 1 000 000 seeded inputs", () => {
    const next = createGenerator(5);
    const mismatch = firstMismatch(1_000_000, () => {
      const a = randomInt32(next);
      const b = randomMultiplier(next);
      const expected = saturatingRoundingDoublingHighMul(a, b);
      const actual = saturatingRoundingDoublingHighMulFast(a, b);
      return Object.is(actual, expected) ? null : `(${a}, ${b}) expected ${expected}, got ${actual}`;
    });
    expect(mismatch).toBeNull();
  });

  it("multiplyByQuantizedMultiplierFast matches the reference on 1 000 000 seeded inputs", () => {
    const next = createGenerator(6);
    const mismatch = firstMismatch(1_000_000, () => {
      const [shift, x] = randomShiftAndX(next);
      const multiplier = randomMultiplier(next);
      const expected = multiplyByQuantizedMultiplier(x, multiplier, shift);
      const actual = multiplyByQuantizedMultiplierFast(x, multiplier, shift);
      return Object.is(actual, expected) ? null : `(${x}, ${multiplier}, ${shift}) expected ${expected}, got ${actual}`;
    });
    expect(mismatch).toBeNull();
  });

  it("matches the reference on every pair of edge values at every shift", () => {
    const mismatches: string[] = [];
    for (const a of EDGE_VALUES) {
      for (const b of EDGE_VALUES) {
        const expected = saturatingRoundingDoublingHighMul(a, b);
        const actual = saturatingRoundingDoublingHighMulFast(a, b);
        if (!Object.is(actual, expected)) mismatches.push(`highMul(${a}, ${b}) expected ${expected}, got ${actual}`);
        for (let shift = -31; shift <= 30; shift++) {
          const x = a >> (shift > 0 ? shift : 0);
          const expectedProduct = multiplyByQuantizedMultiplier(x, b, shift);
          const actualProduct = multiplyByQuantizedMultiplierFast(x, b, shift);
          if (!Object.is(actualProduct, expectedProduct)) {
            mismatches.push(`multiply(${x}, ${b}, ${shift}) expected ${expectedProduct}, got ${actualProduct}`);
          }
        }
      }
    }
    expect(mismatches.slice(0, 5)).toStrictEqual([]);
  });

  it("matches the reference with multipliers from quantizeMultiplier", () => {
    const next = createGenerator(7);
    const mismatch = firstMismatch(100_000, () => {
      const real = 2 ** ((next() / 2 ** 32) * 40 - 30) * (1 + next() / 2 ** 32); // [2^-30, 2^11)
      const { multiplier, shift } = quantizeMultiplier(real);
      const x = randomInt32(next) >> (shift > 0 ? shift : 0);
      const expected = multiplyByQuantizedMultiplier(x, multiplier, shift);
      const actual = multiplyByQuantizedMultiplierFast(x, multiplier, shift);
      return Object.is(actual, expected) ? null : `(${x}, ${multiplier}, ${shift}) expected ${expected}, got ${actual}`;
    });
    expect(mismatch).toBeNull();
  });
});
