// Fast, exact twins of saturatingRoundingDoublingHighMul and multiplyByQuantizedMultiplier for
// the emulator's hot loop: no BigInt, no allocation, no argument checks. Not the specification:
// fixed-point.ts is, and the tests hold these bit-identical to it.
//
// Callers must stay inside the reference's contracts (int32 arguments, shift in [-31, 30],
// x · 2^max(shift, 0) an int32); outside them the result is meaningless, not an error.

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_POW_15 = 32768;
const TWO_POW_16 = 65536;
const TWO_POW_30 = 1073741824;
const TWO_POW_31 = 2147483648;

/**
 * Same result as fixed-point.ts saturatingRoundingDoublingHighMul (a·b / 2^31, ties toward
 * +infinity, INT32_MIN² saturating to INT32_MAX) for int32 a, b, using only doubles.
 *
 * Why it is exact: gemmlowp truncates (a·b + nudge) / 2^31 toward zero, which in sign-magnitude
 * form is sign · floor((|a·b| + 2^30 - (a·b < 0 ? 1 : 0)) / 2^31). |a·b| reaches 2^62, so it is
 * never formed; with |b| = bHigh·2^16 + bLow (bHigh <= 2^15, bLow < 2^16):
 *   high = |a|·bHigh  (< 2^47, exact)       low = |a|·bLow  (< 2^47, exact)
 *   |a·b| = high·2^16 + low,  and high = highQuotient·2^15 + highRemainder, so
 *   |a·b| + rounding = highQuotient·2^31 + (highRemainder·2^16 + low + rounding)
 * where the bracket is below 2^48, exact; its floor division by 2^31 adds to highQuotient.
 */
export function saturatingRoundingDoublingHighMulFast(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const negative = (a < 0) !== (b < 0) && a !== 0 && b !== 0;
  const magnitudeA = a < 0 ? -a : a; // up to 2^31, exact as a double
  const magnitudeB = b < 0 ? -b : b;
  // >>> and & read magnitudeB as uint32 / int32 bits; for 2^31 both still give the right halves
  // (32768 and 0).
  const bHigh = magnitudeB >>> 16;
  const bLow = magnitudeB & 0xffff;
  const high = magnitudeA * bHigh;
  const low = magnitudeA * bLow;
  const highQuotient = Math.floor(high / TWO_POW_15);
  const highRemainder = high - highQuotient * TWO_POW_15;
  const rounding = negative ? TWO_POW_30 - 1 : TWO_POW_30;
  const magnitude = highQuotient + Math.floor((highRemainder * TWO_POW_16 + low + rounding) / TWO_POW_31);
  return negative ? 0 - magnitude : magnitude; // 0 - 0 is +0, unlike -0
}

/**
 * Same result as fixed-point.ts multiplyByQuantizedMultiplier (double rounding: high multiply
 * with ties toward +infinity, then a right shift with ties away from zero), without checks.
 */
export function multiplyByQuantizedMultiplierFast(
  x: number,
  quantizedMultiplier: number,
  shift: number,
): number {
  const leftShift = shift > 0 ? shift : 0;
  const rightShift = shift > 0 ? 0 : -shift;
  const high = saturatingRoundingDoublingHighMulFast(x * (1 << leftShift), quantizedMultiplier);
  // roundingDivideByPOT, inlined; the mask for 31 is spelled out because JS's 1 << 31 is negative.
  const mask = rightShift === 31 ? INT32_MAX : (1 << rightShift) - 1;
  const remainder = high & mask;
  const threshold = (mask >> 1) + (high < 0 ? 1 : 0);
  return (high >> rightShift) + (remainder > threshold ? 1 : 0);
}
