/* SPDX-License-Identifier: MIT */
/* Exits: the recovery strings (recovery.h), the one conditional branch
 * every guard ends with (cg_exit_branch), finish, the out-of-line stubs
 * and the shared exit path.  The guards themselves: cg_guard.c, cg_rt.c. */
#include "cg/cg_internal.h"
#include "cg/cg_gc.h"
#include "cg/recovery.h"

#include <string.h>

/* ---- recovery strings ---------------------------------------------------- */
/* The dedupe tables' hashes: cg_bits_hash for constants, this one for a
 * string of n bytes, four at a time (the strings are a few bytes to a few
 * dozen: one byte per value, most of them).  Only where an entry sits
 * depends on them, not which string or constant an exit gets: lookups
 * compare the bytes. */
static uint32_t rec_hash(const uint8_t *p, uint32_t n) {
  uint32_t h = n * 0x9e3779b1u;
  for (; n >= 4; p += 4, n -= 4) {
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                 (uint32_t)p[3] << 24;
    h = (h ^ w) * 0x85ebca77u;
    h ^= h >> 15;
  }
  for (; n; p++, n--) h = (h ^ *p) * 0x01000193u;
  return h ^ h >> 16;
}

/* Index of trace constant k in the exits' pool, adding its value when new:
 * each value once, numbered in first use, so the codes stay short. */
static uint32_t rec_const(cg *c, int32_t k) {
  cg_result *o = c->out;
  if (!c->rc_of && !(c->rc_of = ajx_calloc(c->ctx, c->t->nconsts, sizeof *c->rc_of))) goto nomem;
  if (c->rc_of[k]) return c->rc_of[k] - 1;
  uint64_t bits = cg_const_bits(&c->t->consts[k]);
  if ((o->nconsts + 1) * 2 > c->rc_hash_cap) {
    uint32_t ncap = c->rc_hash_cap ? c->rc_hash_cap * 2 : 64;
    uint32_t *nh = ajx_calloc(c->ctx, ncap, sizeof *nh);
    if (!nh) goto nomem;
    for (uint32_t i = 0; i < o->nconsts; i++) {
      uint32_t j = cg_bits_hash(o->consts[i]) & (ncap - 1);
      while (nh[j]) j = (j + 1) & (ncap - 1);
      nh[j] = i + 1;
    }
    ajx_free(c->ctx, c->rc_hash);
    c->rc_hash = nh;
    c->rc_hash_cap = ncap;
  }
  uint32_t j = cg_bits_hash(bits) & (c->rc_hash_cap - 1);
  for (; c->rc_hash[j]; j = (j + 1) & (c->rc_hash_cap - 1))
    if (o->consts[c->rc_hash[j] - 1] == bits) return (c->rc_of[k] = c->rc_hash[j]) - 1;
  if (!ajx_grow(c->ctx, (void **)&o->consts, &c->consts_cap, o->nconsts + 1, sizeof *o->consts))
    goto nomem;
  o->consts[o->nconsts] = bits;
  c->rc_hash[j] = c->rc_of[k] = ++o->nconsts;
  return o->nconsts - 1;
nomem:
  cg_fail(c, ARMJIT_E_NOMEM, "out of memory for recovery data");
  return 0;
}

/* Appends the code of value r's location (recovery.h) at p. */
static unsigned rec_code(cg *c, ir_ref r, uint8_t *p) {
  ra_loc l = ra_where(&c->ra, r);
  bool f = l.type == ARMJIT_FLOAT;
  switch (l.kind) {
  case LOC_REG:
  case LOC_VREG:
    return rec_put(p, l.kind == LOC_VREG ? REC_K_VFP : REC_K_CORE, (uint32_t)l.n);
  case LOC_STACK:
    return rec_put(p, f ? REC_K_FSLOT : REC_K_ISLOT, (uint32_t)(-l.n / 4));
  case LOC_CONST:
    if (l.type == ARMJIT_INT) {
      int32_t v = c->t->consts[l.n].v.i;
      if (v >= REC_SMALL_MIN && v <= REC_SMALL_MAX) return rec_put(p, REC_K_SMALL, (uint32_t)v);
    }
    return rec_put(p, REC_K_CONST, rec_const(c, l.n));
  default:
    cg_fail(c, ARMJIT_E_INVALID, "exit value %d has no location (internal)", (int)r);
    return 0;
  }
}

/* The dedupe table: direct-mapped, a string's hash picks its one entry
 * (offset + 1, 0 = empty, and length), which a new string takes over.
 * Sized for the exits (twice their number, a power of two, 64 at least)
 * up to REC_TABLE_MAX entries: a long trace's table stays in the cache
 * (what a guard shares is nearly always a recent guard's string), and a
 * lookup reads one entry. */
enum { REC_TABLE_MAX = 4096 };

static uint32_t rec_intern(cg *c, const uint8_t *p, uint32_t n, bool *shared) {
  cg_result *o = c->out;
  *shared = false;
  if (!c->hash_cap) {
    uint32_t want = c->out->nexits < REC_TABLE_MAX / 2 ? 2 * c->out->nexits : REC_TABLE_MAX, cap;
    for (cap = 64; cap < want; cap *= 2) {}
    if (!(c->hash = ajx_calloc(c->ctx, (size_t)cap * 2, sizeof *c->hash))) goto nomem;
    c->hash_cap = cap;
  }
  /* (the string of an exit with no values, the lone END, has an entry of
   * its own: one copy whatever the table evicts) */
  uint32_t *e = n == 1 ? c->rec_end : &c->hash[2 * (rec_hash(p, n) & (c->hash_cap - 1))];
  if (e[0] && e[1] == n && memcmp(o->rec + e[0] - 1, p, n) == 0) {
    *shared = true;
    return e[0] - 1;
  }
  if (o->rec_bytes > UINT32_MAX - n - 1) {
    cg_fail(c, ARMJIT_E_LIMIT, "recovery data exceeds 4 GiB");
    return 0;
  }
  if (!ajx_grow(c->ctx, (void **)&o->rec, &c->rec_cap, o->rec_bytes + n, 1)) goto nomem;
  uint32_t off = o->rec_bytes;
  memcpy(o->rec + off, p, n);
  o->rec_bytes += n;
  e[0] = off + 1;
  e[1] = n;
  return off;
nomem:
  cg_fail(c, ARMJIT_E_NOMEM, "out of memory for recovery data");
  return 0;
}

void cg_record_exit(cg *c, const ir_op *op, int32_t branch) {
  uint32_t n;
  const ir_ref *refs = ir_exit_refs(c->t, op, &n);
  cg_record_values(c, (uint32_t)op->id, refs, n, branch);
}

void cg_record_values(cg *c, uint32_t id, const ir_ref *refs, uint32_t n, int32_t branch) {
  if (n > (UINT32_MAX - 1) / REC_CODE_MAX ||
      !ajx_grow(c->ctx, (void **)&c->tmp, &c->tmp_cap, n * REC_CODE_MAX + 1, 1)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for recovery data");
    return;
  }
  uint32_t len = 0;
  const struct ra_val *val = c->ra.core.val;
  for (uint32_t k = 0; k < n; k++) {
    ir_ref r = refs[k];
    /* (most values are in an int or float register: their code is the
     * register's number, as rec_put writes it, without a location) */
    if (r >= 0 && (uint32_t)r < c->ra.core.nvals && val[r].reg >= 0 &&
        val[r].type <= ARMJIT_FLOAT) {
      c->tmp[len++] = (uint8_t)((val[r].type == ARMJIT_FLOAT ? REC_B_VFP : REC_B_CORE) +
                                (unsigned)val[r].reg);
      continue;
    }
    len += rec_code(c, r, c->tmp + len);
  }
  c->tmp[len++] = REC_B_END;
  cg_exit *e = &c->out->exits[id];
  e->op = c->pos;
  e->branch = branch;
  bool shared;
  e->rec = rec_intern(c, c->tmp, len, &shared);
  e->rec_len = len;
  c->out->fail_args += n;
  if (n) {
    c->out->rec_maps++;
    c->out->rec_shared += shared;
    c->out->rec_unshared += len;
  }
}

/* ---- the exit branch -------------------------------------------------------- */
/* b<cc> to exit id's stub: "b<cc> ." now, aimed by cg_emit_stubs. */
static void branch_to_stub(cg *c, uint32_t id, a32_cond cc) {
  if (!ajx_grow(c->ctx, (void **)&c->stub_refs, &c->stub_refs_cap, c->nstub_refs + 1,
                sizeof *c->stub_refs)) {
    cg_fail(c, ARMJIT_E_NOMEM, "out of memory for exit branches");
    return;
  }
  uint32_t at = (uint32_t)a32_buf_size(c->b);
  if (a32_b_rel(c->b, cc, false, 0) != A32_OK) return;
  c->stub_refs[c->nstub_refs++] = (struct cg_stub_ref){at, id};
}

void cg_exit_branch(cg *c, const ir_op *op, a32_cond fail_cc) {
  uint32_t n;
  const ir_ref *refs = ir_exit_refs(c->t, op, &n);
  cg_exit_branch_values(c, (uint32_t)op->id, refs, n, fail_cc);
}

void cg_exit_branch_values(cg *c, uint32_t id, const ir_ref *refs, uint32_t n,
                           a32_cond fail_cc) {
  if (fail_cc != A32_AL && !c->flags_live)
    cg_fail(c, ARMJIT_E_INVALID, "op %u: guard branches on flags nothing set (internal)",
            (unsigned)c->pos);
  cg_flags_take(c);
  c->fused = IR_NONE;
  cg_record_values(c, id, refs, n, (int32_t)a32_buf_size(c->b));
  branch_to_stub(c, id, fail_cc);
}

/* ---- finish, stubs and the shared exit path -------------------------------- */
/* finish: a branch to its exit's stub (below). */
void cg_lower_finish(cg *c, const ir_op *op) {
  cg_record_exit(c, op, -1);
  c->out->exits[op->id].stub = (uint32_t)a32_buf_size(c->b);
  branch_to_stub(c, (uint32_t)op->id, A32_AL);
}

/* The stubs after the body, one word per exit in id order, then the
 * shared exit path: save every register (the recovery strings name
 * registers), call the C helper that fills the caller's frame, and
 * return its exit id from the loop.  The stub says which exit it is by
 * where it is: `bl` leaves lr = stub + 4, and the helper gets lr
 * (exit k's stub is at body_end + 4k; lr is a scratch register, free at
 * every guard):
 *
 *   body_end + 4k:  bl   exit_common      exit k (guards branch here,
 *                                           finish k too)
 *   exit_common:    push  {r0-r12, lr}
 *                   vpush {d0-d15}
 *                   mov   r0, sp           save area
 *                   mov   r1, lr           stub k + 4
 *                   mov   r2, fp           ...  */
void cg_emit_stubs(cg *c) {
  cg_result *o = c->out;
  o->body_end = (uint32_t)a32_buf_size(c->b);
  uint32_t common = o->body_end + 4 * o->nexits;
  for (uint32_t id = 0; id < o->nexits; id++) {
    uint32_t at = o->body_end + 4 * id;
    /* (a finish's stub is its b in the body; a guard that never fails,
     * with no branch, keeps this word all the same) */
    if (o->exits[id].branch >= 0 || !o->exits[id].stub) o->exits[id].stub = at;
    a32_b_rel(c->b, A32_AL, true, (int32_t)(common - at));
  }
  o->common = (uint32_t)a32_buf_size(c->b);
  if (a32_buf_status(c->b) != A32_OK) return;
  if (o->common != common) {
    cg_fail(c, ARMJIT_E_INVALID, "exit stubs end at +%u, not +%u (internal)",
            (unsigned)o->common, (unsigned)common);
    return;
  }
  for (uint32_t k = 0; k < c->nstub_refs; k++)
    a32_b_retarget(c->b, c->stub_refs[k].at, o->body_end + 4 * c->stub_refs[k].id);
  a32_push(c->b, A32_AL, ARM_EXIT_PUSH);      /* r0-r12, lr: 56 bytes */
  a32_vpush(c->b, A32_AL, ARM_EXIT_VSAVE_FIRST, ARM_EXIT_VSAVE_N); /* d0-d15: 128 bytes */
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_R0, 0, a32_r(A32_SP));
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_R1, 0, a32_r(CG_LR));
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_R2, 0, a32_r(A32_FP));
  cg_load_addr(c, A32_R3, c->env->exit_meta);
  cg_load_addr(c, CG_IP, c->env->exit_helper);
  a32_blx(c->b, A32_AL, CG_IP);               /* C may be Thumb: never BL */
  cg_gc_unlink(c);
  a32_dp(c->b, A32_AL, A32_MOV, false, A32_SP, 0, a32_r(A32_FP));
  a32_vpop(c->b, A32_AL, ARM_ENTRY_VSAVE_FIRST, ARM_ENTRY_VSAVE_N);
  a32_pop(c->b, A32_AL, ARM_ENTRY_POP);       /* r4-r12, pc */
}
