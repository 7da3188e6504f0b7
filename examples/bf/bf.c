/* SPDX-License-Identifier: MIT */
/* bf: parser, interpreter and the innermost-loop compiler.
 *
 * The trace of an innermost loop [ body ] at op index OPEN (ptr = i0):
 *
 *   descr C = array(base=0, item=1, unsigned, int)       the tape
 *   [i0, i1]                                             ptr, iterations
 *   label(i0, i1)
 *   i2 = getarrayitem_raw(TAPE, i0, descr=C)
 *   guard_true(i2) [i0, i1]                              cell 0: loop done
 *   ...body: for "+k" load, int_add k, store (the store keeps the low
 *      byte: cells wrap); for ">k" ptr = int_add(ptr, k) and a guard
 *      uint_lt(ptr, BF_TAPE) that leaves with the old ptr so the
 *      interpreter reports the error; '.' and ',' call bf_putc/bf_getc...
 *   jump(ptr, i1 + 1)
 *
 * Guard exits hand back [ptr, iterations]; resume[] gives the op the
 * interpreter continues with.  On a host that cannot run ARM code the
 * loop runs through armjit_interpret (same semantics, calls via libffi).
 */
#include "bf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"

typedef enum { OP_ADD, OP_MOVE, OP_OUT, OP_IN, OP_OPEN, OP_CLOSE } op_kind;
typedef struct {
  op_kind kind;
  int32_t arg;       /* ADD, MOVE: the amount; OPEN/CLOSE: the matching op */
} bf_op;

/* What compiled code calls for I/O. */
typedef struct {
  FILE *out;
  const unsigned char *in;
  size_t nin, pos;
} bf_io;

static void bf_putc(bf_io *io, int32_t c) { fputc((unsigned char)c, io->out); }
static int32_t bf_getc(bf_io *io) { return io->pos < io->nin ? io->in[io->pos++] : 0; }

typedef struct {
  armjit_trace *trace;
  armjit_loop *loop;
  int *resume;         /* per exit id: the op to continue with */
} bf_loop;

static int verr(char *err, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return -1;
}

/* Runs of + - and of > < become one op each; brackets are matched. */
static bf_op *parse(const char *src, int *nops, char *err, size_t len) {
  size_t n = strlen(src);
  bf_op *ops = malloc((n + 1) * sizeof *ops);
  int *stack = malloc((n + 1) * sizeof *stack);
  int k = 0, depth = 0;
  if (!ops || !stack) { free(ops); free(stack); verr(err, len, "out of memory"); return NULL; }
  for (size_t i = 0; i < n; i++) {
    char c = src[i];
    int d = c == '+' ? 1 : c == '-' ? -1 : c == '>' ? 1 : c == '<' ? -1 : 0;
    op_kind kind = c == '+' || c == '-' ? OP_ADD : OP_MOVE;
    if (d) {
      if (k > 0 && ops[k - 1].kind == kind) ops[k - 1].arg += d;
      else ops[k++] = (bf_op){kind, d};
    } else if (c == '.') ops[k++] = (bf_op){OP_OUT, 0};
    else if (c == ',') ops[k++] = (bf_op){OP_IN, 0};
    else if (c == '[') { stack[depth++] = k; ops[k++] = (bf_op){OP_OPEN, -1}; }
    else if (c == ']') {
      if (depth == 0) { free(ops); free(stack); verr(err, len, "unmatched ]"); return NULL; }
      int open = stack[--depth];
      ops[open].arg = k;
      ops[k++] = (bf_op){OP_CLOSE, open};
    }
  }
  free(stack);
  if (depth) { free(ops); verr(err, len, "unmatched ["); return NULL; }
  *nops = k;
  return ops;
}

static bool innermost(const bf_op *ops, int open) {
  for (int i = open + 1; i < ops[open].arg; i++)
    if (ops[i].kind == OP_OPEN) return false;
  return true;
}

/* A guard that leaves with [ptr, iterations]; resume_at is the op the
 * interpreter continues with.  false only when out of memory. */
static bool guard(armjit_trace *t, armjit_opcode op, armjit_val cond, armjit_val ptr,
                  armjit_val iters, int resume_at, int **resume, int *nexits) {
  armjit_val fail[2] = {ptr, iters};
  int id = armjit_guard(t, op, &cond, 1, fail, 2);
  if (id < 0) return true; /* the trace keeps the error; compiling reports it */
  int *nr = realloc(*resume, (size_t)(*nexits + 1) * sizeof *nr);
  if (!nr) return false;   /* out of memory */
  *resume = nr;           /* exit ids count 0, 1, ...: the trace has no finish */
  nr[(*nexits)++] = resume_at;
  return true;
}

/* Compile the innermost loop ops[open .. ops[open].arg]. */
static int compile_loop(armjit_ctx *ctx, const bf_op *ops, int open, unsigned char *tape,
                        bf_io *io, bf_loop *out, char *err, size_t len) {
  armjit_trace *t = armjit_trace_new(ctx);
  int *resume = NULL, nexits = 0, close = ops[open].arg;
  bool ok = t != NULL;
  if (!ok) return verr(err, len, "out of memory");
  int cell = armjit_descr_array(t, &(armjit_array_descr){.item_size = 1, .type = ARMJIT_INT});
  static const armjit_type putc_args[] = {ARMJIT_REF, ARMJIT_INT}, getc_args[] = {ARMJIT_REF};
  int putc_d = armjit_descr_call(t, &(armjit_call_descr){putc_args, 2, ARMJIT_VOID, 0});
  int getc_d = armjit_descr_call(t, &(armjit_call_descr){getc_args, 1, ARMJIT_INT, 0});
  armjit_val in[2] = {armjit_input(t, ARMJIT_INT), armjit_input(t, ARMJIT_INT)};
  int label = armjit_label(t, in, 2);
  armjit_val ptr = in[0], iters = in[1];
  armjit_val tp = armjit_const_ref(t, (uintptr_t)tape);
  armjit_val iop = armjit_const_ref(t, (uintptr_t)io);
  armjit_val at[2] = {tp, ptr};
  armjit_val c = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_RAW, at, 2, cell);
  ok &= guard(t, ARMJIT_OP_GUARD_TRUE, c, ptr, iters, close + 1, &resume, &nexits);
  for (int i = open + 1; ok && i < close; i++) {
    armjit_val addr[3] = {tp, ptr, 0};
    switch (ops[i].kind) {
    case OP_ADD: {
      armjit_val v = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_RAW, addr, 2, cell);
      armjit_val sum[2] = {v, armjit_const_int(t, ops[i].arg)};
      addr[2] = armjit_op(t, ARMJIT_OP_INT_ADD, sum, 2);
      armjit_op_descr(t, ARMJIT_OP_SETARRAYITEM_RAW, addr, 3, cell);
      break;
    }
    case OP_MOVE: {
      armjit_val sum[2] = {ptr, armjit_const_int(t, ops[i].arg)};
      armjit_val np = armjit_op(t, ARMJIT_OP_INT_ADD, sum, 2);
      armjit_val lim[2] = {np, armjit_const_int(t, BF_TAPE)};
      armjit_val inside = armjit_op(t, ARMJIT_OP_UINT_LT, lim, 2);
      /* off the tape: the interpreter redoes this move and reports it */
      ok &= guard(t, ARMJIT_OP_GUARD_TRUE, inside, ptr, iters, i, &resume, &nexits);
      ptr = np;
      break;
    }
    case OP_OUT: {
      armjit_val v = armjit_op_descr(t, ARMJIT_OP_GETARRAYITEM_RAW, addr, 2, cell);
      armjit_val args[3] = {armjit_const_ref(t, (uintptr_t)bf_putc), iop, v};
      armjit_op_descr(t, ARMJIT_OP_CALL, args, 3, putc_d);
      break;
    }
    case OP_IN: {
      armjit_val args[2] = {armjit_const_ref(t, (uintptr_t)bf_getc), iop};
      addr[2] = armjit_op_descr(t, ARMJIT_OP_CALL, args, 2, getc_d);
      armjit_op_descr(t, ARMJIT_OP_SETARRAYITEM_RAW, addr, 3, cell);
      break;
    }
    default: break; /* no brackets inside an innermost loop */
    }
  }
  armjit_val inc[2] = {iters, armjit_const_int(t, 1)};
  armjit_val back[2] = {ptr, armjit_op(t, ARMJIT_OP_INT_ADD, inc, 2)};
  armjit_jump(t, label, back, 2);
  armjit_error e = {0};
  armjit_loop *loop = ok ? armjit_compile_loop(ctx, t, &e) : NULL;
  if (!loop) {
    armjit_trace_free(t);
    free(resume);
    return verr(err, len, "compiling the loop at op %d: %s", open, ok ? e.msg : "out of memory");
  }
  *out = (bf_loop){t, loop, resume};
  return 0;
}

/* Run a compiled loop from ptr; returns the op to continue with. */
static int enter(bf_loop *l, armjit_frame *f, int32_t *ptr, bf_stats *stats, char *err,
                 size_t len) {
  f->values[0].i = *ptr;
  f->values[1].i = 0;
  armjit_error e = {0};
#if defined(__arm__)
  int id = armjit_run(l->loop, f, &e);
#else
  int id = armjit_interpret(l->trace, f, 0, &e) == ARMJIT_OK ? f->exit_id : -1;
#endif
  if (id < 0) return verr(err, len, "running a compiled loop: %s", e.msg);
  *ptr = f->values[0].i;
  stats->compiled_iters += (uint32_t)f->values[1].i;
  stats->loop_entries++;
  return l->resume[id];
}

int bf_run(const char *src, unsigned char *tape, const unsigned char *input, size_t ninput,
           FILE *out, bool jit, bf_stats *stats, char *err, size_t errlen) {
  memset(stats, 0, sizeof *stats);
  int n, rc = -1;
  bf_op *ops = parse(src, &n, err, errlen);
  if (!ops) return -1;
  bf_io io = {out, input, ninput, 0};
  armjit_error e = {0};
  armjit_ctx *ctx = NULL;
  armjit_frame *f = NULL;
  bf_loop *loops = calloc((size_t)n + 1, sizeof *loops);
  if (!loops) { verr(err, errlen, "out of memory"); goto done; }
  if (jit) {
    if (!(ctx = armjit_ctx_new(NULL, &e))) { verr(err, errlen, "%s", e.msg); goto done; }
    if (!(f = armjit_frame_new(ctx, 2))) { verr(err, errlen, "out of memory"); goto done; }
  }
  int32_t ptr = 0;
  for (int pc = 0; pc < n;) {
    const bf_op *op = &ops[pc];
    stats->interp_ops++;
    switch (op->kind) {
    case OP_ADD: tape[ptr] = (unsigned char)(tape[ptr] + op->arg); pc++; break;
    case OP_MOVE:
      if (ptr + op->arg < 0 || ptr + op->arg >= BF_TAPE) {
        verr(err, errlen, "op %d: the pointer leaves the tape (cell %d)", pc,
             (int)(ptr + op->arg));
        goto done;
      }
      ptr += op->arg;
      pc++;
      break;
    case OP_OUT: bf_putc(&io, tape[ptr]); pc++; break;
    case OP_IN: tape[ptr] = (unsigned char)bf_getc(&io); pc++; break;
    case OP_OPEN:
      if (!tape[ptr]) { pc = op->arg + 1; break; }
      if (jit && innermost(ops, pc)) {
        if (!loops[pc].loop &&
            compile_loop(ctx, ops, pc, tape, &io, &loops[pc], err, errlen))
          goto done;
        if ((pc = enter(&loops[pc], f, &ptr, stats, err, errlen)) < 0) goto done;
        break;
      }
      pc++;
      break;
    case OP_CLOSE: pc = tape[ptr] ? op->arg + 1 : pc + 1; break;
    }
  }
  rc = 0;
done:
  for (int k = 0; loops && k <= n; k++) {
    if (loops[k].loop) stats->loops_compiled++;
    armjit_loop_free(loops[k].loop);
    armjit_trace_free(loops[k].trace);
    free(loops[k].resume);
  }
  free(loops);
  free(ops);
  armjit_frame_free(ctx, f);
  armjit_ctx_free(ctx);
  return rc;
}
