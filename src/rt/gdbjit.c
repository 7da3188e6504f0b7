/* SPDX-License-Identifier: MIT */
/* The GDB JIT interface: code objects as in-memory ELF files that gdb reads
 * (gdb manual, "JIT Compilation Interface").
 *
 * gdb finds two symbols in the process by name: the descriptor
 * __jit_debug_descriptor (a list of in-memory object files) and the
 * function __jit_debug_register_code, on which it keeps a breakpoint.  To
 * add or remove an object the program links or unlinks its entry, says
 * which entry changed and calls the function.  Both names and their layout
 * are fixed by gdb: they are the only unprefixed symbols of the library.
 *
 * The descriptor is the library's one piece of global mutable state: gdb
 * knows a single list per process, so every context of the process shares
 * it.  A mutex serializes the updates (contexts may compile in several
 * threads at once); gdb itself reads the list only while the process is
 * stopped at the breakpoint.  Entries are allocated through the context
 * that registers them and unlinked before their code is freed.
 *
 * Each object is an ELF32 little-endian relocatable file for EM_ARM, as
 * other JITs register them (gdb takes the section addresses as absolute):
 *   [1] .text         SHT_NOBITS at the code's RX address (gdb reads the
 *                     instructions from memory)
 *   [2] .symtab       $a / $d mapping symbols (A32 code / literal pool, so
 *                     gdb never decodes the code as Thumb), then one
 *                     STT_FUNC symbol per named range, values relative to
 *                     .text
 *   [3] .strtab
 *   [4] .debug_frame  one CIE and one FDE: the CFA rules of the prologue
 *                     (ajx_dbg_frame), so gdb unwinds from a C helper
 *                     called by the code through the code into its caller
 *   [5] .shstrtab
 */
#include "rt/debuginfo.h"

#include <pthread.h>
#include <string.h>

/* ---- the interface gdb defines ----------------------------------------- */
enum { JIT_NOACTION = 0, JIT_REGISTER_FN = 1, JIT_UNREGISTER_FN = 2 };

/* struct jit_code_entry of the gdb manual. */
typedef struct ajx_jit_code_entry {
  struct ajx_jit_code_entry *next_entry;
  struct ajx_jit_code_entry *prev_entry;
  const char *symfile_addr;
  uint64_t symfile_size;
} ajx_jit_code_entry;

/* struct jit_descriptor of the gdb manual. */
typedef struct {
  uint32_t version;
  uint32_t action_flag;
  ajx_jit_code_entry *relevant_entry;
  ajx_jit_code_entry *first_entry;
} ajx_jit_descriptor;

#if defined(__GNUC__)
#define AJX_GDB_VISIBLE __attribute__((visibility("default"), used))
#define AJX_GDB_NOINLINE __attribute__((noinline))
#else
#define AJX_GDB_VISIBLE
#define AJX_GDB_NOINLINE
#endif

/* Declared here, not in a header: only gdb refers to them by name. */
void __jit_debug_register_code(void);
extern ajx_jit_descriptor __jit_debug_descriptor;

/* gdb stops here after every change; the asm keeps the call. */
AJX_GDB_VISIBLE AJX_GDB_NOINLINE void __jit_debug_register_code(void) {
#if defined(__GNUC__)
  __asm__ volatile("" ::: "memory");
#endif
}

AJX_GDB_VISIBLE ajx_jit_descriptor __jit_debug_descriptor = {1, JIT_NOACTION, NULL, NULL};

/* Guards __jit_debug_descriptor (see the top of the file). */
static pthread_mutex_t gdbjit_lock = PTHREAD_MUTEX_INITIALIZER;

struct ajx_gdbjit_entry {
  ajx_jit_code_entry link;  /* first: gdb reads it through this address */
  uint8_t *image;
};

/* ---- building the ELF image ------------------------------------------------ */
/* A buffer allocated once at its worst-case size (image_bound), so each
 * byte is a plain store; `over` records a bound that was too small. */
typedef struct {
  uint8_t *p;
  uint32_t n, cap;
  bool over;
} bytes;

static void put(bytes *b, const void *src, uint32_t n) {
  if (n > b->cap - b->n) {
    b->over = true;
    return;
  }
  memcpy(b->p + b->n, src, n);
  b->n += n;
}
static void put8(bytes *b, uint32_t v) {
  if (b->n < b->cap) b->p[b->n++] = (uint8_t)v;
  else b->over = true;
}
static void put16(bytes *b, uint32_t v) {
  put8(b, v);
  put8(b, v >> 8);
}
static void put32(bytes *b, uint32_t v) {
  put16(b, v);
  put16(b, v >> 16);
}
static void put_uleb(bytes *b, uint32_t v) {
  do {
    uint32_t byte = v & 0x7f;
    v >>= 7;
    put8(b, byte | (v ? 0x80 : 0));
  } while (v);
}
static void set32(bytes *b, uint32_t at, uint32_t v) {
  if (b->over) return;
  for (int i = 0; i < 4; i++) b->p[at + i] = (uint8_t)(v >> 8 * i);
}
static void align(bytes *b, uint32_t a, uint8_t fill) {
  while (!b->over && b->n % a) put8(b, fill);
}
static uint32_t put_str(bytes *b, const char *s) {
  uint32_t at = b->n;
  put(b, s, (uint32_t)strlen(s) + 1);
  return at;
}

/* ELF constants (System V gABI; ARM ELF for the machine and flags). */
enum {
  ET_REL = 1, EM_ARM = 40,
  SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8,
  SHF_ALLOC = 2, SHF_EXECINSTR = 4,
  STB_LOCAL = 0, STB_GLOBAL = 1, STT_NOTYPE = 0, STT_FUNC = 2,
  EF_ARM_EABI_VER5 = 0x05000000, EF_ARM_ABI_FLOAT_SOFT = 0x200,
  EF_ARM_ABI_FLOAT_HARD = 0x400,
  EHDR_SIZE = 52, SHDR_SIZE = 40, SYM_SIZE = 16
};
enum { SEC_TEXT = 1, SEC_SYMTAB, SEC_STRTAB, SEC_FRAME, SEC_SHSTRTAB, NSEC };

/* DWARF call frame instructions (DWARF 4, 6.4.2) and ARM register numbers
 * (DWARF for the ARM architecture: r0-r15 = 0-15, d0-d31 = 256-287). */
enum {
  DW_CFA_advance_loc = 0x40, DW_CFA_offset = 0x80, DW_CFA_advance_loc1 = 0x02,
  DW_CFA_advance_loc2 = 0x03, DW_CFA_advance_loc4 = 0x04, DW_CFA_offset_extended = 0x05, DW_CFA_def_cfa = 0x0c,
  DW_CFA_def_cfa_register = 0x0d, DW_CFA_def_cfa_offset = 0x0e, DW_CFA_nop = 0,
  DWARF_SP = 13, DWARF_FP = 11, DWARF_LR = 14, DWARF_D0 = 256
};
#define CODE_ALIGN 4u   /* advance_loc counts instructions */
#define DATA_ALIGN (-4) /* register offsets count words below the CFA */

static void advance(bytes *b, uint32_t *at, uint32_t to) {
  uint32_t d = (to - *at) / CODE_ALIGN;
  if (d < 64) put8(b, DW_CFA_advance_loc | d);
  else if (d < 256) { put8(b, DW_CFA_advance_loc1); put8(b, d); }
  else if (d < 65536) { put8(b, DW_CFA_advance_loc2); put16(b, d); }
  else { put8(b, DW_CFA_advance_loc4); put32(b, d); }
  *at = to;
}

static void debug_frame(bytes *b, const ajx_dbg_object *o) {
  /* CIE: at entry the CFA is sp and the return address is in lr. */
  uint32_t start = b->n, cie = b->n;
  put32(b, 0);              /* length, set below */
  put32(b, 0xffffffffu);    /* CIE id */
  put8(b, 1);               /* version */
  put8(b, 0);               /* augmentation "" */
  put_uleb(b, CODE_ALIGN);
  put8(b, 0x7c);            /* data alignment factor: sleb128(-4) */
  put8(b, DWARF_LR);        /* return address column */
  put8(b, DW_CFA_def_cfa);
  put_uleb(b, DWARF_SP);
  put_uleb(b, 0);
  align(b, 4, DW_CFA_nop);
  set32(b, cie, b->n - cie - 4);

  /* FDE for the whole object. */
  const ajx_dbg_frame *f = &o->frame;
  uint32_t fde = b->n;
  put32(b, 0);
  put32(b, cie - start);    /* CIE pointer: offset in .debug_frame */
  put32(b, (uint32_t)o->addr);
  put32(b, o->size);
  uint32_t at = 0, ncore = 0;
  for (unsigned r = 0; r < 16; r++) ncore += f->core >> r & 1;
  uint32_t core_bytes = 4 * ncore, bytes_all = core_bytes + 8u * f->vfp_count;
  advance(b, &at, f->push_end);
  put8(b, DW_CFA_def_cfa_offset);
  put_uleb(b, core_bytes);
  /* push stores the lowest register lowest: register k of n at CFA-4(n-k) */
  for (unsigned r = 0, k = 0; r < 16; r++) {
    if (!(f->core >> r & 1)) continue;
    put8(b, DW_CFA_offset | r);
    put_uleb(b, (core_bytes - 4 * k++) / (uint32_t)-DATA_ALIGN);
  }
  if (f->vfp_count) {
    advance(b, &at, f->vpush_end);
    put8(b, DW_CFA_def_cfa_offset);
    put_uleb(b, bytes_all);
    for (unsigned j = 0; j < f->vfp_count; j++) {
      put8(b, DW_CFA_offset_extended);
      put_uleb(b, DWARF_D0 + f->vfp_first + j);
      put_uleb(b, (bytes_all - 8 * j) / (uint32_t)-DATA_ALIGN);
    }
  }
  advance(b, &at, f->fp_set);
  put8(b, DW_CFA_def_cfa_register);
  put_uleb(b, DWARF_FP);
  align(b, 4, DW_CFA_nop);
  set32(b, fde, b->n - fde - 4);
}

static armjit_status check_object(const ajx_dbg_object *o, armjit_error *err) {
  if (!o->size || !o->nranges || !o->ranges)
    return ajx_err(err, ARMJIT_E_ARG, "debug info: a code object needs a size and a symbol");
  uint32_t end = 0;
  for (uint32_t i = 0; i < o->nranges; i++) {
    const ajx_dbg_range *r = &o->ranges[i];
    if (!r->name || r->off < end || r->off > o->size || r->size > o->size - r->off)
      return ajx_err(err, ARMJIT_E_ARG, "debug info: range %u is unnamed, unsorted or "
                     "outside the code", (unsigned)i);
    end = r->off + r->size;
  }
  end = 0;
  for (uint32_t i = 0; i < o->ndata; i++) {
    const ajx_dbg_span *d = &o->data[i];
    if (d->off < end || d->off > o->size || d->size > o->size - d->off)
      return ajx_err(err, ARMJIT_E_ARG, "debug info: data span %u is unsorted or outside "
                     "the code", (unsigned)i);
    end = d->off + d->size;
  }
  const ajx_dbg_frame *f = &o->frame;
  if (f->has_frame &&
      (!(f->core >> 14 & 1) || f->push_end > f->vpush_end || f->vpush_end > f->fp_set ||
       f->fp_set > o->size || f->push_end % CODE_ALIGN || f->vpush_end % CODE_ALIGN ||
       f->fp_set % CODE_ALIGN || f->vfp_first + f->vfp_count > 32))
    return ajx_err(err, ARMJIT_E_ARG, "debug info: the frame description is inconsistent");
  return ARMJIT_OK;
}

static void sym(bytes *b, uint32_t name, uint32_t value, uint32_t size, unsigned bind,
                unsigned type) {
  put32(b, name);
  put32(b, value);
  put32(b, size);
  put8(b, bind << 4 | type);
  put8(b, 0);               /* STV_DEFAULT */
  put16(b, SEC_TEXT);
}

static void shdr(bytes *b, uint32_t name, uint32_t type, uint32_t flags, uint32_t addr,
                 uint32_t off, uint32_t size, uint32_t link, uint32_t info, uint32_t al,
                 uint32_t entsize) {
  put32(b, name);
  put32(b, type);
  put32(b, flags);
  put32(b, addr);
  put32(b, off);
  put32(b, size);
  put32(b, link);
  put32(b, info);
  put32(b, al);
  put32(b, entsize);
}

/* Upper bounds of the string table and of the whole image. */
static void image_bound(const ajx_dbg_object *o, size_t *strtab, size_t *all) {
  size_t s = sizeof "\0$a\0$d";
  for (uint32_t i = 0; i < o->nranges; i++) s += strlen(o->ranges[i].name) + 1;
  size_t nsym = 1 + 2 * (size_t)o->ndata + 1 + o->nranges;
  /* .debug_frame: CIE 16 bytes; FDE 16 + per register at most 11 bytes
   * (opcode, register, offset), 3 advances, 2 CFA rules, padding. */
  size_t frame = 16 + 16 + 11 * (16 + 32) + 3 * 5 + 2 * 6 + 2 + 3 + 4;
  *strtab = s;
  *all = EHDR_SIZE + SYM_SIZE * nsym + s + 3 + frame + 64 + 3 + SHDR_SIZE * NSEC;
}

armjit_status ajx_gdbjit_image(armjit_ctx *ctx, const ajx_dbg_object *o, uint8_t **image,
                               size_t *size, armjit_error *err) {
  armjit_status st = check_object(o, err);
  if (st != ARMJIT_OK) return st;
  size_t str_cap, cap;
  image_bound(o, &str_cap, &cap);
  if (cap > UINT32_MAX) return ajx_err(err, ARMJIT_E_LIMIT, "debug info: too many symbols");
  bytes b = {ajx_alloc(ctx, cap), 0, (uint32_t)cap, false};
  bytes str = {ajx_alloc(ctx, str_cap), 0, (uint32_t)str_cap, false};
  if (!b.p || !str.p) {
    ajx_free(ctx, b.p);
    ajx_free(ctx, str.p);
    return ajx_err(err, ARMJIT_E_NOMEM, "out of memory building debug information");
  }
  uint8_t zero[SHDR_SIZE] = {0};
  /* ELF header; e_shoff (at byte 32) is set at the end. */
  static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */,
                                    1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */};
  put(&b, ident, 16);
  put16(&b, ET_REL);
  put16(&b, EM_ARM);
  put32(&b, 1);             /* e_version */
  put32(&b, 0);             /* e_entry */
  put32(&b, 0);             /* e_phoff */
  put32(&b, 0);             /* e_shoff */
  put32(&b, EF_ARM_EABI_VER5 | (o->hard_float ? EF_ARM_ABI_FLOAT_HARD : EF_ARM_ABI_FLOAT_SOFT));
  put16(&b, EHDR_SIZE);
  put16(&b, 0);             /* e_phentsize */
  put16(&b, 0);             /* e_phnum */
  put16(&b, SHDR_SIZE);
  put16(&b, NSEC);
  put16(&b, SEC_SHSTRTAB);

  /* .strtab: "" then the names. */
  put8(&str, 0);
  uint32_t s_a = put_str(&str, "$a"), s_d = put_str(&str, "$d");

  /* .symtab: null, local mapping symbols, then the global functions. */
  uint32_t symtab = b.n, nlocal = 1;
  put(&b, zero, SYM_SIZE);
  uint32_t code_at = 0;
  for (uint32_t i = 0; i < o->ndata; i++) {
    const ajx_dbg_span *d = &o->data[i];
    if (d->off > code_at) { sym(&b, s_a, code_at, 0, STB_LOCAL, STT_NOTYPE); nlocal++; }
    if (d->size) { sym(&b, s_d, d->off, 0, STB_LOCAL, STT_NOTYPE); nlocal++; }
    code_at = d->off + d->size;
  }
  if (code_at < o->size) { sym(&b, s_a, code_at, 0, STB_LOCAL, STT_NOTYPE); nlocal++; }
  for (uint32_t i = 0; i < o->nranges; i++)
    sym(&b, put_str(&str, o->ranges[i].name), o->ranges[i].off, o->ranges[i].size,
        STB_GLOBAL, STT_FUNC);
  uint32_t symtab_size = b.n - symtab;

  uint32_t strtab = b.n;
  put(&b, str.p, str.n);
  uint32_t strtab_size = b.n - strtab;
  ajx_free(ctx, str.p);
  b.over |= str.over;

  align(&b, 4, 0);
  uint32_t frame = b.n;
  if (o->frame.has_frame) debug_frame(&b, o);
  uint32_t frame_size = b.n - frame;

  uint32_t shstr = b.n;
  put8(&b, 0);
  static const char *const names[NSEC] = {"", ".text", ".symtab", ".strtab",
                                          ".debug_frame", ".shstrtab"};
  uint32_t name_at[NSEC] = {0};
  for (int i = 1; i < NSEC; i++) name_at[i] = put_str(&b, names[i]) - shstr;
  uint32_t shstr_size = b.n - shstr;

  align(&b, 4, 0);
  uint32_t shoff = b.n;
  put(&b, zero, SHDR_SIZE);
  shdr(&b, name_at[SEC_TEXT], SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR, (uint32_t)o->addr, 0,
       o->size, 0, 0, 4, 0);
  shdr(&b, name_at[SEC_SYMTAB], SHT_SYMTAB, 0, 0, symtab, symtab_size, SEC_STRTAB, nlocal, 4,
       SYM_SIZE);
  shdr(&b, name_at[SEC_STRTAB], SHT_STRTAB, 0, 0, strtab, strtab_size, 0, 0, 1, 0);
  shdr(&b, name_at[SEC_FRAME], SHT_PROGBITS, 0, 0, frame, frame_size, 0, 0, 4, 0);
  shdr(&b, name_at[SEC_SHSTRTAB], SHT_STRTAB, 0, 0, shstr, shstr_size, 0, 0, 1, 0);
  if (b.over) {  /* image_bound is wrong: never with a checked object */
    ajx_free(ctx, b.p);
    return ajx_err(err, ARMJIT_E_INVALID, "debug info: the ELF image outgrew its bound "
                   "(internal)");
  }

  set32(&b, 32, shoff);
  *image = b.p;
  *size = b.n;
  return ARMJIT_OK;
}

/* ---- registration ------------------------------------------------------------ */
ajx_gdbjit_entry *ajx_gdbjit_register(armjit_ctx *ctx, const ajx_dbg_object *o,
                                      armjit_error *err) {
  ajx_gdbjit_entry *e = ajx_calloc(ctx, 1, sizeof *e);
  if (!e) {
    ajx_err(err, ARMJIT_E_NOMEM, "out of memory registering code with gdb");
    return NULL;
  }
  size_t size;
  if (ajx_gdbjit_image(ctx, o, &e->image, &size, err) != ARMJIT_OK) {
    ajx_free(ctx, e);
    return NULL;
  }
  e->link.symfile_addr = (const char *)e->image;
  e->link.symfile_size = size;
  pthread_mutex_lock(&gdbjit_lock);
  ajx_jit_descriptor *d = &__jit_debug_descriptor;
  e->link.next_entry = d->first_entry;
  if (d->first_entry) d->first_entry->prev_entry = &e->link;
  d->first_entry = &e->link;
  d->relevant_entry = &e->link;
  d->action_flag = JIT_REGISTER_FN;
  __jit_debug_register_code();
  d->action_flag = JIT_NOACTION;
  pthread_mutex_unlock(&gdbjit_lock);
  return e;
}

void ajx_gdbjit_unregister(armjit_ctx *ctx, ajx_gdbjit_entry *e) {
  if (!e) return;
  pthread_mutex_lock(&gdbjit_lock);
  ajx_jit_descriptor *d = &__jit_debug_descriptor;
  ajx_jit_code_entry *l = &e->link;
  if (l->prev_entry) l->prev_entry->next_entry = l->next_entry;
  else d->first_entry = l->next_entry;
  if (l->next_entry) l->next_entry->prev_entry = l->prev_entry;
  d->relevant_entry = l;
  d->action_flag = JIT_UNREGISTER_FN;
  __jit_debug_register_code();
  d->action_flag = JIT_NOACTION;
  d->relevant_entry = NULL;
  pthread_mutex_unlock(&gdbjit_lock);
  ajx_free(ctx, e->image);
  ajx_free(ctx, e);
}

const uint8_t *ajx_gdbjit_entry_image(const ajx_gdbjit_entry *e, size_t *size) {
  *size = e ? (size_t)e->link.symfile_size : 0;
  return e ? e->image : NULL;
}
