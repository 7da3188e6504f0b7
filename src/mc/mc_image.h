/* SPDX-License-Identifier: MIT */
/* The flat-image linker's view of an object (mc_image.c).
 *
 * Contract.  A linker sees an object as a *link input*: sections (bytes as
 * compiled, with every relocated field holding its AAELF REL addend),
 * relocation records against them, and the symbols the object defines.
 * The object fills it (mc_object_view, mc_link.c, which knows the object's
 * layout); the linker never looks inside the object otherwise, so the two
 * change independently.  Tests build link inputs by hand.
 *
 *   section   name, kind, bytes (NULL for bss), size, alignment (power of 2)
 *   reloc     the word at `at` of section `sec`, of an a32_reloc_kind, to
 *             symbol `sym` (defined by the object, else an extern for the
 *             resolver) — or, sym == NULL, to the start of section `tsec` —
 *             plus `addend` (AAELF: a branch's addend includes the -8 of the
 *             PC; a label's MOVW/MOVT pair is a reloc to its section start
 *             with the label's offset as the addend)
 *   symbol    name, section, offset (functions: their first instruction),
 *             size, type (code or data) and binding (module-private,
 *             global or weak: ELF's STB_LOCAL / STB_GLOBAL / STB_WEAK)
 *   mapping   where the bytes of a code section switch between
 *             instructions and data (constant pools, tables): ELF's $a/$d
 *
 * Everything the view points to belongs to the object and stays valid
 * while the object lives and is not changed; the view's arrays are the
 * context's allocations (mc_link_in_free). */
#ifndef ARMJIT_MC_IMAGE_H
#define ARMJIT_MC_IMAGE_H

#include "armjit/a32.h"
#include "armjit/mc.h"
#include "util/sbuf.h"

#include <stdbool.h>
#include <stdint.h>

/* The section of an object's exception function table (mc_exc.c): a C
 * identifier, so GNU ld collects every object's into one and defines
 * __start_ / __stop_ symbols around it; the flat linker places it after
 * .rodata by default. */
#define MC_EXC_TABLE "armjit_fntab"

typedef enum {
  MC_LSEC_CODE,   /* instructions (and their constant pools): gets a veneer pool */
  MC_LSEC_RODATA,
  MC_LSEC_DATA,
  MC_LSEC_BSS     /* no bytes: zero-filled by the loader */
} mc_lsec_kind;

typedef struct {
  const char *name; /* ".text", ".rodata", ".data", ".bss" or the module's name */
  mc_lsec_kind kind;
  const uint8_t *bytes;
  uint32_t size, align;
} mc_lsec;

typedef struct {
  uint32_t sec, at;
  a32_reloc_kind kind;
  const char *sym;  /* NULL: the start of section tsec */
  uint32_t tsec;
  int32_t addend;
} mc_lrel;

typedef enum { MC_LSYM_FUNC, MC_LSYM_OBJECT } mc_lsym_type;

typedef struct {
  const char *name;
  uint32_t sec, off;
  uint32_t size;      /* bytes from off (ELF st_size) */
  mc_lsym_type type;  /* code (a function, A32) or data */
  bool local;         /* module-private (ELF: STB_LOCAL); flat images link it all the same */
  bool weak;          /* global, but another object's definition may win (ELF: STB_WEAK) */
} mc_lsym;

/* From offset `off` of section `sec` on (to the next entry of the section),
 * the bytes are data (`data`) or A32 instructions.  Sorted by (sec, off);
 * a code section without an entry at 0 starts with instructions. */
typedef struct {
  uint32_t sec, off;
  bool data;
} mc_lmap;

typedef struct {
  mc_lsec *sec;
  uint32_t nsec;
  mc_lrel *rel;
  uint32_t nrel;
  mc_lsym *sym;
  uint32_t nsym;
  mc_lmap *map;
  uint32_t nmap;
} mc_link_in;

/* The object as a link input (mc_link.c).  ARMJIT_E_NOMEM. */
armjit_status mc_object_view(const armjit_object *o, mc_link_in *in, armjit_error *err);
void mc_link_in_free(armjit_ctx *ctx, mc_link_in *in);
armjit_ctx *mc_object_ctx(const armjit_object *o);

/* `in` as an ELF32 relocatable file (mc_elf.c; armjit_object_elf, mc.h)
 * for the context's ABI and CPU features, appended to *out; flags
 * ARMJIT_ELF_*. */
armjit_status mc_elf_write(armjit_ctx *ctx, const mc_link_in *in, unsigned flags,
                           ajx_sbuf *out, armjit_error *err);

/* The result of a link, kept by the object (replaced by the next link,
 * freed with the object). */
typedef struct mc_image mc_image;
mc_image **mc_object_image_slot(armjit_object *o);
const mc_image *mc_object_image(const armjit_object *o);

/* Link `in` at the addresses of `opt` (the work of armjit_object_link,
 * mc.h).  NULL with err filled on failure. */
mc_image *mc_image_link(armjit_ctx *ctx, const mc_link_in *in, const armjit_link_options *opt,
                        armjit_resolver resolve, void *ud, armjit_error *err);
void mc_image_free(armjit_ctx *ctx, mc_image *img);
/* The getters of mc.h on an image (NULL: none; as before a link). */
bool mc_image_section_at(const mc_image *img, unsigned i, armjit_linked_section *out);
const void *mc_image_section(const mc_image *img, const char *name, uint32_t *addr,
                             size_t *size);
bool mc_image_symbol(const mc_image *img, const char *name, uint32_t *addr);
bool mc_image_chain(const mc_image *img, armjit_fixup_chain *out);
const char *mc_image_chain_sym(const mc_image *img, unsigned k, int32_t *addend);
armjit_status mc_image_print_map(const mc_image *img, FILE *out);

#endif
