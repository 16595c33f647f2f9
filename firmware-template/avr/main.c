/* ATmega328P (Arduino Uno, 16 MHz) firmware for a generated model: receives images over the
 * UART, runs fixnet_predict on each and sends back the class, the int8 logits and the cycles the
 * call took, counted by the timers. The same firmware runs on a real Uno and on simavr, where
 * fixnet's harness (tools/simavr-run.c) also counts cycles exactly. A test and measuring tool,
 * not an application: see ../arduino for a sketch.
 *
 * Cycle counting without disturbing the inference: Timer1 counts every cycle (the exact count
 * modulo 2^16) and Timer0 every 1024th (the count to within 1024), started together; the two
 * together give the exact count with no interrupt during the call, up to 2^18 cycles. Past
 * that, a Timer0 overflow interrupt (about 40 cycles every 262,144) extends the range.
 *
 * Protocol (UART 8N1 at BAUD): the host sends the image count as two bytes, little-endian, then
 * that many images of MODEL_INPUTS bytes. For each image the firmware answers one line
 *     <class> <logit 0> ... <logit n-1> <cycles>
 * then, after the last, "done <count> stack <bytes>", the most stack fixnet_predict used
 * (measured by painting the free RAM), and stops with exit code 0.
 *
 * Simulator hooks (plain register writes, harmless on a real board): GPIOR1 = 1 / 2 just before
 * and after each fixnet_predict call; GPIOR0 = the exit code before stopping. */

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <stdint.h>

#include MODEL_HEADER

#ifndef BAUD
#define BAUD 1000000UL
#endif

#define STACK_PAINT 0xA5

static uint8_t pixels[MODEL_INPUTS];
static int32_t scratch[MODEL_SCRATCH_WORDS];
static int8_t logits[MODEL_CLASSES];
static volatile uint16_t timer0_overflows;

extern uint8_t __heap_start; /* the first RAM byte after .data and .bss (avr-libc linker script) */

ISR(TIMER0_OVF_vect)
{
    timer0_overflows++;
}

/* The cycles between the timers' start and stop, from Timer1 (exact, modulo 2^16) and the
 * coarse count (Timer0 ticks of 1024 cycles): the one value within the coarse window, shifted
 * down by two ticks so that a tick's phase cannot put the count just below the window. */
static uint32_t elapsed_cycles(uint16_t fine, uint32_t coarse_ticks)
{
    const uint32_t coarse = coarse_ticks * 1024UL;
    const uint32_t low = coarse >= 2048UL ? coarse - 2048UL : 0UL;
    return low + (uint16_t)(fine - (uint16_t)low);
}

static void uart_init(void)
{
    /* Double speed: UBRR = F_CPU / (8 * BAUD) - 1, rounded (1 Mbaud at 16 MHz is exact). */
    const uint16_t ubrr = (uint16_t)((F_CPU + 4UL * BAUD) / (8UL * BAUD) - 1UL);
    UBRR0H = (uint8_t)(ubrr >> 8);
    UBRR0L = (uint8_t)ubrr;
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0);
}

static uint8_t uart_read(void)
{
    while (!(UCSR0A & _BV(RXC0))) {
    }
    return UDR0;
}

static void uart_write(char c)
{
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = (uint8_t)c;
}

static void uart_write_text(const char *text)
{
    while (*text != '\0') {
        uart_write(*text++);
    }
}

static void uart_write_number(int32_t value)
{
    char digits[11];
    uint8_t count = 0;
    uint32_t magnitude = value < 0 ? (uint32_t)0 - (uint32_t)value : (uint32_t)value;
    if (value < 0) {
        uart_write('-');
    }
    do {
        digits[count++] = (char)('0' + magnitude % 10u);
        magnitude /= 10u;
    } while (magnitude != 0u);
    while (count > 0) {
        uart_write(digits[--count]);
    }
}

/* Fills the free RAM between the heap start and this function's frame with STACK_PAINT. */
static void __attribute__((noinline)) paint_stack(void)
{
    uint8_t *p = &__heap_start;
    uint8_t *limit = (uint8_t *)SP - 16; /* stay below this function's own frame */
    while (p < limit) {
        *p++ = STACK_PAINT;
    }
}

/* The lowest address overwritten since paint_stack. */
static uint16_t lowest_touched(void)
{
    const uint8_t *p = &__heap_start;
    while (*p == STACK_PAINT) {
        p++;
    }
    return (uint16_t)p;
}

static void stop(uint8_t exit_code)
{
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    GPIOR0 = exit_code;
    cli();
    set_sleep_mode(SLEEP_MODE_IDLE);
    sleep_enable();
    for (;;) {
        sleep_cpu(); /* with interrupts off: simavr ends the run here */
    }
}

int main(void)
{
    uint16_t count, n, k;
    uint16_t deepest = 0;

    uart_init();
    TCCR0A = 0;
    TCCR1A = 0;
    TIMSK0 = _BV(TOIE0);
    sei();

    count = uart_read();
    count |= (uint16_t)uart_read() << 8;
    for (n = 0; n < count; n++) {
        uint16_t call_sp, fine, overflows;
        uint8_t coarse;
        int predicted;
        for (k = 0; k < MODEL_INPUTS; k++) {
            pixels[k] = uart_read();
        }
        paint_stack();
        call_sp = SP;
        timer0_overflows = 0;
        TCNT0 = 0;
        TCNT1 = 0;
        TIFR0 = _BV(TOV0);
        TCCR0B = _BV(CS02) | _BV(CS00); /* clk / 1024 */
        TCCR1B = _BV(CS10);             /* clk / 1 */
        GPIOR1 = 1;
        predicted = fixnet_predict(&MODEL, pixels, logits, scratch, MODEL_SCRATCH_WORDS);
        GPIOR1 = 2;
        fine = TCNT1; /* read while running (simavr reads a stopped timer as 0) */
        coarse = TCNT0;
        TCCR1B = 0;
        TCCR0B = 0;
        overflows = timer0_overflows;
        if (TIFR0 & _BV(TOV0)) { /* an overflow whose interrupt has not been taken yet */
            overflows++;
            TIFR0 = _BV(TOV0);
        }
        if (call_sp - lowest_touched() + 1 > deepest) {
            deepest = call_sp - lowest_touched() + 1;
        }
        if (predicted < 0) {
            uart_write_text("error ");
            uart_write_number(predicted);
            uart_write('\n');
            stop(3);
        }
        uart_write_number(predicted);
        for (k = 0; k < MODEL_CLASSES; k++) {
            uart_write(' ');
            uart_write_number(logits[k]);
        }
        uart_write(' ');
        uart_write_number((int32_t)elapsed_cycles(fine, ((uint32_t)overflows << 8) | coarse));
        uart_write('\n');
    }
    uart_write_text("done ");
    uart_write_number(count);
    uart_write_text(" stack ");
    uart_write_number(deepest);
    uart_write('\n');
    stop(0);
    return 0;
}
