/* Test driver for the runtime's fixed-point helpers: reads one call per line on stdin and prints
 * one result per line, for comparison with src/quantize/fixed-point.ts.
 *   h A B      fixnet_saturating_rounding_doubling_high_mul_s32(A, B)
 *   d X E      fixnet_rounding_divide_by_pot_s32(X, E)
 *   m X M S    fixnet_multiply_by_quantized_multiplier_s32(X, M, S)
 *   n X M S    fixnet_multiply_by_quantized_multiplier_narrow_s32(X, M, S) */

#include <stdio.h>

#include "fixnet.h"

int main(void)
{
    char op;
    long a, b, c;
    while (scanf(" %c %ld %ld", &op, &a, &b) == 3) {
        switch (op) {
        case 'h':
            printf("%ld\n", (long)fixnet_saturating_rounding_doubling_high_mul_s32((int32_t)a, (int32_t)b));
            break;
        case 'd':
            printf("%ld\n", (long)fixnet_rounding_divide_by_pot_s32((int32_t)a, (int)b));
            break;
        case 'm':
        case 'n':
            if (scanf(" %ld", &c) != 1) {
                return 2;
            }
            printf("%ld\n", op == 'm' ? (long)fixnet_multiply_by_quantized_multiplier_s32((int32_t)a, (int32_t)b, (int)c)
                                      : (long)fixnet_multiply_by_quantized_multiplier_narrow_s32((int32_t)a, (int32_t)b, (int)c));
            break;
        default:
            return 2;
        }
    }
    return 0;
}
