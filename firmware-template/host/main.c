/* Host harness for a generated model: reads raw images (MODEL_INPUTS bytes each, pixel 0..255)
 * from a file or stdin and prints one line per image: the class, then the int8 logits. fixnet's
 * tests compare these lines with the TypeScript emulator. It is a test tool, not an example of
 * how to embed the runtime (see ../arduino for that).
 *
 * Build: make MODEL_DIR=<folder written by fixnet codegen> NAME=<its --name>
 * Run:   build/fixnet-host images.bin        (or - for stdin)
 *        build/fixnet-host --check-errors    (the runtime's status codes for bad arguments) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include MODEL_HEADER

static int check_errors(void)
{
    static uint8_t pixels[MODEL_INPUTS];
    static int32_t scratch[MODEL_SCRATCH_WORDS];
    int8_t logits[MODEL_CLASSES];
    const int null_model = fixnet_predict(NULL, pixels, logits, scratch, MODEL_SCRATCH_WORDS);
    const int null_pixels = fixnet_predict(&MODEL, NULL, logits, scratch, MODEL_SCRATCH_WORDS);
    const int null_logits = fixnet_predict(&MODEL, pixels, NULL, scratch, MODEL_SCRATCH_WORDS);
    const int null_scratch = fixnet_predict(&MODEL, pixels, logits, NULL, MODEL_SCRATCH_WORDS);
    const int small_scratch = fixnet_predict(&MODEL, pixels, logits, scratch, MODEL_SCRATCH_WORDS - 1);
    printf("null model %d\nnull pixels %d\nnull logits %d\nnull scratch %d\nsmall scratch %d\n",
           null_model, null_pixels, null_logits, null_scratch, small_scratch);
    return 0;
}

int main(int argc, char **argv)
{
    static uint8_t pixels[MODEL_INPUTS];
    static int32_t scratch[MODEL_SCRATCH_WORDS];
    int8_t logits[MODEL_CLASSES];
    unsigned long count = 0;
    size_t got;
    FILE *input = stdin;

    if (argc != 2) {
        fprintf(stderr, "usage: %s IMAGES|-|--check-errors\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--check-errors") == 0) {
        return check_errors();
    }
    if (strcmp(argv[1], "-") != 0) {
        input = fopen(argv[1], "rb");
        if (input == NULL) {
            fprintf(stderr, "%s: cannot open it\n", argv[1]);
            return 2;
        }
    }
    while ((got = fread(pixels, 1, sizeof pixels, input)) == sizeof pixels) {
        int k;
        const int predicted = fixnet_predict(&MODEL, pixels, logits, scratch, MODEL_SCRATCH_WORDS);
        if (predicted < 0) {
            fprintf(stderr, "image %lu: fixnet_predict returned %d\n", count, predicted);
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
        fprintf(stderr, "image %lu: only %lu of %d bytes (the input must hold whole images)\n",
                count, (unsigned long)got, MODEL_INPUTS);
        return 4;
    }
    printf("done %lu\n", count);
    return 0;
}
