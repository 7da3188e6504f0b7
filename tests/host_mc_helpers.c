/* SPDX-License-Identifier: MIT */
/* The run-time helpers (docs/object.md, "Run-time helpers") against the
 * interpreter, bit for bit: one function per operation that calls a helper
 * (i32 division without IDIV, i64 division, variable i64 shifts, i64 <->
 * f32/f64, frem), compiled to an ELF object with the builtin helpers and
 * with the AEABI ones, linked by arm-linux-gnueabihf-gcc / arm-linux-gnueabi-gcc
 * with a C driver and run under qemu-arm on edge values (0, +-1, MIN, MAX,
 * shift counts 0 31 32 63 64 and beyond, +-0, +-inf, NaN, 2^63 and 2^64 and
 * their neighbours, subnormals, rounding ties of i64 -> float) and random
 * ones.  Every result line must equal what the reference interpreter
 * computes for the same operation and inputs (NaNs as "nan": the payload
 * is unspecified, docs/mir.md).  Also: an object with builtin helpers
 * needs no symbol from outside; an AEABI one only __aeabi_* functions.
 * A missing tool skips its test; with none the program exits 77. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "armjit/mc.h"
#include "mc/mir_sem.h"

#ifndef ARMJIT_RANDOM_COUNT
#define ARMJIT_RANDOM_COUNT 2000
#endif

/* ---- the operations --------------------------------------------------------------- */
/* Types: i i32, l i64, f f32, d f64; arg b 0: unary. */
typedef struct {
  const char *name, *op;
  char a, b, r;
} hop;

static const hop ops[] = {
    {"sdiv32", "sdiv.i32", 'i', 'i', 'i'},   {"srem32", "srem.i32", 'i', 'i', 'i'},
    {"udiv32", "udiv.i32", 'i', 'i', 'i'},   {"urem32", "urem.i32", 'i', 'i', 'i'},
    {"sdiv64", "sdiv.i64", 'l', 'l', 'l'},   {"srem64", "srem.i64", 'l', 'l', 'l'},
    {"udiv64", "udiv.i64", 'l', 'l', 'l'},   {"urem64", "urem.i64", 'l', 'l', 'l'},
    {"shl64", "shl.i64", 'l', 'l', 'l'},     {"shr64", "shr.i64", 'l', 'l', 'l'},
    {"ushr64", "ushr.i64", 'l', 'l', 'l'},   {"d2l", "fptosi.i64", 'd', 0, 'l'},
    {"d2ul", "fptoui.i64", 'd', 0, 'l'},     {"f2l", "fptosi.i64", 'f', 0, 'l'},
    {"f2ul", "fptoui.i64", 'f', 0, 'l'},     {"l2d", "sitofp.f64", 'l', 0, 'd'},
    {"ul2d", "uitofp.f64", 'l', 0, 'd'},     {"l2f", "sitofp.f32", 'l', 0, 'f'},
    {"ul2f", "uitofp.f32", 'l', 0, 'f'},     {"fmod", "frem.f64", 'd', 'd', 'd'},
    {"fmodf", "frem.f32", 'f', 'f', 'f'},
};
#define NOPS (sizeof ops / sizeof ops[0])

static const char *mir_type(char t) {
  return t == 'i' ? "i32" : t == 'l' ? "i64" : t == 'f' ? "f32" : "f64";
}
static const char *c_type(char t) {
  return t == 'i' ? "uint32_t" : t == 'l' ? "uint64_t" : t == 'f' ? "float" : "double";
}

static char *module_text(void) {
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  assert_non_null(s);
  for (size_t k = 0; k < NOPS; k++) {
    const hop *o = &ops[k];
    n += (size_t)snprintf(s + n, cap - n, "func @h_%s(a: %s", o->name, mir_type(o->a));
    if (o->b) n += (size_t)snprintf(s + n, cap - n, ", b: %s", mir_type(o->b));
    n += (size_t)snprintf(s + n, cap - n, ") -> %s {\nentry:\n  r = %s a%s\n  ret r\n}\n",
                          mir_type(o->r), o->op, o->b ? ", b" : "");
  }
  return s;
}

/* ---- the inputs ------------------------------------------------------------------- */
static uint64_t dbits(double d) {
  uint64_t b;
  memcpy(&b, &d, 8);
  return b;
}
static uint64_t fbits(float f) {
  uint32_t b;
  memcpy(&b, &f, 4);
  return b;
}

static uint64_t *vals, *pa, *pb;
static size_t nvals, npairs;

static void add_val(uint64_t v) { vals[nvals++] = v; }

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* A random input of one of the shapes the edges have. */
static uint64_t random_val(void) {
  uint64_t r = next();
  switch (next() % 8) {
  case 0: return r;
  case 1: return (uint64_t)(int64_t)(int32_t)r;              /* an i32, sign-extended */
  case 2: return r % 1000 - 500;                             /* small */
  case 3: return r >> (next() % 64);                          /* any magnitude */
  case 4: return dbits(ldexp((double)(int64_t)r, (int)(next() % 140) - 70)); /* a double near 2^63 */
  case 5: return fbits((float)ldexp((double)(int32_t)r, (int)(next() % 100) - 60));
  case 6: return (r & 0x800fffffffffffffu) | ((uint64_t)(next() % 2048) << 52); /* any exponent */
  default: return (r & 0x807fffffu) | (uint32_t)((next() % 256) << 23);        /* an f32's */
  }
}

static void make_inputs(void) {
  size_t nrand = ARMJIT_RANDOM_COUNT;
  vals = calloc(256 + nrand, sizeof *vals);
  assert_non_null(vals);
  static const uint64_t ints[] = {0, 1, 2, 3, 7, 10, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256,
                                  0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x100000000,
                                  0x1fffffffffffff, 0x20000000000000, 0x20000000000001,
                                  0x20000000000003, 0x20000000000801, 0x7fffffffffffffff,
                                  0x8000000000000000, 0x8000000000000001, 0xfffffffffffffff0,
                                  0x123456789abcdef0, 0x0fedcba987654321, 0x1000001, 0x1000003,
                                  0xffffff7fffffffff, 0xffffffff80000000,
                                  /* i64 -> f32 through an f64 would round twice: */
                                  0x20000020000001, 0x4000004000000001, 0x8000008000000001};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
    add_val(ints[i]);
    add_val(-ints[i]);
  }
  static const double ds[] = {0.0, 0.5, 0.99999, 1.0, 1.5, 2.5, 3.0, 1e10, 4294967296.0,
                              4294967295.5, 9007199254740993.0, 9223372036854775808.0,
                              9223372036854774784.0, 9223372036854777856.0,
                              18446744073709551616.0, 18446744073709549568.0,
                              18446744073709555712.0, 1e19, 1e300, 4.9e-324, 2.2250738585072009e-308,
                              2.2250738585072014e-308, 1.7976931348623157e308};
  for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
    add_val(dbits(ds[i]));
    add_val(dbits(-ds[i]));
  }
  static const float fs[] = {0.0f, 0.5f, 1.0f, 1.5f, 3.0f, 16777217.0f, 9223372036854775808.0f,
                             9223371487098961920.0f, 18446744073709551616.0f,
                             18446742974197923840.0f, 1e20f, 1e-45f, 1.1754942e-38f,
                             1.17549435e-38f, 3.4028235e38f};
  for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
    add_val(fbits(fs[i]));
    add_val(fbits(-fs[i]));
  }
  add_val(dbits(INFINITY));
  add_val(dbits(-INFINITY));
  add_val(0x7ff8000000000000u); /* NaN */
  add_val(0xfff0000000000001u); /* a signalling NaN, negative */
  add_val(fbits(INFINITY));
  add_val(fbits(-INFINITY));
  add_val(0x7fc00000u);
  add_val(0xff800001u);
  size_t nedge = nvals;
  for (size_t i = 0; i < nrand; i++) add_val(random_val());
  npairs = nedge * nedge + 2 * nrand;
  pa = calloc(npairs, sizeof *pa);
  pb = calloc(npairs, sizeof *pb);
  assert_true(pa && pb);
  size_t n = 0;
  for (size_t i = 0; i < nedge; i++)
    for (size_t j = 0; j < nedge; j++) pa[n] = vals[i], pb[n++] = vals[j];
  for (size_t i = 0; i < nrand; i++) pa[n] = vals[nedge + i], pb[n++] = random_val();
  for (size_t i = 0; i < nrand; i++) pa[n] = random_val(), pb[n++] = next() % 200; /* small b */
  assert_int_equal(n, npairs);
}

/* ---- the expected lines ------------------------------------------------------------ */
/* What the interpreter computes (it evaluates with mir_sem.h): every
 * input through mir_sem.h directly, and every 16th one also through
 * armjit_mc_interpret, which must agree (the interpreter is the
 * reference; calling it for all of them would take minutes). */
static uint64_t reference(const hop *o, uint64_t x, uint64_t y) {
  uint32_t xi = (uint32_t)x, yi = (uint32_t)y;
  float xf, yf;
  double xd, yd;
  memcpy(&xf, &xi, 4);
  memcpy(&yf, &yi, 4);
  memcpy(&xd, &x, 8);
  memcpy(&yd, &y, 8);
  const char *n = o->name;
  static const unsigned int_ops[] = {ARMJIT_MOP_SDIV, ARMJIT_MOP_SREM, ARMJIT_MOP_UDIV,
                                     ARMJIT_MOP_UREM, ARMJIT_MOP_SHL,  ARMJIT_MOP_SHR,
                                     ARMJIT_MOP_USHR};
  size_t k = (size_t)(o - ops);
  if (k < 4) return (uint32_t)mir_sem_i32(int_ops[k], (int32_t)xi, (int32_t)yi);
  if (k < 11) return (uint64_t)mir_sem_i64(int_ops[k - 4], (int64_t)x, (int64_t)y);
  if (!strcmp(n, "d2l")) return (uint64_t)mir_sem_fptosi64(xd);
  if (!strcmp(n, "d2ul")) return mir_sem_fptoui64(xd);
  if (!strcmp(n, "f2l")) return (uint64_t)mir_sem_fptosi64((double)xf);
  if (!strcmp(n, "f2ul")) return mir_sem_fptoui64((double)xf);
  if (!strcmp(n, "l2d")) return dbits((double)(int64_t)x);
  if (!strcmp(n, "ul2d")) return dbits((double)x);
  if (!strcmp(n, "l2f")) return fbits((float)(int64_t)x);
  if (!strcmp(n, "ul2f")) return fbits((float)x);
  if (!strcmp(n, "fmod")) return dbits(mir_sem_f64(ARMJIT_MOP_FREM, xd, yd));
  return fbits(mir_sem_f32(ARMJIT_MOP_FREM, xf, yf));
}

static void put_result(FILE *out, char t, uint64_t bits) {
  if (t == 'f') {
    float f;
    uint32_t b = (uint32_t)bits;
    memcpy(&f, &b, 4);
    if (isnan(f)) {
      fputs("nan\n", out);
      return;
    }
    bits = b;
  } else if (t == 'd') {
    double d;
    memcpy(&d, &bits, 8);
    if (isnan(d)) {
      fputs("nan\n", out);
      return;
    }
  } else if (t == 'i') {
    bits = (uint32_t)bits;
  }
  fprintf(out, "%016" PRIx64 "\n", bits);
}

static char *expected(void) {
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(NULL, &err);
  assert_non_null(ctx);
  char *text = module_text();
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("%s", err.msg);
  char *buf = NULL;
  size_t sz = 0;
  FILE *out = open_memstream(&buf, &sz);
  assert_non_null(out);
  for (size_t k = 0; k < NOPS; k++) {
    const hop *o = &ops[k];
    char name[32];
    snprintf(name, sizeof name, "h_%s", o->name);
    size_t n = o->b ? npairs : nvals;
    for (size_t i = 0; i < n; i++) {
      armjit_mval args[2], r;
      memset(args, 0, sizeof args);
      memset(&r, 0, sizeof r);
      args[0].bits = o->b ? pa[i] : vals[i];
      args[1].bits = o->b ? pb[i] : 0;
      if (o->a == 'i' || o->a == 'f') args[0].bits &= 0xffffffffu;
      if (o->b == 'i' || o->b == 'f') args[1].bits &= 0xffffffffu;
      uint64_t want = reference(o, args[0].bits, args[1].bits);
      if (i % 16 == 0) {
        if (armjit_mc_interpret(m, name, args, o->b ? 2 : 1, &r, NULL, &err) != ARMJIT_OK)
          fail_msg("%s: %s", name, err.msg);
        uint64_t mask = o->r == 'i' || o->r == 'f' ? 0xffffffffu : UINT64_MAX;
        bool nan = (o->r == 'd' && isnan(r.f64)) || (o->r == 'f' && isnan(r.f32));
        if ((r.bits & mask) != (want & mask) && !nan)
          fail_msg("%s(0x%" PRIx64 ", 0x%" PRIx64 "): the interpreter 0x%" PRIx64
                   ", mir_sem.h 0x%" PRIx64, name, args[0].bits, args[1].bits, r.bits, want);
      }
      put_result(out, o->r, want);
    }
  }
  fclose(out);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(text);
  return buf;
}

/* ---- the C driver ------------------------------------------------------------------- */
/* main.c reads the inputs from the file its argument names (the counts,
 * then vals, pa, pb as little-endian u64), calls every operation on them
 * and prints the results as the expected lines have them. */
static void write_driver(const char *path, const char *inputs) {
  FILE *c = fopen(path, "w");
  assert_non_null(c);
  fputs("#include <math.h>\n#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
        "#include <string.h>\n", c);
  for (size_t k = 0; k < NOPS; k++) {
    const hop *o = &ops[k];
    fprintf(c, "%s h_%s(%s%s%s);\n", c_type(o->r), o->name, c_type(o->a), o->b ? ", " : "",
            o->b ? c_type(o->b) : "");
  }
  fputs("static void put(uint64_t bits, int t) {\n"
        "  if (t == 'f') { float f; uint32_t b = (uint32_t)bits; memcpy(&f, &b, 4);\n"
        "    if (isnan(f)) { puts(\"nan\"); return; } bits = b; }\n"
        "  if (t == 'd') { double d; memcpy(&d, &bits, 8); if (isnan(d)) { puts(\"nan\"); return; } }\n"
        "  if (t == 'i') bits = (uint32_t)bits;\n"
        "  printf(\"%016llx\\n\", (unsigned long long)bits);\n"
        "}\n"
        "int main(int argc, char **argv) {\n"
        "  FILE *in = argc > 1 ? fopen(argv[1], \"rb\") : NULL;\n"
        "  uint64_t n[2];\n"
        "  if (!in || fread(n, 8, 2, in) != 2) return 2;\n"
        "  uint64_t *vals = malloc(n[0] * 8), *pa = malloc(n[1] * 8), *pb = malloc(n[1] * 8), bits;\n"
        "  if (!vals || !pa || !pb || fread(vals, 8, n[0], in) != n[0] || fread(pa, 8, n[1], in) != n[1] ||\n"
        "      fread(pb, 8, n[1], in) != n[1]) return 3;\n", c);
  for (size_t k = 0; k < NOPS; k++) {
    const hop *o = &ops[k];
    fprintf(c, "  for (uint64_t i = 0; i < n[%d]; i++) {\n", o->b ? 1 : 0);
    fprintf(c, "    %s a; memcpy(&a, &%s[i], sizeof a);\n", c_type(o->a), o->b ? "pa" : "vals");
    if (o->b) fprintf(c, "    %s b; memcpy(&b, &pb[i], sizeof b);\n", c_type(o->b));
    fprintf(c, "    %s r = h_%s(a%s);\n", c_type(o->r), o->name, o->b ? ", b" : "");
    fprintf(c, "    bits = 0; memcpy(&bits, &r, sizeof r); put(bits, '%c');\n  }\n", o->r);
  }
  fputs("  return 0;\n}\n", c);
  fclose(c);
  FILE *f = fopen(inputs, "wb");
  assert_non_null(f);
  uint64_t n[2] = {nvals, npairs};
  assert_int_equal(fwrite(n, 8, 2, f), 2);
  assert_int_equal(fwrite(vals, 8, nvals, f), nvals);
  assert_int_equal(fwrite(pa, 8, npairs, f), npairs);
  assert_int_equal(fwrite(pb, 8, npairs, f), npairs);
  fclose(f);
}

/* ---- tools -------------------------------------------------------------------------- */
static bool have(const char *tool) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
  return system(cmd) == 0;
}

static char *run(const char *cmd, int *status) {
  char full[2048];
  snprintf(full, sizeof full, "%s 2>&1", cmd);
  FILE *p = popen(full, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, n = 0, r;
  char *out = malloc(cap);
  assert_non_null(out);
  while ((r = fread(out + n, 1, cap - 1 - n, p)) > 0) {
    n += r;
    if (cap - 1 - n < 4096) {
      cap *= 2;
      out = realloc(out, cap);
      assert_non_null(out);
    }
  }
  out[n] = 0;
  int st = pclose(p);
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

/* The first line where got and want differ, named by operation and input. */
static void compare(const char *got, const char *want, const char *what) {
  size_t line = 0;
  for (size_t k = 0; k < NOPS; k++) {
    const hop *o = &ops[k];
    size_t n = o->b ? npairs : nvals;
    for (size_t i = 0; i < n; i++, line++) {
      const char *ge = strchr(got, '\n'), *we = strchr(want, '\n');
      if (!ge || !we) fail_msg("%s: output ends at line %zu (h_%s)", what, line, o->name);
      if ((size_t)(ge - got) != (size_t)(we - want) || memcmp(got, want, (size_t)(ge - got)))
        fail_msg("%s: h_%s(0x%" PRIx64 ", 0x%" PRIx64 ") = %.*s, the interpreter says %.*s", what,
                 o->name, o->b ? pa[i] : vals[i], o->b ? pb[i] : 0, (int)(ge - got), got,
                 (int)(we - want), want);
      got = ge + 1;
      want = we + 1;
    }
  }
  assert_int_equal(*got, 0);
}

static char *want_lines;
static char dir[64];

static int setup(void **state) {
  (void)state;
  make_inputs();
  want_lines = expected();
  snprintf(dir, sizeof dir, "/tmp/armjit-helpers-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char path[128], inputs[128];
  snprintf(path, sizeof path, "%s/main.c", dir);
  snprintf(inputs, sizeof inputs, "%s/inputs.bin", dir);
  write_driver(path, inputs);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0) return -1;
  free(want_lines);
  free(vals);
  free(pa);
  free(pb);
  return 0;
}

static void link_and_run(armjit_abi abi, const char *triple, bool aeabi) {
  char gcc[64];
  snprintf(gcc, sizeof gcc, "%s-gcc", triple);
  if (!have(gcc) || !have("qemu-arm")) skip();
  armjit_options opt;
  memset(&opt, 0, sizeof opt);
  opt.abi = abi;
  opt.flags = ARMJIT_FEATURES_SET | (aeabi ? ARMJIT_AEABI_HELPERS : 0);
  opt.features = A32_FEAT_VFPV3; /* no IDIV: i32 division calls helpers too */
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&opt, &err);
  assert_non_null(ctx);
  char *text = module_text();
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("%s", err.msg);
  armjit_object *o = armjit_module_compile(m, &err);
  if (!o) fail_msg("%s", err.msg);
  char obj[128], cmd[768];
  snprintf(obj, sizeof obj, "%s/mod-%s-%s.o", dir, triple, aeabi ? "aeabi" : "builtin");
  FILE *out = fopen(obj, "wb");
  assert_non_null(out);
  assert_int_equal(armjit_object_write_elf(o, ARMJIT_ELF_GNU_STACK, out, &err), ARMJIT_OK);
  fclose(out);
  armjit_object_free(o);
  armjit_module_free(m);
  armjit_ctx_free(ctx);
  free(text);
  /* what the object needs from outside */
  int st;
  if (have("arm-none-eabi-nm")) {
    snprintf(cmd, sizeof cmd, "arm-none-eabi-nm -u %s", obj);
    char *und = run(cmd, &st);
    assert_int_equal(st, 0);
    if (!aeabi && und[0]) fail_msg("builtin helpers, yet undefined symbols:\n%s", und);
    for (const char *l = und; *l; l = strchr(l, '\n') + 1) {
      if (!strstr(l, "U __aeabi_")) fail_msg("not an AEABI function: %s", l);
      if (!strchr(l, '\n')) break;
    }
    if (aeabi) assert_non_null(strstr(und, "U __aeabi_uldivmod"));
    free(und);
  }
  char prog[160];
  snprintf(prog, sizeof prog, "%s/prog-%s-%s", dir, triple, aeabi ? "aeabi" : "builtin");
  snprintf(cmd, sizeof cmd, "%s -O1 -Wall -static %s/main.c %s -o %s -lm", gcc, dir, obj, prog);
  char *log = run(cmd, &st);
  if (st != 0 || log[0]) fail_msg("%s failed or warned:\n%s", cmd, log);
  free(log);
  snprintf(cmd, sizeof cmd, "qemu-arm %s %s/inputs.bin", prog, dir);
  char *got = run(cmd, &st);
  if (st != 0) fail_msg("the program failed (status %d)", st);
  compare(got, want_lines, prog);
  free(got);
}

static void test_builtin_hard(void **state) {
  (void)state;
  link_and_run(ARMJIT_ABI_HARD, "arm-linux-gnueabihf", false);
}
static void test_builtin_soft(void **state) {
  (void)state;
  link_and_run(ARMJIT_ABI_SOFT, "arm-linux-gnueabi", false);
}
static void test_aeabi_hard(void **state) {
  (void)state;
  link_and_run(ARMJIT_ABI_HARD, "arm-linux-gnueabihf", true);
}
static void test_aeabi_soft(void **state) {
  (void)state;
  link_and_run(ARMJIT_ABI_SOFT, "arm-linux-gnueabi", true);
}

int main(void) {
  if (!have("qemu-arm") || (!have("arm-linux-gnueabihf-gcc") && !have("arm-linux-gnueabi-gcc"))) {
    puts("host_mc_helpers: skipped (needs qemu-arm and arm-linux-gnueabi[hf]-gcc)");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builtin_hard),
      cmocka_unit_test(test_builtin_soft),
      cmocka_unit_test(test_aeabi_hard),
      cmocka_unit_test(test_aeabi_soft),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
