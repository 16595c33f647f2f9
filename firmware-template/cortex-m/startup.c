/* Startup for any Cortex-M (M0 to M7): the vector table and a reset handler that copies .data,
 * clears .bss and calls program_start(), which each firmware defines (main.c: the semihosting
 * harness; board.c: the standalone firmware). Nothing here is specific to fixnet or to a chip;
 * the chip's interrupts are unused. */

#include <stdint.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void program_start(void);

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

void reset_handler(void)
{
    uint32_t *source = &__data_load;
    uint32_t *destination = &__data_start;
    while (destination < &__data_end) {
        *destination++ = *source++;
    }
    for (destination = &__bss_start; destination < &__bss_end;) {
        *destination++ = 0;
    }
    program_start();
    for (;;) {
    }
}
