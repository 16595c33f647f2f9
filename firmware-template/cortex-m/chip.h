/* What fixnet's standalone Cortex-M firmware (board.c) needs from a chip: its clock and one UART
 * set up at FIXNET_BAUD, 8N1, and a byte in and out by polling. One chip-<name>.c per supported
 * part implements it from the part's reference manual, with register addresses written out (no
 * vendor headers, so nothing to download). Not a HAL: three functions, nothing else. */
#ifndef FIXNET_CHIP_H
#define FIXNET_CHIP_H

#include <stdint.h>

#define FIXNET_BAUD 115200u

/* Sets up the clock, the UART's pins and the UART. The processor clock it leaves (the unit of
 * board.c's cycle counts) is in the chip table, src/flash/chips.ts. */
void chip_init(void);
/* The byte the UART has received (0 to 255), or -1 when none has come. */
int chip_uart_poll(void);
/* Waits until the transmitter takes the byte. */
void chip_uart_write(uint8_t byte);

/* A memory-mapped peripheral register. */
#define CHIP_REGISTER(address) (*(volatile uint32_t *)(uintptr_t)(address))

#endif
