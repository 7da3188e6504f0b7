/* SPDX-License-Identifier: MIT */
/* a32_gen_sys.c — generators for the system instructions: hints, the
 * exception-generating BKPT/UDF/SVC, coprocessor transfers, barriers, the
 * status registers (MRS/MSR with CPSR and SPSR, CPS), the exception-return
 * forms (SUBS pc, LDM ^, RFE, SRS), STM/LDM of the User registers and the
 * VFP system registers (VMRS/VMSR).  Operands are valid for the
 * architecture at PL1 (ARMv7-A ARM ARM, chapters A8 and B9). */
#include "a32_gen.h"

#define R(x) a32g_rname(x)
#define C(c) a32g_csuffix(c)

static const int32_t edge16[] = {0, 1, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000,
                                 0xfffe, 0xffff};

/* Variant = hint (5); the last variant of 6 goes through a32_nop. */
static a32_status gen_hint(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const char *const names[5] = {"nop", "yield", "wfe", "wfi", "sev"};
  a32_cond c = a32g_cond(r);
  unsigned k = i % 6;
  a32g_printf(o, "%s%s", names[k % 5], C(c));
  return k == 5 ? a32_nop(b, c) : a32_hint(b, c, (a32_hint_op)k);
}

static a32_status gen_bkpt(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  uint32_t v = (uint32_t)a32g_edgy(r, 0, 0xffff, edge16, 10);
  a32g_printf(o, "bkpt #%u", (unsigned)v);
  return a32_bkpt(b, v);
}

static a32_status gen_udf(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  uint32_t v = (uint32_t)a32g_edgy(r, 0, 0xffff, edge16, 10);
  a32g_printf(o, "udf #%u", (unsigned)v);
  return a32_udf(b, v);
}

static a32_status gen_coproc(a32g_rng *r, a32_buf *b, a32g_out *o, bool mrc) {
  a32_cond c = a32g_cond(r);
  unsigned cp;
  do
    cp = a32g_below(r, 16);
  while (cp == 10 || cp == 11);  /* the VFP/NEON space */
  unsigned opc1 = a32g_below(r, 8), crn = a32g_below(r, 16), crm = a32g_below(r, 16);
  unsigned opc2 = a32g_below(r, 8);
  a32_reg rt = a32g_reg(r, mrc);  /* MRC to pc writes APSR.NZCV */
  a32g_printf(o, "%s%s p%u, %u, %s, c%u, c%u, %u", mrc ? "mrc" : "mcr", C(c), cp,
              opc1, rt == A32_PC ? "APSR_nzcv" : R(rt), crn, crm, opc2);
  return mrc ? a32_mrc(b, c, cp, opc1, rt, crn, crm, opc2)
             : a32_mcr(b, c, cp, opc1, rt, crn, crm, opc2);
}
static a32_status gen_mcr(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_coproc(r, b, o, false);
}
static a32_status gen_mrc(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  return gen_coproc(r, b, o, true);
}

/* Barrier options cycle through all 16 values (reserved ones included:
 * they are architecturally "SY"-like but encodable). */
static a32_status gen_dmb(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)r;
  a32g_printf(o, "dmb #%u", i % 16);
  return a32_dmb(b, i % 16);
}
static a32_status gen_dsb(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)r;
  a32g_printf(o, "dsb #%u", i % 16);
  return a32_dsb(b, i % 16);
}
static a32_status gen_isb(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)r;
  a32g_printf(o, "isb #%u", i % 16);
  return a32_isb(b, i % 16);
}

static a32_status gen_svc(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  static const int32_t edge[] = {0, 1, 0xffffff, 0x800000};
  (void)i;
  a32_cond c = a32g_cond(r);
  uint32_t imm = (uint32_t)a32g_edgy(r, 0, 0xffffff, edge, 4);
  a32g_printf(o, "svc%s #%lu", C(c), (unsigned long)imm);
  return a32_svc(b, c, imm);
}


static const char *const psr_names[2] = {"APSR", "SPSR"};

/* Variant = CPSR (written APSR) or SPSR. */
static a32_status gen_mrs(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_psr psr = (a32_psr)(i % 2);
  a32_cond c = a32g_cond(r);
  a32_reg rd = a32g_reg(r, false);
  a32g_printf(o, "mrs%s %s, %s", C(c), R(rd), psr_names[psr]);
  return a32_mrs(b, c, rd, psr);
}

/* The field list: APSR_<nzcvq|g|nzcvqg> when only those are written,
 * CPSR_<f s x c> otherwise. */
static void psr_fields(a32g_out *o, a32_psr psr, unsigned mask) {
  if (psr == A32_SPSR) {
    a32g_printf(o, "SPSR_%s%s%s%s", mask & 8 ? "f" : "", mask & 4 ? "s" : "",
                mask & 2 ? "x" : "", mask & 1 ? "c" : "");
    return;
  }
  if ((mask & 3) == 0) {
    a32g_printf(o, "APSR_%s%s", mask & 8 ? "nzcvq" : "", mask & 4 ? "g" : "");
    return;
  }
  a32g_printf(o, "CPSR_%s%s%s%s", mask & 8 ? "f" : "", mask & 4 ? "s" : "",
              mask & 2 ? "x" : "", mask & 1 ? "c" : "");
}

/* Variant = field mask 1..15 x CPSR/SPSR. */
static a32_status gen_msr(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  unsigned mask = 1 + i % 15;
  a32_psr psr = (a32_psr)((i / 15) % 2);
  a32_cond c = a32g_cond(r);
  a32_reg rn = a32g_reg(r, false);
  a32g_printf(o, "msr%s ", C(c));
  psr_fields(o, psr, mask);
  a32g_printf(o, ", %s", R(rn));
  return a32_msr(b, c, psr, mask, rn);
}
static a32_status gen_msr_imm(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  unsigned mask = 1 + i % 15;
  a32_psr psr = (a32_psr)((i / 15) % 2);
  a32_cond c = a32g_cond(r);
  uint32_t v = a32g_modimm(r);
  a32g_printf(o, "msr%s ", C(c));
  psr_fields(o, psr, mask);
  a32g_printf(o, ", #0x%lx", (unsigned long)v);
  return a32_msr_imm(b, c, psr, mask, v);
}


static const unsigned modes[] = {A32_MODE_USR, A32_MODE_FIQ, A32_MODE_IRQ, A32_MODE_SVC,
                                 A32_MODE_MON, A32_MODE_ABT, A32_MODE_HYP, A32_MODE_UND,
                                 A32_MODE_SYS};
static unsigned rand_mode(a32g_rng *r) { return modes[a32g_below(r, 9)]; }

static void aif_text(a32g_out *o, unsigned aif) {
  a32g_printf(o, "%s%s%s", aif & 4 ? "a" : "", aif & 2 ? "i" : "", aif & 1 ? "f" : "");
}

/* Variant = effect (none, ie, id) x mode change; "none" always changes. */
static a32_status gen_cps(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_cps_op op = (a32_cps_op)(i % 3);
  bool change = op == A32_CPS_NONE || (i / 3) % 2;
  unsigned aif = op == A32_CPS_NONE ? 0 : 1 + a32g_below(r, 7);
  unsigned mode = change ? rand_mode(r) : A32_MODE_KEEP;
  if (op == A32_CPS_NONE) {
    a32g_printf(o, "cps #%u", mode);
  } else {
    a32g_printf(o, "cps%s ", op == A32_CPS_IE ? "ie" : "id");
    aif_text(o, aif);
    if (change)
      a32g_printf(o, ", #%u", mode);
  }
  return a32_cps(b, op, aif, mode);
}

static a32_status gen_subs_pc(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  (void)i;
  a32_cond c = a32g_cond(r);
  a32_reg rn = a32g_chance(r, 2) ? A32_LR : a32g_reg(r, false);
  uint32_t v = a32g_chance(r, 2) ? 4 * a32g_below(r, 3) : a32g_modimm(r);
  a32g_printf(o, "subs%s pc, %s, #%u", C(c), R(rn), (unsigned)v);
  return a32_subs_pc(b, c, rn, v);
}

/* ---- exception return and User registers -------------------------------------- */
static const char *const amodes[4] = {"ia", "ib", "da", "db"};

static uint16_t random_list(a32g_rng *r) {
  uint16_t mask;
  switch (a32g_below(r, 3)) {
  case 0: mask = (uint16_t)(1u << a32g_below(r, 16)); break;
  case 1: mask = (uint16_t)(a32g_u32(r) & a32g_u32(r)); break;
  default: mask = (uint16_t)a32g_u32(r); break;
  }
  return mask ? mask : 1;
}

/* LDM ^: variant = mode (4) x {exception return, exception return with
 * writeback, User registers}.  The exception return has pc in its list
 * and, with writeback, not its base; the User form has no pc. */
static a32_status gen_ldm_caret(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_block_mode m = (a32_block_mode)(i % 4);
  unsigned form = (i / 4) % 3;
  bool wb = form == 1;
  a32_cond c = a32g_cond(r);
  a32_reg rn = a32g_chance(r, 3) ? A32_SP : a32g_reg(r, false);
  uint16_t mask = random_list(r);
  if (form == 2)
    mask = (uint16_t)(mask & ~(1u << A32_PC));
  else
    mask = (uint16_t)(mask | 1u << A32_PC);
  if (wb)
    mask = (uint16_t)(mask & ~(1u << rn));
  if (!mask)
    mask = 1;
  a32g_printf(o, "ldm%s%s %s%s, ", amodes[m], C(c), R(rn), wb ? "!" : "");
  a32g_reglist(o, mask);
  a32g_printf(o, "^");
  return a32_ldm_caret(b, c, m, rn, wb, mask);
}

static a32_status gen_stm_caret(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_block_mode m = (a32_block_mode)(i % 4);
  a32_cond c = a32g_cond(r);
  a32_reg rn = a32g_chance(r, 3) ? A32_SP : a32g_reg(r, false);
  uint16_t mask = (uint16_t)(random_list(r) & ~(1u << A32_PC));
  if (!mask)
    mask = 2;
  a32g_printf(o, "stm%s%s %s, ", amodes[m], C(c), R(rn));
  a32g_reglist(o, mask);
  a32g_printf(o, "^");
  return a32_stm_caret(b, c, m, rn, mask);
}

/* Variant = mode (4) x writeback. */
static a32_status gen_srs(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_block_mode m = (a32_block_mode)(i % 4);
  bool wb = (i / 4) % 2;
  unsigned mode = rand_mode(r);
  a32g_printf(o, "srs%s sp%s, #%u", amodes[m], wb ? "!" : "", mode);
  return a32_srs(b, m, wb, mode);
}

static a32_status gen_rfe(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  a32_block_mode m = (a32_block_mode)(i % 4);
  bool wb = (i / 4) % 2;
  a32_reg rn = a32g_chance(r, 3) ? A32_SP : a32g_reg(r, false);
  a32g_printf(o, "rfe%s %s%s", amodes[m], R(rn), wb ? "!" : "");
  return a32_rfe(b, m, rn, wb);
}

/* ---- VFP system registers -------------------------------------------------------- */
static const struct {
  a32_vfp_sysreg reg;
  const char *name;
} vsys[] = {{A32_FPSID, "fpsid"}, {A32_FPSCR, "fpscr"}, {A32_FPEXC, "fpexc"},
            {A32_MVFR0, "mvfr0"}, {A32_MVFR1, "mvfr1"}};

/* Variant = register (5); FPSCR to pc is the flags transfer. */
static a32_status gen_vmrs(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  unsigned k = i % 5;
  a32_cond c = a32g_cond(r);
  a32_reg rt = a32g_reg(r, vsys[k].reg == A32_FPSCR);
  a32g_printf(o, "vmrs%s %s, %s", C(c), rt == A32_PC ? "APSR_nzcv" : R(rt), vsys[k].name);
  return a32_vmrs(b, c, rt, vsys[k].reg);
}

/* Variant = the writable registers FPSID, FPSCR, FPEXC. */
static a32_status gen_vmsr(a32g_rng *r, unsigned i, a32_buf *b, a32g_out *o) {
  unsigned k = i % 3;
  a32_cond c = a32g_cond(r);
  a32_reg rt = a32g_reg(r, false);
  a32g_printf(o, "vmsr%s %s, %s", C(c), vsys[k].name, R(rt));
  return a32_vmsr(b, c, vsys[k].reg, rt);
}

const a32g_encoder a32g_sys_encoders[] = {
    {"a32_hint", gen_hint, 600},
    {"a32_bkpt", gen_bkpt, 500},
    {"a32_udf", gen_udf, 500},
    {"a32_svc", gen_svc, 300},
    {"a32_mcr", gen_mcr, 2000},
    {"a32_mrc", gen_mrc, 2000},
    {"a32_dmb", gen_dmb, 64},
    {"a32_dsb", gen_dsb, 64},
    {"a32_isb", gen_isb, 64},
    {"a32_mrs", gen_mrs, 400},
    {"a32_msr", gen_msr, 900},
    {"a32_msr_imm", gen_msr_imm, 900},
    {"a32_cps", gen_cps, 600},
    {"a32_subs_pc", gen_subs_pc, 500},
    {"a32_ldm_caret", gen_ldm_caret, 1200},
    {"a32_stm_caret", gen_stm_caret, 600},
    {"a32_srs", gen_srs, 400},
    {"a32_rfe", gen_rfe, 400},
    {"a32_vmrs", gen_vmrs, 500},
    {"a32_vmsr", gen_vmsr, 300},
};
const size_t a32g_sys_count = sizeof a32g_sys_encoders / sizeof a32g_sys_encoders[0];
