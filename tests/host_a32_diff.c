/* SPDX-License-Identifier: MIT */
/* host_a32_diff.c — differential test of every a32 encoder against two
 * independent oracles:
 *   1. GNU as: random valid operands (tests/support/a32_gen*.c) are emitted
 *      with our API and printed as GNU text; all texts of one encoder are
 *      assembled in one batch and must give our words, word for word;
 *   2. capstone: each of our words must decode to the same instruction —
 *      either capstone's text equals ours up to spelling (normalized), or,
 *      where capstone prefers another form (aliases such as push/pop/lsl,
 *      register lists, barrier names), GNU as on capstone's own text gives
 *      our word back.
 * A short list of invalid operands must be rejected without output.
 * Symbol relocations: random references (BL, B<c>, MOVW/MOVT, .word, with
 * addends) are assembled by GNU as into an object; its .text words must be
 * our unlinked words (the REL addends in place) and its .rel.text records
 * (readelf -r: offset, type, symbol) ours, record for record.
 * Seed: ARMJIT_SEED (default printed); everything is reproducible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <capstone/capstone.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "a32_gen.h"
#include "gnu_as.h"

#define DEFAULT_SEED UINT64_C(0xa32d1ff)
#ifndef SHOW_MAX
#define SHOW_MAX 20 /* mismatches listed in full */
#endif
#define TEXT_MAX 192
#define CS_BASE UINT64_C(0x40000000) /* capstone's address for every word */

/* One emitted sample: its text (one line per word) and its words. */
typedef struct {
  char text[TEXT_MAX];
  size_t first;  /* index of its first word/line in the batch */
  unsigned nw;
  bool dead;     /* not compared (rejected or inconsistent) */
} sample;

typedef struct {
  uint64_t seed;
  char dir[400];
  csh cs;
  size_t compared, mismatches, covered, cs_same, cs_reasm;
  unsigned shown;
} run_state;

/* ---- reporting -------------------------------------------------------------- */
static void mismatch(run_state *st, const char *enc, const char *what, uint32_t ours,
                     uint32_t theirs, const char *text, const char *cstext,
                     const char *note) {
  st->mismatches++;
  if (st->shown++ >= SHOW_MAX)
    return;
  printf("MISMATCH %s [%s]: ours %08" PRIx32 " as %08" PRIx32 "\n  text:     %s\n", enc,
         what, ours, theirs, text);
  if (cstext)
    printf("  capstone: %s\n", cstext);
  if (note && *note)
    printf("  note:     %s\n", note);
}

/* ---- capstone text -------------------------------------------------------------- */
static const char *const cond_sfx[] = {"eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc",
                                       "hi", "ls", "ge", "lt", "gt", "le", "cs", "cc"};

/* B/BL/B<c>/BL<c> and BLX (immediate: the caller sees a '#' operand); not
 * BX, BIC, BKPT. */
static bool is_branch(const char *mn) {
  if (strcmp(mn, "blx") == 0)
    return true;
  if (mn[0] != 'b')
    return false;
  const char *p = mn + 1;
  if (!*p)
    return true;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < sizeof cond_sfx / sizeof cond_sfx[0]; i++)
      if (strcmp(p, cond_sfx[i]) == 0)
        return true;
    if (pass == 0 && *p == 'l')
      p++;
    if (!*p)
      return true;
  }
  return false;
}

/* Capstone's text for a word as GNU as input: branch targets (absolute,
 * relative to CS_BASE) become ".+delta". */
static bool cs_text(csh cs, uint32_t w, char *out, size_t n) {
  uint8_t bytes[4] = {(uint8_t)w, (uint8_t)(w >> 8), (uint8_t)(w >> 16),
                      (uint8_t)(w >> 24)};
  cs_insn *insn;
  size_t k = cs_disasm(cs, bytes, 4, CS_BASE, 1, &insn);
  if (k == 0)
    return false;
  const char *ops = insn[0].op_str;
  if (is_branch(insn[0].mnemonic) && ops[0] == '#') {
    long long d = (long long)strtoull(ops + 1, NULL, 0) - (long long)CS_BASE;
    snprintf(out, n, "%s .%c%lld", insn[0].mnemonic, d < 0 ? '-' : '+', d < 0 ? -d : d);
  } else {
    snprintf(out, n, "%s%s%s", insn[0].mnemonic, *ops ? " " : "", ops);
  }
  cs_free(insn, k);
  return true;
}

/* Spelling-insensitive form: lowercase, no blanks or '#', numbers in
 * decimal, register aliases (sb sl fp ip r13 r14 r15) canonical. */
static void normalize(const char *s, char *out, size_t n) {
  static const char *const alias[][2] = {{"sb", "r9"}, {"sl", "r10"}, {"fp", "r11"},
                                         {"ip", "r12"}, {"r13", "sp"}, {"r14", "lr"},
                                         {"r15", "pc"}};
  size_t len = 0;
  while (*s && len + 24 < n) {
    unsigned char ch = (unsigned char)*s;
    if (isspace(ch) || ch == '#') {
      s++;
    } else if (isdigit(ch)) {
      char *end;
      unsigned long long v = strtoull(s, &end, 0);
      len += (size_t)snprintf(out + len, n - len, "%llu", v);
      s = end;
    } else if (isalpha(ch) || ch == '_') {
      char word[32];
      size_t k = 0;
      while ((isalnum((unsigned char)*s) || *s == '_') && k + 1 < sizeof word)
        word[k++] = (char)tolower((unsigned char)*s++);
      word[k] = 0;
      const char *w = word;
      for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(word, alias[i][0]) == 0)
          w = alias[i][1];
      len += (size_t)snprintf(out + len, n - len, "%s", w);
    } else {
      out[len++] = (char)ch;
      s++;
    }
  }
  out[len] = 0;
}

/* ---- one encoder ------------------------------------------------------------------ */
static uint64_t encoder_seed(uint64_t seed, size_t e) {
  a32g_rng r;
  a32g_seed(&r, seed ^ (UINT64_C(0x100000001b3) * (e + 1)));
  return a32g_u64(&r);
}

/* Split the samples' texts into one line per word; dead samples (whose
 * text may not match their words) get placeholders. */
static const char **split_lines(sample *s, size_t ns, size_t nwords) {
  const char **lines = calloc(nwords ? nwords : 1, sizeof *lines);
  if (!lines)
    return NULL;
  for (size_t i = 0; i < ns; i++) {
    char *p = s[i].text;
    for (unsigned k = 0; k < s[i].nw; k++) {
      lines[s[i].first + k] = s[i].dead ? ".word 0" : p;
      if (s[i].dead)
        continue;
      char *nl = strchr(p, '\n');
      if (nl) {
        *nl = 0;
        p = nl + 1;
      }
    }
  }
  return lines;
}

/* Put the '\n's back for reporting. */
static void join_lines(sample *s) {
  for (unsigned k = 0; k + 1 < s->nw; k++)
    s->text[strlen(s->text)] = '\n';
}

static void run_encoder(run_state *st, size_t e) {
  const a32g_encoder *enc = a32g_encoder_at(e);
  a32g_rng rng;
  a32g_seed(&rng, encoder_seed(st->seed, e));
  a32_buf *b = a32_buf_new(0, 0);
  sample *s = calloc(enc->count, sizeof *s);
  assert_non_null(b);
  assert_non_null(s);

  /* 1. emit, collecting texts and checking one text line per word */
  size_t ns = 0;
  for (unsigned i = 0; i < enc->count; i++) {
    sample *x = &s[ns];
    a32g_out o = {x->text, sizeof x->text, 0, false};
    size_t before = a32_buf_size(b);
    a32_status rc = enc->emit(&rng, i, b, &o);
    size_t bytes = a32_buf_size(b) - before;
    if (rc != A32_OK) {
      mismatch(st, enc->name, "valid operands rejected", 0, 0, x->text, NULL,
               a32_buf_errmsg(b));
      a32_buf_clear_error(b);
      if (bytes == 0)
        continue;
    }
    unsigned lines = 1;
    for (const char *p = x->text; *p; p++)
      lines += *p == '\n';
    x->first = before / 4;
    x->nw = (unsigned)(bytes / 4);
    if (o.overflow || x->nw != lines || rc != A32_OK) {
      if (rc == A32_OK)
        mismatch(st, enc->name, "word count", bytes ? a32_buf_word(b, before) : 0, 0,
                 x->text, NULL, "emitted words differ from the instructions printed");
      x->dead = true;
    }
    ns++;
  }
  size_t nwords = a32_buf_size(b) / 4;

  /* 2. GNU as on our texts */
  const char **lines = split_lines(s, ns, nwords);
  gas_result *as = calloc(nwords ? nwords : 1, sizeof *as);
  assert_non_null(lines);
  assert_non_null(as);
  char err[600], tag[80];
  snprintf(tag, sizeof tag, "%s", enc->name);
  if (!gas_assemble(st->dir, tag, lines, nwords, as, err, sizeof err))
    fail_msg("%s: %s", enc->name, err);

  /* 3. compare with as, then decode with capstone */
  const char **cs_lines = calloc(nwords ? nwords : 1, sizeof *cs_lines);
  char (*cs_buf)[TEXT_MAX] = calloc(nwords ? nwords : 1, sizeof *cs_buf);
  size_t *cs_word = calloc(nwords ? nwords : 1, sizeof *cs_word);
  assert_non_null(cs_lines);
  assert_non_null(cs_buf);
  assert_non_null(cs_word);
  size_t ncs = 0, compared = 0;
  for (size_t i = 0; i < ns; i++) {
    sample *x = &s[i];
    if (x->dead)
      continue;
    bool bad = false;
    for (unsigned k = 0; k < x->nw && !bad; k++) {
      const gas_result *g = &as[x->first + k];
      uint32_t ours = a32_buf_word(b, 4 * (x->first + k));
      if (g->failed || g->warned) {
        join_lines(x);
        mismatch(st, enc->name, g->failed ? "GNU as rejects the text" : "GNU as warns",
                 ours, g->word, x->text, NULL, g->diag);
        bad = true;
      } else if (g->word != ours) {
        join_lines(x);
        mismatch(st, enc->name, "word", ours, g->word, x->text, NULL, NULL);
        bad = true;
      }
    }
    compared++;
    if (bad)
      continue;
    for (unsigned k = 0; k < x->nw; k++) {
      size_t w = x->first + k;
      uint32_t ours = a32_buf_word(b, 4 * w);
      if (!cs_text(st->cs, ours, cs_buf[ncs], TEXT_MAX)) {
        mismatch(st, enc->name, "capstone cannot decode", ours, ours, lines[w], NULL, NULL);
        continue;
      }
      char n1[2 * TEXT_MAX], n2[2 * TEXT_MAX];
      normalize(lines[w], n1, sizeof n1);
      normalize(cs_buf[ncs], n2, sizeof n2);
      if (strcmp(n1, n2) == 0) {
        st->cs_same++;
      } else {
        cs_lines[ncs] = cs_buf[ncs];
        cs_word[ncs++] = w;
      }
    }
  }

  /* 4. capstone's differing texts back through GNU as */
  if (ncs) {
    gas_result *re = calloc(ncs, sizeof *re);
    assert_non_null(re);
    snprintf(tag, sizeof tag, "%s.capstone", enc->name);
    if (!gas_assemble(st->dir, tag, cs_lines, ncs, re, err, sizeof err))
      fail_msg("%s (capstone texts): %s", enc->name, err);
    for (size_t j = 0; j < ncs; j++) {
      uint32_t ours = a32_buf_word(b, 4 * cs_word[j]);
      if (re[j].failed)
        mismatch(st, enc->name, "capstone text rejected by GNU as", ours, 0,
                 lines[cs_word[j]], cs_lines[j], re[j].diag);
      else if (re[j].word != ours)
        mismatch(st, enc->name, "capstone decodes to another instruction", ours,
                 re[j].word, lines[cs_word[j]], cs_lines[j], NULL);
      else
        st->cs_reasm++;
    }
    free(re);
  }

  st->compared += compared;
  st->covered += compared > 0;
  if (compared == 0)
    printf("NOT COVERED: %s (no encoding compared)\n", enc->name);
  free(cs_word);
  free(cs_buf);
  free(cs_lines);
  free(as);
  free(lines);
  free(s);
  a32_buf_free(b);
}

static void cleanup(run_state *st) {
  char tag[80];
  for (size_t e = 0; e < a32g_encoder_total(); e++) {
    gas_remove(st->dir, a32g_encoder_at(e)->name);
    snprintf(tag, sizeof tag, "%s.capstone", a32g_encoder_at(e)->name);
    gas_remove(st->dir, tag);
  }
  rmdir(st->dir);
}

static void test_encoders_vs_gnu_as_and_capstone(void **state) {
  (void)state;
  char why[300];
  if (!gas_available(why, sizeof why))
    fail_msg("%s", why);

  run_state st;
  memset(&st, 0, sizeof st);
  const char *env = getenv("ARMJIT_SEED");
  st.seed = env && *env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
  printf("seed: %" PRIu64 " (0x%" PRIx64 "; override with ARMJIT_SEED)\n", st.seed,
         st.seed);
  if (!gas_tmpdir(st.dir, sizeof st.dir))
    fail_msg("cannot create a temporary directory");
  assert_int_equal(cs_open(CS_ARCH_ARM, CS_MODE_ARM, &st.cs), CS_ERR_OK);

  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  size_t m = a32g_encoder_total();
  for (size_t e = 0; e < m; e++)
    run_encoder(&st, e);
  cs_close(&st.cs);

  if (st.mismatches == 0)
    cleanup(&st);
  else
    printf("assembler sources kept in %s\n", st.dir);
  if (st.shown > SHOW_MAX)
    printf("(%u more mismatches not shown)\n", st.shown - SHOW_MAX);
  printf("capstone: %zu words with the same text, %zu re-assembled to the same word\n",
         st.cs_same, st.cs_reasm);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("wall time: %.1f s\n",
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  printf("encoders covered: %zu/%zu\n", st.covered, m);
  printf("encodings compared: %zu\n", st.compared);
  printf("mismatches: %zu\n", st.mismatches);
  fflush(stdout);
  assert_int_equal(st.mismatches, 0);
  assert_int_equal(st.covered, m);
}

/* ---- rejections ------------------------------------------------------------------- */
/* Each call must fail, write nothing and leave its error in the buffer
 * (the exact codes are test_a32_errors.c's business). */
static void expect_reject(a32_buf *b, a32_status got, const char *what, size_t before) {
  if (got == A32_OK || a32_buf_size(b) != before || a32_buf_status(b) != got)
    fail_msg("%s: got %s (buffer status %s, %zu bytes written), want an error", what,
             a32_status_name(got), a32_status_name(a32_buf_status(b)),
             a32_buf_size(b) - before);
  a32_buf_clear_error(b);
}

#define REJECT(call)                          \
  do {                                        \
    size_t before_ = a32_buf_size(b);         \
    expect_reject(b, (call), #call, before_); \
  } while (0)

static void test_invalid_operands_rejected(void **state) {
  (void)state;
  a32_buf *b = a32_buf_new(0, 0);
  assert_non_null(b);
  REJECT(a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_imm(0x101)));
  REJECT(a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsr(A32_R2, A32_LSL, A32_PC)));
  REJECT(a32_dp(b, A32_AL, A32_ADD, false, A32_R0, A32_R1, a32_rsi(A32_R2, A32_LSL, 32)));
  REJECT(a32_shift_imm(b, A32_AL, A32_ROR, false, A32_R0, A32_R1, 0));
  REJECT(a32_shift_reg(b, A32_AL, A32_RRX, false, A32_R0, A32_R1, A32_R2));
  REJECT(a32_dp(b, (a32_cond)15, A32_MOV, false, A32_R0, A32_R0, a32_r(A32_R1)));
  REJECT(a32_movw(b, A32_AL, A32_R0, 0x10000));
  REJECT(a32_movt(b, A32_AL, A32_PC, 1));
  REJECT(a32_mul(b, A32_AL, A32_MLS, true, A32_R0, A32_R1, A32_R2, A32_R3));
  REJECT(a32_mul(b, A32_AL, A32_UMULL, false, A32_R0, A32_R1, A32_R2, A32_R0));
  REJECT(a32_clz(b, A32_AL, A32_PC, A32_R0));
  REJECT(a32_ldst(b, A32_AL, A32_LDR, A32_R0, a32_mem_imm(A32_R1, 4096)));
  REJECT(a32_ldst(b, A32_AL, A32_LDRH, A32_R0, a32_mem_imm(A32_R1, -256)));
  REJECT(a32_ldst(b, A32_AL, A32_LDRD, A32_R1, a32_mem_imm(A32_R2, 0)));
  REJECT(a32_ldst(b, A32_AL, A32_STRD, A32_LR, a32_mem_imm(A32_R2, 0)));
  REJECT(a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_pre(A32_R1, 4)));
  REJECT(a32_ldst(b, A32_AL, A32_LDR, A32_R1, a32_mem_post(A32_PC, 4)));
  REJECT(a32_ldm(b, A32_AL, A32_IA, A32_R0, false, 0));
  REJECT(a32_ldm(b, A32_AL, A32_IA, A32_R0, true, 0x0003));
  REJECT(a32_push(b, A32_AL, 1u << A32_SP));
  REJECT(a32_push(b, A32_AL, 1u << A32_PC | 1u));
  REJECT(a32_strex(b, A32_AL, A32_R0, A32_R0, A32_R1));
  REJECT(a32_b_rel(b, A32_AL, false, 6));
  REJECT(a32_b_rel(b, A32_AL, true, (1 << 25) + 8));
  REJECT(a32_b_rel(b, A32_AL, false, -(1 << 25) + 4));
  REJECT(a32_blx(b, A32_AL, A32_PC));
  REJECT(a32_bkpt(b, 0x10000));
  REJECT(a32_mcr(b, A32_AL, 10, 0, A32_R0, 0, 0, 0));
  REJECT(a32_dmb(b, 16));
  REJECT(a32_vldr(b, A32_AL, true, 0, A32_R0, 1018));
  REJECT(a32_vstr(b, A32_AL, false, 0, A32_R0, -1024));
  REJECT(a32_vfp(b, A32_AL, A32_VADD, true, 32, 0, 0));
  REJECT(a32_vfp(b, A32_AL, A32_VADD, false, 0, 0, 32));
  REJECT(a32_vmov_core_to_s(b, A32_AL, 0, A32_PC));
  REJECT(a32_vmov_d_to_core(b, A32_AL, A32_R0, A32_R0, 0));
  REJECT(a32_vcvt(b, A32_AL, (a32_cvt_op)10, 0, 0));
  REJECT(a32_vpush(b, A32_AL, 0, 0));
  REJECT(a32_vpop(b, A32_AL, 0, 17));
  REJECT(a32_neon3(b, A32_NADD_I64, 0, 32, 0));
  REJECT(a32_neon_shift_imm(b, A32_NSHL_I64, 0, 1, 64));
  REJECT(a32_neon_shift_imm(b, A32_NSHR_U64, 0, 1, 0));
  REJECT(a32_extend(b, A32_AL, A32_UXTB, A32_R0, 0, A32_R1, 4));
  REJECT(a32_extend(b, A32_AL, A32_SXTAH, A32_R0, A32_PC, A32_R1, 0));
  REJECT(a32_rev(b, A32_AL, A32_RBIT, A32_PC, A32_R1));
  REJECT(a32_bitfield(b, A32_AL, A32_UBFX, A32_R0, A32_R1, 8, 25));
  REJECT(a32_bitfield(b, A32_AL, A32_BFI, A32_R0, A32_PC, 0, 1));
  REJECT(a32_svc(b, A32_AL, 0x1000000));
  REJECT(a32_mrs(b, A32_AL, A32_PC, A32_SPSR));
  REJECT(a32_msr(b, A32_AL, A32_SPSR, 0, A32_R0));
  REJECT(a32_msr_imm(b, A32_AL, A32_CPSR, A32_APSR_NZCVQ, 0x101));
  REJECT(a32_udf(b, 0x10000));
  REJECT(a32_hint(b, A32_AL, (a32_hint_op)5));
  REJECT(a32_cps(b, A32_CPS_IE, 0, A32_MODE_KEEP));
  REJECT(a32_cps(b, A32_CPS_NONE, 0, 0x14));
  REJECT(a32_srs(b, A32_DB, true, 0x15));
  REJECT(a32_rfe(b, A32_IA, A32_PC, false));
  REJECT(a32_ldm_caret(b, A32_AL, A32_IA, A32_R0, true, 0x0006));
  REJECT(a32_ldm_caret(b, A32_AL, A32_IA, A32_R0, true, 0x8001));
  REJECT(a32_subs_pc(b, A32_AL, A32_LR, 0x101));
  REJECT(a32_vmrs(b, A32_AL, A32_PC, A32_FPEXC));
  REJECT(a32_vmsr(b, A32_AL, A32_MVFR0, A32_R0));
  REJECT(a32_vmsr(b, A32_AL, A32_FPSCR, A32_PC));
  REJECT(a32_vld1(b, 32, 30, 3, A32_R0, 0, A32_PC));
  REJECT(a32_vst1(b, 16, 0, 1, A32_R0, 16, A32_PC));
  REJECT(a32_vld1(b, 8, 0, 2, A32_PC, 0, A32_PC));
  /* Features switched off must be refused too. */
  a32_buf_set_features(b, A32_FEAT_VFPV3);
  REJECT(a32_sdiv(b, A32_AL, A32_R0, A32_R1, A32_R2));
  REJECT(a32_vfp(b, A32_AL, A32_VADD, true, 16, 0, 0));
  REJECT(a32_neon3(b, A32_NEOR, 0, 1, 2));
  REJECT(a32_neon_shift_imm(b, A32_NSHR_S64, 0, 1, 3));
  REJECT(a32_vld1(b, 8, 0, 1, A32_R0, 0, A32_PC));
  assert_int_equal(a32_buf_size(b), 0);
  a32_buf_free(b);
}

/* ---- symbol relocations ---------------------------------------------------- */
#define RELOC_SAMPLES 800

/* One random reference to one of `syms`: its words go to b, its text (one
 * line per word) to lines[*nl...]. */
static void emit_reference(a32g_rng *r, unsigned i, a32_buf *b, const a32_sym *syms,
                           const char *const *names, char (*text)[TEXT_MAX],
                           size_t *nl) {
  static const int32_t qedge[] = {-(1 << 23) + 2, (1 << 23) + 1, 0, 1, -1, 2};
  static const int32_t medge[] = {-32768, 32767, 0, 1, -1};
  static const int32_t wedge[] = {INT32_MIN, INT32_MAX, 0, 4, -4};
  unsigned k = a32g_below(r, 3);
  a32_cond c = a32g_cond(r);
  switch (i % 4) {
  case 0:
  case 1: {
    bool link = i % 4 == 1;
    int32_t off = 4 * a32g_edgy(r, -(1 << 23) + 2, (1 << 23) + 1, qedge, 6);
    snprintf(text[(*nl)++], TEXT_MAX, "%s%s %s%+ld", link ? "bl" : "b", a32g_csuffix(c),
             names[k], (long)off);
    assert_int_equal(link ? a32_bl_sym(b, c, syms[k], off) : a32_b_sym(b, c, syms[k], off),
                     A32_OK);
    break;
  }
  case 2: {
    a32_reg rd = a32g_reg(r, false);
    int32_t off = a32g_edgy(r, -32768, 32767, medge, 5);
    snprintf(text[(*nl)++], TEXT_MAX, "movw%s %s, #:lower16:%s%+ld", a32g_csuffix(c),
             a32g_rname(rd), names[k], (long)off);
    snprintf(text[(*nl)++], TEXT_MAX, "movt%s %s, #:upper16:%s%+ld", a32g_csuffix(c),
             a32g_rname(rd), names[k], (long)off);
    assert_int_equal(a32_mov_sym_abs(b, c, rd, syms[k], off), A32_OK);
    break;
  }
  default: {
    int32_t off = a32g_edgy(r, INT32_MIN, INT32_MAX, wedge, 5);
    snprintf(text[(*nl)++], TEXT_MAX, ".word %s%+ld", names[k], (long)off);
    assert_int_equal(a32_word_sym(b, syms[k], off), A32_OK);
    break;
  }
  }
}

static void test_relocations_vs_gnu_as(void **state) {
  (void)state;
  static const char *const names[3] = {"ext_fn", "callee_2", "table"};
  char why[300], dir[400], err[600];
  if (!gas_available(why, sizeof why))
    fail_msg("%s", why);
  const char *env = getenv("ARMJIT_SEED");
  uint64_t seed = env && *env ? strtoull(env, NULL, 0) : DEFAULT_SEED;
  a32g_rng rng;
  a32g_seed(&rng, seed ^ UINT64_C(0x7e10c));
  assert_true(gas_tmpdir(dir, sizeof dir));

  a32_buf *b = a32_buf_new(0, 0);
  assert_non_null(b);
  a32_sym syms[3];
  for (int k = 0; k < 3; k++)
    assert_int_not_equal(syms[k] = a32_sym_new(b, names[k]), 0);
  char (*text)[TEXT_MAX] = calloc(2 * RELOC_SAMPLES, sizeof *text);
  const char **lines = calloc(2 * RELOC_SAMPLES, sizeof *lines);
  uint32_t *words = calloc(2 * RELOC_SAMPLES, sizeof *words);
  gas_reloc *rel = calloc(2 * RELOC_SAMPLES, sizeof *rel);
  assert_non_null(text);
  assert_non_null(lines);
  assert_non_null(words);
  assert_non_null(rel);
  size_t nl = 0;
  for (unsigned i = 0; i < RELOC_SAMPLES; i++)
    emit_reference(&rng, i, b, syms, names, text, &nl);
  assert_int_equal(a32_buf_size(b), 4 * nl);
  for (size_t k = 0; k < nl; k++)
    lines[k] = text[k];

  size_t nrel = 0, mismatches = 0;
  if (!gas_assemble_relocs(dir, "relocs", lines, nl, words, rel, 2 * RELOC_SAMPLES, &nrel,
                           err, sizeof err))
    fail_msg("GNU as: %s", err);
  for (size_t k = 0; k < nl; k++)
    if (words[k] != a32_buf_word(b, 4 * k) && mismatches++ < SHOW_MAX)
      printf("MISMATCH word %zu: ours %08" PRIx32 " as %08" PRIx32 "\n  text: %s\n", k,
             a32_buf_word(b, 4 * k), words[k], lines[k]);
  if (nrel != a32_buf_nrelocs(b)) {
    printf("MISMATCH: GNU as has %zu relocations, we have %zu\n", nrel, a32_buf_nrelocs(b));
    mismatches++;
  }
  for (size_t j = 0; j < nrel && j < a32_buf_nrelocs(b); j++) {
    a32_reloc ours;
    assert_true(a32_buf_reloc(b, j, &ours));
    if ((ours.offset != rel[j].offset || (unsigned)ours.kind != rel[j].type ||
         strcmp(ours.name, rel[j].sym) != 0) &&
        mismatches++ < SHOW_MAX)
      printf("MISMATCH relocation %zu: ours %zx type %u %s, as %" PRIx32 " type %u %s\n"
             "  text: %s\n",
             j, ours.offset, (unsigned)ours.kind, ours.name, rel[j].offset, rel[j].type,
             rel[j].sym, lines[ours.offset / 4 < nl ? ours.offset / 4 : 0]);
  }
  printf("relocations: %zu references, %zu words and %zu records compared with GNU as\n",
         (size_t)RELOC_SAMPLES, nl, nrel);
  printf("relocation mismatches: %zu\n", mismatches);
  gas_remove(dir, "relocs");
  rmdir(dir);
  free(rel);
  free(words);
  free(lines);
  free(text);
  a32_buf_free(b);
  assert_int_equal(mismatches, 0);
  assert_int_equal(nrel, nl); /* one record per word */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_invalid_operands_rejected),
      cmocka_unit_test(test_relocations_vs_gnu_as),
      cmocka_unit_test(test_encoders_vs_gnu_as_and_capstone),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
