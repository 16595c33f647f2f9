/* Test firmware for the ATmega328P (simavr): the runtime's three requantization multiplies, the
 * reference (int64 C), the narrow C twin and fixnet_avr.S's assembly, on cases sent over the
 * UART. Input: a 2-byte little-endian count, then per case x (int32 LE), multiplier (int32 LE),
 * shift (int8). Output per case: "<reference> <narrow> <assembly>\n"; then it stops with exit
 * code 0 (GPIOR0, see tools/simavr-run.c). */

#include <avr/io.h>
#include <avr/interrupt.h>
#include <avr/sleep.h>
#include <stdint.h>

#include "fixnet.h"

/* fixnet_avr.S (internal to the runtime, declared in fixnet.c). */
int32_t fixnet_avr_multiply_by_quantized_multiplier_s32(int32_t x, int32_t multiplier, int8_t shift);

static uint8_t read_byte(void)
{
    while (!(UCSR0A & _BV(RXC0))) {
    }
    return UDR0;
}

static void write_byte(char c)
{
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    UDR0 = (uint8_t)c;
}

static int32_t read_int32(void)
{
    uint32_t value = read_byte();
    value |= (uint32_t)read_byte() << 8;
    value |= (uint32_t)read_byte() << 16;
    value |= (uint32_t)read_byte() << 24;
    return (int32_t)value;
}

static void write_number(int32_t value)
{
    char digits[11];
    uint8_t count = 0;
    uint32_t magnitude = value < 0 ? (uint32_t)0 - (uint32_t)value : (uint32_t)value;
    if (value < 0) {
        write_byte('-');
    }
    do {
        digits[count++] = (char)('0' + magnitude % 10u);
        magnitude /= 10u;
    } while (magnitude != 0u);
    while (count > 0) {
        write_byte(digits[--count]);
    }
}

int main(void)
{
    uint16_t count, n;
    UBRR0H = 0;
    UBRR0L = 1; /* 1 Mbaud at 16 MHz with U2X */
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);
    UCSR0B = _BV(RXEN0) | _BV(TXEN0);
    count = read_byte();
    count |= (uint16_t)read_byte() << 8;
    for (n = 0; n < count; n++) {
        const int32_t x = read_int32();
        const int32_t multiplier = read_int32();
        const int shift = (int8_t)read_byte();
        write_number(fixnet_multiply_by_quantized_multiplier_s32(x, multiplier, shift));
        write_byte(' ');
        write_number(fixnet_multiply_by_quantized_multiplier_narrow_s32(x, multiplier, shift));
        write_byte(' ');
        write_number(fixnet_avr_multiply_by_quantized_multiplier_s32(x, multiplier, (int8_t)shift));
        write_byte('\n');
    }
    while (!(UCSR0A & _BV(UDRE0))) {
    }
    GPIOR0 = 0;
    cli();
    sleep_enable();
    for (;;) {
        sleep_cpu();
    }
}
