/* SPDX-License-Identifier: MIT */
/* libcount.so: a TCG plugin for qemu-arm (plugin API version 1, qemu 7.x)
 * that counts executed guest instructions exactly.
 *
 *   qemu-arm -plugin ./libcount.so[,range=LO-HI][,out=FILE] PROGRAM ...
 *
 * Every translated instruction gets an inline "add 1" on one counter, so
 * a block left early (a fault, a signal) is still counted instruction by
 * instruction.  range=LO-HI (hex, HI exclusive) counts only instructions
 * whose address lies in [LO, HI).
 *
 * Windows.  A guest program brackets the code it wants measured with
 * marker instructions, no-ops that no compiler emits (bench/count_marks.h
 * has them for C):
 *   orr r4, r4, r4              start a window now
 *   orr r6, r6, r6              start a window when the instruction at
 *   movw ip, #lo                address hi:lo next executes (give the
 *   movt ip, #hi                address of generated code; the three
 *                               instructions must directly follow each other,
 *                               and the address must start being executed
 *                               after the marker ran, in a block of its own:
 *                               fresh generated code is)
 *   orr r5, r5, r5              end the window: its count is recorded
 * A window counts the instructions executed after its start (from the
 * armed address itself, for the armed form) up to the end marker, neither
 * marker counted.  Windows do not nest: a start inside a window restarts it.
 *
 * At exit the plugin prints, to FILE (appended) or else through
 * qemu_plugin_outs (visible with qemu's -d plugin):
 *   count total N
 *   count window K N            one line per window, K from 0
 *
 * No header ships with Debian's qemu, so the few API declarations used are
 * written out below from qemu's include/qemu/qemu-plugin.h (API version 1).
 * One vCPU is assumed (user-mode, single-threaded guests): the inline adds
 * are not atomic. */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plugin API (qemu-plugin.h, QEMU_PLUGIN_VERSION 1) ---------------- */
#define COUNT_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
  const char *target_name;
  struct { int min, cur; } version;
  bool system_emulation;
  union { struct { int smp_vcpus, max_vcpus; } system; };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

COUNT_EXPORT int qemu_plugin_version = 1;
COUNT_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                     char **argv);

/* ---- the counter ------------------------------------------------------------ */
enum {
  MARK_START = 0xe1844004u, /* orr r4, r4, r4 */
  MARK_STOP = 0xe1855005u,  /* orr r5, r5, r5 */
  MARK_ARM = 0xe1866006u,   /* orr r6, r6, r6 */
};

/* The plugin's one state: qemu loads it once per process. */
static struct {
  uint64_t total;          /* instructions executed (in range) */
  uint64_t lo, hi;         /* range */
  uint64_t start;          /* total at the open window's start */
  bool open;
  uint64_t armed;          /* address that opens the next window, 0: none */
  uint64_t *windows;
  size_t nwin, capwin;
  char *out;
} S = { .hi = UINT64_MAX };

static void mark_start(unsigned vcpu, void *u) {
  (void)vcpu; (void)u;
  S.start = S.total;
  S.open = true;
}

static void mark_stop(unsigned vcpu, void *u) {
  (void)vcpu; (void)u;
  if (!S.open) return;
  S.open = false;
  if (S.nwin == S.capwin) {
    size_t n = S.capwin ? 2 * S.capwin : 64;
    uint64_t *w = realloc(S.windows, n * sizeof *w);
    if (!w) return;
    S.windows = w;
    S.capwin = n;
  }
  S.windows[S.nwin++] = S.total - S.start;
}

static void mark_arm(unsigned vcpu, void *u) {
  (void)vcpu;
  S.armed = (uint64_t)(uintptr_t)u;
}

/* An armed address's instruction: opens the window when armed for it. */
static void armed_hit(unsigned vcpu, void *u) {
  if (S.armed && S.armed == (uint64_t)(uintptr_t)u) {
    S.armed = 0;
    mark_start(vcpu, NULL);
  }
}

static uint32_t insn_word(const struct qemu_plugin_insn *in) {
  uint32_t w = 0;
  if (qemu_plugin_insn_size(in) == 4) memcpy(&w, qemu_plugin_insn_data(in), 4);
  return w;
}

/* movw/movt ip, #imm16 (A1 encodings, cond AL): the immediate, or -1. */
static int32_t mov16(uint32_t w, uint32_t opc) {
  if ((w & 0xfff0f000u) != (opc | 0xc000u)) return -1;
  return (int32_t)(((w >> 4) & 0xf000u) | (w & 0xfffu));
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *in = qemu_plugin_tb_get_insn(tb, i);
    uint64_t pc = qemu_plugin_insn_vaddr(in);
    uint32_t w = insn_word(in);
    if (w == MARK_START) {
      qemu_plugin_register_vcpu_insn_exec_cb(in, mark_start, QEMU_PLUGIN_CB_NO_REGS, NULL);
      continue;
    }
    if (w == MARK_STOP) {
      qemu_plugin_register_vcpu_insn_exec_cb(in, mark_stop, QEMU_PLUGIN_CB_NO_REGS, NULL);
      continue;
    }
    if (w == MARK_ARM && i + 2 < n) {
      int32_t lo = mov16(insn_word(qemu_plugin_tb_get_insn(tb, i + 1)), 0xe3000000u);
      int32_t hi = mov16(insn_word(qemu_plugin_tb_get_insn(tb, i + 2)), 0xe3400000u);
      if (lo >= 0 && hi >= 0) {
        uintptr_t at = (uintptr_t)(((uint32_t)hi << 16) | (uint32_t)lo);
        qemu_plugin_register_vcpu_insn_exec_cb(in, mark_arm, QEMU_PLUGIN_CB_NO_REGS, (void *)at);
        i += 2; /* the two moves belong to the marker */
        continue;
      }
    }
    /* Every instruction could be an armed address: only those translated
     * while an address is armed (generated code runs after its marker) or
     * when it is this one get the check. */
    if (S.armed && pc == S.armed)
      qemu_plugin_register_vcpu_insn_exec_cb(in, armed_hit, QEMU_PLUGIN_CB_NO_REGS,
                                             (void *)(uintptr_t)pc);
    if (pc >= S.lo && pc < S.hi)
      qemu_plugin_register_vcpu_insn_exec_inline(in, QEMU_PLUGIN_INLINE_ADD_U64, &S.total, 1);
  }
}

static void emit(FILE *f, const char *line) {
  if (f) fputs(line, f);
  else qemu_plugin_outs(line);
}

static void at_exit(qemu_plugin_id_t id, void *u) {
  (void)id; (void)u;
  FILE *f = S.out ? fopen(S.out, "a") : NULL;
  char line[96];
  snprintf(line, sizeof line, "count total %" PRIu64 "\n", S.total);
  emit(f, line);
  for (size_t k = 0; k < S.nwin; k++) {
    snprintf(line, sizeof line, "count window %zu %" PRIu64 "\n", k, S.windows[k]);
    emit(f, line);
  }
  if (f) fclose(f);
  free(S.windows);
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  if (info->version.min > 1 || info->version.cur < 1) return -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    char *end;
    if (strncmp(a, "range=", 6) == 0) {
      S.lo = strtoull(a + 6, &end, 16);
      if (*end != '-') goto bad;
      S.hi = strtoull(end + 1, &end, 16);
      if (*end || S.hi <= S.lo) goto bad;
    } else if (strncmp(a, "out=", 4) == 0 && a[4]) {
      S.out = argv[i] + 4; /* argv lives as long as the plugin */
    } else {
      goto bad;
    }
    continue;
  bad:
    fprintf(stderr, "libcount: bad argument '%s' (range=LO-HI in hex, out=FILE)\n", a);
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
