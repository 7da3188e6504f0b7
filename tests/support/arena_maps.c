/* SPDX-License-Identifier: MIT */
/* /proc/self/maps readers for the code-memory tests (arena_maps.h). */
#include "arena_maps.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int overlaps(unsigned long lo, unsigned long hi, const char *base, size_t size) {
  uintptr_t b = (uintptr_t)base;
  return base && lo < b + size && b < hi;
}

void arena_maps_scan(const ajx_arena_info *info, arena_maps *out) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  char line[512];
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3) continue;
    int w = perms[1] == 'w', x = perms[2] == 'x';
    if (w && x) {
      print_message("W+X mapping: %s", line);
      out->wx++;
    }
    if (overlaps(lo, hi, info->rx, info->reserved)) {
      out->rx_lines++;
      out->rx_writable += w;
    }
    if (info->rw != info->rx && overlaps(lo, hi, info->rw, info->reserved)) {
      out->rw_lines++;
      out->rw_executable += x;
    }
  }
  fclose(f);
}

void arena_maps_perms(uintptr_t addr, char perms[5]) {
  FILE *f = fopen("/proc/self/maps", "r");
  assert_non_null(f);
  char line[512];
  perms[0] = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char p[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) != 3) continue;
    if (addr >= lo && addr < hi) memcpy(perms, p, 5);
  }
  fclose(f);
}

int arena_env_forces_mprotect(void) {
  const char *e = getenv("ARMJIT_CODE_MPROTECT");
  return e && strcmp(e, "1") == 0;
}
