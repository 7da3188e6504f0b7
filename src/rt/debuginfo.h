/* SPDX-License-Identifier: MIT */
/* Generated code made visible to debuggers and profilers.
 *
 * Every code object the runtime creates (a compiled loop today; bridges
 * and method-compiler functions use the same description) is described
 * once its code is final and executable, as an ajx_dbg_object: its RX
 * address and size, named sub-ranges (one symbol each), literal pools
 * (data inside the code) and the frame its prologue builds.  From that
 * description
 *   - gdbjit.c builds an in-memory ELF32 (EM_ARM) object and registers it
 *     through the GDB JIT interface, so gdb names the code, decodes it as
 *     A32 (mapping symbols) and unwinds through it (.debug_frame);
 *   - perfmap.c appends one "START SIZE name" line per named range to
 *     /tmp/perf-<pid>.map for perf;
 *   - debuginfo.c keeps the context's list of live code objects that
 *     armjit_lookup_pc searches.
 */
#ifndef ARMJIT_RT_DEBUGINFO_H
#define ARMJIT_RT_DEBUGINFO_H

#include "util/ctx.h"

/* A named sub-range [off, off + size) of a code object: one function
 * symbol (gdb) and one perf map line.  Ranges are sorted, disjoint and
 * inside the object. */
typedef struct {
  uint32_t off, size;
  const char *name;
} ajx_dbg_range;

/* Data inside the code (a literal pool): marked with the ARM mapping
 * symbol $d, code resumes with $a after it. */
typedef struct {
  uint32_t off, size;
} ajx_dbg_span;

/* The frame an AAPCS prologue of this shape builds, as offsets just after
 * each of its instructions:
 *   push  {core}            ends at push_end    CFA = sp + 4*|core|
 *   vpush {d<first>..}      ends at vpush_end   CFA = sp + 4*|core| + 8*count
 *   mov   fp, sp            ends at fp_set      CFA = fp + the same
 * The CFA rule holds from fp_set to the end of the object (fp is never
 * changed after the prologue; the epilogue's last instruction pops pc).
 * core must include lr (the return address).  has_frame false: no
 * unwind information (plain code from the raw assembler). */
typedef struct {
  bool has_frame;
  uint16_t core;
  uint8_t vfp_first, vfp_count;
  uint32_t push_end, vpush_end, fp_set;
} ajx_dbg_frame;

typedef struct {
  uintptr_t addr;               /* first instruction (RX memory) */
  uint32_t size;
  const ajx_dbg_range *ranges;  /* at least one */
  uint32_t nranges;
  const ajx_dbg_span *data;
  uint32_t ndata;
  ajx_dbg_frame frame;
  bool hard_float;              /* ELF header flag: the VFP (hard-float) ABI */
} ajx_dbg_object;

/* ---- GDB JIT interface (gdbjit.c) ------------------------------------ */
typedef struct ajx_gdbjit_entry ajx_gdbjit_entry;

/* The ELF image for o in memory from the context's allocator (free with
 * ajx_free).  ARMJIT_E_NOMEM, or ARMJIT_E_ARG for a malformed object. */
armjit_status ajx_gdbjit_image(armjit_ctx *ctx, const ajx_dbg_object *o, uint8_t **image,
                               size_t *size, armjit_error *err);
/* Build o's image and link it into the process's JIT descriptor (then
 * gdb, if attached, reads it).  Returns the entry (pass it to
 * ajx_gdbjit_unregister before the code is freed) or NULL with err set. */
ajx_gdbjit_entry *ajx_gdbjit_register(armjit_ctx *ctx, const ajx_dbg_object *o,
                                      armjit_error *err);
void ajx_gdbjit_unregister(armjit_ctx *ctx, ajx_gdbjit_entry *e);
/* The image of a registered entry (tests). */
const uint8_t *ajx_gdbjit_entry_image(const ajx_gdbjit_entry *e, size_t *size);

/* ---- perf map (perfmap.c) -------------------------------------------- */
/* Append one line per range of o to /tmp/perf-<pid>.map: "START SIZE name"
 * with START and SIZE in hex (no 0x), as perf reads it.  ARMJIT_E_EXECMEM
 * with the system error when the file cannot be written. */
armjit_status ajx_perfmap_write(armjit_ctx *ctx, const ajx_dbg_object *o,
                                armjit_error *err);
/* The map's path for this process into buf (at least 32 bytes). */
void ajx_perfmap_path(char *buf, size_t n);

/* ---- live code objects of a context (debuginfo.c) -------------------- */
typedef enum { AJX_DBG_LOOP } ajx_dbg_kind;

/* Record [start, start + size) as owned by obj (a loop) for
 * armjit_lookup_pc.  false: out of memory. */
bool ajx_dbg_add(armjit_ctx *ctx, uintptr_t start, size_t size, ajx_dbg_kind kind,
                 const void *obj);
void ajx_dbg_remove(armjit_ctx *ctx, const void *obj);
/* The i-th live object (any order) and its kind; NULL past the last. */
const void *ajx_dbg_nth(const armjit_ctx *ctx, uint32_t i, ajx_dbg_kind *kind);
/* Next serial number of a code object of this context (1, 2, ...): part
 * of its symbol name. */
uint32_t ajx_dbg_serial(armjit_ctx *ctx);

#endif
