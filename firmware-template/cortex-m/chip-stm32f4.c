/* STM32F4 (NUCLEO-F401RE / F411RE / F446RE; QEMU's netduinoplus2, an STM32F405): USART2 on PA2
 * (TX) / PA3 (RX), alternate function 7, which a Nucleo's ST-Link presents as its USB serial
 * port. The part runs on its 16 MHz internal RC oscillator (HSI), as after reset. Register map:
 * RM0368 (STM32F401), sections RCC, GPIO and USART; the same on the F405/F411/F446. */

#include "chip.h"

#define RCC_AHB1ENR CHIP_REGISTER(0x40023830u)
#define RCC_APB1ENR CHIP_REGISTER(0x40023840u)
#define GPIOA_MODER CHIP_REGISTER(0x40020000u)
#define GPIOA_AFRL CHIP_REGISTER(0x40020020u)
#define USART2_SR CHIP_REGISTER(0x40004400u)
#define USART2_DR CHIP_REGISTER(0x40004404u)
#define USART2_BRR CHIP_REGISTER(0x40004408u)
#define USART2_CR1 CHIP_REGISTER(0x4000440Cu)

#define AHB1ENR_GPIOAEN (1u << 0)
#define APB1ENR_USART2EN (1u << 17)
#define SR_RXNE (1u << 5)
#define SR_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_UE (1u << 13)

#define CLOCK_HZ 16000000u

void chip_init(void)
{
    RCC_AHB1ENR |= AHB1ENR_GPIOAEN;
    RCC_APB1ENR |= APB1ENR_USART2EN;
    /* PA2, PA3: alternate function mode (0b10), function 7 (USART2). */
    GPIOA_MODER = (GPIOA_MODER & ~(0xFu << 4)) | (0xAu << 4);
    GPIOA_AFRL = (GPIOA_AFRL & ~(0xFFu << 8)) | (0x77u << 8);
    /* 16x oversampling: BRR = clock / baud in 16ths, rounded (139 = 8 + 11/16: 115,108 baud). */
    USART2_BRR = (CLOCK_HZ + FIXNET_BAUD / 2u) / FIXNET_BAUD;
    USART2_CR1 = CR1_UE | CR1_TE | CR1_RE;
}

int chip_uart_poll(void)
{
    return (USART2_SR & SR_RXNE) ? (int)(USART2_DR & 0xFFu) : -1;
}

void chip_uart_write(uint8_t byte)
{
    while (!(USART2_SR & SR_TXE)) {
    }
    USART2_DR = byte;
}
