/* SPDX-License-Identifier: MIT */
/* Debugging and profiling (every build): the perf map read back against
 * the loop's code, armjit_lookup_pc against the op offsets and exit stubs,
 * the ELF object gdb is given (parsed back here), and on ARM the GDB JIT
 * descriptor list across compile and free. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include "ir/ir.h"
#include "rt/debuginfo.h"
#include "rt/loop.h"

/* A guard (stub after the body), a finish (inline stub), a float constant
 * (the constant pool) and a named label. */
static const char *const text =
    "[i0, f1]\n"
    "label(i0, f1, descr=dbg)\n"
    "f2 = float_add(f1, 1.1)\n"  /* not a VFP immediate: pooled */
    "i3 = int_sub(i0, 1)\n"
    "i4 = int_gt(i3, 0)\n"
    "guard_true(i4, descr=done) [i3, f2]\n"
    "i5 = int_eq(i3, 100)\n"
    "guard_false(i5) [i3]\n"
    "i6 = int_eq(i3, 50)\n"
    "guard_false(i6, descr=half) [f2]\n"
    "i7 = int_eq(i3, 7)\n"
    "guard_false(i7, descr=seven) [i3]\n"
    "jump(i3, f2, descr=dbg)\n";

#if defined(__arm__)
/* gdb's jit_code_entry and jit_descriptor (the library's definition). */
struct entry { struct entry *next, *prev; const char *addr; uint64_t size; };
extern struct jit_descriptor { uint32_t version, action; struct entry *relevant, *first; }
    __jit_debug_descriptor;
#endif

static armjit_ctx *ctx_with(unsigned flags) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

static armjit_loop *compile_text(armjit_ctx *ctx, const char *src) {
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(ctx, src, &err);
  if (!t) fail_msg("parse: %s", err.msg);
  armjit_loop *l = armjit_compile_loop(ctx, t, &err);
  if (!l) fail_msg("compile: %s", err.msg);
  armjit_trace_free(t);
  return l;
}

typedef struct {
  unsigned long start, size;
  char name[128];
} map_line;

/* The lines of the perf map for the symbol prefix and its sub-ranges
 * (prefix.*); every line when prefix is NULL. */
static unsigned read_map(const char *prefix, map_line *out, unsigned max) {
  char path[64];
  ajx_perfmap_path(path, sizeof path);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  char line[256];
  unsigned n = 0;
  size_t plen = prefix ? strlen(prefix) : 0;
  while (fgets(line, sizeof line, f)) {
    map_line m;
    /* perf's format: hex start, hex size, the rest of the line is the name */
    if (sscanf(line, "%lx %lx %127[^\n]", &m.start, &m.size, m.name) != 3)
      fail_msg("malformed perf map line: %s", line);
    if ((!prefix || (strncmp(m.name, prefix, plen) == 0 &&
                     (m.name[plen] == 0 || m.name[plen] == '.'))) && n < max)
      out[n++] = m;
  }
  fclose(f);
  return n;
}

static void remove_map(void) {
  char path[64];
  ajx_perfmap_path(path, sizeof path);
  unlink(path);
}

static void test_perf_map_ranges(void **state) {
  (void)state;
  remove_map();
  armjit_ctx *ctx = ctx_with(ARMJIT_PERF_MAP);
  armjit_loop *l = compile_text(ctx, text);
  const char *name = armjit_loop_name(l);
  assert_string_equal(name, "loop1_dbg");
  size_t size;
  uintptr_t start = (uintptr_t)armjit_loop_code(l, &size);
  map_line m[16];
  unsigned n = read_map(name, m, 16);
  /* the loop, four guard stubs, the exit path */
  assert_int_equal(n, 6);
  assert_string_equal(m[0].name, "loop1_dbg");
  assert_string_equal(m[1].name, "loop1_dbg.exit0_done");
  assert_string_equal(m[2].name, "loop1_dbg.exit1");
  assert_string_equal(m[3].name, "loop1_dbg.exit2_half");
  assert_string_equal(m[4].name, "loop1_dbg.exit3_seven");
  assert_string_equal(m[5].name, "loop1_dbg.exit_path");
  /* The ranges tile the code exactly: from armjit_loop_code to its end. */
  assert_int_equal(m[0].start, (unsigned long)start);
  for (unsigned i = 1; i < n; i++) assert_int_equal(m[i].start, m[i - 1].start + m[i - 1].size);
  assert_int_equal(m[n - 1].start + m[n - 1].size, (unsigned long)(start + size));
  /* The loop's range ends where the first stub starts (its lookup agrees). */
  armjit_pc_info info;
  assert_true(armjit_lookup_pc(ctx, (uintptr_t)m[1].start, &info));
  assert_int_equal(info.region, ARMJIT_PC_EXIT_STUB);
  assert_int_equal(info.exit_id, 0);
  assert_true(armjit_lookup_pc(ctx, (uintptr_t)m[1].start - 4, &info));
  assert_int_not_equal(info.region, ARMJIT_PC_EXIT_STUB);
  /* A second loop appends its own lines under the next name. */
  armjit_loop *l2 = compile_text(ctx, text);
  assert_string_equal(armjit_loop_name(l2), "loop2_dbg");
  uintptr_t start2 = (uintptr_t)armjit_loop_code(l2, NULL);
  assert_int_equal(read_map("loop2_dbg", m, 16), 6);
  assert_int_equal(m[0].start, (unsigned long)start2);
  assert_int_equal(read_map("loop1_dbg", m, 16), 6);
  armjit_loop_free(l2);
  armjit_loop_free(l);
  armjit_ctx_free(ctx);
  remove_map();
}

static void test_perf_map_env(void **state) {
  (void)state;
  remove_map();
  /* Off by default: nothing written. */
  armjit_ctx *ctx = ctx_with(0);
  armjit_loop *l = compile_text(ctx, text);
  map_line m[16];
  assert_int_equal(read_map(armjit_loop_name(l), m, 16), 0);
  armjit_loop_free(l);
  armjit_ctx_free(ctx);
  /* ARMJIT_PERF_MAP=1 when the context is created turns it on. */
  setenv("ARMJIT_PERF_MAP", "1", 1);
  ctx = ctx_with(0);
  unsetenv("ARMJIT_PERF_MAP");
  l = compile_text(ctx, text);
  assert_int_equal(read_map(armjit_loop_name(l), m, 16), 6);
  assert_int_equal(m[0].start, (unsigned long)(uintptr_t)armjit_loop_code(l, NULL));
  armjit_loop_free(l);
  armjit_ctx_free(ctx);
  /* Any other value leaves it off. */
  remove_map();
  setenv("ARMJIT_PERF_MAP", "0", 1);
  ctx = ctx_with(0);
  unsetenv("ARMJIT_PERF_MAP");
  l = compile_text(ctx, text);
  assert_int_equal(read_map(armjit_loop_name(l), m, 16), 0);
  armjit_loop_free(l);
  armjit_ctx_free(ctx);
  remove_map();
}

/* A helper for the cold-path lookup: never forces (its code is only looked at). */
static int32_t cold_probe_helper(void *token, int32_t x) {
  (void)token;
  return x + 1;
}

/* A pc in a cold path names the op that branches to it, not the last op of
 * the body. */
static void test_lookup_pc_cold(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0);
  assert_int_equal(armjit_ctx_add_symbol(ctx, "cold_probe", (uintptr_t)cold_probe_helper),
                   ARMJIT_OK);
  armjit_loop *l = compile_text(ctx,
                                "descr CF = call(args=[ref, int], result=int, may_force)\n"
                                "[i0]\n"
                                "label(i0, descr=L)\n"
                                "debug_merge_point(\"call site\")\n"
                                "p1 = force_token()\n"
                                "i2 = call_may_force(sym(cold_probe), p1, i0, descr=CF)\n"
                                "guard_not_forced(descr=forced) [i0]\n"
                                "i3 = int_lt(i2, 100)\n"
                                "guard_true(i3, descr=done) [i2]\n"
                                "jump(i2, descr=L)\n");
  assert_int_equal(l->ncold, 1);
  assert_true(l->cold_off < l->body_end);
  assert_int_equal(l->cold[0], l->cold_off);
  uintptr_t start = (uintptr_t)armjit_loop_code(l, NULL);
  armjit_pc_info info;
  for (uint32_t o = l->cold_off; o < l->body_end; o += 4) {
    assert_true(armjit_lookup_pc(ctx, start + o, &info));
    assert_int_equal(info.region, ARMJIT_PC_COLD);
    assert_int_equal(info.op, 4);  /* guard_not_forced (the label is op 0) */
    assert_int_equal(info.exit_id, -1);
    assert_non_null(info.merge_point);
    assert_string_equal(info.merge_point, "call site");
  }
  /* the jump's code, just before the cold path, is still the jump's */
  assert_true(armjit_lookup_pc(ctx, start + l->cold_off - 4, &info));
  assert_int_equal(info.region, ARMJIT_PC_OP);
  assert_int_equal(info.op, 7);
  armjit_loop_free(l);
  armjit_ctx_free(ctx);
}

static void test_lookup_pc(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0);
  armjit_loop *l = compile_text(ctx, text);
  size_t size;
  uintptr_t start = (uintptr_t)armjit_loop_code(l, &size);
  armjit_pc_info info;
  /* the first instruction: the prologue */
  assert_true(armjit_lookup_pc(ctx, start, &info));
  assert_ptr_equal(info.loop, l);
  assert_string_equal(info.name, armjit_loop_name(l));
  assert_int_equal(info.start, start);
  assert_int_equal(info.size, size);
  assert_int_equal(info.offset, 0);
  assert_int_equal(info.region, ARMJIT_PC_PROLOGUE);
  assert_int_equal(info.op, -1);
  assert_int_equal(info.exit_id, -1);
  /* Every instruction of every op maps back to that op. */
  unsigned nops = 12, checked = 0, emitted = 0;
  long prev = -1;
  int prev_op = -1;
  for (unsigned i = 0; i <= nops; i++) {
    long off = i < nops ? armjit_loop_op_offset(l, i) : (long)l->cold_off;
    if (off < 0) continue;
    for (long o = prev; prev_op >= 0 && o < off; o += 4) {
      assert_true(armjit_lookup_pc(ctx, start + (uintptr_t)o, &info));
      assert_int_equal(info.region, ARMJIT_PC_OP);
      assert_int_equal(info.op, prev_op);
      assert_int_equal(info.offset, (size_t)o);
      checked++;
    }
    prev = off;
    prev_op = (int)i;
    emitted += i < nops;
  }
  assert_true(checked >= emitted);
  assert_true(emitted >= 5);
  /* The float constant pool. */
  assert_int_equal(l->npools, 1);
  assert_true(l->pools[0].bytes >= 8);
  assert_true(armjit_lookup_pc(ctx, start + l->pools[0].off + 4, &info));
  assert_int_equal(info.region, ARMJIT_PC_POOL);
  /* Each guard's stub names its exit. */
  for (unsigned e = 0; e < armjit_loop_nexits(l); e++) {
    assert_true(armjit_lookup_pc(ctx, start + l->exits[e].stub, &info));
    assert_int_equal(info.region, ARMJIT_PC_EXIT_STUB);
    assert_int_equal(info.exit_id, (int)e);
    assert_int_equal(info.op, -1);
  }
  /* The shared exit path, the last instruction. */
  assert_true(armjit_lookup_pc(ctx, start + size - 4, &info));
  assert_int_equal(info.region, ARMJIT_PC_EXIT_PATH);
  /* Outside: one past the end, before the start, NULL arguments. */
  assert_false(armjit_lookup_pc(ctx, start + size, &info));
  assert_false(armjit_lookup_pc(ctx, start - 4, &info));
  assert_false(armjit_lookup_pc(NULL, start, &info));
  assert_false(armjit_lookup_pc(ctx, start, NULL));
  /* Two loops: each pc finds its own; a freed loop is gone. */
  armjit_loop *l2 = compile_text(ctx, "[i0]\nfinish(i0, descr=out)\n");
  uintptr_t start2 = (uintptr_t)armjit_loop_code(l2, NULL);
  assert_string_equal(armjit_loop_name(l2), "loop2");
  assert_true(armjit_lookup_pc(ctx, start2 + (uintptr_t)armjit_loop_op_offset(l2, 0), &info));
  assert_ptr_equal(info.loop, l2);
  assert_int_equal(info.op, 0);
  assert_int_equal(info.exit_id, 0);  /* a finish's code is its stub */
  assert_true(armjit_lookup_pc(ctx, start, &info));
  assert_ptr_equal(info.loop, l);
  armjit_loop_free(l);
  assert_false(armjit_lookup_pc(ctx, start, &info));
  assert_true(armjit_lookup_pc(ctx, start2, &info));
  armjit_loop_free(l2);
  assert_false(armjit_lookup_pc(ctx, start2, &info));
  armjit_ctx_free(ctx);
}

/* ---- the ELF object for gdb, parsed back ------------------------------------ */
static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }

typedef struct {
  const uint8_t *img;
  size_t size;
  const uint8_t *sh;  /* section headers */
  unsigned nsec;
} elf;

static const uint8_t *section(const elf *e, const char *name, uint32_t *size, uint32_t *addr) {
  const uint8_t *shstr = e->sh + 40 * rd16(e->img + 50);
  for (unsigned i = 0; i < e->nsec; i++) {
    const uint8_t *s = e->sh + 40 * i;
    const char *n = (const char *)e->img + rd32(shstr + 16) + rd32(s);
    if (strcmp(n, name) != 0) continue;
    if (size) *size = rd32(s + 20);
    if (addr) *addr = rd32(s + 12);
    assert_true(rd32(s + 4) == 8 /* NOBITS */ || rd32(s + 16) + rd32(s + 20) <= e->size);
    return e->img + rd32(s + 16);
  }
  fail_msg("no section %s", name);
  return NULL;
}

static void check_image(const armjit_loop *l, const uint8_t *img, size_t size) {
  static const uint8_t ident[7] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
  assert_true(size > 52);
  assert_memory_equal(img, ident, 7);
  assert_int_equal(rd16(img + 16), 1);   /* ET_REL */
  assert_int_equal(rd16(img + 18), 40);  /* EM_ARM */
  assert_int_equal(rd32(img + 36) & 0xff000000u, 0x05000000u); /* EABI 5 */
  elf e = {img, size, img + rd32(img + 32), rd16(img + 48)};
  assert_true(rd32(img + 32) + 40 * e.nsec <= size);
  size_t code_size;
  uint32_t code = (uint32_t)(uintptr_t)armjit_loop_code(l, &code_size);
  uint32_t tsize, taddr;
  section(&e, ".text", &tsize, &taddr);
  assert_int_equal(taddr, code);
  assert_int_equal(tsize, code_size);
  /* Symbols: $a at 0, $d at the pool, $a after it; the functions. */
  uint32_t symsz, strsz;
  const uint8_t *sym = section(&e, ".symtab", &symsz, NULL);
  const char *str = (const char *)section(&e, ".strtab", &strsz, NULL);
  unsigned nfunc = 0, nmap = 0;
  bool loop_sym = false, pool_mark = false;
  for (uint32_t k = 16; k < symsz; k += 16) {
    const char *n = str + rd32(sym + k);
    uint32_t value = rd32(sym + k + 4), ssize = rd32(sym + k + 8);
    unsigned type = sym[k + 12] & 15;
    assert_int_equal(rd16(sym + k + 14), 1);  /* in .text */
    if (type == 2) {
      nfunc++;
      assert_true(value + ssize <= code_size);
      if (strcmp(n, armjit_loop_name(l)) == 0) {
        loop_sym = true;
        assert_int_equal(value, 0);
        assert_int_equal(ssize, l->body_end);
      }
    } else {
      nmap++;
      assert_true(strcmp(n, "$a") == 0 || strcmp(n, "$d") == 0);
      if (strcmp(n, "$d") == 0) {
        pool_mark = true;
        assert_int_equal(value, l->pools[0].off);
      }
    }
  }
  assert_true(loop_sym);
  assert_true(pool_mark);
  assert_int_equal(nmap, 3);
  assert_int_equal(nfunc, 2 + 4);  /* loop, 4 guard stubs, exit path */
  /* .debug_frame: a CIE, then an FDE covering the code. */
  uint32_t fsz;
  const uint8_t *fr = section(&e, ".debug_frame", &fsz, NULL);
  uint32_t cie_len = rd32(fr);
  assert_int_equal(rd32(fr + 4), 0xffffffffu);
  const uint8_t *fde = fr + 4 + cie_len;
  assert_true(4 + cie_len + 20 <= fsz);
  assert_int_equal(rd32(fde + 4), 0);        /* its CIE */
  assert_int_equal(rd32(fde + 8), code);
  assert_int_equal(rd32(fde + 12), code_size);
  assert_int_equal(4 + cie_len + 4 + rd32(fde), fsz);
}

static void test_elf_image(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0);
  armjit_loop *l = compile_text(ctx, text);
  ajx_dbg_range ranges[8];
  ajx_dbg_span data[1];
  ajx_dbg_object o;
  char *names;
  ajx_dbg_frame frame = {true, 0x5ff0, 8, 8, 4, 8, 12};
  assert_int_equal(ajx_loop_debug_object(l, &frame, &o, ranges, data, &names), ARMJIT_OK);
  uint8_t *img;
  size_t size;
  armjit_error err;
  assert_int_equal(ajx_gdbjit_image(ctx, &o, &img, &size, &err), ARMJIT_OK);
  check_image(l, img, size);
  ajx_free(ctx, img);
  /* A malformed description is refused with a message. */
  o.frame.core = 0x0ff0;  /* no lr */
  assert_int_equal(ajx_gdbjit_image(ctx, &o, &img, &size, &err), ARMJIT_E_ARG);
  assert_non_null(strstr(err.msg, "frame"));
  o.frame.core = 0x5ff0;
  ranges[1].off = 0;      /* overlaps the loop's range */
  assert_int_equal(ajx_gdbjit_image(ctx, &o, &img, &size, &err), ARMJIT_E_ARG);
  ajx_free(ctx, names);
#if defined(__arm__)
  /* Registered with gdb: the newest entry of the descriptor is this
   * loop's image, and freeing the loop unlinks it. */
  assert_int_equal(__jit_debug_descriptor.version, 1);
  struct entry *first = __jit_debug_descriptor.first;
  assert_non_null(first);
  struct entry *older = first->next;  /* other live loops (none normally) */
  assert_null(older);
  assert_ptr_equal(first->addr, (const char *)ajx_gdbjit_entry_image(l->gdb, &size));
  assert_int_equal(first->size, size);
  check_image(l, (const uint8_t *)first->addr, (size_t)first->size);
  armjit_loop *l2 = compile_text(ctx, text);
  assert_ptr_equal(__jit_debug_descriptor.first->next, first);
  assert_ptr_equal(first->prev, __jit_debug_descriptor.first);
  armjit_loop_free(l);
  assert_ptr_equal(__jit_debug_descriptor.first->next, older);
  assert_null(__jit_debug_descriptor.first->prev);
  armjit_loop_free(l2);
  assert_ptr_equal(__jit_debug_descriptor.first, older);
  /* ARMJIT_NO_GDB_JIT: nothing registered. */
  armjit_ctx *quiet = ctx_with(ARMJIT_NO_GDB_JIT);
  armjit_loop *l3 = compile_text(quiet, text);
  assert_null(__jit_debug_descriptor.first);
  armjit_loop_free(l3);
  armjit_ctx_free(quiet);
#else
  assert_null(l->gdb);  /* never registered where the code cannot run */
  armjit_loop_free(l);
#endif
  armjit_ctx_free(ctx);
}

/* ---- threads: contexts compiling at once ------------------------------------ */
enum { NTHREADS = 4, NLOOPS = 12 };

static void *compile_many(void *arg) {
  (void)arg;
  armjit_ctx *ctx = ctx_with(ARMJIT_PERF_MAP);
  armjit_loop *l[NLOOPS];
  for (int k = 0; k < NLOOPS; k++) {
    armjit_error err;
    armjit_trace *t = armjit_trace_parse(ctx, text, &err);
    l[k] = t ? armjit_compile_loop(ctx, t, &err) : NULL;
    armjit_trace_free(t);
    if (!l[k]) return "compile failed";
  }
  for (int k = 0; k < NLOOPS; k++) armjit_loop_free(l[k]);
  armjit_ctx_free(ctx);
  return NULL;
}

/* The gdb descriptor list and the perf map stay whole when several
 * contexts compile and free loops at the same time. */
static void test_threads(void **state) {
  (void)state;
  remove_map();
  pthread_t th[NTHREADS];
  for (int i = 0; i < NTHREADS; i++)
    assert_int_equal(pthread_create(&th[i], NULL, compile_many, NULL), 0);
  for (int i = 0; i < NTHREADS; i++) {
    void *r;
    assert_int_equal(pthread_join(th[i], &r), 0);
    if (r) fail_msg("%s", (const char *)r);
  }
  /* every line well formed (read_map fails on any other), six per loop */
  map_line m[NTHREADS * NLOOPS * 6 + 1];
  unsigned n = read_map(NULL, m, NTHREADS * NLOOPS * 6 + 1);
  assert_int_equal(n, NTHREADS * NLOOPS * 6);
  /* each loop's lines together, in order: its name, 4 stubs, exit path */
  for (unsigned k = 0; k < n; k += 6) {
    size_t len = strlen(m[k].name);
    assert_true(len > 4 && strchr(m[k].name, '.') == NULL);
    for (unsigned j = 1; j < 6; j++) {
      assert_memory_equal(m[k + j].name, m[k].name, len);
      assert_int_equal(m[k + j].start, m[k + j - 1].start + m[k + j - 1].size);
    }
  }
#if defined(__arm__)
  assert_null(__jit_debug_descriptor.first);  /* every entry unlinked */
#endif
  remove_map();
}

/* ---- out of memory: every allocation of a compile failing in turn ---------- */
typedef struct {
  long budget;   /* allocations left, -1 = unlimited */
  long live;     /* blocks allocated and not freed */
} oom_state;

static void *oom_alloc(void *ud, size_t n) {
  oom_state *s = ud;
  if (s->budget == 0) return NULL;
  if (s->budget > 0) s->budget--;
  void *p = malloc(n);
  if (p) s->live++;
  return p;
}
static void *oom_realloc(void *ud, void *p, size_t n) {
  oom_state *s = ud;
  if (s->budget == 0) return NULL;
  if (s->budget > 0) s->budget--;
  void *q = realloc(p, n);
  if (q && !p) s->live++;
  return q;
}
static void oom_free(void *ud, void *p) {
  oom_state *s = ud;
  if (p) s->live--;
  free(p);
}

/* Each failure is a clean ARMJIT_E_NOMEM with nothing left allocated (the
 * name, merge points, the gdb entry and its image, the perf map buffer and
 * the lookup list all have failure paths). */
static void test_compile_out_of_memory(void **state) {
  (void)state;
  remove_map();
  oom_state s = {-1, 0};
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = ARMJIT_PERF_MAP;
  o.alloc = oom_alloc;
  o.realloc = oom_realloc;
  o.free = oom_free;
  o.ud = &s;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  static const char *const src[] = {text, "[i0]\ndebug_merge_point(\"a\")\nfinish(i0)\n"};
  /* The first compile makes the context's code arena, which stays until
   * the context is freed: make it before counting. */
  armjit_trace *warm = armjit_trace_parse(ctx, src[1], &err);
  assert_non_null(warm);
  armjit_loop *wl = armjit_compile_loop(ctx, warm, &err);
  assert_non_null(wl);
  armjit_loop_free(wl);
  armjit_trace_free(warm);
  for (int k = 0; k < 2; k++) {
    armjit_trace *t = armjit_trace_parse(ctx, src[k], &err);
    assert_non_null(t);
    assert_int_equal(armjit_trace_validate(t, &err), ARMJIT_OK);
    long base = s.live, failures = 0;
    for (long n = 0;; n++) {
      assert_true(n < 100000);
      s.budget = n;
      armjit_loop *l = armjit_compile_loop(ctx, t, &err);
      s.budget = -1;
      if (l) {
        armjit_loop_free(l);
        assert_int_equal(s.live, base);
        break;
      }
      failures++;
      assert_int_equal(err.code, ARMJIT_E_NOMEM);
      assert_int_equal(s.live, base);
    }
    assert_true(failures > 10);
    armjit_trace_free(t);
  }
  armjit_ctx_free(ctx);
  assert_int_equal(s.live, 0);
  remove_map();
}

/* ---- debug_merge_point ----------------------------------------------------------- */
static const char *const mp_text =
    "[i0]\n"
    "debug_merge_point(\"entry\")\n"
    "label(i0, descr=mp)\n"
    "debug_merge_point(\"line 12: i -= 1\")\n"
    "i1 = int_sub(i0, 1)\n"
    "debug_merge_point(\"line 13: if i > 0\")\n"
    "i2 = int_gt(i1, 0)\n"
    "guard_true(i2, descr=out) [i1]\n"
    "debug_merge_point(\"tab\\t\\\"q\\\" \\\\ \\x7f\")\n"
    "jump(i1, descr=mp)\n";

static char *print_trace(const armjit_trace *t) {
  char *s = armjit_trace_to_string(t);
  assert_non_null(s);
  return s;
}

static void test_merge_point_text(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0);
  armjit_error err;
  armjit_trace *t = armjit_trace_parse(ctx, mp_text, &err);
  if (!t) fail_msg("%d:%d: %s", err.line, err.col, err.msg);
  assert_int_equal(armjit_trace_nops(t), 9);
  assert_int_equal(t->ops[2].opc, ARMJIT_OP_DEBUG_MERGE_POINT);
  assert_string_equal(ir_op_text(t, &t->ops[2]), "line 12: i -= 1");
  assert_string_equal(ir_op_text(t, &t->ops[7]), "tab\t\"q\" \\ \x7f");
  /* The printer writes the same text back (escapes included). */
  char *s = print_trace(t);
  assert_string_equal(s, mp_text);
  free(s);
  /* Built by API: the same trace prints the same. */
  armjit_trace *b = armjit_trace_new(ctx);
  armjit_val i0 = armjit_input(b, ARMJIT_INT);
  assert_int_equal(armjit_debug_merge_point(b, "entry"), ARMJIT_OK);
  int lab = armjit_label(b, &i0, 1);
  armjit_set_descr_name(b, "mp");
  armjit_debug_merge_point(b, "line 12: i -= 1");
  armjit_val one = armjit_const_int(b, 1), a[2] = {i0, one};
  armjit_val i1 = armjit_op(b, ARMJIT_OP_INT_SUB, a, 2);
  armjit_debug_merge_point(b, "line 13: if i > 0");
  armjit_val c[2] = {i1, armjit_const_int(b, 0)};
  armjit_val i2 = armjit_op(b, ARMJIT_OP_INT_GT, c, 2);
  armjit_guard(b, ARMJIT_OP_GUARD_TRUE, &i2, 1, &i1, 1);
  armjit_set_descr_name(b, "out");
  armjit_debug_merge_point(b, "tab\t\"q\" \\ \x7f");
  armjit_jump(b, lab, &i1, 1);
  assert_int_equal(armjit_trace_validate(b, &err), ARMJIT_OK);
  s = print_trace(b);
  assert_string_equal(s, mp_text);
  free(s);
  armjit_trace_free(b);
  /* The interpreter ignores them: 5 -> 4 3 2 1 0, exit with 0. */
  armjit_frame *f = armjit_frame_new(ctx, 2);
  f->values[0].i = 5;
  assert_int_equal(armjit_interpret(t, f, 0, &err), ARMJIT_OK);
  assert_int_equal(f->exit_id, 0);
  assert_int_equal(f->values[0].i, 0);
  armjit_frame_free(ctx, f);
  armjit_trace_free(t);
  armjit_ctx_free(ctx);
}

static void test_merge_point_errors(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0);
  static const struct { const char *text, *msg; armjit_status code; int line, col; } bad[] = {
      {"[]\ndebug_merge_point()\nfinish()\n", "takes one string", ARMJIT_E_SYNTAX, 2, 19},
      {"[i0]\ndebug_merge_point(i0)\nfinish()\n", "takes one string", ARMJIT_E_SYNTAX, 2, 19},
      {"[]\ndebug_merge_point(\"open)\nfinish()\n", "unterminated", ARMJIT_E_SYNTAX, 2, 19},
      {"[]\ndebug_merge_point(\"a\\q\")\nfinish()\n", "unknown escape", ARMJIT_E_SYNTAX, 2, 21},
      {"[]\ndebug_merge_point(\"\\x4\")\nfinish()\n", "two hex digits", ARMJIT_E_SYNTAX, 2, 20},
      {"[]\ndebug_merge_point(\"\\x00\")\nfinish()\n", "x00", ARMJIT_E_SYNTAX, 2, 20},
      {"[]\ndebug_merge_point(\"a\", \"b\")\nfinish()\n", "expected ')'", ARMJIT_E_SYNTAX, 2, 22},
      {"[]\ni1 = debug_merge_point(\"a\")\nfinish()\n", "no result", ARMJIT_E_SYNTAX, 2, 1},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    armjit_error err;
    armjit_trace *t = armjit_trace_parse(ctx, bad[k].text, &err);
    if (t) fail_msg("parsed: %s", bad[k].text);
    if (err.code != bad[k].code || err.line != bad[k].line || err.col != bad[k].col ||
        !strstr(err.msg, bad[k].msg))
      fail_msg("%s: got %d:%d %s (%s), expected %d:%d ... %s", bad[k].text, err.line, err.col,
               err.msg, armjit_status_name(err.code), bad[k].line, bad[k].col, bad[k].msg);
  }
  /* Too long: by text and by API. */
  size_t n = IR_MAX_TEXT + 1;
  char *big = malloc(n + 64);  /* the text plus the trace around it */
  assert_non_null(big);
  memset(big, 'x', n);
  big[n] = 0;
  armjit_trace *b = armjit_trace_new(ctx);
  assert_int_equal(armjit_debug_merge_point(b, big), ARMJIT_E_LIMIT);
  assert_int_equal(armjit_debug_merge_point(b, NULL), ARMJIT_E_ARG);
  armjit_error err;
  assert_int_equal(armjit_trace_validate(b, &err), ARMJIT_E_LIMIT);  /* the first misuse */
  assert_non_null(strstr(err.msg, "armjit_debug_merge_point"));
  armjit_trace_free(b);
  /* the text form of the same: [] debug_merge_point("yyy...") finish() */
  static const char head[] = "[]\ndebug_merge_point(\"", tail[] = "\")\nfinish()\n";
  memcpy(big, head, sizeof head - 1);
  memset(big + sizeof head - 1, 'y', n);
  memcpy(big + sizeof head - 1 + n, tail, sizeof tail);
  assert_null(armjit_trace_parse(ctx, big, &err));
  assert_int_equal(err.code, ARMJIT_E_LIMIT);
  free(big);
  /* armjit_op refuses it (it needs its text). */
  b = armjit_trace_new(ctx);
  assert_int_equal(armjit_op(b, ARMJIT_OP_DEBUG_MERGE_POINT, NULL, 0), ARMJIT_NOVAL);
  assert_int_equal(armjit_trace_validate(b, &err), ARMJIT_E_ARG);
  assert_non_null(strstr(err.msg, "armjit_debug_merge_point"));
  armjit_trace_free(b);
  armjit_ctx_free(ctx);
}

static void test_merge_point_code(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_with(0);
  armjit_loop *l = compile_text(ctx, mp_text);
  /* No code for a merge point; the same loop without them is as long. */
  for (unsigned i = 0; i < 9; i++)
    if (i == 0 || i == 2 || i == 4 || i == 7) assert_int_equal(armjit_loop_op_offset(l, i), -1);
  armjit_error err;
  char plain[512];
  size_t o = 0;
  for (const char *p = mp_text; *p;) {
    const char *nl = strchr(p, '\n');
    if (strncmp(p, "debug_merge_point", 17) != 0) {
      memcpy(plain + o, p, (size_t)(nl - p + 1));
      o += (size_t)(nl - p + 1);
    }
    p = nl + 1;
  }
  plain[o] = 0;
  armjit_loop *l0 = compile_text(ctx, plain);
  size_t s1, s0;
  armjit_loop_code(l, &s1);
  armjit_loop_code(l0, &s0);
  assert_int_equal(s1, s0);
  /* The listing shows each merge point above the code of the op after it. */
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  assert_non_null(out);
  assert_int_equal(armjit_loop_dis(l, out), ARMJIT_OK);
  fclose(out);
  const char *a = strstr(buf, "# debug_merge_point(\"line 12: i -= 1\")\n");
  const char *b = strstr(buf, "# i1 = int_sub(i0, 1)\n");
  const char *c = strstr(buf, "# debug_merge_point(\"line 13: if i > 0\")\n");
  assert_non_null(a);
  assert_non_null(b);
  assert_non_null(c);
  assert_true(a < b && b < c);
  /* right above the op whose code follows it */
  assert_ptr_equal(strchr(a, '\n') + 1, b);
  assert_non_null(strstr(buf, "# debug_merge_point(\"entry\")\n"));
  assert_non_null(strstr(buf, "# debug_merge_point(\"tab\\t\\\"q\\\" \\\\ \\x7f\")\n"));
  free(buf);
  /* The lookup names the last merge point before the pc's op. */
  uintptr_t start = (uintptr_t)armjit_loop_code(l, NULL);
  armjit_pc_info info;
  assert_true(armjit_lookup_pc(ctx, start + (uintptr_t)armjit_loop_op_offset(l, 3), &info));
  assert_int_equal(info.op, 3);
  assert_string_equal(info.merge_point, "line 12: i -= 1");
  /* the guard's stub: the merge point before the guard */
  assert_true(armjit_lookup_pc(ctx, start + l->exits[0].stub, &info));
  assert_int_equal(info.exit_id, 0);
  assert_string_equal(info.merge_point, "line 13: if i > 0");
  /* the prologue comes before every op */
  assert_true(armjit_lookup_pc(ctx, start, &info));
  assert_null(info.merge_point);
  /* without merge points: none */
  uintptr_t start0 = (uintptr_t)armjit_loop_code(l0, NULL);
  assert_true(armjit_lookup_pc(ctx, start0 + (uintptr_t)armjit_loop_op_offset(l0, 1), &info));
  assert_null(info.merge_point);
  armjit_loop_free(l0);
  armjit_loop_free(l);
  (void)err;
  armjit_ctx_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_perf_map_ranges),
      cmocka_unit_test(test_perf_map_env),
      cmocka_unit_test(test_lookup_pc),
      cmocka_unit_test(test_lookup_pc_cold),
      cmocka_unit_test(test_elf_image),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_compile_out_of_memory),
      cmocka_unit_test(test_merge_point_text),
      cmocka_unit_test(test_merge_point_errors),
      cmocka_unit_test(test_merge_point_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
