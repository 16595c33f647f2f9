/* fixnet runtime: int8 inference for the dense networks that `fixnet codegen` writes as data
 * (NAME_model.h), bit-exact with fixnet's TypeScript reference emulator (TFLite int8, "double
 * rounding"; docs/quantized-format.md). C99, no malloc, no float, no recursion. It is not a
 * general tensor runtime: dense layers with relu / sigmoid / tanh / linear only.
 *
 * Usage (one translation unit includes the model header):
 *
 *     #include "mnist_model.h"
 *     static int32_t scratch[MNIST_SCRATCH_WORDS];
 *     int8_t logits[MNIST_CLASSES];
 *     int digit = fixnet_predict(&mnist_model, pixels, logits, scratch, MNIST_SCRATCH_WORDS);
 *     if (digit < 0) { ... a fixnet_status_t ... }
 */
#ifndef FIXNET_H
#define FIXNET_H

#include <stddef.h>
#include <stdint.h>

#if defined(__AVR__)
#include <avr/pgmspace.h>
/* On AVR, const data stays in flash only when placed in PROGMEM and read with pgm_read_*. */
#define FIXNET_FLASH PROGMEM
#else
#define FIXNET_FLASH
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The layout of fixnet_model_t / fixnet_layer_t; a header generated for another layout is refused. */
#define FIXNET_MODEL_FORMAT 1

/* Return codes (fixnet_predict returns the class, 0 or more, on success). */
typedef enum {
    FIXNET_OK = 0,
    FIXNET_ERROR_ARGUMENT = -1, /* a NULL pointer */
    FIXNET_ERROR_SCRATCH = -2,  /* scratch_words is below model->scratch_words */
    FIXNET_ERROR_MODEL = -3     /* the model was generated for another FIXNET_MODEL_FORMAT */
} fixnet_status_t;

/* One dense layer; every pointer points into FIXNET_FLASH. For output j, over the layer's
 * inputs x[i] (int8) held as u[i] = x[i] + 128 (uint8; for layer 0, u is the raw pixel):
 *   acc  = bias[j] + sum_i weights[i][j] * u[i]                       (int32, cannot overflow)
 *   v    = MultiplyByQuantizedMultiplier(acc, multipliers[j], shifts[j]) + output_zero_point
 *   v    = min(max(v, clamp_min), clamp_max)
 *   y[j] = table ? table[v + 128] : v
 * bias is the file's bias folded with the input zero point z: bias - (z + 128) * sum_i w[i][j]
 * (equal to the file's bias when z = -128: layer 0 and relu layers). Each weight row is
 * FIXNET_STRIDE(outputs) long: outputs rounded up to a multiple of 4, the extra weights 0. */
typedef struct {
    const int8_t *weights;      /* [inputs][stride], input-major: a zero input skips a row */
    const int32_t *bias;        /* [outputs] */
    const int32_t *multipliers; /* [outputs], 0 or in [2^30, 2^31 - 1] */
    const int8_t *shifts;       /* [outputs], in [-31, 30] */
    const int8_t *table;        /* [256] lookup (sigmoid, tanh), indexed by v + 128; or NULL */
    uint16_t inputs;
    uint16_t outputs;
    int8_t output_zero_point;   /* of v, before the table */
    int8_t clamp_min;
    int8_t clamp_max;
} fixnet_layer_t;

typedef struct {
    uint16_t format;            /* FIXNET_MODEL_FORMAT */
    uint16_t layer_count;
    uint16_t inputs;            /* pixels per image */
    uint16_t classes;           /* logits */
    uint16_t accumulator_words; /* the widest layer's stride: its int32 sums start the scratch */
    uint16_t scratch_words;     /* int32 words of scratch fixnet_predict needs: the sums, then
                                 * the widest hidden layer's activations (one byte each) */
    const fixnet_layer_t *layers;
} fixnet_model_t;

/* Runs the model on one image.
 * model:   a model from a generated header (in flash on AVR).
 * pixels:  [model->inputs] raw 8-bit pixels, 0..255 (the int8 input is pixel - 128).
 * logits:  [model->classes] int8 output, caller-owned.
 * scratch: caller-owned, at least model->scratch_words int32 words (NAME_SCRATCH_WORDS):
 *          the int32 accumulators of the widest layer and the hidden activations.
 * Returns the predicted class (index of the largest logit, ties to the lowest index), or a
 * negative fixnet_status_t; logits are written only on success. Reentrant: no static state. */
int fixnet_predict(const fixnet_model_t *model, const uint8_t *pixels, int8_t *logits,
                   int32_t *scratch, uint16_t scratch_words);

/* The fixed-point helpers, exactly as gemmlowp / TFLite-Micro define them (exported for tests). */

/* round(a * b / 2^31) to nearest, ties toward +infinity; a == b == INT32_MIN saturates to
 * INT32_MAX (the only overflow). Any int32 a, b. */
int32_t fixnet_saturating_rounding_doubling_high_mul_s32(int32_t a, int32_t b);

/* round(x / 2^exponent) to nearest, ties away from zero. Any int32 x; exponent in [0, 31]. */
int32_t fixnet_rounding_divide_by_pot_s32(int32_t x, int exponent);

/* x * multiplier / 2^31 * 2^shift, rounded twice (high-mul, then the right shift).
 * shift in [-31, 30]; x * 2^max(shift, 0) must be an int32 (fixnet's codegen proves it offline). */
int32_t fixnet_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier, int shift);

/* The same integer for multiplier >= 0, from 16 x 16-bit products: the runtime's default on AVR. */
int32_t fixnet_multiply_by_quantized_multiplier_narrow_s32(int32_t x, int32_t multiplier, int shift);

#ifdef __cplusplus
}
#endif

#endif /* FIXNET_H */
