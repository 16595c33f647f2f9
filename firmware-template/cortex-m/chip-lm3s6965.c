/* TI Stellaris LM3S6965 (EK-LM3S6965 evaluation board; QEMU's lm3s6965evb): UART0 on PA0 (RX) /
 * PA1 (TX), which the board's USB debug interface also presents as a serial port. The part starts
 * on its internal oscillator (12 MHz, +-30%: too loose for a UART), so the clock is switched to
 * the board's 8 MHz crystal, PLL bypassed. Register map: LM3S6965 datasheet, "System Control",
 * "GPIO" and "UART". */

#include "chip.h"

#define SYSCTL_RCC CHIP_REGISTER(0x400FE060u)
#define SYSCTL_RCGC1 CHIP_REGISTER(0x400FE104u)
#define SYSCTL_RCGC2 CHIP_REGISTER(0x400FE108u)
#define GPIOA_AFSEL CHIP_REGISTER(0x40004420u)
#define GPIOA_DEN CHIP_REGISTER(0x4000451Cu)
#define UART0_DR CHIP_REGISTER(0x4000C000u)
#define UART0_FR CHIP_REGISTER(0x4000C018u)
#define UART0_IBRD CHIP_REGISTER(0x4000C024u)
#define UART0_FBRD CHIP_REGISTER(0x4000C028u)
#define UART0_LCRH CHIP_REGISTER(0x4000C02Cu)
#define UART0_CTL CHIP_REGISTER(0x4000C030u)

#define RCC_MOSCDIS (1u << 0)
#define RCC_OSCSRC_MASK (3u << 4)
#define RCC_XTAL_MASK (0xFu << 6)
#define RCC_XTAL_8MHZ (0xEu << 6)
#define RCC_BYPASS (1u << 11)
#define RCC_USESYSDIV (1u << 22)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCRH_WLEN_8 (3u << 5)
#define CTL_UARTEN (1u << 0)
#define CTL_TXE (1u << 8)
#define CTL_RXE (1u << 9)

#define CLOCK_HZ 8000000u
#define DIVISOR_64THS ((8u * CLOCK_HZ / FIXNET_BAUD + 1u) / 2u)

static void wait_cycles(uint32_t count)
{
    while (count-- > 0u) {
        __asm__ volatile("nop");
    }
}

void chip_init(void)
{
    /* Main oscillator on (8 MHz crystal), give it time to start, then run from it directly. */
    uint32_t rcc = SYSCTL_RCC | RCC_BYPASS;
    rcc &= ~(RCC_MOSCDIS | RCC_USESYSDIV | RCC_XTAL_MASK);
    rcc |= RCC_XTAL_8MHZ;
    SYSCTL_RCC = rcc;
    wait_cycles(100000u);
    SYSCTL_RCC = rcc & ~RCC_OSCSRC_MASK;

    SYSCTL_RCGC1 |= 1u << 0; /* UART0 */
    SYSCTL_RCGC2 |= 1u << 0; /* GPIO port A */
    wait_cycles(16u);
    GPIOA_AFSEL |= 3u; /* PA0, PA1: the UART's */
    GPIOA_DEN |= 3u;

    /* Baud divisor = clock / (16 * baud) = 4.3403, in 64ths rounded: 278 = 4 + 22/64. */
    UART0_CTL = 0u;
    UART0_IBRD = DIVISOR_64THS / 64u;
    UART0_FBRD = DIVISOR_64THS % 64u;
    UART0_LCRH = LCRH_WLEN_8;
    UART0_CTL = CTL_UARTEN | CTL_TXE | CTL_RXE;
}

int chip_uart_poll(void)
{
    return (UART0_FR & FR_RXFE) ? -1 : (int)(UART0_DR & 0xFFu);
}

void chip_uart_write(uint8_t byte)
{
    while (UART0_FR & FR_TXFF) {
    }
    UART0_DR = byte;
}
