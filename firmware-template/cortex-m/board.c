/* Standalone Cortex-M firmware for a generated model, for a real board (and for QEMU's model of
 * the same chip, as fixnet's virtual board): receives images over the chip's UART (chip.h), runs
 * fixnet_predict on each and sends back the class, the int8 logits and the cycles the call took,
 * counted by SysTick. No semihosting, no debug probe, no C library I/O. The same protocol as the
 * AVR firmware (../avr/main.c) inside a frame, so that one host-side check (src/flash/serial.ts)
 * serves both. A test and measuring tool, not an application.
 *
 * Protocol (UART 8N1 at FIXNET_BAUD): the host sends FRAME_START, then the image count as two
 * bytes, little-endian, then that many images of MODEL_INPUTS bytes, each after the answer to
 * the one before; in the count and the images, a byte FRAME_START or FRAME_ESCAPE is sent as
 * FRAME_ESCAPE followed by ESCAPED_START or ESCAPED_ESCAPE (SLIP's byte stuffing, RFC 1055). For
 * each image the firmware answers one line
 *     <class> <logit 0> ... <logit n-1> <cycles>
 * then, after the last, "done <count> stack <bytes>", the most stack fixnet_predict used
 * (measured by painting the free RAM), and waits for the next FRAME_START. A FRAME_START in the
 * middle of an exchange (the host was stopped halfway and a new check began) abandons it and
 * starts the new one: a board needs no reset between checks, and no timing is involved (an
 * inter-byte timeout would depend on the clock, which QEMU's models of the chips do not keep).
 *
 * Cycles: SysTick counts processor clocks down from 2^24 - 1; the difference of two reads, less
 * the cost of the reads themselves, is the call's cost on a real chip (including flash wait
 * states, none at the reset clocks the chip files keep). QEMU's SysTick follows its virtual
 * clock, not instructions: its counts mean nothing (fixnet counts instructions there instead). */

#include <stdint.h>

#include "chip.h"
#include MODEL_HEADER

#define STACK_PAINT 0xA5u
#define SYST_CSR CHIP_REGISTER(0xE000E010u)
#define SYST_RVR CHIP_REGISTER(0xE000E014u)
#define SYST_CVR CHIP_REGISTER(0xE000E018u)
#define SYST_CSR_ENABLE_PROCESSOR_CLOCK 5u /* ENABLE | CLKSOURCE, no interrupt */
#define SYST_MASK 0x00FFFFFFu
#define FRAME_START 0xC0
#define FRAME_ESCAPE 0xDB
#define ESCAPED_START 0xDC
#define ESCAPED_ESCAPE 0xDD
#define NEW_FRAME (-1)

static uint8_t pixels[MODEL_INPUTS];
static int32_t scratch[MODEL_SCRATCH_WORDS];
static int8_t logits[MODEL_CLASSES];

extern uint8_t __bss_end; /* the first free RAM byte (the linker script's) */
static uint8_t *const paint_bottom = &__bss_end + 16;

static inline uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Fills the free RAM between .bss and this frame (less a margin) with STACK_PAINT. */
static __attribute__((noinline)) void paint_stack(void)
{
    volatile uint8_t *p = paint_bottom;
    while ((uintptr_t)p < stack_pointer() - 64u) {
        *p++ = STACK_PAINT;
    }
}

static uintptr_t lowest_touched(void)
{
    const uint8_t *p = paint_bottom;
    while (*p == STACK_PAINT) {
        p++;
    }
    return (uintptr_t)p;
}

static void write_text(const char *text)
{
    while (*text != '\0') {
        chip_uart_write((uint8_t)*text++);
    }
}

static void write_unsigned(uint32_t value)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    while (n > 0) {
        chip_uart_write((uint8_t)digits[--n]);
    }
}

static void write_signed(int32_t value)
{
    if (value < 0) {
        chip_uart_write('-');
        write_unsigned((uint32_t)(-(value + 1)) + 1u);
    } else {
        write_unsigned((uint32_t)value);
    }
}

/* Clocks between two SysTick reads (it counts down, modulo 2^24: up to 1 s at 16 MHz). */
static uint32_t systick_elapsed(uint32_t start, uint32_t end)
{
    return (start - end) & SYST_MASK;
}

/* The next byte on the line, as sent. */
static uint8_t wait_byte(void)
{
    int byte;
    while ((byte = chip_uart_poll()) < 0) {
    }
    return (uint8_t)byte;
}

/* The next data byte of a frame, unescaped; NEW_FRAME at a FRAME_START, even right after a
 * FRAME_ESCAPE (the host stopped between the two). */
static int read_data_byte(void)
{
    uint8_t byte = wait_byte();
    if (byte == FRAME_ESCAPE) {
        byte = wait_byte();
        if (byte == ESCAPED_START) {
            return FRAME_START;
        }
        if (byte == ESCAPED_ESCAPE) {
            return FRAME_ESCAPE;
        }
    }
    return byte == FRAME_START ? NEW_FRAME : byte;
}

/* Reads length data bytes into buffer; 0 when a new frame began first. */
static int read_data(uint8_t *buffer, uint32_t length)
{
    uint32_t i;
    for (i = 0u; i < length; i++) {
        const int byte = read_data_byte();
        if (byte == NEW_FRAME) {
            return 0;
        }
        buffer[i] = (uint8_t)byte;
    }
    return 1;
}

void program_start(void)
{
    int framed = 0; /* a FRAME_START has been read, its exchange not yet */
    uint32_t read_cost;
    uint32_t start;
    chip_init();
    SYST_RVR = SYST_MASK;
    SYST_CVR = 0u;
    SYST_CSR = SYST_CSR_ENABLE_PROCESSOR_CLOCK;
    start = SYST_CVR;
    read_cost = systick_elapsed(start, SYST_CVR);

    for (;;) {
        uint8_t header[2];
        uint32_t count;
        uint32_t n;
        uint32_t deepest = 0u;
        if (!framed) {
            while (wait_byte() != FRAME_START) { /* noise between exchanges */
            }
        }
        framed = 0;
        if (!read_data(header, 2u)) {
            framed = 1;
            continue;
        }
        count = header[0] | (uint32_t)header[1] << 8;
        for (n = 0u; n < count; n++) {
            uint32_t cycles;
            uintptr_t call_sp;
            int predicted;
            int k;
            if (!read_data(pixels, MODEL_INPUTS)) {
                framed = 1;
                break;
            }
            paint_stack();
            call_sp = stack_pointer();
            start = SYST_CVR;
            predicted = fixnet_predict(&MODEL, pixels, logits, scratch, MODEL_SCRATCH_WORDS);
            cycles = systick_elapsed(start, SYST_CVR) - read_cost;
            if (call_sp - lowest_touched() > deepest) {
                deepest = (uint32_t)(call_sp - lowest_touched());
            }
            if (predicted < 0) {
                write_text("error ");
                write_signed(predicted);
                write_text("\n");
                continue;
            }
            write_signed(predicted);
            for (k = 0; k < MODEL_CLASSES; k++) {
                write_text(" ");
                write_signed(logits[k]);
            }
            write_text(" ");
            write_unsigned(cycles);
            write_text("\n");
        }
        if (framed) {
            continue; /* abandoned: the new exchange's count comes next */
        }
        write_text("done ");
        write_unsigned(count);
        write_text(" stack ");
        write_unsigned(deepest);
        write_text("\n");
    }
}
