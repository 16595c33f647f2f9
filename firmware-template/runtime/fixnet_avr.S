; fixnet runtime, AVR assembly for the whole forward pass (used when FIXNET_AVR_ASM is 1, the
; default on AVR): per layer, the sums over the non-zero inputs, the requantization multiply
; (MultiplyByQuantizedMultiplier, with its 32 x 32 -> 64-bit product), the clamp and the table.
; It is the same algorithm as fixnet_forward_s8 and the functions it calls in fixnet.c, which
; stay as the C fallback (-DFIXNET_AVR_ASM=0); fixnet's tests check both against the TypeScript
; emulator, and the multiply against fixed-point.ts, on simavr. fixnet_predict (C) checks the
; arguments and picks the class. Not a general kernel: it reads fixnet_model_t / fixnet_layer_t.
; avr-gcc calling convention: arguments from r24:r25 down, r2-r17 and r28-r29 preserved,
; r1 zero on entry and return. Assembles to nothing on other targets.

#if defined(__AVR__)

#include <avr/io.h>

#ifndef FIXNET_CHUNK
#define FIXNET_CHUNK 8
#endif
#if FIXNET_CHUNK < 1 || FIXNET_CHUNK > 255
#error "FIXNET_CHUNK must be in 1..255"
#endif

; fixnet_model_t and fixnet_layer_t (fixnet.h) as avr-gcc lays them out: 2-byte pointers, no
; padding (fixnet.c refuses to compile with another layout).
#define FIXNET_MODEL_LAYER_COUNT 2
#define FIXNET_MODEL_CLASSES 6
#define FIXNET_MODEL_ACCUMULATOR_WORDS 8
#define FIXNET_MODEL_LAYERS 12
#define FIXNET_MODEL_SIZE 14
#define FIXNET_LAYER_WEIGHTS 0
#define FIXNET_LAYER_BIAS 2
#define FIXNET_LAYER_MULTIPLIERS 4
#define FIXNET_LAYER_SHIFTS 6
#define FIXNET_LAYER_TABLE 8
#define FIXNET_LAYER_INPUTS 10
#define FIXNET_LAYER_OUTPUTS 12
#define FIXNET_LAYER_ZERO_POINT 14
#define FIXNET_LAYER_CLAMP_MIN 15
#define FIXNET_LAYER_CLAMP_MAX 16
#define FIXNET_LAYER_SIZE 17

; The stack frame of fixnet_avr_forward_s8, at SP + 1 ... SP + FIXNET_FRAME_SIZE: a copy of the
; model struct (whose layer_count and layers then count the layers left and point to the next),
; the sums, activations, logits and input pointers, a copy of the current layer struct, then up
; to FIXNET_CHUNK gathered terms of 3 bytes { uint8_t value; const int8_t *row } and a 0 value
; that ends them. (Every name here starts with FIXNET_: harnesses pass -D flags such as
; MODEL_CLASSES to this file too.)
#define FIXNET_FRAME_MODEL 1
#define FIXNET_FRAME_SUMS (FIXNET_FRAME_MODEL + FIXNET_MODEL_SIZE)
#define FIXNET_FRAME_ACTIVATIONS (FIXNET_FRAME_SUMS + 2)
#define FIXNET_FRAME_LOGITS (FIXNET_FRAME_ACTIVATIONS + 2)
#define FIXNET_FRAME_INPUT (FIXNET_FRAME_LOGITS + 2)
#define FIXNET_FRAME_LAYER (FIXNET_FRAME_INPUT + 2)
#define FIXNET_FRAME_TERMS (FIXNET_FRAME_LAYER + FIXNET_LAYER_SIZE)
#define FIXNET_FRAME_SIZE (FIXNET_FRAME_TERMS + 3 * FIXNET_CHUNK)
; Bytes between SP and the frame inside fixnet_avr_accumulate_chunk: its return address and the
; six bytes it saves.
#define FIXNET_CHUNK_DEPTH 8
#if FIXNET_CHUNK_DEPTH + FIXNET_FRAME_TERMS > 63
#error "the terms must start within reach of LDD / ADIW (displacement 0..63)"
#endif

    .text

; int fixnet_avr_forward_s8(const fixnet_model_t *model, const uint8_t *pixels, int8_t *logits,
;                           int32_t *scratch)
;   model:   r25:r24, in flash, checked by fixnet_predict; at least one layer and one class, and
;            every layer has inputs and outputs >= 1 (fixnet's codegen writes nothing emptier)
;   pixels:  r23:r22, [model->inputs] raw pixels
;   logits:  r21:r20, [model->classes] int8
;   scratch: r19:r18, model->scratch_words int32 words: [accumulator_words] uint32 sums, then
;            the hidden activations as uint8 (int8 + 128)
;   returns the class: the index of the largest logit, ties to the lowest index
; Per layer, the three phases of fixnet_dense_s8 in fixnet.c:
; 1. sums[j] = bias[j] for j < outputs (the padding sums up to the stride start from whatever is
;    there: their weights are 0 and nothing reads them);
; 2. the inputs are scanned (10 cycles per zero input); each non-zero one is gathered with its
;    weight row, and every FIXNET_CHUNK of them (and the last few) are summed into all outputs by
;    fixnet_avr_accumulate_chunk;
; 3. per output: MultiplyByQuantizedMultiplier, + output zero point, clamp, table; stored as
;    uint8 (+ 128) in the activations for a hidden layer, as int8 in the logits for the last.
;    The activations are overwritten only here, after every sum of the layer is done.

    .global fixnet_avr_forward_s8
    .type fixnet_avr_forward_s8, @function
fixnet_avr_forward_s8:
    push r2
    push r3
    push r4
    push r5
    push r6
    push r7
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    push r16
    push r17
    push r28
    push r29
    in r28, _SFR_IO_ADDR(SPL)   ; Y = SP - FIXNET_FRAME_SIZE: the frame is Y + 1 ...
    in r29, _SFR_IO_ADDR(SPH)
    subi r28, lo8(FIXNET_FRAME_SIZE)
    sbci r29, hi8(FIXNET_FRAME_SIZE)
    in r0, _SFR_IO_ADDR(SREG)
    cli
    out _SFR_IO_ADDR(SPH), r29
    out _SFR_IO_ADDR(SREG), r0  ; (the next instruction runs before any interrupt)
    out _SFR_IO_ADDR(SPL), r28
    movw r30, r24               ; the model struct, then the pointers
    movw r26, r28
    adiw r26, FIXNET_FRAME_MODEL
    ldi r17, FIXNET_MODEL_SIZE
    rcall fixnet_avr_copy_from_flash
    st X+, r18                  ; FIXNET_FRAME_SUMS
    st X+, r19
    ldd r24, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_ACCUMULATOR_WORDS
    ldd r25, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_ACCUMULATOR_WORDS + 1
    lsl r24
    rol r25
    lsl r24
    rol r25
    add r24, r18
    adc r25, r19
    st X+, r24                  ; FIXNET_FRAME_ACTIVATIONS = scratch + 4 * accumulator_words
    st X+, r25
    st X+, r20                  ; FIXNET_FRAME_LOGITS
    st X+, r21
    st X+, r22                  ; FIXNET_FRAME_INPUT
    st X+, r23

1:  ; a layer: copy its struct; the model copy then points to the next
    ldd r30, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYERS
    ldd r31, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYERS + 1
    movw r26, r28
    adiw r26, FIXNET_FRAME_LAYER
    ldi r17, FIXNET_LAYER_SIZE
    rcall fixnet_avr_copy_from_flash
    std Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYERS, r30
    std Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYERS + 1, r31

    ; 1. the biases (int32, flash) into the sums
    ldd r30, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_BIAS
    ldd r31, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_BIAS + 1
    ldd r26, Y + FIXNET_FRAME_SUMS
    ldd r27, Y + FIXNET_FRAME_SUMS + 1
    ldd r24, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_OUTPUTS
    ldd r25, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_OUTPUTS + 1
2:  ldi r17, 4
    rcall fixnet_avr_copy_from_flash
    sbiw r24, 1
    brne 2b

    ; 2. the scan. X: input; r25:r24: inputs left; r13:r12: weight row of the input;
    ; r15:r14: stride (the row length); Z: next term; r21: terms left in the chunk.
    ldd r24, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_OUTPUTS
    ldd r25, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_OUTPUTS + 1
    adiw r24, 3
    andi r24, 0xFC
    movw r14, r24
    ldd r12, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_WEIGHTS
    ldd r13, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_WEIGHTS + 1
    ldd r24, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_INPUTS
    ldd r25, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_INPUTS + 1
    ldd r26, Y + FIXNET_FRAME_INPUT
    ldd r27, Y + FIXNET_FRAME_INPUT + 1
    movw r30, r28
    adiw r30, FIXNET_FRAME_TERMS
    ldi r21, FIXNET_CHUNK
3:  ld r16, X+
    tst r16
    brne 5f                     ; a non-zero input: gather it
4:  add r12, r14                ; next row
    adc r13, r15
    sbiw r24, 1
    brne 3b
    cpi r21, FIXNET_CHUNK       ; the last, partial chunk
    breq 6f
    rcall fixnet_avr_accumulate_chunk
    rjmp 6f
5:  st Z+, r16
    st Z+, r12
    st Z+, r13
    dec r21
    brne 4b
    rcall fixnet_avr_accumulate_chunk
    rjmp 4b

6:  ; 3. requantize. r3:r2: sums; r5:r4: multipliers; r7:r6: shifts; r9:r8: output;
    ; r11:r10: end of the shifts; r13:r12 = clamp_min - zero point, r15:r14 = clamp_max - zero
    ; point (in -255 .. 255, so the high byte is also the sign extension to 32 bits): the
    ; product is clamped before the zero point is added; r17: 128 (hidden) or 0 (logits),
    ; added to the output; Y: the frame.
    in r28, _SFR_IO_ADDR(SPL)
    in r29, _SFR_IO_ADDR(SPH)
    ldd r2, Y + FIXNET_FRAME_SUMS
    ldd r3, Y + FIXNET_FRAME_SUMS + 1
    ldd r4, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_MULTIPLIERS
    ldd r5, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_MULTIPLIERS + 1
    ldd r6, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_SHIFTS
    ldd r7, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_SHIFTS + 1
    ldd r24, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_OUTPUTS
    ldd r25, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_OUTPUTS + 1
    add r24, r6
    adc r25, r7
    movw r10, r24
    ldd r16, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_ZERO_POINT
    clr r17                     ; r17:r16 = zero point, sign-extended
    sbrc r16, 7
    com r17
    ldd r24, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_CLAMP_MIN
    rcall fixnet_avr_bound
    movw r12, r24
    ldd r24, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_CLAMP_MAX
    rcall fixnet_avr_bound
    movw r14, r24
    ldd r8, Y + FIXNET_FRAME_ACTIVATIONS
    ldd r9, Y + FIXNET_FRAME_ACTIVATIONS + 1
    ldi r17, 128
    ldd r24, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYER_COUNT
    ldd r25, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYER_COUNT + 1
    sbiw r24, 1                 ; layers left after this one
    std Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYER_COUNT, r24
    std Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYER_COUNT + 1, r25
    brne 7f
    ldd r8, Y + FIXNET_FRAME_LOGITS    ; the last layer
    ldd r9, Y + FIXNET_FRAME_LOGITS + 1
    ldi r17, 0
7:  movw r26, r2                ; x = sums[j]
    ld r22, X+
    ld r23, X+
    ld r24, X+
    ld r25, X+
    movw r2, r26
    movw r30, r4                ; multiplier = multipliers[j]
    lpm r18, Z+
    lpm r19, Z+
    lpm r20, Z+
    lpm r21, Z+
    movw r4, r30
    movw r30, r6                ; shift = shifts[j]
    lpm r16, Z+
    movw r6, r30
    rcall fixnet_avr_multiply_by_quantized_multiplier_s32
    cp r22, r12                 ; below clamp_min - zero point?
    cpc r23, r13
    cpc r24, r13
    cpc r25, r13
    brlt 8f
    cp r14, r22                 ; not above clamp_max - zero point?
    cpc r15, r23
    cpc r15, r24
    cpc r15, r25
    brge 9f
    mov r22, r14
    rjmp 9f
8:  mov r22, r12
9:  ldd r0, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_ZERO_POINT
    add r22, r0                 ; v, clamped: an int8
    ldd r30, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_TABLE
    ldd r31, Y + FIXNET_FRAME_LAYER + FIXNET_LAYER_TABLE + 1
    sbiw r30, 0
    breq 10f                    ; no table
    subi r22, 0x80              ; table[v + 128]
    add r30, r22
    adc r31, r1
    lpm r22, Z
10: add r22, r17
    movw r26, r8
    st X+, r22
    movw r8, r26
    cp r6, r10
    cpc r7, r11
    brne 7b

    ldd r24, Y + FIXNET_FRAME_ACTIVATIONS  ; the next layer's input
    ldd r25, Y + FIXNET_FRAME_ACTIVATIONS + 1
    std Y + FIXNET_FRAME_INPUT, r24
    std Y + FIXNET_FRAME_INPUT + 1, r25
    ldd r24, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYER_COUNT
    ldd r25, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_LAYER_COUNT + 1
    or r24, r25
    breq 11f
    rjmp 1b                     ; (too far for a branch)

11: ldd r26, Y + FIXNET_FRAME_LOGITS    ; the class: r25:r24 = best index, r19 = its logit,
    ldd r27, Y + FIXNET_FRAME_LOGITS + 1 ; r23:r22 = k, r21:r20 = classes left
    ldd r20, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_CLASSES
    ldd r21, Y + FIXNET_FRAME_MODEL + FIXNET_MODEL_CLASSES + 1
    clr r24
    clr r25
    movw r22, r24
    ld r19, X+
12: subi r20, 1
    sbci r21, 0
    breq 13f
    subi r22, 0xFF              ; k + 1
    sbci r23, 0xFF
    ld r18, X+
    cp r19, r18
    brge 12b                    ; not larger: the lower index stays
    mov r19, r18
    movw r24, r22
    rjmp 12b

13: subi r28, lo8(-FIXNET_FRAME_SIZE)  ; free the frame
    sbci r29, hi8(-FIXNET_FRAME_SIZE)
    in r0, _SFR_IO_ADDR(SREG)
    cli
    out _SFR_IO_ADDR(SPH), r29
    out _SFR_IO_ADDR(SREG), r0
    out _SFR_IO_ADDR(SPL), r28
    pop r29
    pop r28
    pop r17
    pop r16
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop r7
    pop r6
    pop r5
    pop r4
    pop r3
    pop r2
    ret
    .size fixnet_avr_forward_s8, . - fixnet_avr_forward_s8

; Copies r17 (1..255) bytes from flash at Z to RAM at X; both end past the bytes. Uses r0.
    .type fixnet_avr_copy_from_flash, @function
fixnet_avr_copy_from_flash:
    lpm r0, Z+
    st X+, r0
    dec r17
    brne fixnet_avr_copy_from_flash
    ret
    .size fixnet_avr_copy_from_flash, . - fixnet_avr_copy_from_flash

; r25:r24 = (int8) r24 - r17:r16 (a clamp bound minus the zero point, in -255 .. 255).
    .type fixnet_avr_bound, @function
fixnet_avr_bound:
    clr r25
    sbrc r24, 7
    com r25
    sub r24, r16
    sbc r25, r17
    ret
    .size fixnet_avr_bound, . - fixnet_avr_bound

; Adds the gathered terms into every sum: for each block of four outputs j = 4b .. 4b + 3,
;   sums[j] += sum over the terms of (int8) row[j] * (uint8) value          (mod 2^32)
; Called from fixnet_avr_forward_s8's scan with Z just past the last term; it writes the 0 that
; ends them, keeps X and r12-r15 (the scan's state) and r24, r25 (untouched), and returns with
; Z at the first term and r21 = FIXNET_CHUNK, ready for the next chunk.
; The four sums of a block stay in registers while all the terms are added: per term and block,
; 3 loads, a pointer add, for each output LPM + MULSU + sign byte + 4-byte add (10 cycles), and
; the test for the end: 51 cycles for 4 multiply-accumulates. MULSU sets C to the product's sign bit (the
; product, at most 127 * 255 in magnitude, is an exact int16), and SBC of a register with itself
; turns C into the sign-extension byte 0x00 or 0xFF.
; Registers: r2-r15, r18, r19: the 16 sum bytes; r16: value; r17: weight, then sign byte;
; r21:r20: blocks left; r23:r22: column 4b; X: sums of the block; Y: term; Z: weights.
    .type fixnet_avr_accumulate_chunk, @function
fixnet_avr_accumulate_chunk:
    st Z, r1                    ; the end of the terms
    push r26
    push r27
    push r12
    push r13
    push r14
    push r15
    movw r20, r14               ; blocks = stride / 4
    lsr r21
    ror r20
    lsr r21
    ror r20
    in r28, _SFR_IO_ADDR(SPL)
    in r29, _SFR_IO_ADDR(SPH)
    ldd r26, Y + FIXNET_CHUNK_DEPTH + FIXNET_FRAME_SUMS
    ldd r27, Y + FIXNET_CHUNK_DEPTH + FIXNET_FRAME_SUMS + 1
    clr r22                     ; column = 0
    clr r23
1:  ld r2, X+                   ; block: load its four sums
    ld r3, X+
    ld r4, X+
    ld r5, X+
    ld r6, X+
    ld r7, X+
    ld r8, X+
    ld r9, X+
    ld r10, X+
    ld r11, X+
    ld r12, X+
    ld r13, X+
    ld r14, X+
    ld r15, X+
    ld r18, X+
    ld r19, X+
    in r28, _SFR_IO_ADDR(SPL)   ; Y = first term
    in r29, _SFR_IO_ADDR(SPH)
    adiw r28, FIXNET_CHUNK_DEPTH + FIXNET_FRAME_TERMS
    ld r16, Y+                  ; the first value (there is at least one term)
2:  ld r30, Y+                  ; term: Z = row + column
    ld r31, Y+
    add r30, r22
    adc r31, r23
    lpm r17, Z+                 ; output 4b
    mulsu r17, r16
    sbc r17, r17
    add r2, r0
    adc r3, r1
    adc r4, r17
    adc r5, r17
    lpm r17, Z+                 ; output 4b + 1
    mulsu r17, r16
    sbc r17, r17
    add r6, r0
    adc r7, r1
    adc r8, r17
    adc r9, r17
    lpm r17, Z+                 ; output 4b + 2
    mulsu r17, r16
    sbc r17, r17
    add r10, r0
    adc r11, r1
    adc r12, r17
    adc r13, r17
    lpm r17, Z+                 ; output 4b + 3
    mulsu r17, r16
    sbc r17, r17
    add r14, r0
    adc r15, r1
    adc r18, r17
    adc r19, r17
    ld r16, Y+                  ; the next value; 0: no more
    tst r16
    brne 2b
    st -X, r19                  ; store the block's sums
    st -X, r18
    st -X, r15
    st -X, r14
    st -X, r13
    st -X, r12
    st -X, r11
    st -X, r10
    st -X, r9
    st -X, r8
    st -X, r7
    st -X, r6
    st -X, r5
    st -X, r4
    st -X, r3
    st -X, r2
    adiw r26, 16                ; next block
    subi r22, 0xFC              ; column += 4
    sbci r23, 0xFF
    subi r20, 1
    sbci r21, 0
    breq 4f
    rjmp 1b                     ; (too far for a branch)
4:  clr r1
    pop r15
    pop r14
    pop r13
    pop r12
    pop r27
    pop r26
    in r30, _SFR_IO_ADDR(SPL)   ; Z = first term, for the next chunk
    in r31, _SFR_IO_ADDR(SPH)
    adiw r30, 2 + FIXNET_FRAME_TERMS
    ldi r21, FIXNET_CHUNK
    ret
    .size fixnet_avr_accumulate_chunk, . - fixnet_avr_accumulate_chunk

; int32_t fixnet_avr_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier,
;                                                          int8_t shift)
;   x: r25:r22; multiplier: r21:r18, 0 or in [2^30, 2^31 - 1]; shift: r16, in [-31, 30]
;   x * 2^max(shift, 0) must be an int32 (the codegen proves it for every layer).
;   returns fixnet_multiply_by_quantized_multiplier_s32(x, multiplier, shift) in r25:r22
; The same steps as fixnet_multiply_by_quantized_multiplier_narrow_s32 in fixnet.c, on the
; magnitude a = |x| * 2^left:
;   q = floor((a * multiplier + nudge) / 2^31), nudge = 2^30, or 2^30 - 1 for x < 0
;   q = (q >> right) + bit (right - 1) of q = ((q >> (right - 1)) + 1) >> 1 when right = -shift > 0
;   result = x < 0 ? -q : q
; The 64-bit P = a * multiplier + nudge is built one byte of a at a time (operand scanning): a
; 5-byte window W = r26, r27, r30, r31, r29 holds bytes i .. i + 4 of the running sum; it gets
; a[i] * multiplier (W stays below 2^32 + 2^39 < 2^40), then its low byte is final: it moves into
; r25 as the bytes of a move down, and W moves down a byte. After four rounds r25:r22 hold P's
; bytes 3..0 and W its bytes 7..4. r28 is zero; T holds the sign of x.
; About 200 cycles for a typical shift of -8 to -12, call included. Besides the result, it
; changes r0, r18-r21, r26, r27, r30, r31 and T only (fixnet_avr_forward_s8 relies on it).

    .global fixnet_avr_multiply_by_quantized_multiplier_s32
    .type fixnet_avr_multiply_by_quantized_multiplier_s32, @function
fixnet_avr_multiply_by_quantized_multiplier_s32:
    push r17
    push r28
    push r29
    clr r28
    bst r25, 7                  ; T = x < 0
    brtc 1f
    rcall fixnet_avr_negate     ; x = -x (as unsigned: 2^31 for INT32_MIN)
1:  cpi r16, 1                  ; left shift by shift > 0
    brlt 3f
    mov r26, r16
2:  lsl r22
    rol r23
    rol r24
    rol r25
    dec r26
    brne 2b
3:  clr r26                     ; W = nudge: 2^30, or 2^30 - 1 for x < 0
    clr r27
    movw r30, r26
    ldi r31, 0x40
    clr r29
    brtc 4f
    sbiw r26, 1
    sbc r30, r28
    sbc r31, r28
4:  ldi r17, 4
5:  tst r22                     ; W += a[i] * multiplier (nothing to add for a zero byte,
    breq 6f                     ; as the high bytes of a small |x| are)
    mul r22, r18
    add r26, r0
    adc r27, r1
    adc r30, r28
    adc r31, r28
    adc r29, r28
    mul r22, r19
    add r27, r0
    adc r30, r1
    adc r31, r28
    adc r29, r28
    mul r22, r20
    add r30, r0
    adc r31, r1
    adc r29, r28
    mul r22, r21
    add r31, r0
    adc r29, r1
6:  mov r22, r23                ; next byte of a; P byte i into r25
    mov r23, r24
    mov r24, r25
    mov r25, r26
    mov r26, r27                ; W down a byte
    mov r27, r30
    mov r30, r31
    mov r31, r29
    clr r29
    dec r17
    brne 5b
    lsl r25                     ; q = P >> 31: bytes 7..4 shifted left by one, plus bit 7 of byte 3
    rol r26
    rol r27
    rol r30
    rol r31
    movw r22, r26
    movw r24, r30
    mov r26, r16                ; rounding right shift by right = -shift (ties away from zero,
    neg r26                     ; on the magnitude)
    brmi 9f                     ; shift > 0: no right shift
    breq 9f
7:  cpi r26, 9                  ; whole bytes first, while a bit shift is left for the end
    brlo 8f
    mov r22, r23
    mov r23, r24
    mov r24, r25
    clr r25
    subi r26, 8
    rjmp 7b
8:  lsr r25
    ror r24
    ror r23
    ror r22
    dec r26                     ; (leaves C, the last bit shifted out: bit right - 1)
    brne 8b
    adc r22, r28
    adc r23, r28
    adc r24, r28
    adc r25, r28
9:  brtc 10f                    ; negative: -q
    rcall fixnet_avr_negate
10: pop r29
    pop r28
    pop r17
    clr r1
    ret
    .size fixnet_avr_multiply_by_quantized_multiplier_s32, . - fixnet_avr_multiply_by_quantized_multiplier_s32

; r25:r22 = -r25:r22 (mod 2^32).
    .type fixnet_avr_negate, @function
fixnet_avr_negate:
    com r25
    com r24
    com r23
    neg r22
    sbci r23, 0xFF
    sbci r24, 0xFF
    sbci r25, 0xFF
    ret
    .size fixnet_avr_negate, . - fixnet_avr_negate

#endif /* __AVR__ */
