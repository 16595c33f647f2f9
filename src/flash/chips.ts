// The Cortex-M chips fixnet's standalone firmware (firmware-template/cortex-m/board.c) is built
// for: how to compile and link for each, how each is flashed, which UART carries the on-board
// check, and which QEMU machine models it (the virtual board). Data only; building is
// toolchains.ts, running is simulators.ts and serial.ts.

export const CORTEX_M_CHIPS = ["lm3s6965", "stm32f1", "stm32f4"] as const;
export type CortexMChipName = (typeof CORTEX_M_CHIPS)[number];

/** The one chip `fixnet size --target cortex-m3` and the tests' semihosting harness run on. */
export const DEFAULT_CORTEX_M_CHIP: CortexMChipName = "lm3s6965";

/** The UART speed of board.c (FIXNET_BAUD in firmware-template/cortex-m/chip.h). */
export const CORTEX_M_FIRMWARE_BAUD = 115200;

/** How long the host waits after opening the port: a board just started (QEMU, a reset after
 *  flashing) drops what comes before its UART is set up. A board left halfway through an exchange
 *  needs no wait: board.c starts over at the next frame. */
export const CORTEX_M_SETTLE_SECONDS = 0.3;

export interface CortexMChip {
  name: CortexMChipName;
  /** The boards it is on, for --help and messages. */
  boards: string;
  /** gcc's -mcpu. */
  cpu: "cortex-m3" | "cortex-m4";
  /** In firmware-template/cortex-m/: the UART driver and the linker script. */
  driver: string;
  linkerScript: string;
  /** The processor clock board.c leaves (the unit of its cycle counts). */
  clockHz: number;
  /** Which UART, on which pins, reaches the host. */
  serial: string;
  /** openocd's -f files for the usual board and probe. */
  openocdConfig: readonly string[];
  /** Where st-flash writes a raw image (STM32 only: null when st-flash cannot flash it). */
  stFlashAddress: string | null;
  /** The QEMU machine that models the chip, and the index of the UART's -serial among its. */
  qemu: { machine: string; serialIndex: number; description: string };
}

export const CHIPS: Record<CortexMChipName, CortexMChip> = {
  lm3s6965: {
    name: "lm3s6965",
    boards: "TI EK-LM3S6965 evaluation board",
    cpu: "cortex-m3",
    driver: "chip-lm3s6965.c",
    linkerScript: "lm3s6965.ld",
    clockHz: 8_000_000,
    serial: "UART0 (PA0/PA1), the board's USB serial port",
    openocdConfig: ["board/ek-lm3s6965.cfg"],
    stFlashAddress: null,
    qemu: { machine: "lm3s6965evb", serialIndex: 0, description: "QEMU lm3s6965evb (LM3S6965, Cortex-M3)" },
  },
  stm32f1: {
    name: "stm32f1",
    boards: "STM32F103 Blue Pill, with an ST-Link and a USB-serial adapter",
    cpu: "cortex-m3",
    driver: "chip-stm32f1.c",
    linkerScript: "stm32f1.ld",
    clockHz: 8_000_000,
    serial: "USART1 (TX PA9, RX PA10), through a USB-serial adapter",
    openocdConfig: ["interface/stlink.cfg", "target/stm32f1x.cfg"],
    stFlashAddress: "0x08000000",
    qemu: { machine: "stm32vldiscovery", serialIndex: 0, description: "QEMU stm32vldiscovery (STM32F100, Cortex-M3)" },
  },
  stm32f4: {
    name: "stm32f4",
    boards: "NUCLEO-F401RE / F411RE / F446RE",
    cpu: "cortex-m4",
    driver: "chip-stm32f4.c",
    linkerScript: "stm32f4.ld",
    clockHz: 16_000_000,
    serial: "USART2 (PA2/PA3), the ST-Link's USB serial port",
    openocdConfig: ["board/st_nucleo_f4.cfg"],
    stFlashAddress: "0x08000000",
    qemu: { machine: "netduinoplus2", serialIndex: 1, description: "QEMU netduinoplus2 (STM32F405, Cortex-M4)" },
  },
};
