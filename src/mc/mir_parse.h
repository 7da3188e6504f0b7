/* SPDX-License-Identifier: MIT */
/* The method-IR text parser's shared state (mir_parse.c: literals,
 * operands, ops and bodies; mir_parse_top.c: the top level and function
 * attributes).  Internal. */
#ifndef ARMJIT_MC_MIR_PARSE_H
#define ARMJIT_MC_MIR_PARSE_H

#include "ir/lex.h"
#include "mc/mir_impl.h"

/* Names of values and blocks: open addressing over indices (mir_parse.c). */
typedef struct {
  uint32_t *slot; /* index + 1, 0 = empty */
  uint32_t cap, n;
} namemap;

typedef const char *(*name_of_fn)(const void *ud, uint32_t i);

/* Literals and operand items, and what pass 2 leaves pending until a
 * function's closing '}'. */
enum { LIT_INT, LIT_FLOAT, LIT_INF, LIT_NAN, LIT_BITS };

typedef struct {
  uint8_t kind;      /* LIT_* */
  bool neg;
  bool range;        /* integer magnitude above 2^64 - 1 */
  uint64_t mag;      /* LIT_INT magnitude, LIT_BITS bits */
  const char *p;     /* LIT_FLOAT text */
  uint32_t n;
} lit;

enum { ITEM_NAME, ITEM_LIT, ITEM_CONST };

typedef struct {
  uint8_t kind;
  const char *p;     /* ITEM_NAME */
  uint32_t n;
  uint32_t line, col;
  lit l;             /* ITEM_LIT */
  mir_ref ref;       /* ITEM_CONST (a typed literal) */
} item;

typedef struct {
  uint32_t slot;     /* index in fn->operands */
  uint32_t op;       /* op index */
  uint32_t k;        /* operand position in the op, or in the edge */
  int32_t edge;      /* -1: an op operand; else the edge (fn->edges index) */
  item it;
} pending;

typedef struct {
  uint32_t edge;     /* fn->edges index */
  const char *p;
  uint32_t n, line, col;
} pend_target;

typedef struct {
  const char *body;  /* first line after the header */
  const char *ls;
  uint32_t line;
  uint32_t sym;
} body_pos;

typedef struct {
  ir_lex lx;
  armjit_module *m;
  mir_func *fn;
  namemap vals, blocks;
  pending *pend;
  uint32_t npend, pend_cap;
  pend_target *tgt;
  uint32_t ntgt, tgt_cap;
  item *items;
  uint32_t nitems, items_cap;
  mir_ref *refs;
  uint32_t refs_cap;
  body_pos *bodies;
  uint32_t nbodies, bodies_cap;
  pend_target *htgt;  /* handler blocks by name (edge = fn->handlers index) */
  uint32_t nhtgt, htgt_cap;
} mparse;

#define SYNTAX(P, col, ...) ir_lex_err(&(P)->lx, ARMJIT_E_SYNTAX, (col), __VA_ARGS__)

typedef struct {
  mparse *P;
  uint8_t *types;
  const char **names;
  uint32_t *lens, *cols;
  uint32_t n, cap;
  bool names_wanted;
} param_list;

/* Helpers both files use (mir_parse.c). */
void mp_nm_clear(namemap *t);
armjit_status mp_raw(mparse *P, armjit_status st);
armjit_status mp_name(mparse *P, const char *what, const char **s, uint32_t *n);
armjit_status mp_type_word(mparse *P, bool allow_void, uint8_t *t);
bool mp_at(mparse *P, char c);
armjit_status mp_end_of_line(mparse *P);
armjit_status mp_param_cb(ir_lex *lx, void *ud);
void mp_param_list_free(armjit_ctx *ctx, param_list *pl);
armjit_status mp_name_params(mparse *P, uint32_t bi, const param_list *pl, uint32_t line);
armjit_status mp_body(mparse *P, uint32_t sym);

#endif
