/* SPDX-License-Identifier: MIT */
/* arena_maps.h — what /proc/self/maps says about a context's code arena:
 * the mappings of its views and their permissions (W^X checks for the
 * code-memory tests, in every build). */
#ifndef ARMJIT_TEST_ARENA_MAPS_H
#define ARMJIT_TEST_ARENA_MAPS_H

#include <stdint.h>

#include "rt/execmem.h"

typedef struct {
  int wx;            /* mappings of the whole process writable and executable */
  int rx_lines;      /* mappings inside the executable view */
  int rx_writable;   /* ... of them writable */
  int rw_lines;      /* mappings inside the writable view (dual modes) */
  int rw_executable; /* ... of them executable */
} arena_maps;

/* Scan /proc/self/maps for the arena described by info. */
void arena_maps_scan(const ajx_arena_info *info, arena_maps *out);
/* Permissions ("rwxp") of the mapping holding addr, "" when unmapped. */
void arena_maps_perms(uintptr_t addr, char perms[5]);
/* Whether the environment forces the fallback (ARMJIT_CODE_MPROTECT=1). */
int arena_env_forces_mprotect(void);

#endif
