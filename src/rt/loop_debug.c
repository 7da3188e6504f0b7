/* SPDX-License-Identifier: MIT */
/* A compiled loop as seen by debuggers and profilers: its symbols, its
 * registration with gdb and the perf map (debuginfo.h), and the pc lookup
 * (armjit_lookup_pc).
 *
 * Layout of a loop's code (cg): prologue, the float constant pool (data,
 * branched over), the body (one run of code per op, in op order; a
 * finish's stub is its own code; float constant islands, data branched
 * over, inside the code of the ops that placed them), the cold paths [cold_off, body_end)
 * (each belongs to the op that branches to it), the guard stubs in exit
 * order, the shared exit path.  Symbols:
 *   loop<N>[_<label>]             [0, body_end): prologue, pool, body, cold paths
 *   <name>.exit<id>[_<descr>]     each guard stub
 *   <name>.exit_path              [common, end)
 */
#include <stdio.h>
#include <string.h>

#include "ir/ir.h"
#include "rt/loop.h"

const char *armjit_loop_name(const armjit_loop *loop) { return loop ? loop->name : NULL; }

static size_t digits(uint32_t v) {
  size_t n = 1;
  while (v >= 10) { v /= 10; n++; }
  return n;
}

armjit_status ajx_loop_debug_object(const armjit_loop *l, const ajx_dbg_frame *frame,
                                    ajx_dbg_object *o, ajx_dbg_range *ranges,
                                    ajx_dbg_span *data, char **names) {
  size_t size;
  const void *code = armjit_loop_code(l, &size);
  size_t base = strlen(l->name), need = base + sizeof ".exit_path";
  for (uint32_t i = 0; i < l->nexits; i++)
    if (l->exits[i].branch >= 0)
      need += base + sizeof ".exit" + digits(i) + 1 +
              (l->exits[i].name ? strlen(l->exits[i].name) : 0);
  char *p = *names = ajx_alloc(l->ctx, need);
  if (!p) return ARMJIT_E_NOMEM;
  uint32_t n = 0;
  ranges[n++] = (ajx_dbg_range){0, l->body_end, l->name};
  /* Guard stubs follow the body in exit order; each ends where the next
   * one (or the exit path) starts. */
  for (uint32_t i = 0; i < l->nexits; i++) {
    const ajx_loop_exit *e = &l->exits[i];
    if (e->branch < 0) continue;
    int len = snprintf(p, need, "%s.exit%u%s%s", l->name, (unsigned)i, e->name ? "_" : "",
                       e->name ? e->name : "");
    ranges[n++] = (ajx_dbg_range){e->stub, 0, p};
    p += len + 1;
    need -= (size_t)len + 1;
  }
  snprintf(p, need, "%s.exit_path", l->name);
  ranges[n++] = (ajx_dbg_range){l->common, (uint32_t)size - l->common, p};
  for (uint32_t i = 1; i + 1 < n; i++) ranges[i].size = ranges[i + 1].off - ranges[i].off;
  o->addr = (uintptr_t)code;
  o->size = (uint32_t)size;
  o->ranges = ranges;
  o->nranges = n;
  for (uint32_t i = 0; i < l->npools; i++) data[i] = (ajx_dbg_span){l->pools[i].off, l->pools[i].bytes};
  o->data = data;
  o->ndata = l->npools;
  o->frame = *frame;
  o->hard_float = armjit_ctx_abi(l->ctx) == ARMJIT_ABI_HARD;
  return ARMJIT_OK;
}

/* The trace's debug_merge_points, kept for the lookup and the listing. */
static bool keep_merge_points(armjit_loop *l, const armjit_trace *t) {
  if (!t->ntexts) return true;  /* (no text op was ever added: no walk) */
  uint32_t n = 0;
  for (uint32_t i = 0; i < t->nops; i++) n += (ir_info(t->ops[i].opc)->flags & ARMJIT_OPF_TEXT) != 0;
  if (!n) return true;
  if (!(l->mps = ajx_calloc(l->ctx, n, sizeof *l->mps))) return false;
  for (uint32_t i = 0; i < t->nops; i++) {
    const ir_op *op = &t->ops[i];
    if (!(ir_info(op->opc)->flags & ARMJIT_OPF_TEXT)) continue;
    ajx_merge_point *m = &l->mps[l->nmps++];
    m->op = i;
    if (!(m->text = ajx_strdup(l->ctx, ir_op_text(t, op)))) return false;
  }
  return true;
}

armjit_status ajx_loop_debug_init(armjit_loop *l, const armjit_trace *t,
                                  const ajx_dbg_frame *frame, armjit_error *err) {
  armjit_ctx *ctx = l->ctx;
  const char *label = t->nlabels ? t->labels[0].name : NULL;
  uint32_t serial = ajx_dbg_serial(ctx);
  const char *kind = l->parent ? "bridge" : "loop";
  size_t len = strlen(kind) + 1 + digits(serial) + (label ? 1 + strlen(label) : 0);
  if (!(l->name = ajx_alloc(ctx, len)) || !keep_merge_points(l, t))
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory naming the loop");
  snprintf(l->name, len, "%s%u%s%s", kind, (unsigned)serial, label ? "_" : "", label ? label : "");

  bool want_gdb = !(ctx->opts.flags & ARMJIT_NO_GDB_JIT);
#if !defined(__arm__)
  want_gdb = false;  /* the code cannot run in this process */
#endif
  if (want_gdb || (ctx->opts.flags & ARMJIT_PERF_MAP)) {
    ajx_dbg_range *ranges = ajx_alloc(ctx, ((size_t)l->nexits + 2) * sizeof *ranges);
    ajx_dbg_span *data = ajx_alloc(ctx, (l->npools ? l->npools : 1) * sizeof *data);
    ajx_dbg_object o;
    char *names = NULL;
    armjit_status st = ARMJIT_E_NOMEM;
    if (ranges && data) st = ajx_loop_debug_object(l, frame, &o, ranges, data, &names);
    if (st != ARMJIT_OK) ajx_err(err, st, "out of memory describing the loop for debuggers");
    if (st == ARMJIT_OK && want_gdb && !(l->gdb = ajx_gdbjit_register(ctx, &o, err)))
      st = err ? err->code : ARMJIT_E_NOMEM;
    if (st == ARMJIT_OK && (ctx->opts.flags & ARMJIT_PERF_MAP))
      st = ajx_perfmap_write(ctx, &o, err);
    ajx_free(ctx, names);
    ajx_free(ctx, ranges);
    ajx_free(ctx, data);
    if (st != ARMJIT_OK) return st;
  }
  size_t size;
  const void *code = armjit_loop_code(l, &size);
  if (!ajx_dbg_add(ctx, (uintptr_t)code, size, AJX_DBG_LOOP, l))
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory listing the loop");
  l->listed = true;
  return ARMJIT_OK;
}

void ajx_loop_debug_fini(armjit_loop *l) {
  armjit_ctx *ctx = l->ctx;
  if (l->listed) ajx_dbg_remove(ctx, l);
  l->listed = false;
  ajx_gdbjit_unregister(ctx, l->gdb);
  l->gdb = NULL;
  for (uint32_t i = 0; i < l->nmps; i++) ajx_free(ctx, l->mps[i].text);
  ajx_free(ctx, l->mps);
  ajx_free(ctx, l->name);
  l->mps = NULL;
  l->nmps = 0;
  l->name = NULL;
}

/* The text of the last merge point at or before op (NULL if none). */
static const char *merge_point_before(const armjit_loop *l, uint32_t op) {
  const char *text = NULL;
  for (uint32_t i = 0; i < l->nmps && l->mps[i].op <= op; i++) text = l->mps[i].text;
  return text;
}

bool ajx_loop_pool_at(const armjit_loop *l, uint32_t off) {
  for (uint32_t i = 0; i < l->npools && l->pools[i].off <= off; i++)
    if (off - l->pools[i].off < l->pools[i].bytes) return true;
  return false;
}

void ajx_loop_lookup(const armjit_loop *l, uint32_t off, armjit_pc_info *info) {
  size_t size;
  const void *code = armjit_loop_code(l, &size);
  memset(info, 0, sizeof *info);
  info->loop = l;
  info->name = l->name;
  info->start = (uintptr_t)code;
  info->size = size;
  info->offset = off;
  info->op = -1;
  info->exit_id = -1;
  if (ajx_loop_pool_at(l, off)) {
    info->region = ARMJIT_PC_POOL;
  } else if (off >= l->common) {
    info->region = ARMJIT_PC_EXIT_PATH;
  } else if (off >= l->cold_off && off < l->body_end) {
    info->region = ARMJIT_PC_COLD;
    for (uint32_t i = 0; i < l->ncold && l->cold[2 * i] <= off; i++)
      info->op = (int)l->cold[2 * i + 1];
    if (info->op >= 0) info->merge_point = merge_point_before(l, (uint32_t)info->op);
  } else if (off >= l->body_end) {
    info->region = ARMJIT_PC_EXIT_STUB;
    for (uint32_t i = 0; i < l->nexits; i++)
      if (l->exits[i].branch >= 0 && l->exits[i].stub <= off) info->exit_id = (int)i;
    if (info->exit_id >= 0)
      info->merge_point = merge_point_before(l, l->exits[info->exit_id].op);
  } else {
    /* ops' code runs are in op order: the last op starting at or before off */
    for (uint32_t i = 0; i < l->nops; i++)
      if (l->op_off[i] >= 0 && (uint32_t)l->op_off[i] <= off) info->op = (int)i;
    info->region = info->op < 0 ? ARMJIT_PC_PROLOGUE : ARMJIT_PC_OP;
    if (info->op >= 0) {
      for (uint32_t i = 0; i < l->nexits; i++)
        if (l->exits[i].op == (uint32_t)info->op && l->exits[i].kind == ARMJIT_EXIT_FINISH)
          info->exit_id = (int)i;
      info->merge_point = merge_point_before(l, (uint32_t)info->op);
    }
  }
}
