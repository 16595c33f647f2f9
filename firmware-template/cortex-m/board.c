/* Standalone Cortex-M firmware for a generated model, for a real board (and for QEMU's model of
 * the same chip, as fixnet's virtual board): receives images over the chip's UART (chip.h), runs
 * fixnet_predict on each and sends back the class, the int8 logits and the cycles the call took,
 * counted by SysTick. No semihosting, no debug probe, no C library I/O. The same protocol as the
 * AVR firmware (../avr/main.c), so that one host-side check (src/flash/serial.ts) serves both.
 * A test and measuring tool, not an application.
 *
 * Protocol (UART 8N1 at FIXNET_BAUD): the host sends the image count as two bytes,
 * little-endian, then that many images of MODEL_INPUTS bytes, each after the answer to the one
 * before. For each image the firmware answers one line
 *     <class> <logit 0> ... <logit n-1> <cycles>
 * then, after the last, "done <count> stack <bytes>", the most stack fixnet_predict used
 * (measured by painting the free RAM), and waits for the next count. A pause of more than
 * BYTE_TIMEOUT_MS inside a count or an image (the host was stopped halfway) abandons the
 * exchange: the firmware answers "timeout" and waits for a new count, so a board needs no reset
 * between checks; the host waits longer than that before it starts.
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
#define BYTE_TIMEOUT_MS 500u

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

/* The next byte from the host, or -1 when none comes within timeout_clocks (0: wait forever). */
static int read_byte(uint32_t timeout_clocks)
{
    const uint32_t start = SYST_CVR;
    int byte;
    while ((byte = chip_uart_poll()) < 0) {
        if (timeout_clocks != 0u && systick_elapsed(start, SYST_CVR) > timeout_clocks) {
            return -1;
        }
    }
    return byte;
}

/* Reads length bytes into buffer; 0 when a pause longer than timeout_clocks came first. */
static int read_bytes(uint8_t *buffer, uint32_t length, uint32_t timeout_clocks)
{
    uint32_t i;
    for (i = 0u; i < length; i++) {
        const int byte = read_byte(timeout_clocks);
        if (byte < 0) {
            return 0;
        }
        buffer[i] = (uint8_t)byte;
    }
    return 1;
}

void program_start(void)
{
    const uint32_t timeout_clocks = chip_init() / 1000u * BYTE_TIMEOUT_MS;
    uint32_t read_cost;
    uint32_t start;
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
        header[0] = (uint8_t)read_byte(0u);
        if (!read_bytes(header + 1, 1u, timeout_clocks)) {
            write_text("timeout\n");
            continue;
        }
        count = header[0] | (uint32_t)header[1] << 8;
        for (n = 0u; n < count; n++) {
            uint32_t cycles;
            uintptr_t call_sp;
            int predicted;
            int k;
            if (!read_bytes(pixels, MODEL_INPUTS, timeout_clocks)) {
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
        if (n < count) {
            write_text("timeout\n");
            continue;
        }
        write_text("done ");
        write_unsigned(count);
        write_text(" stack ");
        write_unsigned(deepest);
        write_text("\n");
    }
}
