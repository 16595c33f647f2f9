/* STM32F1 (STM32F103 "Blue Pill" and the like; QEMU's stm32vldiscovery, an STM32F100): USART1 on
 * PA9 (TX) / PA10 (RX), to a USB-serial adapter. The part runs on its 8 MHz internal RC
 * oscillator (HSI, factory-trimmed to 1%), as after reset. Register map: RM0008, sections RCC,
 * GPIO and USART. */

#include "chip.h"

#define RCC_APB2ENR CHIP_REGISTER(0x40021018u)
#define GPIOA_CRH CHIP_REGISTER(0x40010804u)
#define USART1_SR CHIP_REGISTER(0x40013800u)
#define USART1_DR CHIP_REGISTER(0x40013804u)
#define USART1_BRR CHIP_REGISTER(0x40013808u)
#define USART1_CR1 CHIP_REGISTER(0x4001380Cu)

#define APB2ENR_IOPAEN (1u << 2)
#define APB2ENR_USART1EN (1u << 14)
#define SR_RXNE (1u << 5)
#define SR_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_UE (1u << 13)

#define CLOCK_HZ 8000000u

void chip_init(void)
{
    RCC_APB2ENR |= APB2ENR_IOPAEN | APB2ENR_USART1EN;
    /* PA9: alternate-function push-pull output, 2 MHz (0xA); PA10: floating input (0x4). */
    GPIOA_CRH = (GPIOA_CRH & ~0xFF0u) | (0xAu << 4) | (0x4u << 8);
    /* 16x oversampling: BRR = clock / baud in 16ths, rounded (69 = 4 + 5/16: 115,942 baud). */
    USART1_BRR = (CLOCK_HZ + FIXNET_BAUD / 2u) / FIXNET_BAUD;
    USART1_CR1 = CR1_UE | CR1_TE | CR1_RE;
}

int chip_uart_poll(void)
{
    return (USART1_SR & SR_RXNE) ? (int)(USART1_DR & 0xFFu) : -1;
}

void chip_uart_write(uint8_t byte)
{
    while (!(USART1_SR & SR_TXE)) {
    }
    USART1_DR = byte;
}
