/* SPDX-License-Identifier: MIT */
/* A second client of the register allocator core (ra/core.h), with no
 * trace and no IR header in sight: a made-up program of two blocks, B0
 * (straight-line) falling into B1 (a loop that jumps back to itself),
 * over values of every storage type, with calls that clobber the
 * caller-saved registers, requests with allowed-register masks (fixed ABI
 * registers, pairs for LDRD) and temporaries.  The client is its own
 * policy: it knows each value's uses, ranks victims by next use, empties
 * r0-r3/d0-d7 before a call, pins the loop's entry locations and resolves
 * the back edge with the parallel move resolver.
 *
 * Every move the core asks for runs on a model machine that tracks, per
 * 4-byte cell (core register, s register, stack word), which word of which
 * value it holds.  Checked after every op: each live value's location holds
 * its words (so spilled values were stored and are reloaded right); no two
 * live values share a register unit; every register handed out is in its
 * request's allow mask, pairs are even/odd; caller-saved registers hold no
 * live value across a call; and at the back edge every loop value is back
 * where the loop expects it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ra/core.h"
#include "ra/pmove.h"

#ifdef ARMJIT_IR_IR_H
#error "the allocator core must not need the IR"
#endif

/* ---- model machine: a tag per 4-byte cell --------------------------------- */
enum { NSTACK = 4096, MAXV = 96, MAXOPS = 160, MAXU = 4 };

typedef struct {
  uint32_t r[16], s[64], stack[NSTACK]; /* stack[i]: the word at fp - 4(i+1) */
} model;

/* Tag of word w of value v (0 means "nothing known"). */
static uint32_t tag(uint32_t v, int w) { return 0x1000u + 4 * v + (uint32_t)w; }

/* The cells of a location, in word order. */
static int cells(ra_loc l, uint32_t **c, model *m) {
  int n = ra_type_size(l.type) / 4;
  for (int w = 0; w < n; w++) {
    switch (l.kind) {
    case LOC_REG: c[w] = &m->r[l.n + w]; break;
    case LOC_VREG: c[w] = &m->s[(l.type == ARMJIT_FLOAT ? 2 * l.n : l.n) + w]; break;
    case LOC_STACK: {
      int32_t i = -(l.n + 4 * w) / 4 - 1;
      assert_in_range(i, 0, NSTACK - 1);
      c[w] = &m->stack[i];
      break;
    }
    default: fail_msg("move with location kind %d", l.kind);
    }
  }
  return n;
}

typedef struct {
  int type;
  int32_t def, last;             /* op defining it (-1: block input), last use */
  int32_t uses[MAXOPS];          /* positions of its uses, ascending */
  int nuses;
} value;

typedef struct {
  uint32_t use[MAXU];            /* values read */
  uint32_t use_allow[MAXU];      /* their allow masks (0: any) */
  int nuse;
  int32_t def;                   /* value defined, -1 none */
  uint32_t def_allow;
  bool call;                     /* clobbers r0-r3 and d0-d7 */
  bool temp;                     /* asks for a temporary too */
} op;

typedef struct {
  ra_core rc;
  model m;
  value v[MAXV];
  uint8_t types[MAXV];
  uint32_t nv;
  op ops[MAXOPS];
  int nops, loop_start;          /* B1 = ops [loop_start, nops) */
  int pos;
  unsigned moves, spills;
} client;

static void do_move(void *ud, ra_loc dst, ra_loc src) {
  client *c = ud;
  uint32_t *d[2], *s[2];
  assert_int_equal(ra_type_size(dst.type), ra_type_size(src.type));
  int n = cells(dst, d, &c->m);
  cells(src, s, &c->m);
  uint32_t tmp[2] = {*s[0], n > 1 ? *s[1] : 0};
  for (int w = 0; w < n; w++) *d[w] = tmp[w];
  c->moves++;
  if (dst.kind == LOC_STACK) c->spills++;
}

static int32_t next_use(const client *c, uint32_t v) {
  for (int i = 0; i < c->v[v].nuses; i++)
    if (c->v[v].uses[i] >= c->pos) return c->v[v].uses[i];
  return INT32_MAX;
}

static int64_t cost(void *ud, uint32_t v) {
  client *c = ud;
  return (int64_t)next_use(c, v) * 2 + (ra_core_slot(&c->rc, v) != 0);
}

#define CHECK_OK(c, what)                                                          \
  do {                                                                             \
    if ((c)->rc.status != ARMJIT_OK) fail_msg("op %d: %s: %s", (c)->pos, what, (c)->rc.why); \
  } while (0)

static bool live_after(const client *c, uint32_t v, int pos) { return c->v[v].last > pos; }

/* v's location holds v's words. */
static void check_holds(client *c, uint32_t v) {
  ra_loc l = ra_core_where(&c->rc, v);
  if (l.kind == LOC_NONE) fail_msg("live value %u has no location at op %d", v, c->pos);
  uint32_t *cl[2];
  int n = cells(l, cl, &c->m);
  for (int w = 0; w < n; w++)
    if (*cl[w] != tag(v, w))
      fail_msg("op %d: value %u word %d: location (kind %d n %d) holds %#x", c->pos, v, w,
               l.kind, l.n, *cl[w]);
}

static bool is_live(const client *c, uint32_t v, int pos) {
  return c->v[v].def < pos && c->v[v].last >= pos;
}

/* After op pos: every value defined by then and used later is where the
 * core says, and holds its words; nothing else has a register; no two
 * values share a unit. */
static void check_state(client *c, int pos) {
  uint32_t owner[2][ARM_NSINGLE];
  memset(owner, 0xff, sizeof owner);
  for (uint32_t v = 0; v < c->nv; v++) {
    int r = ra_core_reg(&c->rc, v);
    if (c->v[v].def > pos || c->v[v].last <= pos) {
      assert_int_equal(r, -1);
      continue;
    }
    check_holds(c, v);
    if (r < 0) continue;
    ra_loc l = ra_core_where(&c->rc, v);
    int32_t lo, hi;
    ra_loc_units(l, &lo, &hi);
    bool vfp = l.kind == LOC_VREG;
    for (int32_t u = lo; u < hi; u++) {
      if (owner[vfp][u] != UINT32_MAX)
        fail_msg("op %d: values %u and %u share a register unit", pos, owner[vfp][u], v);
      owner[vfp][u] = v;
      assert_int_equal(ra_core_value_at(&c->rc, vfp, u), (int32_t)v);
    }
  }
  for (int b = 0; b < 2; b++)
    for (int u = 0; u < (b ? ARM_NSINGLE : ARM_NCORE); u++)
      assert_int_equal(ra_core_value_at(&c->rc, b, u), (int32_t)owner[b][u]);
  assert_int_equal(c->rc.status, ARMJIT_OK);
}

/* A returned register satisfies the request. */
static void check_reg(int type, int r, uint32_t allow) {
  if (allow) assert_true(allow >> r & 1u);
  if (type == ARM_TY_I64) {
    if (!allow) assert_int_equal(r % 2, 0); /* default pairs are even/odd */
    assert_in_range(r, 0, ARM_NCORE - 2);
  } else if (type == ARMJIT_FLOAT) {
    assert_in_range(r, 0, ARM_NVFP - 1);
  } else if (type == ARM_TY_F32) {
    assert_in_range(r, 0, ARM_NSINGLE - 1);
  } else {
    assert_in_range(r, 0, ARM_NCORE - 1);
  }
}

static void write_value(client *c, uint32_t v) {
  uint32_t *cl[2];
  int n = cells(ra_core_where(&c->rc, v), cl, &c->m);
  for (int w = 0; w < n; w++) *cl[w] = tag(v, w);
}

static ra_req rq(uint32_t allow, bool prefer_callee, bool dead_ok) {
  ra_req q = {allow, -1, prefer_callee ? RA_PREFER_CALLEE : RA_PREFER_CALLER, dead_ok};
  return q;
}

static bool crosses_call(const client *c, uint32_t v, int pos) {
  for (int i = pos + 1; i < c->nops && i < c->v[v].last; i++)
    if (c->ops[i].call) return true;
  return false;
}

/* Before a call: live values leave the caller-saved registers. */
static void empty_caller_saved(client *c, int pos) {
  for (int b = 0; b < 2; b++) {
    uint32_t caller = b ? ra_vfp_units_of_d(ARM_VFP_CALLER) : ARM_CORE_CALLER;
    for (int u = 0; u < (b ? ARM_NSINGLE : ARM_NCORE); u++) {
      int32_t v = ra_core_value_at(&c->rc, b, u);
      if (v < 0 || !(caller >> u & 1u) || !live_after(c, (uint32_t)v, pos)) continue;
      ra_req q = rq(0, true, false);
      int to = ra_core_pick_free(&c->rc, c->types[v], &q);
      int32_t tu = to < 0 ? 0 : c->types[v] == ARMJIT_FLOAT ? 2 * to : to;
      if (to >= 0 && !(caller >> tu & 1u)) ra_core_move_to(&c->rc, (uint32_t)v, to);
      else ra_core_spill(&c->rc, (uint32_t)v);
    }
  }
}

static void clobber_model(client *c) {
  for (int r = 0; r < 4; r++) c->m.r[r] = 0xdead0000u + (uint32_t)r;
  for (int s = 0; s < 16; s++) c->m.s[s] = 0xdead1000u + (uint32_t)s;
  c->m.r[ARM_SCRATCH1] = c->m.r[ARM_SCRATCH2] = 0xdead2000u;
}

/* Units of register r of `type` (its bank's unit mask). */
static uint32_t units_of(int type, int r) {
  return (type == ARMJIT_FLOAT || type == ARM_TY_I64 ? 3u : 1u) << (type == ARMJIT_FLOAT ? 2 * r : r);
}

/* A def mask every register of which stays taken by a live operand would
 * be an impossible request: the client widens it (as a real client
 * would pick another instruction form). */
static uint32_t feasible(const client *c, int pos, int type, uint32_t allow) {
  if (!allow) return 0;
  const op *o = &c->ops[pos];
  uint32_t blocked = 0;
  for (int k = 0; k < o->nuse; k++) {
    uint32_t v = o->use[k];
    if (ra_type_is_float(c->types[v]) != ra_type_is_float(type) || c->v[v].last <= pos) continue;
    blocked |= units_of(c->types[v], ra_core_reg(&c->rc, v));
  }
  blocked |= c->rc.temp[ra_type_is_float(type)]; /* temporaries stay taken too */
  for (int r = 0; r < 32; r++)
    if ((allow >> r & 1u) && !(units_of(type, r) & blocked)) return allow;
  return 0;
}

static void use_one(client *c, int pos, int k) {
  const op *o = &c->ops[pos];
  uint32_t v = o->use[k];
  ra_req q = rq(o->use_allow[k], crosses_call(c, v, pos), false);
  int r = ra_core_use(&c->rc, v, &q);
  if (c->rc.status != ARMJIT_OK)
    fail_msg("op %d: use of %u (type %d, allow %#x): %s", pos, v, c->types[v], o->use_allow[k],
             c->rc.why);
  check_reg(c->types[v], r, o->use_allow[k]);
  check_holds(c, v);
}

static void run_op(client *c, int pos) {
  const op *o = &c->ops[pos];
  c->pos = pos;
  /* the most constrained requests first (masked uses), then the rest */
  for (int k = 0; k < o->nuse; k++)
    if (o->use_allow[k]) use_one(c, pos, k);
  for (int k = 0; k < o->nuse; k++)
    if (!o->use_allow[k]) use_one(c, pos, k);
  /* every operand is still in its register after all uses (locks hold) */
  for (int k = 0; k < o->nuse; k++) {
    uint32_t v = o->use[k];
    assert_true(ra_core_reg(&c->rc, v) >= 0);
    if (o->use_allow[k]) assert_true(o->use_allow[k] >> ra_core_reg(&c->rc, v) & 1u);
    check_holds(c, v);
  }
  if (o->temp) {
    int type = pos % 3 == 0 ? ARMJIT_FLOAT : ARMJIT_INT;
    ra_req q = rq(0, false, false);
    int t = ra_core_temp(&c->rc, type, &q);
    CHECK_OK(c, "temporary");
    uint32_t m = units_of(type, t);
    for (int u = 0; u < 32; u++)
      if (m >> u & 1u) assert_int_equal(ra_core_value_at(&c->rc, ra_type_is_float(type), u), -1);
  }
  uint32_t def_allow = o->def >= 0 ? feasible(c, pos, c->types[o->def], o->def_allow) : 0;
  /* operands that die here */
  for (int k = 0; k < o->nuse; k++)
    if (c->v[o->use[k]].last == pos) ra_core_free(&c->rc, o->use[k]);
  if (o->call) {
    /* live values leave r0-r3 / d0-d7, then the call clobbers them */
    empty_caller_saved(c, pos);
    ra_core_clobber(&c->rc, ARM_CORE_CALLER, ra_vfp_units_of_d(ARM_VFP_CALLER));
    CHECK_OK(c, "call");
    clobber_model(c);
  }
  if (o->def >= 0) {
    uint32_t v = (uint32_t)o->def;
    int r;
    if (o->call && !o->def_allow) {
      /* the result comes back in r0 / r0:r1 / d0 / s0 */
      ra_core_def_fixed(&c->rc, v, 0);
      r = 0;
    } else {
      ra_req q = rq(def_allow, crosses_call(c, v, pos), true);
      r = ra_core_def(&c->rc, v, &q);
    }
    if (c->rc.status != ARMJIT_OK) {
      fprintf(stderr, "def %u type %d allow %#x lock %#x/%#x temp %#x/%#x call %d\n", v,
              c->types[v], def_allow, c->rc.lock[0], c->rc.lock[1], c->rc.temp[0], c->rc.temp[1], o->call);
      for (int b = 0; b < 2; b++) {
        for (int u = 0; u < 30; u++) fprintf(stderr, "%d ", ra_core_value_at(&c->rc, b, u));
        fprintf(stderr, "\n");
      }
    }
    CHECK_OK(c, "def");
    check_reg(c->types[v], r, def_allow);
    write_value(c, v);
    if (c->v[v].last <= pos) ra_core_free(&c->rc, v);
  }
  ra_core_end_op(&c->rc);
  check_state(c, pos);
}

/* ---- building programs ------------------------------------------------------ */
static uint32_t new_value(client *c, int type, int32_t def) {
  uint32_t v = c->nv++;
  assert_true(v < MAXV);
  c->v[v] = (value){type, def, def, {0}, 0};
  c->types[v] = (uint8_t)type;
  return v;
}

static void add_use(client *c, int pos, uint32_t v, uint32_t allow) {
  op *o = &c->ops[pos];
  assert_true(o->nuse < MAXU);
  o->use[o->nuse] = v;
  o->use_allow[o->nuse++] = allow;
  value *x = &c->v[v];
  if (x->nuses == 0 || x->uses[x->nuses - 1] != pos) x->uses[x->nuses++] = pos;
  if (x->last < pos) x->last = pos;
}

/* Values used in B1 that B1 does not define are live around the loop: to
 * its end (the back edge), where they must be back in place. */
static void finish_liveness(client *c) {
  for (uint32_t v = 0; v < c->nv; v++) {
    value *x = &c->v[v];
    bool in_loop = false;
    for (int i = 0; i < x->nuses; i++) in_loop |= x->uses[i] >= c->loop_start;
    if (in_loop && x->def < c->loop_start) {
      x->last = c->nops;  /* the jump */
      /* next use after the loop's end: its first use in the loop */
    }
  }
}

static client *client_new(void) {
  client *c = calloc(1, sizeof *c);
  assert_non_null(c);
  for (int i = 0; i < MAXOPS; i++) c->ops[i].def = -1;
  return c;
}

/* Run the program: inputs placed at entry, B0, then B1 with its entry
 * locations pinned, and the back edge resolved by ra_pmove. */
static void run_program(client *c, armjit_ctx *ctx, unsigned ninputs) {
  finish_liveness(c);
  ra_client cl = {do_move, cost, NULL, c, c};
  armjit_error err;
  assert_int_equal(ra_core_init(&c->rc, ctx, c->nv, c->types, 8, &cl, &err), ARMJIT_OK);
  /* inputs: registers while there are free ones, then slots */
  for (uint32_t v = 0; v < ninputs; v++) {
    if (c->v[v].last < 0) continue; /* never used */
    ra_req q = rq(0, crosses_call(c, v, -1), false);
    int r = ra_core_pick_free(&c->rc, c->types[v], &q);
    if (r >= 0 && v % 5 != 4) ra_core_assign(&c->rc, v, r, false);
    else ra_core_new_slot(&c->rc, v);
    write_value(c, v);
  }
  check_state(c, -1);
  ra_loc entry[MAXV];
  uint32_t loop_vals[MAXV], nloop = 0;
  for (int pos = 0; pos < c->nops; pos++) {
    if (pos == c->loop_start) {
      /* the loop header: where each loop value lives is fixed now */
      ra_core_forget(&c->rc, ~0u, ~0u);
      for (uint32_t v = 0; v < c->nv; v++) {
        if (!is_live(c, v, pos) || c->v[v].last != c->nops) continue;
        if (ra_core_reg(&c->rc, v) >= 0) ra_core_drop_slot(&c->rc, v);
        else ra_core_pin(&c->rc, v);
        entry[nloop] = ra_core_where(&c->rc, v);
        loop_vals[nloop++] = v;
      }
    }
    run_op(c, pos);
  }
  /* back edge: every loop value returns to its entry location at once */
  c->pos = c->nops;
  ra_move mv[MAXV], out[RA_PMOVE_CAP(MAXV)];
  unsigned nout = 0;
  for (uint32_t k = 0; k < nloop; k++) {
    mv[k].dst = entry[k];
    mv[k].src = ra_core_where(&c->rc, loop_vals[k]);
  }
  assert_true(ra_pmove_resolve(mv, nloop, out, &nout, RA_PMOVE_CAP(nloop ? nloop : 1)));
  for (unsigned i = 0; i < nout; i++) do_move(c, out[i].dst, out[i].src);
  for (uint32_t k = 0; k < nloop; k++) {
    uint32_t *cl[2];
    int n = cells(entry[k], cl, &c->m);
    for (int w = 0; w < n; w++) assert_int_equal(*cl[w], tag(loop_vals[k], w));
  }
  assert_int_equal(c->rc.status, ARMJIT_OK);
  assert_true(ra_core_frame_bytes(&c->rc) % 8 == 0);
  ra_core_fini(&c->rc);
}

/* ---- the fixed program -------------------------------------------------------- */
#define I ARMJIT_INT
#define F ARMJIT_FLOAT
#define L ARM_TY_I64
#define S ARM_TY_F32

static armjit_ctx *ctx_new(uint32_t flags) {
  armjit_options o;
  memset(&o, 0, sizeof o);
  o.flags = flags;
  o.seed = 7;
  armjit_error err;
  armjit_ctx *ctx = armjit_ctx_new(&o, &err);
  assert_non_null(ctx);
  return ctx;
}

/*   B0:  a, b: int, x: double, f: f32 (inputs)
 *        0: c = op(a, b)               c any core register
 *        1: q = op(c) as i64           q in r4:r5 or r6:r7 (allow mask)
 *        2: y = call(a, q in r0:r1)    clobbers r0-r3, d0-d7; y in d0
 *        3: g = op(f, x) as f32
 *   B1:  4: h = op(q, y)               q wanted in r2:r3 (an LDRD pair)
 *        5: k = op(g, c) in r5 only
 *        6: call()                     q, y, g, c live across it
 *        7: op(k, h, b)
 *        back to B1 (q, y, g, c, b are loop values) */
static void test_two_blocks(void **state) {
  (void)state;
  armjit_ctx *ctx = ctx_new(0);
  client *c = client_new();
  uint32_t a = new_value(c, I, -1), b = new_value(c, I, -1), x = new_value(c, F, -1),
           f = new_value(c, S, -1);
  uint32_t cc = new_value(c, I, 0), q = new_value(c, L, 1), y = new_value(c, F, 2),
           g = new_value(c, S, 3), h = new_value(c, F, 4), k = new_value(c, I, 5);
  c->nops = 8;
  c->loop_start = 4;
  add_use(c, 0, a, 0); add_use(c, 0, b, 0); c->ops[0].def = (int32_t)cc;
  add_use(c, 1, cc, 0); c->ops[1].def = (int32_t)q;
  c->ops[1].def_allow = 1u << 4 | 1u << 6;
  add_use(c, 2, a, 1u << 2); add_use(c, 2, q, 1u << 0);
  c->ops[2].call = true; c->ops[2].def = (int32_t)y;
  add_use(c, 3, f, 0); add_use(c, 3, x, 0); c->ops[3].def = (int32_t)g;
  add_use(c, 4, q, 1u << 2); add_use(c, 4, y, 0); c->ops[4].def = (int32_t)h;
  add_use(c, 5, g, 0); add_use(c, 5, cc, 0); c->ops[5].def = (int32_t)k;
  c->ops[5].def_allow = 1u << 5; c->ops[5].temp = true;
  c->ops[6].call = true;
  add_use(c, 7, k, 0); add_use(c, 7, h, 0); add_use(c, 7, b, 0);
  run_program(c, ctx, 4);
  /* the masks decided: q was defined in r4:r5 or r6:r7 and the op that
   * wanted it in r0:r1 got it there */
  assert_true(c->moves > 0);
  free(c);
  armjit_ctx_free(ctx);
}

/* ---- random programs ------------------------------------------------------------ */
typedef struct { uint64_t s; } rng;
static uint32_t rnd(rng *r, uint32_t below) {
  r->s += 0x9e3779b97f4a7c15ull;
  uint64_t x = r->s;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return (uint32_t)((x ^ (x >> 31)) >> 32) % below;
}

static int rnd_type(rng *r) {
  static const int types[] = {I, ARMJIT_REF, F, L, S};
  return types[rnd(r, 5)];
}

/* A random allow mask for the type that leaves at least one register. */
static uint32_t rnd_allow(rng *r, int type) {
  if (rnd(r, 3)) return 0;
  int n = type == F ? ARM_NVFP : type == S ? ARM_NSINGLE : type == L ? ARM_NCORE - 1 : ARM_NCORE;
  uint32_t m = 0;
  while (!m) {
    for (int i = 0; i < n; i++)
      if (rnd(r, 3) == 0) m |= 1u << i;
    if (type == L && rnd(r, 2)) m &= 0x55555555u; /* LDRD: even pairs */
  }
  return m;
}

static void random_program(rng *r, client *c, unsigned *ninputs) {
  *ninputs = 3 + rnd(r, 10);
  for (unsigned i = 0; i < *ninputs; i++) new_value(c, rnd_type(r), -1);
  c->nops = 20 + (int)rnd(r, 100);
  c->loop_start = c->nops / 3 + (int)rnd(r, (uint32_t)(c->nops / 3));
  for (int pos = 0; pos < c->nops; pos++) {
    op *o = &c->ops[pos];
    o->call = rnd(r, 8) == 0;
    o->temp = rnd(r, 6) == 0;
    int nuse = (int)rnd(r, MAXU + 1);
    for (int k = 0; k < nuse; k++) {
      uint32_t v = rnd(r, c->nv);
      bool dup = false;
      for (int j = 0; j < o->nuse; j++) dup |= o->use[j] == v;
      /* a value defined in the loop cannot be used before its def in the
       * next iteration: only B0 values or B1 values defined earlier */
      if (dup) continue;
      add_use(c, pos, v, rnd_allow(r, c->types[v]));
    }
    /* two uses with masks that leave no common choice would be a bad
     * request: keep masks only on distinct types */
    for (int k = 0; k < o->nuse; k++)
      for (int j = 0; j < k; j++)
        if (o->use_allow[k] && o->use_allow[j] &&
            ra_type_is_float(c->types[o->use[k]]) == ra_type_is_float(c->types[o->use[j]]))
          o->use_allow[k] = 0;
    if (rnd(r, 4) && c->nv < MAXV) {
      int type = rnd_type(r);
      /* an i64 result needs a free even pair: at most two operands then
       * (four locked words could cover every even pair) */
      if (type == L) {
        o->temp = false;
        for (int k = 2; k < o->nuse; k++) {
          value *x = &c->v[o->use[k]];
          x->nuses--;
          x->last = x->nuses ? x->uses[x->nuses - 1] : x->def;
        }
        if (o->nuse > 2) o->nuse = 2;
      }
      uint32_t v = new_value(c, type, pos);
      o->def = (int32_t)v;
      o->def_allow = o->call && rnd(r, 2) ? 0 : rnd_allow(r, type);
    }
  }
  /* values defined inside the loop and used before their def position in
   * program order do not exist; values defined in the loop must not be
   * used by ... (their uses are after their def by construction) */
}

static void test_random_programs(void **state) {
  (void)state;
  const char *e = getenv("ARMJIT_SEED");
  uint64_t seed = e ? strtoull(e, NULL, 0) : (uint64_t)ARMJIT_RANDOM_SEED;
  printf("ra core random: seed %llu (set ARMJIT_SEED to replay)\n", (unsigned long long)seed);
  unsigned long moves = 0, spills = 0, ops = 0;
  for (int mode = 0; mode < 2; mode++) {
    armjit_ctx *ctx = ctx_new(mode ? ARMJIT_RANDOM_RA : 0);
    rng r = {seed * 2 + (uint64_t)mode};
    for (int k = 0; k < 400; k++) {
      client *c = client_new();
      unsigned ninputs;
      random_program(&r, c, &ninputs);
      run_program(c, ctx, ninputs);
      moves += c->moves;
      spills += c->spills;
      ops += (unsigned long)c->nops;
      free(c);
    }
    armjit_ctx_free(ctx);
  }
  printf("ra core random: 800 programs, %lu ops, %lu moves, %lu spill stores\n", ops, moves,
         spills);
  assert_true(spills > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_two_blocks),
      cmocka_unit_test(test_random_programs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
