/* SPDX-License-Identifier: MIT */
/* gc_bench_gcc.c — see gc_bench_gcc.h. */
#include "gc_bench_gcc.h"

uintptr_t gb_alloc_list(int32_t n, uintptr_t *free_p, uintptr_t *top_p,
                        void *(*slow)(void *, uint32_t), void (*wb)(void *, void *)) {
  uintptr_t head = 0;
  for (int32_t i = 0; i < n; i++) {
    uintptr_t p = *free_p;
    if (*top_p - p < 16) {
      p = (uintptr_t)slow(0, 16);
    } else {
      *free_p = p + 16;
    }
    *(uint16_t *)p = 1;
    *(int32_t *)(p + 8) = i;
    if (*(uint8_t *)(p + 2) & 1) wb(0, (void *)p); /* (never: a young node) */
    *(uintptr_t *)(p + 12) = head;
    head = p;
  }
  return head;
}
