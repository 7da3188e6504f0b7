/* SPDX-License-Identifier: MIT */
/* gnu_as.h — assemble a batch of A32 instructions with the GNU cross
 * assembler (arm-linux-gnueabihf-as) and read the words back, one word per
 * input line.  Used as an encoding oracle by host tests. */
#ifndef ARMJIT_TESTS_GNU_AS_H
#define ARMJIT_TESTS_GNU_AS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GAS_PREFIX "arm-linux-gnueabihf-"

typedef struct {
  uint32_t word;    /* the assembled word (0 when failed) */
  bool failed;      /* GNU as refused this line */
  bool warned;      /* GNU as printed a warning for this line */
  char diag[160];   /* the first error or warning for the line */
} gas_result;

/* Are GNU as and objcopy on PATH?  If not, *why says which is missing. */
bool gas_available(char *why, size_t n);

/* Make a fresh private directory (mkdtemp under $TMPDIR or /tmp) into
 * dir[n]; false on failure. */
bool gas_tmpdir(char *dir, size_t n);

/* Assemble lines[0..n-1] (each exactly one 4-byte instruction; ".syntax
 * unified", ".arm" and the idiv extension are prepended) as <dir>/<tag>.s
 * for ARMv7-A with NEON/VFPv4, and fill res[k] for line k.  Lines GNU as
 * rejects are marked failed and replaced by a placeholder so that the
 * others still assemble.  Returns false (with a message in err) only when
 * the tools themselves could not be run or their output makes no sense. */
bool gas_assemble(const char *dir, const char *tag, const char *const *lines, size_t n,
                  gas_result *res, char *err, size_t errn);

/* Remove <dir>/<tag>.s (the only file gas_assemble leaves behind). */
void gas_remove(const char *dir, const char *tag);

/* One relocation of an assembled object, as readelf -r lists it. */
typedef struct {
  uint32_t offset;
  unsigned type;   /* ELF r_type (ELF32_R_TYPE of r_info) */
  char sym[64];    /* the symbol's name */
} gas_reloc;

/* Assemble lines[0..n-1] (one word each; they may use undefined symbols,
 * which GNU as turns into relocations) like gas_assemble, and read back
 * the .text words into words[0..n-1] and the .rel.text records into
 * rel[0..max-1] (*nrel gets how many the object has, in offset order).
 * Any diagnostic is a failure here: err says which line. */
bool gas_assemble_relocs(const char *dir, const char *tag, const char *const *lines,
                         size_t n, uint32_t *words, gas_reloc *rel, size_t max,
                         size_t *nrel, char *err, size_t errn);

#endif
