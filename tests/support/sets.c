/* SPDX-License-Identifier: MIT */
#include "sets.h"

const char sets_sum_odd[] =
    "--- loop main\n"
    "[i0, i1, i2]\n"
    "label(i0, i1, i2, descr=L)\n"
    "i3 = int_lt(i0, i1)\n"
    "guard_true(i3, descr=done) [i0, i2]\n"
    "i4 = int_and(i0, 1)\n"
    "guard_false(i4, descr=odd) [i0, i1, i2]\n"
    "i5 = int_add(i2, i0)\n"
    "i6 = int_add(i0, 1)\n"
    "jump(i6, i1, i5, descr=L)\n"
    "--- bridge odd on main.odd\n"
    "[i0, i1, i2]\n"
    "i3 = int_mul(i0, 3)\n"
    "i4 = int_add(i2, i3)\n"
    "i5 = int_add(i0, 1)\n"
    "jump(i5, i1, i4, descr=L)\n";

int32_t sets_sum_odd_ref(int32_t a, int32_t b) {
  int32_t s = 0;
  for (int32_t i = a; i < b; i++) s += i & 1 ? 3 * i : i;
  return s;
}

const char sets_other_loop[] =
    "--- loop a\n"
    "[i0, i1]\n"
    "label(i0, i1, descr=LA)\n"
    "i2 = int_lt(i0, 10)\n"
    "guard_true(i2, descr=ten) [i0, i1]\n"
    "i3 = int_add(i0, 1)\n"
    "i4 = int_add(i1, 2)\n"
    "jump(i3, i4, descr=LA)\n"
    "--- loop b\n"
    "[f0, i1, i2]\n"
    "label(f0, i1, i2, descr=LB)\n"
    "f3 = float_mul(f0, 1.5)\n"
    "i4 = int_add(i1, 1)\n"
    "i5 = int_lt(i4, i2)\n"
    "guard_true(i5, descr=bdone) [f3, i4, i2]\n"
    "jump(f3, i4, i2, descr=LB)\n"
    "--- bridge ab on a.ten\n"
    "[i0, i1]\n"
    "f2 = cast_int_to_float(i1)\n"
    "i3 = int_add(i0, 5)\n"
    "jump(f2, 0, i3, descr=LB)\n";
