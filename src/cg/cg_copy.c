/* SPDX-License-Identifier: MIT */
/* Block operations on memory, as libc calls (docs/ir.md §10.2):
 * copystrcontent / copyunicodecontent(src, dst, srcstart, dststart, n):
 * memmove(dst + base + dststart*item, src + base + srcstart*item,
 * n*item); zero_array(p, start, n): memset(p + base + start*item, 0,
 * n*item); both nothing when n <= 0.  The functions' addresses are
 * cg_env.memmove_fn / memset_fn.  A C call: values live after
 * it leave r0-r3/d0-d7 first (ra_call_prepare), unconditionally, so the
 * allocator state is the same whether or not the call is skipped.
 *
 *   cmp   rn, #0               (a constant n: no test, no code for n <= 0)
 *   ble   skip
 *   lsl   tb, rn, #log2(item)  the byte count
 *   add   td, rp, rs, lsl #k   the first byte (add base)
 *   ...move into r0 (r1), r2
 *   movw  ip, #fn; movt ip, #fn
 *   blx   ip
 * skip:
 *
 * zero_array of a constant count of at most 64 bytes is stores instead,
 * no call (nothing leaves r0-r3):
 *   add   ip, rp, rs, lsl #k   a variable start (a constant one folds)
 *   mov   lr, #0
 *   str{b,h} lr, [ip, #base + j*item]  per item (8-byte items: two STRs) */
#include "cg/cg_addr.h"
#include "cg/cg_mem.h"
#include "ir/descr.h"

/* rd = rb + off + i*item (item a power of two: 1, 2 or 4). */
static void addr_into(cg *c, a32_reg rd, a32_reg rb, ir_ref i, a32_reg ri, uint32_t item,
                      uint32_t off) {
  unsigned k = 0;
  cg_pow2(item, &k);
  if (cg_is_const(i)) {
    cg_add_const(c, rd, rb, off + cg_const_word(c->t, i) * item);
    return;
  }
  a32_dp(c->b, A32_AL, A32_ADD, false, rd, rb, a32_rsi(ri, A32_LSL, k));
  cg_add_const(c, rd, rd, off);
}

static a32_reg reg_unless_const(cg *c, ir_ref r) {
  return cg_is_const(r) ? CG_IP : cg_reg(c, r);
}

/* A variable item count rn: skip the call when it is not positive, else
 * turn it into bytes (items of 2^k bytes):
 *     cmp   rn, #0
 *     ble   skip            @ the label returned, bound after the call
 *     lsl   tbytes, rn, #k  @ k > 0 only */
static a32_label count_to_bytes(cg *c, a32_reg rn, a32_reg tbytes, unsigned k) {
  a32_dp(c->b, A32_AL, A32_CMP, true, 0, rn, a32_imm(0));
  cg_flags_set(c);
  a32_label skip = a32_label_new(c->b);
  cg_flags_take(c);
  a32_b(c->b, A32_LE, skip);
  if (k) a32_shift_imm(c->b, A32_AL, A32_LSL, false, tbytes, rn, k);
  return skip;
}

void cg_lower_copy_content(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  uint32_t item = d->item_size, off = (uint32_t)d->base;
  unsigned k = 0;
  if (!cg_pow2(item, &k)) {
    cg_fail(c, ARMJIT_E_INVALID, "character size %u is not 1, 2 or 4 (internal)", item);
    return;
  }
  ir_ref n = a[4];
  bool n_const = cg_is_const(n);
  int32_t nk = n_const ? (int32_t)cg_const_word(c->t, n) : 0;
  if (n_const && nk <= 0) return;  /* copies nothing: no code at all */

  cg_scratch(c);  /* ip: address arithmetic */
  a32_reg rs = cg_reg(c, a[0]), rd = cg_reg(c, a[1]);
  a32_reg rss = reg_unless_const(c, a[2]), rds = reg_unless_const(c, a[3]);
  a32_reg rn = reg_unless_const(c, n);
  /* Temporaries hold the arguments until they move to r0-r2; they hold
   * no value, so ra_call_prepare leaves them alone. */
  a32_reg tsrc = (a32_reg)ra_temp(&c->ra, false), tdst = (a32_reg)ra_temp(&c->ra, false);
  a32_reg tbytes = !n_const && k ? (a32_reg)ra_temp(&c->ra, false) : rn;
  ra_call_prepare(&c->ra);

  a32_label skip = n_const ? 0 : count_to_bytes(c, rn, tbytes, k);
  addr_into(c, tsrc, rs, a[2], rss, item, off);
  addr_into(c, tdst, rd, a[3], rds, item, off);

  ra_loc dsts[3] = {ra_reg(A32_R0, ARMJIT_REF), ra_reg(A32_R1, ARMJIT_REF),
                    ra_reg(A32_R2, ARMJIT_INT)};
  ra_loc srcs[3] = {ra_reg(tdst, ARMJIT_REF), ra_reg(tsrc, ARMJIT_REF),
                    ra_reg(tbytes, ARMJIT_INT)};
  cg_parallel_move(c, dsts, srcs, n_const ? 2 : 3);
  if (n_const) cg_load_int(c, A32_R2, (uint32_t)nk * item);
  cg_release(c);
  ra_call_clobber(&c->ra);
  cg_load_int(c, CG_IP, c->env->memmove_fn);
  a32_blx(c->b, A32_AL, CG_IP);  /* libc may be Thumb: never BL */
  if (skip) a32_label_bind(c->b, skip);
}

enum { ZERO_INLINE_BYTES = 64 };

static void zero_inline(cg *c, const ir_descr *d, const ir_ref *a, uint32_t n, unsigned k) {
  uint32_t item = d->item_size;
  cg_form f = item == 2 ? CG_FORM_HALF : CG_FORM_WORD;
  cg_scratch(c);  /* ip: the address */
  int zr = cg_scratch(c);
  a32_reg rp = cg_reg(c, a[0]), rb = rp;
  uint32_t off = (uint32_t)d->base;
  if (cg_is_const(a[1])) {
    off += cg_const_word(c->t, a[1]) * item;
  } else {
    a32_reg rs = cg_reg(c, a[1]);
    a32_dp(c->b, A32_AL, A32_ADD, false, CG_IP, rp, a32_rsi(rs, A32_LSL, k));
    rb = CG_IP;
  }
  int32_t first = cg_i32(off);
  if (!cg_form_fits(f, first) || !cg_form_fits(f, cg_i32(off + n * item))) {
    cg_add_const(c, CG_IP, rb, off);  /* ip = the first byte */
    rb = CG_IP;
    off = 0;
  }
  if (zr < 0) {  /* lr is always free here (cg_scratch: ip, then lr) */
    cg_fail(c, ARMJIT_E_INVALID, "no scratch register for zero_array (internal)");
    return;
  }
  a32_reg z = (a32_reg)zr;
  a32_dp(c->b, A32_AL, A32_MOV, false, z, 0, a32_imm(0));
  a32_ldst_op st = item == 1 ? A32_STRB : item == 2 ? A32_STRH : A32_STR;
  for (uint32_t j = 0; j < n * item; j += item == 8 ? 4 : item)
    a32_ldst(c->b, A32_AL, st, z, a32_mem_imm(rb, cg_i32(off + j)));
}

void cg_lower_zero_array(cg *c, const ir_op *op) {
  const ir_descr *d = ir_descr_at(c->t, op->descr);
  const ir_ref *a = ir_args(c->t, op);
  uint32_t item = d->item_size, off = (uint32_t)d->base;
  unsigned k = 0;
  if (!cg_pow2(item, &k)) {
    cg_fail(c, ARMJIT_E_INVALID, "array item size %u is not a power of two (internal)", item);
    return;
  }
  ir_ref n = a[2];
  bool n_const = cg_is_const(n);
  int32_t nk = n_const ? (int32_t)cg_const_word(c->t, n) : 0;
  if (n_const && nk <= 0) return;  /* zeroes nothing: no code at all */
  if (n_const && (uint32_t)nk <= ZERO_INLINE_BYTES / item) {
    zero_inline(c, d, a, (uint32_t)nk, k);
    return;
  }

  cg_scratch(c);  /* ip: address arithmetic */
  a32_reg rp = cg_reg(c, a[0]), rs = reg_unless_const(c, a[1]);
  a32_reg rn = reg_unless_const(c, n);
  a32_reg tdst = (a32_reg)ra_temp(&c->ra, false);
  a32_reg tbytes = !n_const && k ? (a32_reg)ra_temp(&c->ra, false) : rn;
  ra_call_prepare(&c->ra);

  a32_label skip = n_const ? 0 : count_to_bytes(c, rn, tbytes, k);
  addr_into(c, tdst, rp, a[1], rs, item, off);

  ra_loc dsts[2] = {ra_reg(A32_R0, ARMJIT_REF), ra_reg(A32_R2, ARMJIT_INT)};
  ra_loc srcs[2] = {ra_reg(tdst, ARMJIT_REF), ra_reg(tbytes, ARMJIT_INT)};
  cg_parallel_move(c, dsts, srcs, n_const ? 1 : 2);
  if (n_const) cg_load_int(c, A32_R2, (uint32_t)nk * item);
  cg_load_int(c, A32_R1, 0);  /* not a source: r0 and r2 are placed */
  cg_release(c);
  ra_call_clobber(&c->ra);
  cg_load_int(c, CG_IP, c->env->memset_fn);
  a32_blx(c->b, A32_AL, CG_IP);  /* libc may be Thumb: never BL */
  if (skip) a32_label_bind(c->b, skip);
}
