/* SPDX-License-Identifier: MIT */
/* Lowering of the memory ops by descriptor (docs/ir.md §10, §12):
 * fields, array items, interior fields, raw loads/stores, lengths and
 * string characters.  One shape for all: the address p + off + i*item
 * (cg_addr.c), then one load or store of the descriptor's width. */
#include "cg/cg_addr.h"
#include "cg/cg_mem.h"
#include "ir/descr.h"

/* The instruction for a value of the descriptor's type and width. */
typedef struct {
  bool vfp;        /* float, i64 (VLDR/VSTR.64) or f32 (.32: the d register's low half) */
  bool single;     /* f32 */
  a32_ldst_op op;  /* core registers */
  cg_form form;
} cg_width;

static cg_width width_of(const ir_descr *d, bool store) {
  cg_width w = {false, false, store ? A32_STR : A32_LDR, CG_FORM_WORD};
  /* characters are unsigned items; parsed str descriptors leave size 0 */
  bool chars = d->kind == IR_DESCR_STR || d->kind == IR_DESCR_UNICODE;
  uint32_t size = chars ? d->item_size : d->size;
  if (ra_storage_of(d->type) == ARMJIT_FLOAT) {
    w.vfp = true;
    w.single = d->type == ARMJIT_F32;
    w.form = CG_FORM_VFP;
  } else if (d->type == ARMJIT_INT && size == 1) {
    if (store) w.op = A32_STRB;
    else if (d->is_signed && !chars) { w.op = A32_LDRSB; w.form = CG_FORM_HALF; }
    else w.op = A32_LDRB;
  } else if (d->type == ARMJIT_INT && size == 2) {
    w.op = store ? A32_STRH : d->is_signed && !chars ? A32_LDRSH : A32_LDRH;
    w.form = CG_FORM_HALF;
  }
  return w;
}

/* Load into the result (v == IR_NONE) or store v at p + off + i*item;
 * i is IR_NONE for fields and lengths. */
static void access(cg *c, const ir_op *op, cg_width w, ir_ref p, ir_ref i, uint32_t item,
                   uint32_t off, ir_ref v) {
  bool store = v != IR_NONE;
  cg_scratch(c);  /* ip for the address, before any constant takes it */
  a32_reg rb = cg_reg(c, p), ri = CG_IP;
  bool var_index = false;
  if (i != IR_NONE) {
    if (cg_is_const(i)) off += cg_const_word(c->t, i) * item;  /* wraps like the CPU */
    else { ri = cg_reg(c, i); var_index = true; }
  }
  unsigned rv = 0;
  if (store) rv = w.vfp ? cg_vreg(c, v) : (unsigned)cg_reg(c, v);
  a32_mem m = var_index ? cg_addr_index(c, w.form, rb, ri, item, off)
                        : cg_addr_const(c, w.form, rb, off);
  if (!store) rv = (unsigned)cg_def(c, op, -1);
  if (w.vfp) {
    unsigned r = w.single ? 2 * rv : rv;  /* an f32 is s2k of dk */
    if (store) a32_vstr(c->b, A32_AL, !w.single, r, m.rn, m.off);
    else a32_vldr(c->b, A32_AL, !w.single, r, m.rn, m.off);
  } else {
    a32_ldst(c->b, A32_AL, w.op, (a32_reg)rv, m);
  }
}

void cg_lower_mem(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  /* base + offset: fields have base 0, arrays and strings offset 0 */
  uint32_t off = (uint32_t)d->base + (uint32_t)d->offset;
  switch ((armjit_opcode)op->opc) {
  case ARMJIT_OP_GETFIELD_GC:
  case ARMJIT_OP_GETFIELD_RAW:
    access(c, op, width_of(d, false), a[0], IR_NONE, 0, off, IR_NONE);
    return;
  case ARMJIT_OP_SETFIELD_GC:
  case ARMJIT_OP_SETFIELD_RAW:
    access(c, op, width_of(d, true), a[0], IR_NONE, 0, off, a[1]);
    return;
  case ARMJIT_OP_GETARRAYITEM_GC:
  case ARMJIT_OP_GETARRAYITEM_RAW:
  case ARMJIT_OP_GETINTERIORFIELD_GC:
  case ARMJIT_OP_STRGETITEM:
  case ARMJIT_OP_UNICODEGETITEM:
    access(c, op, width_of(d, false), a[0], a[1], d->item_size, off, IR_NONE);
    return;
  case ARMJIT_OP_SETARRAYITEM_GC:
  case ARMJIT_OP_SETARRAYITEM_RAW:
  case ARMJIT_OP_SETINTERIORFIELD_GC:
  case ARMJIT_OP_STRSETITEM:
  case ARMJIT_OP_UNICODESETITEM:
    access(c, op, width_of(d, true), a[0], a[1], d->item_size, off, a[2]);
    return;
  case ARMJIT_OP_RAW_LOAD:  /* the index is a byte offset: never scaled */
    access(c, op, width_of(d, false), a[0], a[1], 1, off, IR_NONE);
    return;
  case ARMJIT_OP_RAW_STORE:
    access(c, op, width_of(d, true), a[0], a[1], 1, off, a[2]);
    return;
  default: {  /* arraylen_gc, strlen, unicodelen: the int32 at p + len */
    cg_width w = {false, false, A32_LDR, CG_FORM_WORD};
    access(c, op, w, a[0], IR_NONE, 0, (uint32_t)d->len_offset, IR_NONE);
    return;
  }
  }
}
