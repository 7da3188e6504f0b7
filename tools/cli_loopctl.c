/* SPDX-License-Identifier: MIT */
/* The CLI's side of call_assembler (the file's tokens bound to its own
 * loop, the CLI's assembler helper), of --max-iterations (interrupts) and
 * of --counters. */
#include "cli_impl.h"

#include <inttypes.h>

/* The CLI's assembler helper: the first value of the callee's exit. */
static armjit_value first_value(void *ud, armjit_token *tok, armjit_frame *f) {
  (void)ud;
  (void)tok;
  armjit_value v = {.bits = 0};
  if (f->nvalues) v = f->values[0];
  return v;
}

int armjit_cli_bind_tokens(armjit_ctx *ctx, armjit_trace *t, armjit_loop *loop,
                           const char *name, FILE *err) {
  armjit_error e = {0};
  for (armjit_token *k = armjit_ctx_token_next(ctx, NULL); k; k = armjit_ctx_token_next(ctx, k))
    if (armjit_token_set_trace(k, t, &e) != ARMJIT_OK ||
        (loop && armjit_token_set_loop(k, loop, &e) != ARMJIT_OK)) {
      fprintf(err, "%s: error: token %s: %s\n", name, armjit_token_name(k), e.msg);
      return 1;
    }
  armjit_ctx_set_assembler_helper(ctx, first_value, NULL);
  return 0;
}

int armjit_cli_bind_set_tokens(armjit_ctx *ctx, const armjit_set_entry *set, unsigned n,
                               armjit_loop *const *loops, const char *name, FILE *err) {
  armjit_error e = {0};
  for (armjit_token *k = armjit_ctx_token_next(ctx, NULL); k; k = armjit_ctx_token_next(ctx, k)) {
    unsigned i = 0;
    while (i < n && !(set[i].parent < 0 && set[i].name &&
                      strcmp(set[i].name, armjit_token_name(k)) == 0))
      i++;
    if (i == n) {
      fprintf(err, "%s: error: token %s: the set has no loop of that name to call\n", name,
              armjit_token_name(k));
      return 1;
    }
    if (armjit_token_set_trace(k, set[i].trace, &e) != ARMJIT_OK ||
        (loops && armjit_token_set_loop(k, loops[i], &e) != ARMJIT_OK)) {
      fprintf(err, "%s: error: token %s: %s\n", name, armjit_token_name(k), e.msg);
      return 1;
    }
  }
  armjit_ctx_set_assembler_helper(ctx, first_value, NULL);
  return 0;
}

int armjit_cli_check_resumable(const armjit_trace *t, uint64_t max_iterations,
                               const char *name, FILE *err) {
  if (!max_iterations || armjit_trace_resumable(t, 0)) return 0;
  fprintf(err, "%s: error: --max-iterations re-enters the loop after each iteration, so the "
          "trace must start with its label taking the inputs in order\n", name);
  return 1;
}

int armjit_cli_run(armjit_ctx *ctx, armjit_trace *t, armjit_loop *loop, armjit_frame *f,
                   uint64_t max_steps, uint64_t max_iterations, uint64_t *iterations,
                   armjit_error *e) {
  unsigned nexits = loop ? armjit_loop_nexits(loop) : armjit_trace_nexits(t);
  uint32_t *word = armjit_ctx_interrupt_word(ctx);
  /* With a limit, every back edge leaves through its interrupt exit: one
   * iteration counted per exit, then the loop is entered again with the
   * label's values, which the exit left where the inputs go. */
  if (max_iterations) *word = 1;
  *iterations = 0;
  for (;;) {
    int id;
    if (loop) {
      id = armjit_run(loop, f, e);
    } else {
      if (armjit_interpret(t, f, max_steps, e) != ARMJIT_OK) return -1;
      id = f->exit_id;
    }
    if (id < 0 || !max_iterations || (unsigned)id != nexits) return id; /* not label 0's */
    if (++*iterations >= max_iterations) return id;
  }
}

void armjit_cli_print_interrupt(FILE *out, const armjit_trace *t, int id, const armjit_frame *f,
                                uint64_t iterations, const cli_gc *gc) {
  fprintf(out, "exit %d (interrupt) after %" PRIu64 " iteration%s: the label's values\n", id,
          iterations, iterations == 1 ? "" : "s");
  for (unsigned k = 0; k < f->nvalues; k++) {
    armjit_type ty = armjit_val_type(t, (armjit_val)k);
    fprintf(out, "[%u] ", k);
    print_typed(out, ty, &f->values[k], gc);
    fputc('\n', out);
  }
}

void armjit_cli_print_counters(FILE *out, const armjit_loop *loop) {
  fprintf(out, "counters: %s entries %" PRIu32, armjit_loop_name(loop), armjit_loop_count(loop, -1));
  for (unsigned k = 0; k < armjit_loop_nlabels(loop); k++)
    fprintf(out, ", label %u %" PRIu32, k, armjit_loop_count(loop, (int)k));
  fputc('\n', out);
}
