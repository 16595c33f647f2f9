/* Startup for Cortex-M3 (LM3S6965; QEMU lm3s6965evb): the vector table, a reset handler that
 * copies .data, clears .bss and calls main, and the semihosting command line as argc/argv.
 * Nothing here is specific to fixnet. Semihosting (console, files, exit code) works under QEMU
 * (-semihosting-config enable=on,target=native) and on a real board with a debug probe
 * attached; without one, the BKPT of a semihosting call stops the core. */

#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern int main(int argc, char **argv);
extern void initialise_monitor_handles(void); /* newlib's rdimon: stdio over semihosting */

void reset_handler(void);

static void default_handler(void)
{
    for (;;) {
    }
}

/* The vector table: the initial stack pointer, then the system exception handlers (the board's
 * interrupts are unused). A struct, so that the stack address needs no cast to a function. */
typedef struct {
    const void *initial_stack;
    void (*handlers[15])(void);
} vector_table_t;

__attribute__((section(".vectors"), used)) static const vector_table_t vectors = {
    &__stack_top,
    {
        reset_handler,
        default_handler, /* NMI */
        default_handler, /* HardFault */
        default_handler, /* MemManage */
        default_handler, /* BusFault */
        default_handler, /* UsageFault */
        0, 0, 0, 0,
        default_handler, /* SVCall */
        default_handler, /* DebugMonitor */
        0,
        default_handler, /* PendSV */
        default_handler, /* SysTick */
    },
};

#define SEMIHOSTING_GET_CMDLINE 0x15
#define MAX_ARGUMENTS 8

static int semihosting_call(int operation, void *argument)
{
    register int r0 __asm__("r0") = operation;
    register void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Splits the semihosting command line (QEMU: -semihosting-config ...,arg=a,arg=b) at spaces. */
static int command_line(char **argv)
{
    static char line[256];
    struct {
        char *buffer;
        int length;
    } block = {line, (int)sizeof line};
    int argc = 0;
    char *p = line;
    if (semihosting_call(SEMIHOSTING_GET_CMDLINE, &block) != 0) {
        return 0;
    }
    while (*p != '\0' && argc < MAX_ARGUMENTS) {
        while (*p == ' ') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        argv[argc++] = p;
        while (*p != '\0' && *p != ' ') {
            p++;
        }
    }
    return argc;
}

void reset_handler(void)
{
    static char *argv[MAX_ARGUMENTS + 1];
    uint32_t *source = &__data_load;
    uint32_t *destination = &__data_start;
    int argc;
    while (destination < &__data_end) {
        *destination++ = *source++;
    }
    for (destination = &__bss_start; destination < &__bss_end;) {
        *destination++ = 0;
    }
    initialise_monitor_handles();
    argc = command_line(argv);
    exit(main(argc, argv));
}
