/* SPDX-License-Identifier: MIT */
/* The exit helper (see exit.h) and the recovery decoder. */
#include "rt/exit.h"

#include <string.h>

#include "arm/target.h"
#include "cg/recovery.h"
#include "ir/sem.h"

bool ajx_exit_decode(const ajx_loop_meta *m, uint32_t exit_id, const uint32_t *save,
                     const uint8_t *fp, armjit_value *out) {
  if (exit_id >= m->nexits) return false;
  const ajx_exit_meta *e = &m->exits[exit_id];
  const uint8_t *p = m->rec + e->rec, *end = p + e->rec_len;
  for (uint32_t k = 0; k < e->nvalues; k++) {
    uint64_t x;
    if (!rec_get(&p, end, &x)) return false;
    bool f = e->types[k] == ARMJIT_FLOAT;
    uint64_t payload = x >> 2;
    armjit_value v;
    v.bits = 0;
    switch ((unsigned)(x & 3)) {
    case REC_REG:
      if (f) {
        if (payload > ARM_SAVE_MAX_VFP) return false;
        memcpy(&v.bits, save + ARM_SAVE_D0 + 2 * payload, 8);
      } else {
        if (payload > ARM_SAVE_MAX_CORE) return false;
        v.bits = save[ARM_SAVE_R0 + payload];
      }
      break;
    case REC_SLOT: {
      const uint8_t *a = fp - 4 * payload;
      if (f) memcpy(&v.bits, a, 8);
      else { uint32_t w; memcpy(&w, a, 4); v.bits = w; }
      break;
    }
    case REC_CONST:
      if (payload >= m->nconsts) return false;
      v.bits = m->consts[payload];
      break;
    default:
      v.bits = (uint32_t)rec_unzigzag((uint32_t)payload);
      break;
    }
    out[k] = v;
  }
  return p == end;
}

int32_t ajx_exit_helper(const uint32_t *save, uint32_t exit_id, const uint8_t *fp,
                        const ajx_loop_meta *m) {
  armjit_frame *f;
  memcpy(&f, fp + ARM_FRAME_PTR_OFF, sizeof f);
  ajx_exit_decode(m, exit_id, save, fp, f->values);
  f->nvalues = exit_id < m->nexits ? m->exits[exit_id].nvalues : 0;
  f->exit_id = (int32_t)(m->id_base + exit_id);
  f->reserved[1] = (uint32_t)(uintptr_t)m;
  /* save is the caller's sp: AAPCS wants it 8-aligned at every call;
   * recorded for the ABI tests (the helper must not abort). */
  f->reserved[0] = (uint32_t)((uintptr_t)save & 7u);
  return f->exit_id;
}

int32_t ajx_helper_floordiv(int32_t x, int32_t y) { return ir_sem_floordiv(x, y); }
int32_t ajx_helper_mod(int32_t x, int32_t y) { return ir_sem_mod(x, y); }
