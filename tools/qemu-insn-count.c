/* fixnet-qemu-insn-count: a QEMU TCG plugin that counts the guest instructions executed between
 * two marker addresses, for `fixnet size` and the tests (QEMU has no cycle model; instructions
 * are exact). Each time the instruction at `stop` runs after the one at `begin`, it appends
 * one line to `out`: the instructions executed from `begin` up to `stop`, counting exactly one
 * of the two. Counting is inline (one add per instruction, no callback), so it is fast.
 *
 *   qemu-system-arm ... -plugin fixnet-qemu-insn-count.so,begin=0x1234,stop=0x1240,out=counts.txt
 *
 * Debian's QEMU 7.2 ships no plugin header, so the few API declarations this file needs are
 * written out below, as QEMU 7.2's include/qemu/qemu-plugin.h (API version 1) defines them.
 * Built with the host gcc as a shared object; not part of any firmware. */

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU plugin API, version 1 (declarations from qemu-plugin.h) ---- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
                                                void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;
/* ---- end of the API declarations ---- */

static uint64_t executed;    /* instructions executed so far (single vCPU boards only) */
static uint64_t begun_at;
static bool inside;
static uint64_t begin_address = UINT64_MAX;
static uint64_t stop_address = UINT64_MAX;
static FILE *out;

static void on_begin(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    (void)userdata;
    begun_at = executed;
    inside = true;
}

static void on_stop(unsigned int vcpu_index, void *userdata)
{
    (void)vcpu_index;
    (void)userdata;
    if (inside) {
        fprintf(out, "%" PRIu64 "\n", executed - begun_at);
        inside = false;
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    size_t k;
    (void)id;
    for (k = 0; k < n; k++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, k);
        uint64_t address = qemu_plugin_insn_vaddr(insn);
        /* Whichever order QEMU runs a marker's callback and its inline add in, it is the same
         * for both markers, so the difference counts exactly one of the two. */
        if (address == begin_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
        } else if (address == stop_address) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_stop, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &executed, 1);
    }
}

static void on_quit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    if (out != NULL) {
        fclose(out);
        out = NULL;
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    int k;
    (void)info;
    for (k = 0; k < argc; k++) {
        const char *argument = argv[k];
        if (strncmp(argument, "arg=", 4) == 0) {
            argument += 4; /* QEMU before 6.1 passed options as arg=key=value */
        }
        if (strncmp(argument, "begin=", 6) == 0) {
            begin_address = strtoull(argument + 6, NULL, 0) & ~UINT64_C(1); /* Thumb bit off */
        } else if (strncmp(argument, "stop=", 5) == 0) {
            stop_address = strtoull(argument + 5, NULL, 0) & ~UINT64_C(1);
        } else if (strncmp(argument, "out=", 4) == 0) {
            out = fopen(argument + 4, "w");
            if (out == NULL) {
                fprintf(stderr, "fixnet-qemu-insn-count: %s: cannot write it\n", argument + 4);
                return 1;
            }
        } else {
            fprintf(stderr, "fixnet-qemu-insn-count: unknown option %s (expected begin=, stop=, out=)\n", argument);
            return 1;
        }
    }
    if (begin_address == UINT64_MAX || stop_address == UINT64_MAX || out == NULL) {
        fprintf(stderr, "fixnet-qemu-insn-count: begin=ADDRESS, stop=ADDRESS and out=FILE are required\n");
        return 1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_quit, NULL);
    return 0;
}
