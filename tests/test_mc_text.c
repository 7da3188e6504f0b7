/* SPDX-License-Identifier: MIT */
/* The method IR's text form: round trips (print(parse(t)) parses back and
 * prints the same), the printed form of a built module, and every parser
 * and validator error with its status, line:column and message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit/mc.h"
#include "mc_gen.h"

#define T(x) ARMJIT_T_##x

static int setup(void **state) {
  armjit_error err;
  *state = armjit_ctx_new(NULL, &err);
  return *state ? 0 : -1;
}
static int teardown(void **state) {
  armjit_ctx_free(*state);
  return 0;
}

/* ---- round trips ---------------------------------------------------------------------- */
static const char *const modules[] = {
    /* every op, every suffix kind, literals of every type */
    "trap call @t\n"
    "extern @t(i32, ref, ref)\n"
    "extern @g(i32, i64, f32, f64, ref) -> f64\n"
    "func @all(a: i32, b: i64, c: f32, d: f64, p: ref) -> i32 {\n"
    "entry:\n"
    "  x1 = add.i32 a, 1\n"
    "  x2 = sub.i64 b, -9223372036854775808\n"
    "  x3 = mul.i32 x1, -2147483648\n"
    "  x4 = and.i64 x2, 0xff\n"
    "  x5 = or.i32 x3, a\n"
    "  x6 = xor.i32 x5, 4294967295\n"
    "  x7 = shl.i32 x6, 31\n"
    "  x8 = shr.i64 x4, 64\n"
    "  x9 = ushr.i32 x7, 32\n"
    "  y1 = sdiv.i32 x9, 0\n"
    "  y2 = srem.i64 x8, -1\n"
    "  y3 = udiv.i32 y1, 3\n"
    "  y4 = urem.i64 y2, 7\n"
    "  y5 = neg.i32 y3\n"
    "  y6 = not.i64 y4\n"
    "  f1 = fadd.f32 c, 1.5\n"
    "  f2 = fsub.f64 d, -0.0\n"
    "  f3 = fmul.f32 f1, inf\n"
    "  f4 = fdiv.f64 f2, -inf\n"
    "  f5 = frem.f64 f4, nan\n"
    "  f6 = fneg.f32 f3\n"
    "  f7 = fabs.f64 f5\n"
    "  f8 = fsqrt.f32 f6\n"
    "  c1 = sext8 y5\n"
    "  c2 = sext16 c1\n"
    "  c3 = zext8 c2\n"
    "  c4 = zext16 c3\n"
    "  c5 = sext_i64 c4\n"
    "  c6 = zext_i64 c4\n"
    "  c7 = trunc_i32 c6\n"
    "  c8 = sitofp.f32 c7\n"
    "  c9 = uitofp.f64 i64 5\n"
    "  d1 = fptosi.i64 f8\n"
    "  d2 = fptoui.i32 f7\n"
    "  d3 = fext f8\n"
    "  d4 = ftrunc f7\n"
    "  d5 = bitcast.i64 d3\n"
    "  d6 = bitcast.f32 d2\n"
    "  d7 = ptr_to_int p\n"
    "  d8 = int_to_ref d7\n"
    "  e1 = icmp.ult c7, d2\n"
    "  e2 = icmp.ne p, d8\n"
    "  e3 = icmp.sge i64 3, i64 4\n"
    "  e4 = fcmp.uno d4, f32 nan:0x7fc00001\n"
    "  e5 = fcmp.oge 1.0, d3\n"
    "  e6 = select.ref e1, p, ref 0x10\n"
    "  m1 = load.s8 p, -1\n"
    "  m2 = load.u16 p, a, 1, 8 volatile\n"
    "  m3 = load.f64 e6, 2, 3, 0\n"
    "  store.ref p, 4, e6\n"
    "  store.i64 0x1000, a, 3, -8, d5\n"
    "  store.f32 p, 0, d6 volatile\n"
    "  h = addr @g+8\n"
    "  h2 = addr @t-4\n"
    "  k = ptr_add h, -12\n"
    "  r1 = call @g(a, b, c, d, p)\n"
    "  r2 = call_ind.i32 k(1, i64 2, 2.5, f32 3.5, p) hidden=a\n"
    "  call_ind h2(0, p, p)\n"
    "  call @t(7, p, p)\n"
    "  check_null p, 0\n"
    "  check_index a, 10, 16777215\n"
    "  check_nonzero b, 3\n"
    "  trap_if e2, 4\n"
    "  cbr e3, l1(m1, r1), l2\n"
    "l1(q1: i32, q2: f64):\n"
    "  switch q1, l3, [1: l3, -2147483648: l4, 4294967295: l2]\n"
    "l2:\n"
    "  br l4\n"
    "l3:\n"
    "  unreachable\n"
    "l4:\n"
    "  ret m2\n"
    "}\n",
    /* forward references: a value used in a block laid out before its definition */
    "func @fwd(n: i32) -> i32 {\n"
    "entry:\n"
    "  br head(0)\n"
    "tail(t: i32):\n"
    "  r = add.i32 t, k\n"
    "  ret r\n"
    "head(i: i32):\n"
    "  k = mul.i32 i, 3\n"
    "  c = icmp.slt i, n\n"
    "  j = add.i32 i, 1\n"
    "  cbr c, head(j), tail(k)\n"
    "}\n",
    /* comments, blank lines, tabs, odd spacing; externs after their use */
    "# a comment\n"
    "\n"
    "func @h(x: f64) -> f64 {   # trailing comment\n"
    "\tentry:\n"
    "\t  y = call @sq( x )\n"
    "\t  ret y\n"
    "}\n"
    "   extern @sq(f64)->f64\n",
    /* exceptions: handler lists (symbol and constant tags, catch all,
     * nested ranges), throw, trap, the callbacks, a trap handler that
     * returns the exception */
    "trap call @mk\n"
    "exc_match @match\n"
    "exc_uncaught @lost\n"
    "extern @mk(i32, ref, ref) -> ref\n"
    "extern @match(ref, ref) -> i32\n"
    "extern @lost(ref)\n"
    "extern @E()\n"
    "func @g(p: ref) -> i32 {\n"
    "entry [catch @E -> h, catch 0xffffffff -> h, catch 0 -> h2]:\n"
    "  check_null p, 20\n"
    "  x = call @g(p)\n"
    "  br inner(x)\n"
    "inner(y: i32) [catch 7 -> h3, catch @E -> h]:\n"
    "  check_index y, 3, 10\n"
    "  cbr y, t, done(y)\n"
    "t:\n"
    "  trap 30\n"
    "done(z: i32):\n"
    "  ret z\n"
    "h(e: ref):\n"
    "  ret -1\n"
    "h2(e2: ref) [catch 0 -> h]:\n"
    "  throw e2\n"
    "h3(e3: ref):\n"
    "  ret 3\n"
    "}\n",
    "trap svc\n"
    "exc_make @make\n"
    "func @make(c: i32, pc: ref) -> ref {\n"
    "entry:\n"
    "  r = int_to_ref c\n"
    "  ret r\n"
    "}\n"
    "func @k(a: i32) -> i32 {\n"
    "entry [catch 0 -> h]:\n"
    "  check_nonzero a, 30\n"
    "  ret a\n"
    "h(e: ref):\n"
    "  x = ptr_to_int e\n"
    "  ret x\n"
    "}\n",
    /* void functions and empty parameter lists */
    "func @v() {\n"
    "b0:\n"
    "  ret\n"
    "}\n",
    /* data of every kind and item, sections, local symbols */
    "extern @x(i32) -> i32\n"
    "data @vt local rodata align 4 = [@f, @f+8, @x-4, @buf, i32 0x01020304]\n"
    "data @d data align 8 = [i64 -1, i8 1, i16 -2, i8 0xff, zero 6, f32 1.5, f64 -0.25]\n"
    "data @buf bss align 16 size 100\n"
    "data @t data section(\".tables\") = [i8 7]\n"
    "data @e rodata size 0\n"
    "func @f(a: i32) -> ref local section(\".vectors\") {\n"
    "entry:\n"
    "  p = addr @vt\n"
    "  ret p\n"
    "}\n"
    "data @vt2 rodata section(\".vectors\") align 32 = [i32 0xe59ff018, @f]\n",
};

static char *print_str(const armjit_module *m) {
  char *s = armjit_module_to_string(m);
  assert_non_null(s);
  return s;
}

static armjit_module *parse_ok(armjit_ctx *ctx, const char *text) {
  armjit_error err;
  armjit_module *m = armjit_module_parse(ctx, text, &err);
  if (!m) fail_msg("parse %d:%d: %s (%s)\n%s", err.line, err.col, err.msg,
                   armjit_status_name(err.code), text);
  return m;
}

static void test_round_trip(void **state) {
  for (unsigned k = 0; k < sizeof modules / sizeof modules[0]; k++) {
    armjit_module *m = parse_ok(*state, modules[k]);
    armjit_error err;
    if (armjit_module_validate(m, &err) != ARMJIT_OK)
      fail_msg("module %u: %d:%d %s", k, err.line, err.col, err.msg);
    char *a = print_str(m);
    armjit_module *m2 = parse_ok(*state, a);
    assert_int_equal(armjit_module_validate(m2, &err), ARMJIT_OK);
    char *b = print_str(m2);
    assert_string_equal(a, b);
    /* the printer's own output, printed through a FILE, is the same text */
    FILE *f = tmpfile();
    assert_non_null(f);
    int n = armjit_module_print(m2, f);
    assert_int_equal(n, (int)strlen(b));
    rewind(f);
    char *c = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(c, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    assert_string_equal(b, c);
    free(a);
    free(b);
    free(c);
    armjit_module_free(m);
    armjit_module_free(m2);
  }
}

/* The module of the first round trip keeps what it was written with:
 * literal spellings canonical, typed literals only where needed. */
static void test_print_canonical(void **state) {
  armjit_module *m = parse_ok(*state, modules[0]);
  char *s = print_str(m);
  assert_non_null(strstr(s, "  x6 = xor.i32 x5, -1\n"));          /* 4294967295 as an i32 */
  assert_non_null(strstr(s, "  e3 = icmp.sge i64 3, i64 4\n"));   /* no value decides */
  assert_non_null(strstr(s, "  e1 = icmp.ult c7, d2\n"));
  assert_non_null(strstr(s, "  e4 = fcmp.uno d4, nan:0x7fc00001\n")); /* typed by d4 */
  assert_non_null(strstr(s, "  e6 = select.ref e1, p, 0x10\n"));
  assert_non_null(strstr(s, "  m1 = load.s8 p, -1\n"));
  assert_non_null(strstr(s, "  m3 = load.f64 e6, 2, 3, 0\n"));
  assert_non_null(strstr(s, "  store.i64 4096, a, 3, -8, d5\n"));
  assert_non_null(strstr(s, "  r2 = call_ind.i32 k(1, i64 2, 2.5, f32 3.5, p) hidden=a\n"));
  assert_non_null(strstr(s, "  h2 = addr @t-4\n"));
  assert_non_null(strstr(s, "  switch q1, l3, [1: l3, -2147483648: l4, -1: l2]\n"));
  assert_non_null(strstr(s, "  c9 = uitofp.f64 i64 5\n"));
  free(s);
  armjit_module_free(m);
}

/* A module built through the API prints with generated names. */
static void test_print_built(void **state) {
  armjit_module *m = armjit_module_new(*state, NULL);
  armjit_mtype pt[2] = {T(I32), T(F64)};
  armjit_sym ext = armjit_extern(m, "ext", pt, 1, T(I64));
  armjit_sym f = armjit_func_new(m, "f", pt, 2, T(I64));
  armjit_block e = armjit_func_entry(m, f);
  armjit_block l = armjit_block_new(m, f, pt + 1, 1);
  armjit_val x = armjit_block_param(m, e, 0);
  armjit_val y = armjit_op2(m, e, ARMJIT_MOP_ADD, T(I32), x, armjit_mconst_i32(m, f, 7));
  armjit_val v[1] = {armjit_block_param(m, e, 1)};
  armjit_br(m, e, l, v, 1);
  armjit_val r = armjit_call(m, l, ext, &y, 1);
  armjit_ret(m, l, r);
  armjit_error err;
  assert_int_equal(armjit_module_validate(m, &err), ARMJIT_OK);
  char *s = print_str(m);
  assert_string_equal(s,
                      "extern @ext(i32) -> i64\n"
                      "func @f(v0: i32, v1: f64) -> i64 {\n"
                      "b0:\n"
                      "  v3 = add.i32 v0, 7\n"
                      "  br b1(v1)\n"
                      "b1(v2: f64):\n"
                      "  v4 = call @ext(v3)\n"
                      "  ret v4\n"
                      "}\n");
  armjit_module *m2 = parse_ok(*state, s);
  char *s2 = print_str(m2);
  assert_string_equal(s, s2);
  free(s);
  free(s2);
  armjit_module_free(m);
  armjit_module_free(m2);
}

/* ---- errors ------------------------------------------------------------------------------ */
typedef struct {
  const char *text;
  armjit_status code;
  int line, col;
  const char *msg; /* a substring of the message */
} err_case;

#define F1(body) "func @f(a: i32, p: ref, l: i64) -> i32 {\nentry:\n" body "}\n"

static const err_case parse_errors[] = {
    {"blah\n", ARMJIT_E_SYNTAX, 1, 1, "expected extern, func, data or trap, got 'blah'"},
    {"func @f() {\nentry:\n  ret\n", ARMJIT_E_SYNTAX, 1, 6, "missing '}' at the end of @f"},
    {"func f() {\n}\n", ARMJIT_E_SYNTAX, 1, 6, "expected '@' before the function's name"},
    {"func @f(x: i33) {\n}\n", ARMJIT_E_SYNTAX, 1, 12, "unknown type 'i33'"},
    {"func @f(x i32) {\n}\n", ARMJIT_E_SYNTAX, 1, 11, "expected ':' after a parameter name"},
    {"extern @e(i32) -> i32 junk\n", ARMJIT_E_SYNTAX, 1, 23, "expected the end of the line"},
    {"extern @e()\nextern @e()\n", ARMJIT_E_INVALID, 2, 8, "duplicate symbol @e"},
    {F1("  x = frob.i32 a\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 7, "unknown op 'frob'"},
    {F1("  x = add.f32 a, a\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 11, "add has no suffix '.f32'"},
    {F1("  x = add a, a\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 10, "add needs a suffix"},
    {F1("  ret y\n"), ARMJIT_E_INVALID, 3, 7, "undefined value y"},
    {F1("  br nowhere\n"), ARMJIT_E_INVALID, 3, 6, "undefined block nowhere"},
    {F1("  x = add.i32 a, 1\n  x = add.i32 a, 2\n  ret x\n"), ARMJIT_E_INVALID, 4, 3,
     "value x defined twice"},
    {F1("  br b\nb:\n  br c\nb:\n  ret 1\n"), ARMJIT_E_INVALID, 6, 1, "block b defined twice"},
    {F1("  x = call @nope(a)\n  ret x\n"), ARMJIT_E_INVALID, 3, 12, "undefined symbol @nope"},
    {"func @f() {\nentry [catch @E -> h]:\n  ret\n}\n", ARMJIT_E_INVALID, 2, 14,
     "undefined symbol @E"},
    {"func @f() {\nentry [catch 0 h]:\n  ret\n}\n", ARMJIT_E_SYNTAX, 2, 16,
     "expected '->' before the handler block"},
    {"func @f() {\nentry [catch 0 -> h:\n  ret\n}\n", ARMJIT_E_SYNTAX, 2, 20,
     "expected ',' or ']' in a handler list"},
    {"func @f() {\nentry [try 0 -> h]:\n  ret\n}\n", ARMJIT_E_SYNTAX, 2, 8,
     "expected catch in a handler list, got 'try'"},
    {"func @f() {\nentry [catch 0 -> nowhere]:\n  ret\n}\n", ARMJIT_E_INVALID, 2, 19,
     "undefined block nowhere"},
    {"func @f() {\nentry [catch 1.5 -> h]:\n  ret\n}\n", ARMJIT_E_SYNTAX, 2, 14,
     "expected an integer literal for the tag"},
    {"exc_match @a\nexc_match @b\n", ARMJIT_E_INVALID, 2, 1, "a second exc_match line"},
    {F1("  x = add.i32 a, 4294967296\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 18,
     "literal out of range for i32"},
    {F1("  x = add.i32 a, -2147483649\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 18,
     "literal out of range for i32"},
    {F1("  x = add.i32 a, 1.5\n  ret x\n"), ARMJIT_E_TYPE, 3, 18, "a float literal where an i32 is expected"},
    {F1("  x = add.i32 a\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 7, "add takes 2 operands, got 1"},
    {"func @f(a: i32) {\nentry(b: i32):\n  ret\n}\n", ARMJIT_E_SYNTAX, 2, 6,
     "the entry block takes no parameter list"},
    {F1("  i32 = add.i32 a, 1\n  ret a\n"), ARMJIT_E_SYNTAX, 3, 3, "'i32' is reserved"},
    {F1("  x = load.i32 p\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 7, "load takes base, offset"},
    {F1("  x = load.i32 p, a\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 19,
     "expected an integer literal for the offset"},
    {F1("  trap_if a, 0x1000000\n  ret a\n"), ARMJIT_E_SYNTAX, 3, 14, "trap code out of range"},
    {F1("  x = add.i32 a, 1 volatile\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 20,
     "only loads and stores can be volatile"},
    {F1("  x = store.i32 p, 0, 1\n  ret a\n"), ARMJIT_E_SYNTAX, 3, 3, "store has no result to name"},
    {F1("  add.i32 a, 1\n  ret a\n"), ARMJIT_E_SYNTAX, 3, 3, "the result of add needs a name"},
    {"data @d rodata = 1\n", ARMJIT_E_SYNTAX, 1, 18, "expected a data item"},
    {"data @d = [i32 1]\n", ARMJIT_E_SYNTAX, 1, 1, "data @d needs its kind: rodata, data or bss"},
    {"data @d rodata align 3 = [i8 1]\n", ARMJIT_E_INVALID, 1, 16, "alignment 3 is no power of two"},
    {"data @d bss size 4 = [i32 0]\n", ARMJIT_E_INVALID, 1, 1, "bss data @d has no initial bytes"},
    {"data @d data = [i8 256]\n", ARMJIT_E_SYNTAX, 1, 20, "the value out of range -128..255"},
    {"data @d data = [@nope]\n", ARMJIT_E_INVALID, 1, 17, "data @d: @nope is not a symbol"},
    {"data @d data section(\".text\") = [i8 1]\n", ARMJIT_E_INVALID, 1, 23,
     "'.text' is no section name"},
    {"data @d data size 1 = [i32 1]\n", ARMJIT_E_INVALID, 1, 1, "size 1 is smaller than its 4 bytes"},
    {"data @d data = [f32 x]\n", ARMJIT_E_SYNTAX, 1, 21, "expected a float, got 'x'"},
    {"data @d data size 4\ndata @d data size 4\n", ARMJIT_E_INVALID, 2, 6, "duplicate symbol @d"},
    {"data @d data = [i8 1] extra\n", ARMJIT_E_SYNTAX, 1, 23, "expected the end of the line"},
    {"data @d data mutable\n", ARMJIT_E_SYNTAX, 1, 14, "unknown data attribute 'mutable'"},
    {"func @f() section(\"x\") {\nentry:\n  ret\n}\n", ARMJIT_E_INVALID, 1, 20,
     "'x' is no section name"},
    {F1("  x = add.i32 a, 1\xff\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 19,
     "expected the end of the line, got byte 0xff"},
    {F1("  x\xff = add.i32 a, 1\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 4, "unexpected byte 0xff"},
    {F1("  x = add.i32 a, \n  ret a\n"), ARMJIT_E_SYNTAX, 3, 18, "expected an operand, got the end of the line"},
    {F1("  switch a, b, [1 b]\nb:\n  ret 1\n"), ARMJIT_E_SYNTAX, 3, 19,
     "expected ':' after a case key, got 'b'"},
    {F1("  x = icmp.slt a\n  ret x\n"), ARMJIT_E_SYNTAX, 3, 7, "icmp takes 2 operands, got 1"},
    {F1("  ret a\n"
        "  x = add.i32 x, 1.0e\n"), ARMJIT_E_SYNTAX, 4, 21, "bad number: unexpected 'e'"},
    {F1("  x = addr @f+p\n  ret a\n"), ARMJIT_E_SYNTAX, 3, 15, "expected an offset after '+'"},
    {"trap call @h\ntrap call @h\n", ARMJIT_E_INVALID, 2, 6, "a second trap line"},
    {"trap jump @h\n", ARMJIT_E_SYNTAX, 1, 6, "unknown trap mode 'jump'"},
    {"func @f() {\n  ret\n}\n", ARMJIT_E_SYNTAX, 2, 3, "expected the entry block's header"},
    {"func @f() {\n}\n", ARMJIT_E_SYNTAX, 2, 1, "@f has no blocks"},
};

static const err_case rule_errors[] = {
    {"data @d data section(\".x\") size 4\nfunc @f() section(\".x\") {\nentry:\n  ret\n}\n",
     ARMJIT_E_INVALID, 2, 6, "@f: section .x holds data (@d), not functions"},
    {"func @f() section(\".x\") {\nentry:\n  ret\n}\ndata @d bss section(\".x\") size 4\n",
     ARMJIT_E_INVALID, 5, 6, "@d: section .x holds functions (@f), not bss"},
    {"data @d data size 4\nfunc @f() {\nentry:\n  call @d()\n  ret\n}\n", ARMJIT_E_INVALID, 4, 3,
     "@d is data, not a function"},
    {"func @g() {\nentry:\n  ret\n}\ndata @d data = [i8 1, @g]\n", ARMJIT_E_INVALID, 5, 23,
     "@d: word at offset 1: an address needs 4 aligned bytes inside the data"},
    {F1("  x = add.i32 a, l\n  ret x\n"), ARMJIT_E_TYPE, 3, 3,
     "@f block entry, op 1 (add.i32): operand 2 is i64, expected i32"},
    {F1("  br b(1)\nb(x: i32, y: i32):\n  ret x\n"), ARMJIT_E_INVALID, 3, 3,
     "1 arguments for block b, which has 2 parameters"},
    {F1("  br b(l)\nb(x: i32):\n  ret x\n"), ARMJIT_E_TYPE, 3, 3,
     "argument 1 for block b is i64, its parameter is i32"},
    {F1("  br entry\n"), ARMJIT_E_INVALID, 3, 3, "branch to the entry block entry"},
    {F1("  x = add.i32 a, 1\n"), ARMJIT_E_INVALID, 3, 3, "the block does not end in a terminator"},
    {F1("  ret a\n  x = add.i32 a, 1\n"), ARMJIT_E_INVALID, 4, 3, "op after the terminator ret"},
    {F1("  br b\nb:\n"), ARMJIT_E_INVALID, 4, 1, "@f block b: empty block"},
    {F1("  cbr a, t, e\nt:\n  x = add.i32 a, 1\n  br j\ne:\n  br j\nj:\n  ret x\n"),
     ARMJIT_E_INVALID, 10, 3, "operand 1: x is used where its definition does not dominate"},
    {F1("  y = add.i32 x, 1\n  x = add.i32 a, 1\n  ret y\n"), ARMJIT_E_INVALID, 3, 3,
     "x is used where its definition does not dominate"},
    {F1("  cbr a, t, t(x)\nt:\n  x = add.i32 a, 1\n  ret x\n"), ARMJIT_E_INVALID, 3, 3,
     "1 arguments for block t, which has 0 parameters"},
    {F1("  br t(x)\nt(y: i32):\n  x = add.i32 y, 1\n  ret x\n"), ARMJIT_E_INVALID, 3, 3,
     "block argument 1: x is used where its definition does not dominate"},
    {F1("  ret a\nisland:\n  ret 2\n"), ARMJIT_E_INVALID, 4, 1, "@f block island: not reachable"},
    {F1("  ret l\n"), ARMJIT_E_TYPE, 3, 3, "operand 1 is i64, expected i32"},
    {F1("  ret\n"), ARMJIT_E_TYPE, 3, 3, "@f returns i32, so ret takes a value"},
    {"extern @e(i32)\n" F1("  call @e(a, a)\n  ret a\n"), ARMJIT_E_INVALID, 4, 3,
     "2 arguments, @e takes 1"},
    {"extern @e(i64)\n" F1("  call @e(a)\n  ret a\n"), ARMJIT_E_TYPE, 4, 3,
     "argument 1 of @e is i32, expected i64"},
    {F1("  switch a, b, [1: b, 1: c]\nb:\n  ret 1\nc:\n  ret 2\n"), ARMJIT_E_INVALID, 3, 3,
     "duplicate switch key 1"},
    {F1("  switch a, b, [1: c]\nb(x: i32):\n  ret 1\nc:\n  ret 2\n"), ARMJIT_E_INVALID, 3, 3,
     "0 arguments for block b, which has 1 parameters"},
    {F1("  x = icmp.slt p, p\n  ret x\n"), ARMJIT_E_TYPE, 3, 3, "refs compare only with eq and ne"},
    {F1("  x = load.i32 p, a, 32, 0\n  ret x\n"), ARMJIT_E_INVALID, 3, 3, "shift 32 out of range"},
    {F1("  x = load.i32 l, 0\n  ret x\n"), ARMJIT_E_TYPE, 3, 3, "operand 1 is i64, expected i32 or ref"},
    {F1("  check_null p, 1\n  ret a\n"), ARMJIT_E_INVALID, 0, 0,
     "the module has check ops but no trap handler"},
    {"trap call @h\n" F1("  check_null p, 1\n  ret a\n"), ARMJIT_E_INVALID, 1, 12,
     "trap handler @h is not a symbol of the module"},
    {"trap call @h\nextern @h(i32)\n" F1("  ret a\n"), ARMJIT_E_INVALID, 1, 12,
     "must have the signature (i32, ref, ref) -> void"},
    {"trap call @h\nextern @h(i32, ref, ref) -> i32\n" F1("  ret a\n"), ARMJIT_E_INVALID, 1, 12,
     "must have the signature (i32, ref, ref) -> void or -> ref"},
    {"trap svc\n" F1("  check_null p, 1\n  ret a\n"), ARMJIT_E_INVALID, 0, 0,
     "traps in mode svc or udf but names no exc_make"},
    {"trap udf\nexc_make @m\nextern @m(i32, ref) -> ref\n" F1("  check_null p, 65536\n  ret a\n"),
     ARMJIT_E_INVALID, 6, 3, "@f: trap code 65536 out of range 0..0xffff for trap mode udf"},
    {"exc_make @m\nextern @m(i32, ref) -> i32\n" F1("  ret a\n"), ARMJIT_E_INVALID, 1, 11,
     "exc_make @m must have the signature (i32, ref) -> ref"},
    {"exc_uncaught @m\n" F1("  ret a\n"), ARMJIT_E_INVALID, 1, 15,
     "exc_uncaught @m is not a symbol of the module"},
    {"func @f(a: i32) -> i32 {\nentry [catch 5 -> h]:\n  ret a\nh(e: ref):\n  ret 0\n}\n",
     ARMJIT_E_INVALID, 0, 0, "has handlers with tags but names no exc_match"},
    {"func @f(a: i32) -> i32 {\nentry [catch 0 -> h]:\n  ret a\nh(e: i32):\n  ret 0\n}\n",
     ARMJIT_E_INVALID, 2, 1, "handler block h must have exactly one parameter, a ref"},
    {"func @f(a: i32) -> i32 {\nentry [catch 0 -> h]:\n  ret a\nh:\n  ret 0\n}\n",
     ARMJIT_E_INVALID, 2, 1, "handler block h must have exactly one parameter"},
    {"func @f(a: i32) -> i32 {\nentry [catch 0 -> h]:\n  cbr a, b, h(ref 0)\nb:\n  ret 1\n"
     "h(e: ref):\n  ret 0\n}\n",
     ARMJIT_E_INVALID, 3, 3, "branch to block h, a handler block"},
    {"func @f(a: i32) -> i32 {\nentry [catch 0 -> h]:\n  x = call @f(a)\n  ret x\n"
     "h(e: ref):\n  ret x\n}\n",
     ARMJIT_E_INVALID, 6, 3, "x is used where an exception from block entry leads"},
    {"func @f(a: i32) -> i32 {\nentry:\n  br b(a)\nb(y: i32) [catch 0 -> h]:\n  x = call @f(y)\n"
     "  br c(x)\nc(z: i32):\n  ret z\nh(e: ref):\n  br c(x)\n}\n",
     ARMJIT_E_INVALID, 10, 3, "x is used where an exception from block b leads"},
    {F1("  x = fadd.f64 a, a\n  ret a\n"), ARMJIT_E_TYPE, 3, 3, "operand 1 is i32, expected f64"},
    {F1("  x = bitcast.f64 a\n  ret a\n"), ARMJIT_E_TYPE, 3, 3, "operand 1 is i32, expected i64"},
    {F1("  x = call_ind.i32 l(a)\n  ret x\n"), ARMJIT_E_TYPE, 3, 3, "expected i32 or ref"},
};

static unsigned nbad;
static void check_err(const err_case *c, armjit_status got, const armjit_error *err) {
  if (got != c->code || err->code != c->code || err->line != c->line || err->col != c->col ||
      !strstr(err->msg, c->msg))
    nbad++, print_message("for\n%s\ngot %s %d:%d \"%s\"\nexpected %s %d:%d \"%s\"", c->text,
             armjit_status_name(got), err->line, err->col, err->msg, armjit_status_name(c->code),
             c->line, c->col, c->msg),
        print_message("\n");
}

static void test_parse_errors(void **state) {
  for (unsigned k = 0; k < sizeof parse_errors / sizeof parse_errors[0]; k++) {
    const err_case *c = &parse_errors[k];
    armjit_error err;
    armjit_module *m = armjit_module_parse(*state, c->text, &err);
    if (m) fail_msg("case %u parsed:\n%s", k, c->text);
    check_err(c, err.code, &err);
  }
  assert_int_equal(nbad, 0);
}

static void test_rule_errors(void **state) {
  for (unsigned k = 0; k < sizeof rule_errors / sizeof rule_errors[0]; k++) {
    const err_case *c = &rule_errors[k];
    armjit_error err;
    armjit_module *m = armjit_module_parse(*state, c->text, &err);
    if (!m) fail_msg("case %u: parse error %d:%d %s\n%s", k, err.line, err.col, err.msg, c->text);
    armjit_status st = armjit_module_validate(m, &err);
    check_err(c, st, &err);
    /* the same again: an invalid module stays invalid */
    assert_int_equal(armjit_module_validate(m, &err), c->code);
    armjit_module_free(m);
  }
  assert_int_equal(nbad, 0);
}

/* A name may be 127 bytes, not 128. */
static void test_name_length(void **state) {
  char name[130], text[400];
  memset(name, 'n', 127);
  name[127] = 0;
  snprintf(text, sizeof text, "extern @%s()\n", name);
  armjit_error err;
  armjit_module *m = armjit_module_parse(*state, text, &err);
  assert_non_null(m);
  assert_int_equal(armjit_module_find(m, name), 0);
  armjit_module_free(m);
  name[127] = 'n';
  name[128] = 0;
  snprintf(text, sizeof text, "extern @%s()\n", name);
  assert_null(armjit_module_parse(*state, text, &err));
  assert_int_equal(err.code, ARMJIT_E_SYNTAX);
  assert_int_equal(err.col, 9);
  assert_non_null(strstr(err.msg, "128 bytes long, at most 127"));
}

/* Mutated texts (bytes dropped, doubled, replaced) never crash or leak the
 * parser, the validator or the printer: a module, or an error with a
 * position. */
static void test_mutations(void **state) {
  armjit_ctx *ctx = *state;
  uint64_t rng = 0x9e3779b97f4a7c15u;
  unsigned parsed = 0, valid = 0, failed = 0;
  static const char alphabet[] = " \n,:()[]@=.-+#0123456789abcxyzi32f64refnan\xff";
  for (unsigned k = 0; k < 40; k++) {
    mc_gen_case c;
    armjit_error err;
    assert_int_equal(mc_gen(ctx, 5000 + k, NULL, &c, &err), ARMJIT_OK);
    char *text = armjit_module_to_string(c.m);
    size_t n = strlen(text);
    char *buf = malloc(n + 8);
    for (unsigned j = 0; j < 50; j++) {
      memcpy(buf, text, n + 1);
      size_t len = n;
      for (unsigned e = 0; e < 1 + j % 3; e++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        size_t at = (size_t)(rng % len);
        char ch = alphabet[(rng >> 32) % (sizeof alphabet - 1)];
        switch ((rng >> 48) % 3) {
        case 0: memmove(buf + at, buf + at + 1, len - at); len--; break;       /* drop */
        case 1: memmove(buf + at + 1, buf + at, len - at + 1); buf[at] = ch; len++; break;
        default: buf[at] = ch; break;                                         /* replace */
        }
        if (len < 2) break;
      }
      armjit_module *m = armjit_module_parse(ctx, buf, &err);
      if (m) {
        parsed++;
        if (armjit_module_validate(m, &err) == ARMJIT_OK) valid++;
        char *again = armjit_module_to_string(m);
        assert_non_null(again);
        free(again);
        armjit_module_free(m);
      } else {
        failed++;
        assert_true(err.code == ARMJIT_E_SYNTAX || err.code == ARMJIT_E_TYPE ||
                    err.code == ARMJIT_E_INVALID || err.code == ARMJIT_E_UNSUPPORTED);
        assert_true(err.line >= 1 && err.col >= 1);
        assert_true(err.msg[0] != 0);
      }
    }
    free(buf);
    free(text);
    mc_gen_free(&c);
  }
  print_message("mutated module texts: %u parsed (%u valid), %u rejected with a position\n",
                parsed, valid, failed);
  assert_true(failed > 0 && parsed > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_print_canonical, setup, teardown),
      cmocka_unit_test_setup_teardown(test_print_built, setup, teardown),
      cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rule_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_name_length, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mutations, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
