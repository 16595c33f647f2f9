/* Cortex-M firmware for a generated model, run under QEMU (lm3s6965evb, Cortex-M3) by fixnet's
 * tests and `fixnet size` (board.c is the standalone firmware for real boards): reads raw images
 * (MODEL_INPUTS bytes each) from a host file through semihosting, runs fixnet_predict on each and prints one line per image,
 *     <class> <logit 0> ... <logit n-1>
 * then "done <count> stack <bytes>", the most stack fixnet_predict used (measured by painting
 * the free RAM). Exit code 0, or 2 / 3 for a bad file / a runtime error. bench_begin and
 * bench_end bracket each call, for an instruction-counting QEMU plugin
 * (tools/qemu-insn-count.c). A test and measuring tool, not an application. */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include MODEL_HEADER

#define STACK_PAINT 0xA5u

static uint8_t pixels[MODEL_INPUTS];
static int32_t scratch[MODEL_SCRATCH_WORDS];
static int8_t logits[MODEL_CLASSES];

extern void *_sbrk(int increment);           /* newlib: the heap's current end */
extern void initialise_monitor_handles(void); /* newlib's rdimon: stdio over semihosting */

/* Semihosting (console, files, exit code) works under QEMU (-semihosting-config
 * enable=on,target=native) and on a board with a debug probe attached; without one, the BKPT of
 * a semihosting call stops the core. */
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


/* Markers: empty calls whose addresses the instruction counter watches. */
__attribute__((noinline)) void bench_begin(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void bench_end(void)
{
    __asm__ volatile("" ::: "memory");
}

static uint8_t *paint_bottom;

static inline uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Fills the free RAM between the heap and this frame (less a margin) with STACK_PAINT. The heap
 * end is read each time: stdio allocates its buffers on first use. */
static __attribute__((noinline)) void paint_stack(void)
{
    volatile uint8_t *p;
    paint_bottom = (uint8_t *)_sbrk(0) + 16;
    p = paint_bottom;
    while ((uintptr_t)p < stack_pointer() - 64) {
        *p++ = STACK_PAINT;
    }
}

static uintptr_t lowest_touched(void)
{
    const uint8_t *p = paint_bottom;
    while (*p == STACK_PAINT) {
        p++;
    }
    return (uintptr_t)p;
}

int main(int argc, char **argv)
{
    unsigned long count = 0;
    unsigned deepest = 0;
    size_t got;
    FILE *input;

    if (argc < 2) {
        printf("usage: fixnet-cortex-m IMAGES (through -semihosting-config ...,arg=IMAGES)\n");
        return 2;
    }
    input = fopen(argv[argc - 1], "rb");
    if (input == NULL) {
        printf("%s: cannot open it\n", argv[argc - 1]);
        return 2;
    }
    while ((got = fread(pixels, 1, sizeof pixels, input)) == sizeof pixels) {
        int k;
        int predicted;
        uintptr_t call_sp;
        paint_stack();
        call_sp = stack_pointer();
        bench_begin();
        predicted = fixnet_predict(&MODEL, pixels, logits, scratch, MODEL_SCRATCH_WORDS);
        bench_end();
        if (call_sp - lowest_touched() > deepest) {
            deepest = (unsigned)(call_sp - lowest_touched());
        }
        if (predicted < 0) {
            printf("error %d\n", predicted);
            return 3;
        }
        printf("%d", predicted);
        for (k = 0; k < MODEL_CLASSES; k++) {
            printf(" %d", logits[k]);
        }
        printf("\n");
        count++;
    }
    if (got != 0) {
        printf("image %lu: only %u of %d bytes\n", count, (unsigned)got, MODEL_INPUTS);
        return 2;
    }
    printf("done %lu stack %u\n", count, deepest);
    fclose(input);
    return 0;
}

/* Called by startup.c: stdio over semihosting, the command line as argc/argv, main's result as
 * the exit code. */
void program_start(void)
{
    static char *argv[MAX_ARGUMENTS + 1];
    int argc;
    initialise_monitor_handles();
    argc = command_line(argv);
    exit(main(argc, argv));
}
