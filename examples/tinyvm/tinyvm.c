/* SPDX-License-Identifier: MIT */
/* tinyvm: the interpreter, the trace recorder and the JIT driver.
 *
 * One function, step(), both executes an instruction and (while a loop is
 * being recorded) appends what it did to the trace, so the recorded trace
 * cannot drift from what the interpreter does.  The recorder keeps, per
 * VM register, the trace value that holds it (an armjit_val); a register
 * whose value is a trace constant stays a constant (LI), and operations on
 * constants only are folded.
 *
 * The trace of the loop at head H:
 *
 *   [i0 .. i7, i8]                 the registers, then an iteration count
 *   label(i0 .. i7, i8)
 *   ... one iteration: each branch is a guard on the way it went, each
 *       memory access a bounds guard and getarrayitem_raw/setarrayitem_raw
 *       on the VM's memory; every guard hands back all registers and the
 *       count ...
 *   i_n = int_add(i8, 1)
 *   jump(<registers>, i_n)
 *
 * A failing guard returns the registers to the interpreter and names the
 * instruction to continue with (`resume`).  The iteration count makes the
 * numbers exact: iterations run compiled + iterations run interpreted =
 * the iterations a pure interpreter runs.
 *
 * Bridges (compiling the path from a guard that fails often) are not
 * implemented: such a guard falls back to the interpreter every time.
 * On a host that cannot run ARM code the compiled traces run through the
 * reference interpreter (armjit_interpret), which has the same semantics,
 * so the whole machinery works everywhere.
 */
#include "tinyvm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "armjit.h"

#define TVM_MAX_TRACE 400 /* instructions recorded before giving up */
#define TVM_NVALS (TVM_NREGS + 1) /* registers and the iteration count */

static int verr(char *err, size_t len, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return -1;
}

/* ---- recording -------------------------------------------------------------- */

typedef struct {
  armjit_trace *t;
  int head;                  /* bytecode index of the loop head */
  int label;
  armjit_val v[TVM_NREGS];   /* the trace value of each register */
  armjit_val iter;           /* the iteration count */
  armjit_val mem;            /* the VM memory's address, a ref constant */
  int mem_descr;             /* int32 array */
  int *resume;               /* per exit id: where the interpreter continues */
  unsigned nresume;
  unsigned len;
  bool failed;               /* out of memory */
} rec;

static bool is_const(armjit_val v) { return v < 0 && v != ARMJIT_NOVAL; }

/* A guard that hands back every register and the count. */
static void rec_guard(rec *r, armjit_opcode op, armjit_val cond, int resume_pc) {
  armjit_val fail[TVM_NVALS];
  memcpy(fail, r->v, sizeof r->v);
  fail[TVM_NREGS] = r->iter;
  int id = armjit_guard(r->t, op, &cond, 1, fail, TVM_NVALS);
  if (id < 0) return; /* the trace keeps the error; compiling reports it */
  /* exit ids count 0, 1, ... over the guards: the trace has no finish */
  int *nr = realloc(r->resume, (r->nresume + 1) * sizeof *nr);
  if (!nr) { r->failed = true; return; }
  r->resume = nr;
  r->resume[r->nresume++] = resume_pc;
}

/* x op y into register a; `result` is the value the interpreter computed. */
static void rec_binop(rec *r, armjit_opcode op, int a, armjit_val x, armjit_val y,
                      int32_t result) {
  if (is_const(x) && is_const(y)) {
    r->v[a] = armjit_const_int(r->t, result); /* constant folding */
    return;
  }
  armjit_val args[2] = {x, y};
  r->v[a] = armjit_op(r->t, op, args, 2);
}

/* Guard 0 <= v < TVM_MEM (one unsigned compare) unless v is a constant
 * the interpreter just found in range. */
static void rec_bounds(rec *r, armjit_val v, int pc) {
  if (is_const(v)) return;
  armjit_val args[2] = {v, armjit_const_int(r->t, TVM_MEM)};
  armjit_val ok = armjit_op(r->t, ARMJIT_OP_UINT_LT, args, 2);
  rec_guard(r, ARMJIT_OP_GUARD_TRUE, ok, pc);
}

static bool rec_start(rec *r, armjit_ctx *ctx, int head, tvm_state *st) {
  memset(r, 0, sizeof *r);
  r->t = armjit_trace_new(ctx);
  if (!r->t) return false;
  r->head = head;
  armjit_val in[TVM_NVALS];
  for (int k = 0; k < TVM_NVALS; k++) in[k] = armjit_input(r->t, ARMJIT_INT);
  r->label = armjit_label(r->t, in, TVM_NVALS);
  memcpy(r->v, in, sizeof r->v);
  r->iter = in[TVM_NREGS];
  r->mem = armjit_const_ref(r->t, (uintptr_t)st->mem);
  r->mem_descr = armjit_descr_array(
      r->t, &(armjit_array_descr){.base = 0, .item_size = 4, .is_signed = true,
                                  .type = ARMJIT_INT});
  return true;
}

static void rec_free(rec *r) {
  armjit_trace_free(r->t);
  free(r->resume);
  memset(r, 0, sizeof *r);
}

/* ---- the interpreter ------------------------------------------------------------ */

static int32_t wrap(uint32_t u) {
  int32_t v;
  memcpy(&v, &u, sizeof v);
  return v;
}

/* Execute code[*pc] (and record it into r when r != NULL).  Returns 0,
 * 1 at HALT, -1 on a run-time error. */
static int step(const tvm_insn *code, int *pc, tvm_state *st, rec *r, char *err, size_t len) {
  const tvm_insn *i = &code[*pc];
  int32_t *R = st->reg;
  int32_t b = R[i->b], c = R[i->c], res;
  armjit_val vb = r ? r->v[i->b] : 0, vc = r ? r->v[i->c] : 0;
  int next = *pc + 1;
  switch ((tvm_opc)i->op) {
  case TVM_LI:
    R[i->a] = i->imm;
    if (r) r->v[i->a] = armjit_const_int(r->t, i->imm);
    break;
  case TVM_MOV:
    R[i->a] = b;
    if (r) r->v[i->a] = vb;
    break;
  case TVM_ADD:
    res = wrap((uint32_t)b + (uint32_t)c);
    if (r) rec_binop(r, ARMJIT_OP_INT_ADD, i->a, vb, vc, res);
    R[i->a] = res;
    break;
  case TVM_SUB:
    res = wrap((uint32_t)b - (uint32_t)c);
    if (r) rec_binop(r, ARMJIT_OP_INT_SUB, i->a, vb, vc, res);
    R[i->a] = res;
    break;
  case TVM_MUL:
    res = wrap((uint32_t)b * (uint32_t)c);
    if (r) rec_binop(r, ARMJIT_OP_INT_MUL, i->a, vb, vc, res);
    R[i->a] = res;
    break;
  case TVM_ADDI:
    res = wrap((uint32_t)b + (uint32_t)i->imm);
    if (r) rec_binop(r, ARMJIT_OP_INT_ADD, i->a, vb, armjit_const_int(r->t, i->imm), res);
    R[i->a] = res;
    break;
  case TVM_MOD: /* int_mod: x % 0 = x, INT_MIN % -1 = 0 */
    res = c == 0 ? b : (c == -1 ? 0 : b % c);
    if (r) rec_binop(r, ARMJIT_OP_INT_MOD, i->a, vb, vc, res);
    R[i->a] = res;
    break;
  case TVM_LT:
    res = b < c;
    if (r) rec_binop(r, ARMJIT_OP_INT_LT, i->a, vb, vc, res);
    R[i->a] = res;
    break;
  case TVM_EQ:
    res = b == c;
    if (r) rec_binop(r, ARMJIT_OP_INT_EQ, i->a, vb, vc, res);
    R[i->a] = res;
    break;
  case TVM_LD:
    if ((uint32_t)b >= TVM_MEM) return verr(err, len, "pc %d: LD from mem[%d]", *pc, b);
    if (r) {
      rec_bounds(r, vb, *pc);
      armjit_val args[2] = {r->mem, vb};
      r->v[i->a] = armjit_op_descr(r->t, ARMJIT_OP_GETARRAYITEM_RAW, args, 2, r->mem_descr);
    }
    R[i->a] = st->mem[b];
    break;
  case TVM_ST: {
    int32_t a = R[i->a];
    if ((uint32_t)a >= TVM_MEM) return verr(err, len, "pc %d: ST to mem[%d]", *pc, a);
    if (r) {
      rec_bounds(r, r->v[i->a], *pc);
      armjit_val args[3] = {r->mem, r->v[i->a], vb};
      armjit_op_descr(r->t, ARMJIT_OP_SETARRAYITEM_RAW, args, 3, r->mem_descr);
    }
    st->mem[a] = b;
    break;
  }
  case TVM_JMP:
    next = i->imm;
    break;
  case TVM_JZ:
  case TVM_JNZ: {
    bool taken = (R[i->a] == 0) == (i->op == TVM_JZ);
    /* The guard checks the way the branch went; failing, the other way. */
    if (r && !is_const(r->v[i->a]))
      rec_guard(r, (R[i->a] != 0) ? ARMJIT_OP_GUARD_TRUE : ARMJIT_OP_GUARD_FALSE, r->v[i->a],
                taken ? *pc + 1 : i->imm);
    if (taken) next = i->imm;
    break;
  }
  case TVM_HALT:
    return 1;
  }
  *pc = next;
  return 0;
}

static int check_code(const tvm_insn *code, int n, char *err, size_t len) {
  for (int pc = 0; pc < n; pc++) {
    const tvm_insn *i = &code[pc];
    if (i->op > TVM_HALT) return verr(err, len, "pc %d: unknown opcode %u", pc, i->op);
    if (i->a >= TVM_NREGS || i->b >= TVM_NREGS || i->c >= TVM_NREGS)
      return verr(err, len, "pc %d: register out of range", pc);
    bool jump = i->op == TVM_JMP || i->op == TVM_JZ || i->op == TVM_JNZ;
    if (jump && (i->imm < 0 || i->imm >= n))
      return verr(err, len, "pc %d: jump target %d out of range", pc, (int)i->imm);
  }
  return n > 0 && code[n - 1].op == TVM_HALT ? 0 : verr(err, len, "the code must end with HALT");
}

/* ---- the JIT driver ------------------------------------------------------------- */

typedef struct {
  armjit_trace *trace;   /* kept: printing, and the executor off ARM */
  armjit_loop *loop;
  int *resume;           /* per exit id */
} tvm_compiled;

/* Close the recording at its head: count the iteration, jump back, compile. */
static int compile_recording(armjit_ctx *ctx, rec *r, tvm_compiled *out, const tvm_config *cfg,
                             char *err, size_t len) {
  armjit_val one = armjit_const_int(r->t, 1);
  armjit_val args[TVM_NVALS];
  memcpy(args, r->v, sizeof r->v);
  armjit_val add[2] = {r->iter, one};
  args[TVM_NREGS] = armjit_op(r->t, ARMJIT_OP_INT_ADD, add, 2);
  armjit_jump(r->t, r->label, args, TVM_NVALS);
  armjit_error e = {0};
  if (r->failed) return verr(err, len, "recording the loop at pc %d: out of memory", r->head);
  armjit_loop *loop = armjit_compile_loop(ctx, r->t, &e);
  if (!loop) return verr(err, len, "compiling the loop at pc %d: %s", r->head, e.msg);
  if (cfg->print_traces) {
    printf("# trace of the loop at pc %d (%u guards)\n", r->head, r->nresume);
    armjit_trace_print(r->t, stdout);
  }
  out->trace = r->t;
  out->loop = loop;
  out->resume = r->resume;
  r->t = NULL;
  r->resume = NULL;
  return 0;
}

/* Run the compiled loop on the registers; returns the bytecode index to
 * continue at, or -1 on error. */
static int enter(tvm_compiled *c, armjit_frame *f, tvm_state *st, tvm_stats *stats, char *err,
                 size_t len) {
  for (int k = 0; k < TVM_NREGS; k++) f->values[k].i = st->reg[k];
  f->values[TVM_NREGS].i = 0;
  armjit_error e = {0};
#if defined(__arm__)
  int id = armjit_run(c->loop, f, &e);
#else
  int id = armjit_interpret(c->trace, f, 0, &e) == ARMJIT_OK ? f->exit_id : -1;
#endif
  if (id < 0) return verr(err, len, "running a compiled loop: %s", e.msg);
  for (int k = 0; k < TVM_NREGS; k++) st->reg[k] = f->values[k].i;
  stats->jit_iters += (uint32_t)f->values[TVM_NREGS].i;
  stats->entries++;
  stats->guard_exits++; /* the loop has no other way out */
  return c->resume[id];
}

int tvm_run(const tvm_insn *code, int n, tvm_state *st, const tvm_config *cfg,
            tvm_stats *stats, char *err, size_t errlen) {
  memset(stats, 0, sizeof *stats);
  if (check_code(code, n, err, errlen)) return -1;
  int rc = -1;
  armjit_error e = {0};
  armjit_ctx *ctx = NULL;
  armjit_frame *frame = NULL;
  int *hot = calloc((size_t)n, sizeof *hot);           /* -1: never record */
  tvm_compiled *compiled = calloc((size_t)n, sizeof *compiled);
  rec r = {0};
  bool recording = false, just_exited = false;
  if (!hot || !compiled) { verr(err, errlen, "out of memory"); goto done; }
  if (cfg->jit) {
    if (!(ctx = armjit_ctx_new(NULL, &e))) { verr(err, errlen, "%s", e.msg); goto done; }
    if (!(frame = armjit_frame_new(ctx, TVM_NVALS))) {
      verr(err, errlen, "out of memory");
      goto done;
    }
  }
  for (int pc = 0;;) {
    if (compiled[pc].loop && !recording && !just_exited) {
      if ((pc = enter(&compiled[pc], frame, st, stats, err, errlen)) < 0) goto done;
      just_exited = true; /* interpret at least one instruction before re-entering */
      continue;
    }
    just_exited = false;
    if (recording && pc != r.head && compiled[pc].loop) {
      /* An inner loop that is compiled already: no nesting of traces yet. */
      hot[r.head] = -1;
      rec_free(&r);
      recording = false;
      stats->aborted++;
    }
    int from = pc;
    int s = step(code, &pc, st, recording ? &r : NULL, err, errlen);
    if (s < 0) goto done;
    stats->insns++;
    if (s == 1) break;
    if (recording && pc == r.head) {
      if (compile_recording(ctx, &r, &compiled[r.head], cfg, err, errlen)) goto done;
      rec_free(&r);
      recording = false;
      stats->traces++;
    } else if (recording && ++r.len > TVM_MAX_TRACE) {
      hot[r.head] = -1;
      rec_free(&r);
      recording = false;
      stats->aborted++;
    }
    if (pc <= from) { /* a backward jump: one loop iteration done */
      stats->interp_iters++;
      if (cfg->jit && !recording && !compiled[pc].loop && hot[pc] >= 0 &&
          (unsigned)++hot[pc] >= cfg->hot) {
        if (!rec_start(&r, ctx, pc, st)) { verr(err, errlen, "out of memory"); goto done; }
        recording = true;
      }
    }
  }
  rc = 0;
done:
  if (recording) rec_free(&r);
  for (int k = 0; compiled && k < n; k++) {
    armjit_loop_free(compiled[k].loop);
    armjit_trace_free(compiled[k].trace);
    free(compiled[k].resume);
  }
  free(compiled);
  free(hot);
  armjit_frame_free(ctx, frame);
  armjit_ctx_free(ctx);
  return rc;
}
