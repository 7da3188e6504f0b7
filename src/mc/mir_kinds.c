/* SPDX-License-Identifier: MIT */
/* Function kinds (normal, naked, interrupt(kind)) and attribute flags
 * (save_vfp, assume_no_vfp, no_frame_slots): their facts, the builder
 * calls, the text of a function header's attributes, and the validator's
 * rules for them (docs/mir.md §2.11 and §4).  The frames they give are
 * mc_cg.c's (docs/design.md §11.2). */
#include "mc/mir_impl.h"

#include <stdio.h>
#include <string.h>

/* lr on entry to each exception mode (ARM ARM B1.8.3, table B1-7): the
 * return address is lr - lr_adjust.  The entry subtracts it, so the exit
 * is one ldm sp!, {..., pc}^ for every kind. */
static const mir_fkind_info fkinds[ARMJIT_FK__COUNT] = {
    [ARMJIT_FK_NORMAL] = {"normal", false, 0, false},
    [ARMJIT_FK_NAKED] = {"naked", false, 0, false},
    [ARMJIT_FK_IRQ] = {"irq", true, 4, false},     /* vector 0x18: lr = interrupted pc + 4 */
    [ARMJIT_FK_FIQ] = {"fiq", true, 4, true},      /* 0x1c: + 4; r8-r12 banked */
    [ARMJIT_FK_SVC] = {"svc", true, 0, false},     /* 0x08: the instruction after the svc */
    [ARMJIT_FK_UNDEF] = {"undef", true, 0, false}, /* 0x04: after the instruction (skip it) */
    [ARMJIT_FK_PABT] = {"pabt", true, 4, false},   /* 0x0c: faulting pc + 4 (retry) */
    [ARMJIT_FK_DABT] = {"dabt", true, 8, false},   /* 0x10: faulting pc + 8 (retry) */
};

const mir_fkind_info *mir_fkind(unsigned kind) { return &fkinds[kind]; }

int mir_fkind_find(const char *s, size_t n) {
  for (unsigned k = 0; k < ARMJIT_FK__COUNT; k++)
    if (strlen(fkinds[k].name) == n && memcmp(fkinds[k].name, s, n) == 0) return (int)k;
  return -1;
}

static const mir_fattr fattrs[] = {
    {"save_vfp", ARMJIT_FUNC_SAVE_VFP},
    {"assume_no_vfp", ARMJIT_FUNC_ASSUME_NO_VFP},
    {"no_frame_slots", ARMJIT_FUNC_NO_FRAME_SLOTS},
};
#define NFATTRS (sizeof fattrs / sizeof fattrs[0])
#define FATTR_ALL (ARMJIT_FUNC_SAVE_VFP | ARMJIT_FUNC_ASSUME_NO_VFP | ARMJIT_FUNC_NO_FRAME_SLOTS)

const mir_fattr *mir_fattr_find(const char *s, size_t n) {
  for (size_t k = 0; k < NFATTRS; k++)
    if (strlen(fattrs[k].name) == n && memcmp(fattrs[k].name, s, n) == 0) return &fattrs[k];
  return NULL;
}

void mir_put_func_attrs(ajx_sbuf *sb, const mir_func *fn) {
  if (fkinds[fn->kind].interrupt) ajx_sb_printf(sb, " interrupt(%s)", fkinds[fn->kind].name);
  else if (fn->kind != ARMJIT_FK_NORMAL) ajx_sb_printf(sb, " %s", fkinds[fn->kind].name);
  for (size_t k = 0; k < NFATTRS; k++)
    if (fn->attrs & fattrs[k].flag) ajx_sb_printf(sb, " %s", fattrs[k].name);
}

/* ---- builder --------------------------------------------------------------------------- */
static mir_func *func_arg(armjit_module *m, const char *fnn, armjit_sym f) {
  if (!m) return NULL;
  if (f < 0 || (uint32_t)f >= m->nsyms || m->syms[f].kind != MIR_SYM_FUNC) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a function of the module", fnn, (int)f);
    return NULL;
  }
  if (m->syms[f].fn->raw) {
    mir_fail(m, ARMJIT_E_ARG, "%s: @%s is a raw function (its clobbers and flags are its own)",
             fnn, m->syms[f].name);
    return NULL;
  }
  return m->syms[f].fn;
}

armjit_status armjit_func_set_kind(armjit_module *m, armjit_sym f, armjit_fkind kind) {
  mir_func *fn = func_arg(m, "armjit_func_set_kind", f);
  if (!fn) return ARMJIT_E_ARG;
  if ((unsigned)kind >= ARMJIT_FK__COUNT)
    return mir_fail(m, ARMJIT_E_ARG, "armjit_func_set_kind: @%s: bad kind %d", m->syms[f].name,
                    (int)kind);
  fn->kind = (uint8_t)kind;
  m->validated = false;
  return ARMJIT_OK;
}

armjit_status armjit_func_set_flags(armjit_module *m, armjit_sym f, unsigned flags) {
  mir_func *fn = func_arg(m, "armjit_func_set_flags", f);
  if (!fn) return ARMJIT_E_ARG;
  if (flags & ~(unsigned)FATTR_ALL)
    return mir_fail(m, ARMJIT_E_ARG, "armjit_func_set_flags: @%s: unknown flags 0x%x",
                    m->syms[f].name, flags & ~(unsigned)FATTR_ALL);
  fn->attrs = (uint8_t)flags;
  m->validated = false;
  return ARMJIT_OK;
}

armjit_fkind armjit_func_kind(const armjit_module *m, armjit_sym f) {
  if (!m || f < 0 || (uint32_t)f >= m->nsyms || !m->syms[f].fn) return ARMJIT_FK_NORMAL;
  return (armjit_fkind)m->syms[f].fn->kind;
}

unsigned armjit_func_flags(const armjit_module *m, armjit_sym f) {
  if (!m || f < 0 || (uint32_t)f >= m->nsyms || !m->syms[f].fn) return 0;
  return m->syms[f].fn->attrs;
}

/* ---- validation ------------------------------------------------------------------------- */
static bool is_float(uint8_t t) { return t == ARMJIT_T_F32 || t == ARMJIT_T_F64; }

static armjit_status bad(char *msg, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static armjit_status bad(char *msg, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, cap, fmt, ap);
  va_end(ap);
  return ARMJIT_E_INVALID;
}

/* What an interrupt function may not do without save_vfp or
 * assume_no_vfp: NULL when op is fine. */
static const char *vfp_use(const armjit_module *m, const mir_func *fn, const mir_op *op,
                           char *buf, size_t cap) {
  const mir_opinfo *in = mir_info(op->opc);
  if (op->opc == ARMJIT_MOP_CALL) {
    snprintf(buf, cap, "calls @%s", m->syms[op->sym].name);
    return buf;
  }
  if (in->flags & ARMJIT_MOPF_CALL) return "makes an indirect call";
  if (in->flags & ARMJIT_MOPF_TRAP) return "may call the trap handler";
  if (is_float(op->rtype)) {
    snprintf(buf, cap, "has an %s result", mir_type_name(op->rtype));
    return buf;
  }
  const mir_ref *a = mir_args(fn, op);
  for (uint32_t k = 0; k < op->nargs; k++)
    if (is_float(mir_ref_type_safe(fn, a[k]))) {
      snprintf(buf, cap, "has an %s operand", mir_type_name(mir_ref_type_safe(fn, a[k])));
      return buf;
    }
  return NULL;
}

/* Does op read ip, lr or r10, the code generator's scratch registers
 * (mc_cg.h)?  In a naked function nothing saves them, so only the ops
 * that open the entry block may: every other op may have overwritten them
 * (a constant materialized in lr, an address in ip). */
static bool reads_scratch(const mir_op *op) {
  if (op->opc == ARMJIT_MOP_GET_LR) return true;
  return op->opc == ARMJIT_MOP_GET_REG && (op->imm[0] == 10 || op->imm[0] == 12 || op->imm[0] == 14);
}

static armjit_status naked_scratch_check(const mir_func *fn, uint32_t *bad_op, char *msg,
                                         size_t cap) {
  const mir_block *entry = &fn->blocks[0];
  uint32_t first = 0; /* the entry block's leading scratch reads */
  while (first < entry->nops && reads_scratch(&fn->ops[entry->ops[first]])) first++;
  for (uint32_t b = 0; b < fn->nblocks; b++)
    for (uint32_t k = b ? 0 : first; k < fn->blocks[b].nops; k++) {
      uint32_t oi = fn->blocks[b].ops[k];
      if (!reads_scratch(&fn->ops[oi])) continue;
      *bad_op = oi;
      return bad(msg, cap,
                 "%s of ip, lr or r10 in a naked function must come first in the entry block "
                 "(the ops before it may use them as scratch registers)",
                 mir_info(fn->ops[oi].opc)->name);
    }
  return ARMJIT_OK;
}

armjit_status mir_kinds_check(const armjit_module *m, const mir_func *fn, uint32_t *bad_op,
                              char *msg, size_t cap) {
  const mir_sym *s = &m->syms[fn->sym];
  const mir_fkind_info *k = &fkinds[fn->kind];
  *bad_op = UINT32_MAX;
  if (fn->kind == ARMJIT_FK_NAKED && (fn->attrs & ARMJIT_FUNC_SAVE_VFP))
    return bad(msg, cap, "a naked function has no frame to save VFP registers in (save_vfp)");
  if ((fn->attrs & ARMJIT_FUNC_SAVE_VFP) && (fn->attrs & ARMJIT_FUNC_ASSUME_NO_VFP))
    return bad(msg, cap, "save_vfp and assume_no_vfp contradict each other");
  if ((fn->attrs & ARMJIT_FUNC_ASSUME_NO_VFP) && !k->interrupt)
    return bad(msg, cap, "assume_no_vfp is for interrupt functions");
  if (k->interrupt && (s->nparams || s->result != ARMJIT_T_VOID))
    return bad(msg, cap, "an interrupt(%s) function takes no parameters and returns nothing",
               k->name);
  bool vfp_ok = !k->interrupt || (fn->attrs & (ARMJIT_FUNC_SAVE_VFP | ARMJIT_FUNC_ASSUME_NO_VFP));
  for (uint32_t oi = 0; oi < fn->nops; oi++) {
    const mir_op *op = &fn->ops[oi];
    const mir_opinfo *in = mir_info(op->opc);
    *bad_op = oi;
    if ((in->flags & ARMJIT_MOPF_NAKED) && fn->kind != ARMJIT_FK_NAKED)
      return bad(msg, cap, "%s is only allowed in naked functions", in->name);
    if (op->opc == ARMJIT_MOP_RET && fn->kind == ARMJIT_FK_NAKED)
      return bad(msg, cap,
                 "a naked function cannot return: end in halt, jump_to, exc_return or "
                 "unreachable");
    char why[MIR_NAME_MAX + 32];
    const char *u = vfp_ok ? NULL : vfp_use(m, fn, op, why, sizeof why);
    if (u)
      return bad(msg, cap,
                 "interrupt(%s) function %s: that needs save_vfp (or assume_no_vfp when the "
                 "interrupted code's VFP state is known to be safe)",
                 k->name, u);
  }
  *bad_op = UINT32_MAX;
  if (fn->kind == ARMJIT_FK_NAKED && fn->nblocks) return naked_scratch_check(fn, bad_op, msg, cap);
  return ARMJIT_OK;
}
