/* SPDX-License-Identifier: MIT */
/* The table of run-time helpers (mc_helpers.h). */
#include "mc/mc_helpers.h"

#include <string.h>

static const mc_helper_info helpers[MC_NHELPERS] = {
#define MC_H_ROW(id, nm, n, a0, a1, r, ae, fix) {nm, ae, fix, n, {a0, a1}, r},
    MC_HELPERS(MC_H_ROW)
#undef MC_H_ROW
};

const mc_helper_info *mc_helper_get(mc_helper h) {
  return (unsigned)h < MC_NHELPERS ? &helpers[h] : NULL;
}

int mc_helper_by_name(const char *name) {
  for (int i = 0; i < MC_NHELPERS; i++)
    if (strcmp(helpers[i].name, name) == 0) return i;
  return -1;
}
