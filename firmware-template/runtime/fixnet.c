/* fixnet runtime: the hand-written int8 inference loop over a generated model (see fixnet.h).
 * It must give exactly the logits of fixnet's TypeScript reference emulator; fixnet's tests
 * check that on the host, on Cortex-M3 (QEMU) and on the ATmega328P (simavr). It holds no model
 * data and allocates nothing; every buffer is the caller's.
 *
 * Integer notes: int is 16 bits on AVR, so every 32- and 64-bit quantity is written as
 * int32_t / int64_t / uint32_t explicitly. The sums are kept in uint32_t (wrapping is defined);
 * the codegen proves offline that each final sum is an int32, so the wrap never loses a bit. */

#include "fixnet.h"

#if defined(__AVR__)
#define FIXNET_READ_S8(address) ((int8_t)pgm_read_byte(address))
#define FIXNET_READ_S32(address) ((int32_t)pgm_read_dword(address))
#define FIXNET_READ_U16(address) ((uint16_t)pgm_read_word(address))
#define FIXNET_READ_POINTER(address) pgm_read_ptr(address)
#else
#define FIXNET_READ_S8(address) (*(address))
#define FIXNET_READ_S32(address) (*(address))
#define FIXNET_READ_U16(address) (*(address))
#define FIXNET_READ_POINTER(address) (*(address))
#endif

/* Build switches. Every combination gives the same logits; fixnet's tests build several.
 *
 * FIXNET_AVR_ASM (AVR only; default 1 there): the whole forward pass (fixnet_forward_s8: each
 * layer's sums, requantization, clamp and table, then the class) in fixnet_avr.S instead of the
 * C below, which is its twin (fixnet_multiply_by_quantized_multiplier_narrow_s32 for the
 * multiply). fixnet_predict's argument checks stay in C either way.
 *
 * FIXNET_UNSIGNED_PRODUCTS (default 1 on AVR without the assembly, else 0): how a weight times
 * an input is formed in C. 0: (int8) w * (uint8) u, a signed product, the obvious form. 1:
 * (w + 128) * u, an unsigned 8 x 8 -> 16-bit product, with 128 * sum(u) taken off once per
 * layer: avr-gcc then needs no sign extension before each 32-bit add. Equal modulo 2^32.
 *
 * FIXNET_NARROW_MULTIPLY (default 1 on AVR, else 0; the assembly replaces it): the requantization through
 * fixnet_multiply_by_quantized_multiplier_narrow_s32 (unsigned, no 64-bit signed division)
 * rather than the reference fixnet_multiply_by_quantized_multiplier_s32.
 *
 * FIXNET_CHUNK (default 8): how many non-zero inputs are gathered before their weight rows are
 * summed; four sums stay in registers across a chunk. 3 (AVR) or 8 bytes of stack each; the
 * assembly reads it too. */
#if defined(__AVR__) && !defined(FIXNET_AVR_ASM)
#define FIXNET_AVR_ASM 1
#endif
#if !defined(__AVR__)
#undef FIXNET_AVR_ASM
#define FIXNET_AVR_ASM 0
#endif

#ifndef FIXNET_UNSIGNED_PRODUCTS
#if defined(__AVR__) && !FIXNET_AVR_ASM
#define FIXNET_UNSIGNED_PRODUCTS 1
#else
#define FIXNET_UNSIGNED_PRODUCTS 0
#endif
#endif
#if FIXNET_AVR_ASM && FIXNET_UNSIGNED_PRODUCTS
#error "FIXNET_UNSIGNED_PRODUCTS needs FIXNET_AVR_ASM=0: the assembly forms signed products"
#endif

#ifndef FIXNET_NARROW_MULTIPLY
#if defined(__AVR__)
#define FIXNET_NARROW_MULTIPLY 1
#else
#define FIXNET_NARROW_MULTIPLY 0
#endif
#endif

#ifndef FIXNET_CHUNK
#define FIXNET_CHUNK 8
#endif
#if FIXNET_CHUNK < 1 || FIXNET_CHUNK > 255
#error "FIXNET_CHUNK must be in 1..255"
#endif

#if FIXNET_UNSIGNED_PRODUCTS
#define FIXNET_PRODUCT(weight, value) \
    ((uint16_t)((uint16_t)(uint8_t)((uint8_t)(weight) ^ 0x80u) * (uint16_t)(value)))
#else
#define FIXNET_PRODUCT(weight, value) ((uint32_t)(int32_t)((int16_t)(weight) * (int16_t)(value)))
#endif

#if FIXNET_NARROW_MULTIPLY
#define FIXNET_MULTIPLY_BY_QUANTIZED_MULTIPLIER fixnet_multiply_by_quantized_multiplier_narrow_s32
#else
#define FIXNET_MULTIPLY_BY_QUANTIZED_MULTIPLIER fixnet_multiply_by_quantized_multiplier_s32
#endif

#if FIXNET_AVR_ASM
/* fixnet_avr.S: fixnet_forward_s8 (below) in assembly, for a model in flash; and the
 * requantization multiply it calls (exported for fixnet's tests). */
int fixnet_avr_forward_s8(const fixnet_model_t *model, const uint8_t *pixels, int8_t *logits, int32_t *scratch);
int32_t fixnet_avr_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier, int8_t shift);
#define FIXNET_FORWARD fixnet_avr_forward_s8
/* fixnet_avr.S reads the structs at fixed offsets (its FIXNET_MODEL_* and FIXNET_LAYER_* constants). */
typedef char fixnet_avr_struct_layout_check[sizeof(fixnet_model_t) == 14 && offsetof(fixnet_model_t, layers) == 12 &&
                                            sizeof(fixnet_layer_t) == 17 && offsetof(fixnet_layer_t, clamp_max) == 16 ? 1 : -1];
#else
#define FIXNET_FORWARD fixnet_forward_s8
#endif

/* ------------------------------------------------------------------------------------------ */
/* Fixed-point helpers: gemmlowp / TFLite-Micro, default ("double rounding") build.            */

int32_t fixnet_saturating_rounding_doubling_high_mul_s32(int32_t a, int32_t b)
{
    int64_t product;
    int32_t nudge;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    product = (int64_t)a * (int64_t)b;
    nudge = product >= 0 ? (INT32_C(1) << 30) : (INT32_C(1) - (INT32_C(1) << 30));
    /* C99 division truncates toward zero, which with the nudge gives ties toward +infinity. */
    return (int32_t)((product + nudge) / (INT64_C(1) << 31));
}

int32_t fixnet_rounding_divide_by_pot_s32(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)((INT64_C(1) << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    /* >> of a negative int32 is implementation-defined in C99; gcc, clang and avr-gcc shift
     * arithmetically, as gemmlowp assumes. */
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t fixnet_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier, int shift)
{
    const int left_shift = shift > 0 ? shift : 0;
    const int right_shift = shift > 0 ? 0 : -shift;
    return fixnet_rounding_divide_by_pot_s32(
        fixnet_saturating_rounding_doubling_high_mul_s32(x * (INT32_C(1) << left_shift), multiplier),
        right_shift);
}

/* floor((magnitude * multiplier + nudge) / 2^31) for magnitude <= 2^31, multiplier < 2^31,
 * nudge < 2^31: the result is below 2^31 + 1 and fits a uint32. */
static uint32_t fixnet_high_mul_u32(uint32_t magnitude, uint32_t multiplier, uint32_t nudge)
{
    return (uint32_t)(((uint64_t)magnitude * multiplier + nudge) >> 31);
}

/* The same integer as fixnet_multiply_by_quantized_multiplier_s32 for multiplier >= 0 (every
 * multiplier fixnet writes), on the magnitude with unsigned arithmetic only: no 64-bit signed
 * division or shift, which avr-gcc makes slow. fixnet's tests check it against the reference
 * above on the host and on AVR. Why it is the same, with P = x * 2^left * multiplier:
 * - TFLite's (P + nudge) / 2^31, truncating, equals floor((P + 2^30) / 2^31) for either sign
 *   of P, which for P < 0 is -floor((|P| + 2^30 - 1) / 2^31): a function of |P|.
 * - RoundingDivideByPOT rounds half away from zero, so on a magnitude q it is
 *   floor((q + 2^(right - 1)) / 2^right) = ((q >> (right - 1)) + 1) >> 1 for right >= 1.
 * P's sign is x's: multiplier >= 0, and for multiplier = 0 both nudges give 0. */
int32_t fixnet_multiply_by_quantized_multiplier_narrow_s32(int32_t x, int32_t multiplier, int shift)
{
    const int negative = x < 0;
    /* |x| * 2^left: at most 2^31 by the contract; a shift, not avr-gcc's 32-bit multiply call. */
    const uint32_t magnitude = (negative ? UINT32_C(0) - (uint32_t)x : (uint32_t)x) << (shift > 0 ? shift : 0);
    uint32_t q = fixnet_high_mul_u32(magnitude, (uint32_t)multiplier,
                                     negative ? (UINT32_C(1) << 30) - 1u : UINT32_C(1) << 30);
    if (shift < 0) {
        uint8_t bits = (uint8_t)(-shift - 1); /* right_shift - 1 */
        if (bits >= 8) {
            q >>= 8; /* a byte move on 8-bit cores, where variable shifts loop bit by bit */
            bits -= 8;
        }
        q = ((q >> bits) + 1u) >> 1;
    }
    return negative ? -(int32_t)q : (int32_t)q;
}

/* ------------------------------------------------------------------------------------------ */
/* The forward pass in C (fixnet_avr.S replaces all of it on AVR unless FIXNET_AVR_ASM is 0)   */

#if !FIXNET_AVR_ASM

/* A non-zero input and its weight row (3 bytes on AVR). */
typedef struct {
    uint8_t value;     /* the input as uint8 (int8 + 128), 1..255 */
    const int8_t *row; /* weights[i][0 .. stride), in flash */
} fixnet_term_t;

/* The length of a weight row: outputs rounded up to a multiple of 4 (see fixnet_layer_t). */
#define FIXNET_STRIDE(outputs) ((uint16_t)(((outputs) + 3u) & ~3u))

/* The int32 a sum stands for, from its value modulo 2^32 (no implementation-defined cast). */
static int32_t fixnet_int32_from_uint32(uint32_t value)
{
    return value <= (uint32_t)INT32_MAX ? (int32_t)value : (int32_t)(value - UINT32_C(0x80000000)) + INT32_MIN;
}

/* accumulators[j] += sum_k terms[k].row[j] * terms[k].value for j < stride (mod 2^32).
 * stride: outputs rounded up to a multiple of 4 (the weight rows' length; the extra columns are
 * zero weights, so four sums are always done together and there is no remainder loop). */
static void fixnet_accumulate_rows(uint32_t *accumulators, uint16_t stride, const fixnet_term_t *terms, uint8_t count)
{
    uint16_t j;
    uint8_t k;
    for (j = 0; j < stride; j += 4) {
        uint32_t sum0 = accumulators[j];
        uint32_t sum1 = accumulators[j + 1];
        uint32_t sum2 = accumulators[j + 2];
        uint32_t sum3 = accumulators[j + 3];
        for (k = 0; k < count; k++) {
            const int8_t *weight = terms[k].row + j;
            const uint8_t value = terms[k].value;
            sum0 += FIXNET_PRODUCT(FIXNET_READ_S8(weight), value);
            sum1 += FIXNET_PRODUCT(FIXNET_READ_S8(weight + 1), value);
            sum2 += FIXNET_PRODUCT(FIXNET_READ_S8(weight + 2), value);
            sum3 += FIXNET_PRODUCT(FIXNET_READ_S8(weight + 3), value);
        }
        accumulators[j] = sum0;
        accumulators[j + 1] = sum1;
        accumulators[j + 2] = sum2;
        accumulators[j + 3] = sum3;
    }
}

/* accumulators[j] = bias[j] + sum_i weights[i][j] * input[i] (the true int32, mod 2^32) for
 * j < outputs; the padding columns up to the stride get sums too, which nothing reads.
 * input: [inputs] uint8, an int8 activation + 128 (the pixel, for layer 0); zeros are skipped. */
static void fixnet_accumulate_s8(const fixnet_layer_t *layer, const uint8_t *input, uint32_t *accumulators)
{
    fixnet_term_t terms[FIXNET_CHUNK];
    fixnet_term_t *next = terms;
    const uint16_t stride = FIXNET_STRIDE(layer->outputs);
    const int8_t *row = layer->weights;
    const uint8_t *end = input + layer->inputs;
    uint16_t j;
#if FIXNET_UNSIGNED_PRODUCTS
    uint32_t input_sum = 0;
#endif

    for (j = 0; j < stride; j++) {
        accumulators[j] = j < layer->outputs ? (uint32_t)FIXNET_READ_S32(&layer->bias[j]) : 0u;
    }
    for (; input < end; input++, row += stride) {
        if (*input == 0) {
            continue;
        }
        next->value = *input;
        next->row = row;
        next++;
#if FIXNET_UNSIGNED_PRODUCTS
        input_sum += *input;
#endif
        if (next == terms + FIXNET_CHUNK) {
            fixnet_accumulate_rows(accumulators, stride, terms, FIXNET_CHUNK);
            next = terms;
        }
    }
    if (next != terms) {
        fixnet_accumulate_rows(accumulators, stride, terms, (uint8_t)(next - terms));
    }
#if FIXNET_UNSIGNED_PRODUCTS
    input_sum *= 128u; /* each product had (w + 128) * u: take the 128 * u back */
    for (j = 0; j < stride; j++) {
        accumulators[j] -= input_sum;
    }
#endif
}

/* output[j] = the layer's int8 output for accumulator j, plus offset (128 to store a hidden
 * activation as uint8 for the next layer, 0 for the logits). */
static void fixnet_requantize_s8(const fixnet_layer_t *layer, const uint32_t *accumulators,
                                 uint8_t *output, uint8_t offset)
{
    uint16_t j;
    for (j = 0; j < layer->outputs; j++) {
        int32_t v = FIXNET_MULTIPLY_BY_QUANTIZED_MULTIPLIER(
                        fixnet_int32_from_uint32(accumulators[j]),
                        FIXNET_READ_S32(&layer->multipliers[j]),
                        FIXNET_READ_S8(&layer->shifts[j]))
                    + layer->output_zero_point;
        if (v < layer->clamp_min) {
            v = layer->clamp_min;
        }
        if (v > layer->clamp_max) {
            v = layer->clamp_max;
        }
        if (layer->table != NULL) {
            v = FIXNET_READ_S8(&layer->table[v + 128]);
        }
        output[j] = (uint8_t)(v + offset);
    }
}

/* The layer's outputs for an input: output[j] = int8 output j + offset, through accumulators
 * ([stride] uint32 scratch). output may be the input buffer: it is written after every sum. */
static void fixnet_dense_s8(const fixnet_layer_t *layer, const uint8_t *input, uint32_t *accumulators,
                            uint8_t *output, uint8_t offset)
{
#if defined(__AVR__)
    /* The struct is in flash, which AVR reads only with LPM: copy it to the stack. */
    fixnet_layer_t copy;
    memcpy_P(&copy, layer, sizeof copy);
    layer = &copy;
#endif
    fixnet_accumulate_s8(layer, input, accumulators);
    fixnet_requantize_s8(layer, accumulators, output, offset);
}

/* Runs every layer of the model: logits ([classes] int8) for pixels ([inputs] raw pixels);
 * returns the class (the largest logit's index, ties to the lowest). scratch: [accumulator_words]
 * uint32 sums, then the hidden activations as uint8; a layer's activations are overwritten by
 * its outputs only after all its sums are done. */
static int fixnet_forward_s8(const fixnet_model_t *model, const uint8_t *pixels, int8_t *logits, int32_t *scratch)
{
    uint8_t *activations = (uint8_t *)(scratch + FIXNET_READ_U16(&model->accumulator_words));
    const fixnet_layer_t *layer = FIXNET_READ_POINTER(&model->layers);
    const uint8_t *input = pixels;
    const uint16_t classes = FIXNET_READ_U16(&model->classes);
    uint16_t layers_left, k;
    int best = 0;
    for (layers_left = FIXNET_READ_U16(&model->layer_count); layers_left > 0; layers_left--, layer++) {
        const int last = layers_left == 1;
        fixnet_dense_s8(layer, input, (uint32_t *)scratch, last ? (uint8_t *)logits : activations, last ? 0 : 128);
        input = activations;
    }
    for (k = 1; k < classes; k++) {
        if (logits[k] > logits[best]) {
            best = k;
        }
    }
    return best;
}

#endif /* !FIXNET_AVR_ASM */

/* ------------------------------------------------------------------------------------------ */

int fixnet_predict(const fixnet_model_t *model, const uint8_t *pixels, int8_t *logits,
                   int32_t *scratch, uint16_t scratch_words)
{
    if (model == NULL || pixels == NULL || logits == NULL || scratch == NULL) {
        return FIXNET_ERROR_ARGUMENT;
    }
    /* The model is in flash on AVR: each field is read with FIXNET_READ_* (LPM there). */
    if (FIXNET_READ_U16(&model->format) != FIXNET_MODEL_FORMAT) {
        return FIXNET_ERROR_MODEL;
    }
    if (scratch_words < FIXNET_READ_U16(&model->scratch_words)) {
        return FIXNET_ERROR_SCRATCH;
    }
    return FIXNET_FORWARD(model, pixels, logits, scratch);
}
