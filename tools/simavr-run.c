/* fixnet-simavr: runs an AVR firmware ELF on libsimavr as fast as the host allows, for fixnet's
 * tests and `fixnet size`. The stock simavr CLI sleeps on UART polls and always exits 0; this
 * harness instead gives
 *   - UART0 output as raw bytes on stdout, and a file's bytes fed to UART0 input (flow-controlled);
 *   - the firmware's exit code: the value it last wrote to GPIOR0 when it stops (it stops by
 *     sleeping with interrupts off, which simavr reports as "done");
 *   - exact cycle counts: for each write of 1 then 2 to GPIOR1, the cycles between the two
 *     writes, one line each in the --cycles file.
 * It is a host tool (built with the host gcc against libsimavr-dev), not part of any firmware.
 *
 * usage: fixnet-simavr FIRMWARE.elf [--input FILE] [--cycles FILE] [--mcu NAME]
 *                      [--frequency HZ] [--max-cycles N]
 * exit:  the firmware's GPIOR0; 70 if it crashed; 71 if the cycle limit was reached; 2 bad usage. */

#include <simavr/avr_uart.h>
#include <simavr/sim_avr.h>
#include <simavr/sim_elf.h>
#include <simavr/sim_io.h>
#include <simavr/sim_irq.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Data-space addresses of the ATmega328P's general purpose I/O registers (I/O 0x1E and 0x2A). */
#define GPIOR0_ADDRESS 0x3E
#define GPIOR1_ADDRESS 0x4A

#define MARK_START 1
#define MARK_STOP 2

typedef struct {
    uint8_t *input;
    size_t input_length;
    size_t input_sent;
    int input_paused;        /* after XOFF: the UART's input FIFO is full */
    avr_irq_t *uart_input;
    FILE *cycles;
    avr_cycle_count_t started;
    int measuring;
    uint8_t exit_code;
} harness_t;

static harness_t harness;

static void on_uart_output(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)param;
    putchar((int)(value & 0xFF));
}

static void feed_input(void)
{
    while (!harness.input_paused && harness.input_sent < harness.input_length) {
        avr_raise_irq(harness.uart_input, harness.input[harness.input_sent++]);
    }
}

static void on_uart_xon(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    (void)param;
    harness.input_paused = 0;
    feed_input();
}

static void on_uart_xoff(struct avr_irq_t *irq, uint32_t value, void *param)
{
    (void)irq;
    (void)value;
    (void)param;
    harness.input_paused = 1;
}

static void on_exit_code(avr_t *avr, avr_io_addr_t address, uint8_t value, void *param)
{
    (void)param;
    avr->data[address] = value;
    harness.exit_code = value;
}

static void on_marker(avr_t *avr, avr_io_addr_t address, uint8_t value, void *param)
{
    (void)param;
    avr->data[address] = value;
    if (value == MARK_START) {
        harness.started = avr->cycle;
        harness.measuring = 1;
    } else if (value == MARK_STOP && harness.measuring) {
        harness.measuring = 0;
        if (harness.cycles != NULL) {
            fprintf(harness.cycles, "%" PRIu64 "\n", (uint64_t)(avr->cycle - harness.started));
        }
    }
}

/* The default raw-mode sleep calls usleep to keep real time; this harness runs flat out. */
static void no_sleep(avr_t *avr, avr_cycle_count_t how_long)
{
    (void)avr;
    (void)how_long;
}

static void quiet_logger(avr_t *avr, const int level, const char *format, va_list arguments)
{
    (void)avr;
    if (level <= LOG_WARNING) {
        vfprintf(stderr, format, arguments);
    }
}

static uint8_t *read_file(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    uint8_t *bytes;
    long size;
    if (file == NULL || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 || fseek(file, 0, SEEK_SET) != 0) {
        fprintf(stderr, "fixnet-simavr: %s: cannot read it\n", path);
        exit(2);
    }
    bytes = malloc((size_t)size + 1);
    if (bytes == NULL || fread(bytes, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "fixnet-simavr: %s: cannot read it\n", path);
        exit(2);
    }
    fclose(file);
    *length = (size_t)size;
    return bytes;
}

int main(int argc, char **argv)
{
    const char *firmware_path = NULL;
    const char *mcu = "atmega328p";
    uint32_t frequency = 16000000;
    uint64_t max_cycles = UINT64_C(20000000000);
    elf_firmware_t firmware;
    avr_t *avr;
    uint32_t flags = 0;
    int state;
    int k;

    for (k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--input") == 0 && k + 1 < argc) {
            harness.input = read_file(argv[++k], &harness.input_length);
        } else if (strcmp(argv[k], "--cycles") == 0 && k + 1 < argc) {
            harness.cycles = fopen(argv[++k], "w");
            if (harness.cycles == NULL) {
                fprintf(stderr, "fixnet-simavr: %s: cannot write it\n", argv[k]);
                return 2;
            }
        } else if (strcmp(argv[k], "--mcu") == 0 && k + 1 < argc) {
            mcu = argv[++k];
        } else if (strcmp(argv[k], "--frequency") == 0 && k + 1 < argc) {
            frequency = (uint32_t)strtoul(argv[++k], NULL, 10);
        } else if (strcmp(argv[k], "--max-cycles") == 0 && k + 1 < argc) {
            max_cycles = strtoull(argv[++k], NULL, 10);
        } else if (argv[k][0] != '-' && firmware_path == NULL) {
            firmware_path = argv[k];
        } else {
            firmware_path = NULL;
            break;
        }
    }
    if (firmware_path == NULL) {
        fprintf(stderr, "usage: fixnet-simavr FIRMWARE.elf [--input FILE] [--cycles FILE] [--mcu NAME] [--frequency HZ] [--max-cycles N]\n");
        return 2;
    }

    avr_global_logger_set(quiet_logger);
    memset(&firmware, 0, sizeof firmware);
    if (elf_read_firmware(firmware_path, &firmware) != 0) {
        fprintf(stderr, "fixnet-simavr: %s: not an AVR ELF file\n", firmware_path);
        return 2;
    }
    avr = avr_make_mcu_by_name(mcu);
    if (avr == NULL) {
        fprintf(stderr, "fixnet-simavr: unknown MCU %s\n", mcu);
        return 2;
    }
    avr_init(avr);
    avr->frequency = frequency;
    avr->sleep = no_sleep;
    avr_load_firmware(avr, &firmware);

    avr_ioctl(avr, AVR_IOCTL_UART_GET_FLAGS('0'), &flags);
    flags &= ~(uint32_t)(AVR_UART_FLAG_POLL_SLEEP | AVR_UART_FLAG_STDIO);
    avr_ioctl(avr, AVR_IOCTL_UART_SET_FLAGS('0'), &flags);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_uart_output, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XON), on_uart_xon, NULL);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUT_XOFF), on_uart_xoff, NULL);
    harness.uart_input = avr_io_getirq(avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT);
    avr_register_io_write(avr, GPIOR0_ADDRESS, on_exit_code, NULL);
    avr_register_io_write(avr, GPIOR1_ADDRESS, on_marker, NULL);

    do {
        state = avr_run(avr);
    } while (state != cpu_Done && state != cpu_Crashed && avr->cycle < max_cycles);

    fflush(stdout);
    if (harness.cycles != NULL) {
        fclose(harness.cycles);
    }
    if (state == cpu_Crashed) {
        fprintf(stderr, "fixnet-simavr: the firmware crashed at cycle %" PRIu64 "\n", (uint64_t)avr->cycle);
        return 70;
    }
    if (state != cpu_Done) {
        fprintf(stderr, "fixnet-simavr: stopped after %" PRIu64 " cycles (--max-cycles) without the firmware finishing\n", (uint64_t)avr->cycle);
        return 71;
    }
    avr_terminate(avr);
    return harness.exit_code;
}
