; fixnet runtime, AVR assembly for the two hot spots of fixnet.c (used when FIXNET_AVR_ASM is 1,
; the default on AVR): the multiply-accumulate over gathered weight rows, and the requantization
; multiply (MultiplyByQuantizedMultiplier, with its 32 x 32 -> 64-bit product). fixnet.c keeps a
; C version of each (build with -DFIXNET_AVR_ASM=0), and fixnet's tests check both against the
; TypeScript emulator and fixed-point.ts on simavr.
; avr-gcc calling convention: arguments from r24:r25 down, r2-r17 and r28-r29 preserved,
; r1 zero on return. Assembles to nothing on other targets.

#if defined(__AVR__)

#include <avr/io.h>

    .text

; void fixnet_avr_accumulate_rows(uint32_t *sums, const fixnet_term_t *terms, uint8_t count,
;                                 uint16_t blocks)
;   sums:   r25:r24, [4 * blocks] uint32 in RAM
;   terms:  r23:r22, [count] 3-byte entries { uint8_t value; const int8_t *row (flash) }
;   count:  r20, 1..255
;   blocks: r19:r18, 1..65535
; For each block b and each of its four outputs j = 4b .. 4b + 3:
;   sums[j] += sum over the terms of (int8) row[j] * (uint8) value          (mod 2^32)
; The four sums of a block stay in registers while all the terms are added: per term and block,
; 3 loads, a pointer add, then for each output LPM + MULSU + sign byte + 4-byte add (10 cycles):
; 51 cycles for 4 multiply-accumulates. MULSU sets C to the product's sign bit (the product,
; at most 127 * 255 in magnitude, is an exact int16), and SBC of a register with itself turns C
; into the sign-extension byte 0x00 or 0xFF.
;
; Registers: r2-r15, r18, r19: the 16 sum bytes; r16: value; r17: weight, then sign byte;
; r20: count; r21: terms left; r23:r22: column 4b; r25:r24: terms; X: term pointer;
; Y: sums of the block; Z: weights. The block counter lives on the stack (no register is left).

    .global fixnet_avr_accumulate_rows
    .type fixnet_avr_accumulate_rows, @function
fixnet_avr_accumulate_rows:
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
    push r18                    ; blocks left: low byte at SP + 2, high byte at SP + 1
    push r19
    movw r28, r24               ; Y = sums
    movw r24, r22               ; r25:r24 = terms
    clr r22                     ; column = 0
    clr r23
1:  ; block: load its four sums
    ldd r2, Y+0
    ldd r3, Y+1
    ldd r4, Y+2
    ldd r5, Y+3
    ldd r6, Y+4
    ldd r7, Y+5
    ldd r8, Y+6
    ldd r9, Y+7
    ldd r10, Y+8
    ldd r11, Y+9
    ldd r12, Y+10
    ldd r13, Y+11
    ldd r14, Y+12
    ldd r15, Y+13
    ldd r18, Y+14
    ldd r19, Y+15
    movw r26, r24               ; X = first term
    mov r21, r20                ; terms left = count
2:  ; term: value, then Z = row + column
    ld r16, X+
    ld r30, X+
    ld r31, X+
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
    dec r21
    brne 2b
    std Y+0, r2                 ; store the block's sums
    std Y+1, r3
    std Y+2, r4
    std Y+3, r5
    std Y+4, r6
    std Y+5, r7
    std Y+6, r8
    std Y+7, r9
    std Y+8, r10
    std Y+9, r11
    std Y+10, r12
    std Y+11, r13
    std Y+12, r14
    std Y+13, r15
    std Y+14, r18
    std Y+15, r19
    adiw r28, 16                ; next block's sums
    subi r22, 0xFC              ; column += 4
    sbci r23, 0xFF
    in r30, _SFR_IO_ADDR(SPL)   ; blocks left -= 1 (on the stack)
    in r31, _SFR_IO_ADDR(SPH)
    ldd r16, Z+2
    ldd r17, Z+1
    subi r16, 1
    sbci r17, 0                 ; Z flag: both bytes zero
    std Z+2, r16
    std Z+1, r17
    breq 3f
    rjmp 1b                     ; (too far for a branch)
3:  pop r19
    pop r18
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
    clr r1
    ret
    .size fixnet_avr_accumulate_rows, . - fixnet_avr_accumulate_rows

; int32_t fixnet_avr_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier,
;                                                          int8_t shift)
;   x: r25:r22; multiplier: r21:r18, 0 or in [2^30, 2^31 - 1]; shift: r16, in [-31, 30]
;   x * 2^max(shift, 0) must be an int32 (the codegen proves it for every layer).
;   returns fixnet_multiply_by_quantized_multiplier_s32(x, multiplier, shift) in r25:r22
; The same steps as fixnet_multiply_by_quantized_multiplier_narrow_s32 in fixnet.c, on the
; magnitude |x| * 2^left:
;   q = floor((|x| * 2^left * multiplier + nudge) / 2^31), nudge = 2^30, or 2^30 - 1 for x < 0
;   q = ((q >> (right - 1)) + 1) >> 1 when right = -shift > 0;  result = x < 0 ? -q : q
; The 64-bit product P is built column by column (product scanning): column k adds every
; m[i] * b[j] with i + j = k, and nudge byte k, into a 3-byte running sum whose low byte is byte
; k of P (at most 4 * 0xFE01 + carries + 0xFF < 2^24, so 3 bytes never overflow). The three
; registers t0 = r26, t1 = r27, t2 = r30 rotate roles from column to column; r31 is zero.
; Bytes 3..7 of P are kept as they complete, in registers whose operand is no longer needed.
; T holds the sign of x; r17 is 0xFF for x < 0 (the nudge's low bytes), else 0.
; About 150 cycles for a typical shift of -8 to -12, call included.

.macro MAC a, b, low, middle, high
    mul \a, \b
    add \low, r0
    adc \middle, r1
    adc \high, r31
.endm

    .global fixnet_avr_multiply_by_quantized_multiplier_s32
    .type fixnet_avr_multiply_by_quantized_multiplier_s32, @function
fixnet_avr_multiply_by_quantized_multiplier_s32:
    push r17
    clr r31
    clr r17
    bst r25, 7                  ; T = x < 0
    brtc 1f
    com r25                     ; x = -x (as unsigned: 2^31 for INT32_MIN)
    com r24
    com r23
    neg r22
    sbci r23, 0xFF
    sbci r24, 0xFF
    sbci r25, 0xFF
    dec r17                     ; nudge = 2^30 - 1: bytes FF FF FF 3F
1:  mov r26, r16                ; left shift by shift > 0
    tst r26
    brmi 3f
    breq 3f
2:  lsl r22
    rol r23
    rol r24
    rol r25
    dec r26
    brne 2b
3:  ; column 0: (t0, t1, t2)
    mov r26, r17
    clr r27
    clr r30
    MAC r22, r18, r26, r27, r30
    ; column 1: (t1, t2, t0)
    clr r26
    add r27, r17
    adc r30, r31
    adc r26, r31
    MAC r22, r19, r27, r30, r26
    MAC r23, r18, r27, r30, r26
    ; column 2: (t2, t0, t1)
    clr r27
    add r30, r17
    adc r26, r31
    adc r27, r31
    MAC r22, r20, r30, r26, r27
    MAC r23, r19, r30, r26, r27
    MAC r24, r18, r30, r26, r27
    ; column 3: (t0, t1, t2)
    ldi r30, 0x40
    add r30, r17                ; nudge byte 3: 0x40, or 0x3F when r17 = 0xFF (carry dropped)
    add r26, r30
    ldi r30, 0                  ; (ldi keeps the carry)
    adc r27, r31
    adc r30, r31
    MAC r22, r21, r26, r27, r30
    MAC r23, r20, r26, r27, r30
    MAC r24, r19, r26, r27, r30
    MAC r25, r18, r26, r27, r30
    mov r18, r26                ; P byte 3 (only its top bit is used)
    ; column 4: (t1, t2, t0)
    clr r26
    MAC r23, r21, r27, r30, r26
    MAC r24, r20, r27, r30, r26
    MAC r25, r19, r27, r30, r26
    mov r22, r27                ; P byte 4
    ; column 5: (t2, t0, t1)
    clr r27
    MAC r24, r21, r30, r26, r27
    MAC r25, r20, r30, r26, r27
    mov r23, r30                ; P byte 5
    ; column 6: (t0, t1, t2)
    clr r30
    MAC r25, r21, r26, r27, r30
    mov r24, r26                ; P byte 6
    mov r25, r27                ; P byte 7
    lsl r18                     ; q = P >> 31: bytes 7..4 shifted left by one, plus bit 7 of byte 3
    rol r22
    rol r23
    rol r24
    rol r25
    ; rounding right shift by right = -shift (ties away from zero, on the magnitude)
    mov r26, r16
    neg r26                     ; right
    brmi 7f                     ; shift > 0: no right shift
    breq 7f
    dec r26                     ; right - 1
4:  cpi r26, 8                  ; whole bytes first
    brlo 5f
    mov r22, r23
    mov r23, r24
    mov r24, r25
    clr r25
    subi r26, 8
    rjmp 4b
5:  tst r26
    breq 6f
    lsr r25
    ror r24
    ror r23
    ror r22
    dec r26
    rjmp 5b
6:  subi r22, 0xFF              ; + 1
    sbci r23, 0xFF
    sbci r24, 0xFF
    sbci r25, 0xFF
    lsr r25                     ; >> 1
    ror r24
    ror r23
    ror r22
7:  brtc 8f                     ; negative: -q
    com r25
    com r24
    com r23
    neg r22
    sbci r23, 0xFF
    sbci r24, 0xFF
    sbci r25, 0xFF
8:  pop r17
    clr r1
    ret
    .size fixnet_avr_multiply_by_quantized_multiplier_s32, . - fixnet_avr_multiply_by_quantized_multiplier_s32

#endif /* __AVR__ */
