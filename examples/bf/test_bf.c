/* SPDX-License-Identifier: MIT */
/* bf with compiled loops must print what a tiny reference interpreter
 * prints and leave the same tape, for programs with output, input, nested
 * loops and wrapping cells; and it must actually compile loops. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf.h"

#ifndef BF_SOURCE_DIR
#error "BF_SOURCE_DIR must name examples/bf"
#endif

static int failures;
static unsigned programs;
static unsigned long long compiled_iters;

/* The reference: one character at a time, nothing clever. */
static int reference(const char *p, unsigned char *tape, const char *in, char *out, size_t cap) {
  size_t o = 0, ptr = 0;
  for (size_t pc = 0; p[pc]; pc++) {
    switch (p[pc]) {
    case '+': tape[ptr]++; break;
    case '-': tape[ptr]--; break;
    case '>': if (++ptr == BF_TAPE) return -1; break;
    case '<': if (ptr-- == 0) return -1; break;
    case '.': if (o + 1 < cap) out[o++] = (char)tape[ptr]; break;
    case ',': tape[ptr] = *in ? (unsigned char)*in++ : 0; break;
    case '[':
      if (!tape[ptr])
        for (int d = 1; d; ) { pc++; d += (p[pc] == '[') - (p[pc] == ']'); }
      break;
    case ']':
      if (tape[ptr])
        for (int d = 1; d; ) { pc--; d += (p[pc] == ']') - (p[pc] == '['); }
      break;
    }
  }
  out[o] = '\0';
  return (int)o;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(1); }
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void check(const char *name, const char *prog, const char *input, bool expect_loops) {
  static unsigned char want_tape[BF_TAPE], tape[BF_TAPE];
  static char want[4096];
  memset(want_tape, 0, sizeof want_tape);
  int nwant = reference(prog, want_tape, input, want, sizeof want);
  for (int jit = 0; jit <= 1; jit++) {
    memset(tape, 0, sizeof tape);
    char *got = NULL;
    size_t ngot = 0;
    FILE *out = open_memstream(&got, &ngot);
    bf_stats s;
    char err[256];
    int rc = bf_run(prog, tape, (const unsigned char *)input, strlen(input), out, jit, &s, err,
                    sizeof err);
    fclose(out);
    if (rc) { fprintf(stderr, "FAIL %s (jit %d): %s\n", name, jit, err); failures++; }
    else if ((size_t)nwant != ngot || memcmp(got, want, ngot) != 0) {
      fprintf(stderr, "FAIL %s (jit %d): output \"%s\", expected \"%s\"\n", name, jit, got, want);
      failures++;
    } else if (memcmp(tape, want_tape, sizeof tape) != 0) {
      fprintf(stderr, "FAIL %s (jit %d): the tapes differ\n", name, jit);
      failures++;
    } else if (jit && expect_loops && (s.loops_compiled == 0 || s.compiled_iters == 0)) {
      fprintf(stderr, "FAIL %s: no compiled loop ran\n", name);
      failures++;
    } else if (jit) {
      programs++;
      compiled_iters += s.compiled_iters;
      printf("%-10s %4zu bytes out: %u loops compiled, entered %llu times, %llu iterations "
             "compiled, %llu ops interpreted\n", name, ngot, s.loops_compiled,
             (unsigned long long)s.loop_entries, (unsigned long long)s.compiled_iters,
             (unsigned long long)s.interp_ops);
    }
    free(got);
  }
}

int main(void) {
  check("hello", read_file(BF_SOURCE_DIR "/hello.bf"), "", true);
  check("digits", "++++++++[>++++++<-]++++++++++[>.+<-]++++++++++.", "", true);
  /* nested: the inner loop is entered 64 times, 8 iterations each */
  check("nested", "++++++++[>++++++++[>++++++++[>+>+<<-]<-]<-]>>>.>.>+.", "", true);
  /* two innermost loops moving 255, 254, ... between two cells, entered
   * about 2000 times */
  check("shuttle", "++++[>-[>-[>+<-]>[<+>-]<<-]<-]>>.", "", true);
  check("cat", ",[.,]", "input is echoed", true);
  check("reverse", ">,[>,]<[.<]", "stressed", true);
  /* cells wrap: 0 - 1 = 255, and a clear loop counts down from 255 */
  check("wrap", "-.[-]+++.[->+<]>.", "", true);
  check("noloop", "+++.>++.", "", false);
  /* Errors: the same message with and without compiled loops. */
  static unsigned char tape[BF_TAPE];
  const char *bad[][2] = {
      {"+[<+]", "leaves the tape"}, {"[[]", "unmatched ["}, {"]", "unmatched ]"}};
  for (int k = 0; k < 3; k++)
    for (int jit = 0; jit <= 1; jit++) {
      memset(tape, 0, sizeof tape);
      bf_stats s;
      char err[256] = "";
      FILE *out = fopen("/dev/null", "w");
      int rc = bf_run(bad[k][0], tape, NULL, 0, out, jit, &s, err, sizeof err);
      fclose(out);
      if (rc != -1 || !strstr(err, bad[k][1])) {
        fprintf(stderr, "FAIL %s (jit %d): rc %d, \"%s\"\n", bad[k][0], jit, rc, err);
        failures++;
      }
    }
  if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("bf: compiled loops agree with the reference interpreter on %u programs "
           "(%llu loop iterations compiled)\n", programs, compiled_iters);
  return failures != 0;
}
