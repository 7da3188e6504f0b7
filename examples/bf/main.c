/* SPDX-License-Identifier: MIT */
/* bf: run a Brainfuck program with the innermost loops compiled.
 *   bf [--no-jit] [--stats] FILE     (input from stdin; '-e PROGRAM' for text) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bf.h"

static char *slurp(FILE *f, size_t *n) {
  size_t cap = 4096, len = 0;
  char *s = malloc(cap);
  for (size_t got; s && (got = fread(s + len, 1, cap - len - 1, f)) > 0;) {
    len += got;
    if (cap - len < 2) {
      char *ns = realloc(s, cap *= 2);
      if (!ns) { free(s); return NULL; }
      s = ns;
    }
  }
  if (s) s[len] = '\0';
  *n = len;
  return s;
}

int main(int argc, char **argv) {
  bool jit = true, stats = false;
  const char *file = NULL, *text = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--no-jit") == 0) jit = false;
    else if (strcmp(argv[i], "--stats") == 0) stats = true;
    else if (strcmp(argv[i], "-e") == 0 && i + 1 < argc) text = argv[++i];
    else if (argv[i][0] != '-' && !file) file = argv[i];
    else { fprintf(stderr, "usage: bf [--no-jit] [--stats] FILE | -e PROGRAM\n"); return 2; }
  }
  if (!file == !text) {
    fprintf(stderr, "usage: bf [--no-jit] [--stats] FILE | -e PROGRAM\n");
    return 2;
  }
  size_t n, nin;
  char *src = NULL;
  if (file) {
    FILE *f = fopen(file, "rb");
    if (!f) { perror(file); return 1; }
    src = slurp(f, &n);
    fclose(f);
  } else {
    n = strlen(text);
    if ((src = malloc(n + 1))) memcpy(src, text, n + 1);
  }
  char *input = slurp(stdin, &nin);
  unsigned char *tape = calloc(BF_TAPE, 1);
  if (!src || !input || !tape) { fprintf(stderr, "bf: out of memory\n"); return 1; }
  bf_stats s;
  char err[256];
  int rc = bf_run(src, tape, (const unsigned char *)input, nin, stdout, jit, &s, err, sizeof err);
  fflush(stdout);
  if (rc) fprintf(stderr, "bf: %s\n", err);
  if (stats)
    fprintf(stderr, "bf: %u loops compiled, entered %llu times, %llu iterations compiled, "
            "%llu ops interpreted\n", s.loops_compiled, (unsigned long long)s.loop_entries,
            (unsigned long long)s.compiled_iters, (unsigned long long)s.interp_ops);
  free(src);
  free(input);
  free(tape);
  return rc ? 1 : 0;
}
