/* SPDX-License-Identifier: MIT */
/* Exceptions in the method IR (docs/mir.md §2.10): the module's exception
 * callbacks, handler lists on blocks, throw and trap, and which ops can
 * throw.  The validator's rules for them are in mir_validate.c (step 6),
 * the interpreter's unwinding in mir_interp.c, code generation in
 * mc_exc.c. */
#include "mc/mir_impl.h"

#include <string.h>

static const char *const exc_words[MIR_EXC__COUNT] = {"exc_match", "exc_make", "exc_uncaught"};

const char *mir_exc_word(unsigned k) { return k < MIR_EXC__COUNT ? exc_words[k] : "?"; }

armjit_status mir_exc_set(armjit_module *m, unsigned k, const char *name, size_t n,
                          uint32_t line, uint32_t col) {
  char *s = ajx_alloc(m->ctx, n + 1);
  if (!s) return ARMJIT_E_NOMEM;
  memcpy(s, name, n);
  s[n] = 0;
  ajx_free(m->ctx, m->exc[k].name);
  m->exc[k].name = s;
  m->exc[k].line = line;
  m->exc[k].col = col;
  m->validated = false;
  return ARMJIT_OK;
}

void mir_exc_options(armjit_module *m, const armjit_module_options *o) {
  const char *names[MIR_EXC__COUNT] = {o->exc_match, o->exc_make, o->exc_uncaught};
  for (unsigned k = 0; k < MIR_EXC__COUNT; k++) {
    if (!names[k]) continue;
    size_t n = strlen(names[k]);
    if (!mir_name_ok(names[k], n)) {
      mir_fail(m, ARMJIT_E_ARG, "armjit_module_new: %s is not a C identifier of at most %d bytes",
               exc_words[k], MIR_NAME_MAX);
      return;
    }
    if (mir_exc_set(m, k, names[k], n, 0, 0) != ARMJIT_OK) {
      mir_fail(m, ARMJIT_E_NOMEM, "armjit_module_new: out of memory");
      return;
    }
  }
}

bool mir_trap_throws(const armjit_module *m) {
  if (m->trap == ARMJIT_TRAP_SVC || m->trap == ARMJIT_TRAP_UDF) return true;
  return m->trap == ARMJIT_TRAP_CALL && m->trap_sym >= 0 &&
         m->syms[m->trap_sym].result == ARMJIT_T_REF;
}

armjit_status mir_set_handlers(armjit_ctx *ctx, mir_func *fn, uint32_t bi, const mir_handler *h,
                               uint32_t n) {
  mir_block *b = &fn->blocks[bi];
  if (n > MIR_MAX_ITEMS || fn->nhandlers + n > MIR_MAX_ITEMS) return ARMJIT_E_LIMIT;
  if (!ajx_grow(ctx, (void **)&fn->handlers, &fn->handlers_cap, fn->nhandlers + n,
                sizeof *fn->handlers))
    return ARMJIT_E_NOMEM;
  if (n) memcpy(fn->handlers + fn->nhandlers, h, n * sizeof *h);
  b->handlers = fn->nhandlers;
  b->nhandlers = n;
  fn->nhandlers += n;
  return ARMJIT_OK;
}

/* ---- the builder ------------------------------------------------------------------ */
static mir_func *block_fn(armjit_module *m, const char *fnn, armjit_block b, uint32_t *bi) {
  if (!m) return NULL;
  if (b < 0 || (uint32_t)b >= m->nblockmap) {
    mir_fail(m, ARMJIT_E_ARG, "%s: %d is not a block of the module", fnn, (int)b);
    return NULL;
  }
  *bi = m->blockmap[b].block;
  return m->syms[m->blockmap[b].sym].fn;
}

armjit_status armjit_block_handlers(armjit_module *m, armjit_block b, const armjit_handler *h,
                                    unsigned n) {
  static const char fnn[] = "armjit_block_handlers";
  uint32_t bi;
  mir_func *fn = block_fn(m, fnn, b, &bi);
  if (!fn) return ARMJIT_E_ARG;
  if (n && !h) return mir_fail(m, ARMJIT_E_ARG, "%s: list is NULL but its count is %u", fnn, n);
  if (n > MIR_MAX_ITEMS) return mir_fail(m, ARMJIT_E_LIMIT, "%s: %u handlers", fnn, n);
  mir_handler small[8], *x = n <= 8 ? small : ajx_alloc(m->ctx, n * sizeof *x);
  if (!x) return mir_fail(m, ARMJIT_E_NOMEM, "%s: out of memory", fnn);
  armjit_status st = ARMJIT_OK;
  for (unsigned k = 0; k < n && st == ARMJIT_OK; k++) {
    const armjit_handler *e = &h[k];
    if (e->sym != -1 && (e->sym < 0 || (uint32_t)e->sym >= m->nsyms))
      st = mir_fail(m, ARMJIT_E_ARG, "%s: entry %u: %d is not a symbol of the module", fnn, k + 1,
                    (int)e->sym);
    else if (e->sym >= 0 && e->tag)
      st = mir_fail(m, ARMJIT_E_ARG, "%s: entry %u: a symbol tag with a constant besides", fnn,
                    k + 1);
    else if (e->handler < 0 || (uint32_t)e->handler >= m->nblockmap)
      st = mir_fail(m, ARMJIT_E_ARG, "%s: entry %u: %d is not a block of the module", fnn, k + 1,
                    (int)e->handler);
    else if (m->blockmap[e->handler].sym != fn->sym)
      st = mir_fail(m, ARMJIT_E_INVALID, "%s: entry %u: block %d belongs to @%s, not @%s", fnn,
                    k + 1, (int)e->handler, m->syms[m->blockmap[e->handler].sym].name,
                    m->syms[fn->sym].name);
    else
      x[k] = (mir_handler){e->sym, e->tag, m->blockmap[e->handler].block, 0, 0};
  }
  if (st == ARMJIT_OK) {
    st = mir_set_handlers(m->ctx, fn, bi, x, n);
    if (st != ARMJIT_OK) mir_fail(m, st, "%s: %s", fnn, st == ARMJIT_E_NOMEM ? "out of memory" : "too many handlers");
    m->validated = false;
  }
  if (x != small) ajx_free(m->ctx, x);
  return st;
}
