// The integer helpers of TFLite / TFLite-Micro (gemmlowp's fixed-point ops and TFLite's
// multiplier quantization) as the default, "double rounding" build runs them: the reference the
// emulator and the generated C must match bit for bit. Plain and checked on purpose; it is not
// fast (see fixed-point-fast.ts for the hot loop) and not the single-rounding variant that
// TFLITE_SINGLE_ROUNDING=1 selects.

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function requireInt32(functionName: string, argumentName: string, value: number): void {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new RangeError(
      `${functionName}: ${argumentName} must be an int32 in [${INT32_MIN}, ${INT32_MAX}], found ${value}`,
    );
  }
}

function requireIntegerIn(
  functionName: string,
  argumentName: string,
  value: number,
  lowest: number,
  highest: number,
): void {
  if (!Number.isInteger(value) || value < lowest || value > highest) {
    throw new RangeError(
      `${functionName}: ${argumentName} must be an integer in [${lowest}, ${highest}], found ${value}`,
    );
  }
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul for int32 (what ARM's VQRDMULH computes): the high
 * 32 bits of 2·a·b, i.e. a·b / 2^31 rounded to the nearest integer.
 *
 * Accepts: a, b any int32. Returns an int32.
 * Rounding: to nearest, ties toward +infinity (not away from zero): 0.5 → 1, 1.5 → 2, but
 * -0.5 → 0 and -1.5 → -1. This follows from gemmlowp's nudge (2^30 for a·b >= 0, 1 - 2^30 for
 * a·b < 0) followed by C's division truncating toward zero.
 * Saturation: a == b == INT32_MIN would give 2^31, which is returned as INT32_MAX; no other
 * input overflows.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  requireInt32("saturatingRoundingDoublingHighMul", "a", a);
  requireInt32("saturatingRoundingDoublingHighMul", "b", b);
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a·b reaches 2^62, beyond the 2^53 that doubles hold exactly, so this reference works in
  // BigInt, which is exact. BigInt division truncates toward zero, like C's int64 division.
  const product = BigInt(a) * BigInt(b);
  const nudge = product >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((product + nudge) / (1n << 31n));
}

/**
 * gemmlowp RoundingDivideByPOT: x / 2^exponent as an arithmetic shift right that rounds.
 *
 * Accepts: x any int32; exponent an integer in [0, 31]. Returns an int32.
 * Rounding: to nearest, ties away from zero: 1/2 → 1, -1/2 → -1, 3/2 → 2, -3/2 → -2.
 */
export function roundingDivideByPOT(x: number, exponent: number): number {
  requireInt32("roundingDivideByPOT", "x", x);
  requireIntegerIn("roundingDivideByPOT", "exponent", exponent, 0, 31);
  // 2 ** exponent - 1 rather than (1 << exponent) - 1: JS's 1 << 31 is negative, while C
  // computes the mask in 64 bits (1ll << exponent). The mask is at most 2^31 - 1, a valid int32.
  const mask = 2 ** exponent - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/**
 * TFLite MultiplyByQuantizedMultiplier(int32 x, int32 quantizedMultiplier, int shift), the
 * double-rounding version that TFLite-Micro builds by default: x · (quantizedMultiplier / 2^31)
 * · 2^shift, computed as a left shift, a rounding high multiply, then a rounding right shift.
 *
 * Accepts:
 * - shift an integer in [-31, 30] (TFLite's documented range).
 * - quantizedMultiplier any int32 (TFLite's double-rounding build allows negative ones).
 * - x an int32 with x · 2^max(shift, 0) still an int32, i.e. x in
 *   [-2^(31 - shift), 2^(31 - shift) - 1] when shift > 0. In C, x * (1 << shift) is a plain int
 *   multiply and overflow there is undefined behaviour, so such x are rejected, not wrapped.
 * Returns an int32.
 * Rounding: twice, as TFLite does: first saturatingRoundingDoublingHighMul (ties toward
 * +infinity), then roundingDivideByPOT (ties away from zero). So 5 · 0.25 (x = 5,
 * quantizedMultiplier = 2^30, shift = -1) gives 2, not the correctly rounded 1.
 */
export function multiplyByQuantizedMultiplier(
  x: number,
  quantizedMultiplier: number,
  shift: number,
): number {
  requireInt32("multiplyByQuantizedMultiplier", "x", x);
  requireInt32("multiplyByQuantizedMultiplier", "quantizedMultiplier", quantizedMultiplier);
  requireIntegerIn("multiplyByQuantizedMultiplier", "shift", shift, -31, 30);
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  const shifted = x * 2 ** leftShift; // exact in a double: |shifted| < 2^62
  if (shifted < INT32_MIN || shifted > INT32_MAX) {
    throw new RangeError(
      `multiplyByQuantizedMultiplier: x · 2^${leftShift} must stay an int32 (x in ` +
        `[${-(2 ** (31 - leftShift))}, ${2 ** (31 - leftShift) - 1}] for shift ${shift}), found x = ${x}`,
    );
  }
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(shifted, quantizedMultiplier), rightShift);
}

/** A finite, nonzero double split as value = mantissa · 2^exponent, 0.5 <= |mantissa| < 1. */
interface FrExp {
  mantissa: number;
  exponent: number;
}

const frexpView = new DataView(new ArrayBuffer(8));

/**
 * C's frexp for finite, nonzero doubles, exact for normal and subnormal values alike: it reads
 * the IEEE-754 exponent field and rewrites it to 1022 (the exponent of [0.5, 1)), keeping sign
 * and fraction bits.
 */
function frexp(value: number): FrExp {
  frexpView.setFloat64(0, value);
  const highWord = frexpView.getUint32(0); // sign (1 bit), biased exponent (11), fraction (20)
  const biasedExponent = (highWord >>> 20) & 0x7ff;
  if (biasedExponent === 0) {
    // Subnormal: scaling by 2^64 is exact and makes it normal.
    const scaled = frexp(value * 2 ** 64);
    return { mantissa: scaled.mantissa, exponent: scaled.exponent - 64 };
  }
  frexpView.setUint32(0, ((highWord & 0x800fffff) | (1022 << 20)) >>> 0);
  return { mantissa: frexpView.getFloat64(0), exponent: biasedExponent - 1022 };
}

/** C's std::round (TfLiteRound on doubles): to nearest, ties away from zero. Exact. */
function roundHalfAwayFromZero(value: number): number {
  const whole = Math.trunc(value);
  const fraction = value - whole; // exact: whole and value share the high bits
  if (fraction >= 0.5) return whole + 1;
  if (fraction <= -0.5) return whole - 1;
  return whole;
}

/**
 * TFLite QuantizeMultiplier (default build, not TFLITE_EMULATE_FLOAT, not single rounding):
 * represents realMultiplier as (multiplier / 2^31) · 2^shift with multiplier an int32.
 *
 * Accepts: any finite double whose resulting shift is at most 30, i.e. |realMultiplier| below
 * 2^30 minus a hair (values whose mantissa rounds up to 2^30 are out). TFLite's default build
 * would hand back shift 31 or more for those, which multiplyByQuantizedMultiplier cannot use
 * (1 << 31 is undefined in C); only its single-rounding build saturates them. NaN and
 * infinities are rejected too (TFLite casts them to int64, which is undefined behaviour).
 * Returns: multiplier in [2^30, 2^31 - 1] for positive input, in [-2^31, -2^30] for negative
 * input, shift in [-31, 30]; or { multiplier: 0, shift: 0 } for 0 and for values too small to
 * represent (shift would be below -31: roughly |realMultiplier| < 2^-32), which are flushed to 0.
 * Rounding: multiplier = round(mantissa · 2^31), ties away from zero (std::round). A positive
 * mantissa that rounds up to 2^31 becomes 2^30 with shift + 1; a negative one that rounds to
 * -2^31 is kept as -2^31 (TFLite only checks the positive case; -2^31 fits an int32).
 */
export function quantizeMultiplier(realMultiplier: number): { multiplier: number; shift: number } {
  if (!Number.isFinite(realMultiplier)) {
    throw new RangeError(`quantizeMultiplier: realMultiplier must be finite, found ${realMultiplier}`);
  }
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 }; // also -0
  const { mantissa, exponent } = frexp(realMultiplier);
  let shift = exponent;
  let multiplier = roundHalfAwayFromZero(mantissa * 2 ** 31); // mantissa · 2^31 is exact
  if (multiplier === 2 ** 31) {
    multiplier /= 2;
    shift += 1;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (shift > 30) {
    throw new RangeError(
      `quantizeMultiplier: realMultiplier must be below 2^30 in magnitude so that shift <= 30, ` +
        `found ${realMultiplier} (shift would be ${shift})`,
    );
  }
  return { multiplier, shift };
}
