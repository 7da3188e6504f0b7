/* SPDX-License-Identifier: MIT */
/* The printer of the method IR's text form (docs/mir.md §3.4): its output
 * parses back (mir_parse.c) to the same module and prints the same text. */
#include "mc/mir_impl.h"
#include "util/sbuf.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void put_value(ajx_sbuf *sb, const mir_func *fn, uint32_t x) {
  if (x < fn->nvals && fn->vals[x].name) ajx_sb_puts(sb, fn->vals[x].name);
  else ajx_sb_printf(sb, "v%" PRIu32, x);
}

static void put_block(ajx_sbuf *sb, const mir_func *fn, uint32_t b) {
  if (b < fn->nblocks && fn->blocks[b].name) ajx_sb_puts(sb, fn->blocks[b].name);
  else ajx_sb_printf(sb, "b%" PRIu32, b);
}

/* A float in the shortest %g form that reads back to the same value, with
 * a '.' or an exponent so that it reads as a float. */
static void put_float(ajx_sbuf *sb, double d, bool single) {
  char buf[40];
  if (isinf(d)) { ajx_sb_puts(sb, d < 0 ? "-inf" : "inf"); return; }
  for (int prec = single ? 6 : 15; prec <= (single ? 9 : 17); prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (single ? strtof(buf, NULL) == (float)d : strtod(buf, NULL) == d) break;
  }
  ajx_sb_puts(sb, buf);
  if (!strpbrk(buf, ".e")) ajx_sb_puts(sb, ".0");
}

void mir_put_const(ajx_sbuf *sb, const mir_const *c) {
  switch (c->type) {
  case ARMJIT_T_I32: ajx_sb_printf(sb, "%" PRId32, (int32_t)(uint32_t)c->bits); break;
  case ARMJIT_T_I64: ajx_sb_printf(sb, "%" PRId64, (int64_t)c->bits); break;
  case ARMJIT_T_REF: ajx_sb_printf(sb, "0x%" PRIx64, c->bits); break;
  case ARMJIT_T_F32: {
    uint32_t b = (uint32_t)c->bits;
    float f;
    memcpy(&f, &b, 4);
    if (isnan(f)) {
      if (b == 0x7fc00000u) ajx_sb_puts(sb, "nan");
      else ajx_sb_printf(sb, "nan:0x%08" PRIx32, b);
    } else {
      put_float(sb, f, true);
    }
    break;
  }
  case ARMJIT_T_F64: {
    double d;
    memcpy(&d, &c->bits, 8);
    if (isnan(d)) {
      if (c->bits == 0x7ff8000000000000u) ajx_sb_puts(sb, "nan");
      else ajx_sb_printf(sb, "nan:0x%016" PRIx64, c->bits);
    } else {
      put_float(sb, d, false);
    }
    break;
  }
  default: ajx_sb_puts(sb, "?"); break;
  }
}

/* A constant where an untyped literal would get type `lit`: bare when that
 * is its type, else typed ("i64 5"). */
static void put_const_as(ajx_sbuf *sb, const mir_func *fn, mir_ref r, uint8_t lit) {
  const mir_const *c = &fn->consts[MIR_CONST_INDEX(r)];
  if (c->type != lit) ajx_sb_printf(sb, "%s ", mir_type_name(c->type));
  mir_put_const(sb, c);
}

static bool is_float_t(uint8_t t) { return t == ARMJIT_T_F32 || t == ARMJIT_T_F64; }

/* Operand k of op. */
static void put_operand(ajx_sbuf *sb, const armjit_module *m, const mir_func *fn,
                        const mir_op *op, uint32_t k) {
  const mir_ref *a = mir_args(fn, op);
  mir_ref r = a[k];
  if (r == MIR_NONE) { ajx_sb_puts(sb, "?"); return; }
  if (!MIR_IS_CONST(r)) { put_value(sb, fn, (uint32_t)r); return; }
  if (MIR_CONST_INDEX(r) >= fn->nconsts) { ajx_sb_puts(sb, "?"); return; }
  uint8_t ct = fn->consts[MIR_CONST_INDEX(r)].type;
  put_const_as(sb, fn, r, mir_literal_type(m, fn, op, a, op->nargs, k, is_float_t(ct)));
}

static void put_operands(ajx_sbuf *sb, const armjit_module *m, const mir_func *fn,
                         const mir_op *op, uint32_t from, uint32_t to) {
  for (uint32_t k = from; k < to; k++) {
    if (k > from) ajx_sb_puts(sb, ", ");
    put_operand(sb, m, fn, op, k);
  }
}

static void put_target(ajx_sbuf *sb, const mir_func *fn, const mir_edge *e) {
  put_block(sb, fn, e->block);
  if (!e->nargs) return;
  ajx_sb_puts(sb, "(");
  for (uint32_t k = 0; k < e->nargs; k++) {
    if (k) ajx_sb_puts(sb, ", ");
    mir_ref r = fn->operands[e->args + k];
    if (r == MIR_NONE) ajx_sb_puts(sb, "?");
    else if (!MIR_IS_CONST(r)) put_value(sb, fn, (uint32_t)r);
    else if (MIR_CONST_INDEX(r) >= fn->nconsts) ajx_sb_puts(sb, "?");
    else {
      uint8_t want = e->block < fn->nblocks && k < fn->blocks[e->block].nparams
                         ? fn->vals[fn->blocks[e->block].params[k]].type
                         : ARMJIT_T_VOID;
      put_const_as(sb, fn, r, want);
    }
  }
  ajx_sb_puts(sb, ")");
}

static void put_sym(ajx_sbuf *sb, const armjit_module *m, int32_t s) {
  if (s >= 0 && (uint32_t)s < m->nsyms) ajx_sb_printf(sb, "@%s", m->syms[s].name);
  else ajx_sb_puts(sb, "@?");
}

static bool is_zero_i32(const mir_func *fn, mir_ref r) {
  return MIR_IS_CONST(r) && MIR_CONST_INDEX(r) < fn->nconsts &&
         fn->consts[MIR_CONST_INDEX(r)].type == ARMJIT_T_I32 &&
         fn->consts[MIR_CONST_INDEX(r)].bits == 0;
}

void mir_put_op(ajx_sbuf *sb, const armjit_module *m, const mir_func *fn, const mir_op *op) {
  const mir_opinfo *in = mir_info(op->opc);
  const mir_ref *a = mir_args(fn, op);
  const mir_edge *e = mir_edges(fn, op);
  if (op->result != MIR_NONE) {
    put_value(sb, fn, (uint32_t)op->result);
    ajx_sb_puts(sb, " = ");
  }
  char name[48];
  mir_op_text(op, name, sizeof name);
  ajx_sb_puts(sb, name);
  switch (op->opc) {
  case ARMJIT_MOP_LOAD:
  case ARMJIT_MOP_STORE:
    if (op->nargs < 2) break;
    ajx_sb_puts(sb, " ");
    put_operand(sb, m, fn, op, 0);
    if (!(op->imm[0] == 0 && is_zero_i32(fn, a[1]))) {
      ajx_sb_puts(sb, ", ");
      put_operand(sb, m, fn, op, 1);
      ajx_sb_printf(sb, ", %" PRId32, op->imm[0]);
    }
    ajx_sb_printf(sb, ", %" PRId32, op->imm[1]);
    if (op->opc == ARMJIT_MOP_STORE && op->nargs > 2) {
      ajx_sb_puts(sb, ", ");
      put_operand(sb, m, fn, op, 2);
    }
    break;
  case ARMJIT_MOP_ADDR:
    ajx_sb_puts(sb, " ");
    put_sym(sb, m, op->sym);
    if (op->imm[0] > 0) ajx_sb_printf(sb, "+%" PRId32, op->imm[0]);
    else if (op->imm[0] < 0) ajx_sb_printf(sb, "-%" PRIu32, (uint32_t)0 - (uint32_t)op->imm[0]);
    break;
  case ARMJIT_MOP_CALL:
    ajx_sb_puts(sb, " ");
    put_sym(sb, m, op->sym);
    ajx_sb_puts(sb, "(");
    put_operands(sb, m, fn, op, 0, op->nargs);
    ajx_sb_puts(sb, ")");
    break;
  case ARMJIT_MOP_CALL_IND: {
    uint32_t end = op->nargs - ((op->flags & MIR_OP_HIDDEN) ? 1 : 0);
    if (op->nargs == 0) break;
    ajx_sb_puts(sb, " ");
    put_operand(sb, m, fn, op, 0);
    ajx_sb_puts(sb, "(");
    put_operands(sb, m, fn, op, 1, end);
    ajx_sb_puts(sb, ")");
    if (op->flags & MIR_OP_HIDDEN) {
      ajx_sb_puts(sb, " hidden=");
      put_operand(sb, m, fn, op, end);
    }
    break;
  }
  case ARMJIT_MOP_BR:
    if (op->nedges < 1) break;
    ajx_sb_puts(sb, " ");
    put_target(sb, fn, &e[0]);
    break;
  case ARMJIT_MOP_CBR:
    if (op->nedges < 2 || op->nargs < 1) break;
    ajx_sb_puts(sb, " ");
    put_operand(sb, m, fn, op, 0);
    ajx_sb_puts(sb, ", ");
    put_target(sb, fn, &e[0]);
    ajx_sb_puts(sb, ", ");
    put_target(sb, fn, &e[1]);
    break;
  case ARMJIT_MOP_SWITCH:
    if (op->nedges < 1 || op->nargs < 1) break;
    ajx_sb_puts(sb, " ");
    put_operand(sb, m, fn, op, 0);
    ajx_sb_puts(sb, ", ");
    put_block(sb, fn, e[0].block);
    ajx_sb_puts(sb, ", [");
    for (uint32_t k = 1; k < op->nedges; k++) {
      if (k > 1) ajx_sb_puts(sb, ", ");
      ajx_sb_printf(sb, "%" PRId32 ": ", e[k].key);
      put_block(sb, fn, e[k].block);
    }
    ajx_sb_puts(sb, "]");
    break;
  default:
    if (mir_hw_has_imms(op->opc)) { /* intrinsics: the immediates first */
      for (unsigned k = 0; k < in->nimm; k++) {
        ajx_sb_puts(sb, k ? ", " : " ");
        mir_hw_imm_put(sb, op->opc, k, op->imm[k]);
      }
      if (op->nargs) ajx_sb_puts(sb, ",");
    }
    if (op->nargs) {
      ajx_sb_puts(sb, " ");
      put_operands(sb, m, fn, op, 0, op->nargs);
    }
    if (in->flags & ARMJIT_MOPF_TRAP)
      ajx_sb_printf(sb, "%s%" PRIu32, op->nargs ? ", " : " ", (uint32_t)op->imm[0]);
    break;
  }
  if (op->flags & MIR_OP_VOLATILE) ajx_sb_puts(sb, " volatile");
}

static void put_types(ajx_sbuf *sb, const uint8_t *t, uint32_t n) {
  for (uint32_t k = 0; k < n; k++) ajx_sb_printf(sb, "%s%s", k ? ", " : "", mir_type_name(t[k]));
}

static void put_params(ajx_sbuf *sb, const mir_func *fn, const mir_block *b) {
  for (uint32_t k = 0; k < b->nparams; k++) {
    if (k) ajx_sb_puts(sb, ", ");
    put_value(sb, fn, b->params[k]);
    ajx_sb_printf(sb, ": %s", mir_type_name(fn->vals[b->params[k]].type));
  }
}

/* " [catch @E -> h, catch 0 -> h2]" */
static void put_handlers(ajx_sbuf *sb, const armjit_module *m, const mir_func *fn,
                         const mir_block *bl) {
  if (!bl->nhandlers) return;
  ajx_sb_puts(sb, " [");
  for (uint32_t k = 0; k < bl->nhandlers; k++) {
    const mir_handler *h = &mir_handlers(fn, bl)[k];
    ajx_sb_puts(sb, k ? ", catch " : "catch ");
    if (h->sym >= 0 && (uint32_t)h->sym < m->nsyms) ajx_sb_printf(sb, "@%s", m->syms[h->sym].name);
    else ajx_sb_printf(sb, "%" PRIu32, h->tag);
    ajx_sb_puts(sb, " -> ");
    put_block(sb, fn, h->block);
  }
  ajx_sb_puts(sb, "]");
}

/* raw @f(i32, ref) -> i32 clobbers(r4) nocall { words } */
static void put_raw(ajx_sbuf *sb, const armjit_module *m, const mir_sym *s) {
  const mir_raw *r = s->fn->raw;
  if (r->is_stub) { /* stub_itable @d class N itable N (miss @f | udf N) */
    ajx_sb_printf(sb, "stub_itable @%s class %d itable %d ", s->name, (int)r->stub.class_offset,
                  (int)r->stub.itable_offset);
    if (r->stub.miss >= 0) ajx_sb_printf(sb, "miss @%s\n", m->syms[r->stub.miss].name);
    else ajx_sb_printf(sb, "udf %u\n", (unsigned)r->stub.miss_code);
    return;
  }
  ajx_sb_printf(sb, "raw @%s(", s->name);
  put_types(sb, s->params, s->nparams);
  ajx_sb_puts(sb, ")");
  if (s->result != ARMJIT_T_VOID) ajx_sb_printf(sb, " -> %s", mir_type_name(s->result));
  mir_raw_put_attrs(sb, s->fn->raw);
  mir_put_sym_attrs(sb, s);
  ajx_sb_puts(sb, " {\n");
  mir_raw_put_body(sb, m, s->fn->raw);
  ajx_sb_puts(sb, "}\n");
}

static void put_func(ajx_sbuf *sb, const armjit_module *m, const mir_sym *s) {
  const mir_func *fn = s->fn;
  if (fn->raw) {
    put_raw(sb, m, s);
    return;
  }
  ajx_sb_printf(sb, "func @%s(", s->name);
  if (fn->nblocks) put_params(sb, fn, &fn->blocks[0]);
  ajx_sb_puts(sb, ")");
  if (s->result != ARMJIT_T_VOID) ajx_sb_printf(sb, " -> %s", mir_type_name(s->result));
  mir_put_func_attrs(sb, fn);
  mir_put_sym_attrs(sb, s);
  ajx_sb_puts(sb, " {\n");
  for (uint32_t b = 0; b < fn->nblocks; b++) {
    const mir_block *bl = &fn->blocks[b];
    put_block(sb, fn, b);
    if (b > 0 && bl->nparams) {
      ajx_sb_puts(sb, "(");
      put_params(sb, fn, bl);
      ajx_sb_puts(sb, ")");
    }
    put_handlers(sb, m, fn, bl);
    ajx_sb_puts(sb, ":\n");
    for (uint32_t k = 0; k < bl->nops; k++) {
      ajx_sb_puts(sb, "  ");
      mir_put_op(sb, m, fn, &fn->ops[bl->ops[k]]);
      ajx_sb_puts(sb, "\n");
    }
  }
  ajx_sb_puts(sb, "}\n");
}

static void put_module(ajx_sbuf *sb, const armjit_module *m) {
  if (m->trap == ARMJIT_TRAP_CALL && m->trap_name)
    ajx_sb_printf(sb, "trap call @%s\n", m->trap_name);
  else if (m->trap == ARMJIT_TRAP_SVC || m->trap == ARMJIT_TRAP_UDF)
    ajx_sb_printf(sb, "trap %s\n", m->trap == ARMJIT_TRAP_SVC ? "svc" : "udf");
  for (unsigned k = 0; k < MIR_EXC__COUNT; k++)
    if (m->exc[k].name) ajx_sb_printf(sb, "%s @%s\n", mir_exc_word(k), m->exc[k].name);
  for (uint32_t s = 0; s < m->nsyms; s++) {
    const mir_sym *y = &m->syms[s];
    if (y->kind == MIR_SYM_FUNC) {
      put_func(sb, m, y);
      continue;
    }
    if (y->kind == MIR_SYM_DATA) {
      mir_put_data(sb, m, y);
      continue;
    }
    ajx_sb_printf(sb, "extern @%s(", y->name);
    put_types(sb, y->params, y->nparams);
    ajx_sb_puts(sb, ")");
    if (y->result != ARMJIT_T_VOID) ajx_sb_printf(sb, " -> %s", mir_type_name(y->result));
    ajx_sb_puts(sb, "\n");
  }
}

int armjit_module_print(const armjit_module *m, FILE *out) {
  if (!m || !out) return -1;
  ajx_sbuf sb;
  ajx_sb_init(&sb, m->ctx);
  put_module(&sb, m);
  int n = -1;
  if (!sb.failed && sb.len <= (size_t)INT32_MAX && (sb.len == 0 || fwrite(sb.p, 1, sb.len, out) == sb.len))
    n = (int)sb.len;
  ajx_sb_free(&sb);
  return n;
}

char *armjit_module_to_string(const armjit_module *m) {
  if (!m) return NULL;
  ajx_sbuf sb;
  ajx_sb_init(&sb, m->ctx);
  put_module(&sb, m);
  if (sb.len == 0 && !sb.failed) ajx_sb_add(&sb, "", 0);
  return ajx_sb_take_malloced(&sb);
}
