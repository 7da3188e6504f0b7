#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generate arm_calls_helpers.h and arm_calls_matrix.h: the C helpers of
the calling-convention matrix in tests/arm_calls.c and their direct callers.

Signatures (i int32_t, r uintptr_t, f double, l int64_t, s float; result
one of those, v = void, or a narrow int: b int8_t, B uint8_t, h int16_t,
H uint16_t, which armjit calls with a 1- or 2-byte, signed or unsigned
result descriptor):
  - every sequence of 0-3 arguments over i, r, f, with each result type;
  - every sequence of 0-4 arguments over i, f, l, s (r passes as i does)
    with each result type i f l s v;
  - every sequence of 4-6 arguments over i and f (some i become r), the
    result type cycling;
  - 7-12 arguments: corner cases (all ints, all doubles, nine or more
    doubles, a double after an odd number of ints, ints after doubles on
    the stack) and a fixed pseudo-random sample;
  - a seeded sample of 5-12 arguments over all five types (singles among
    doubles: S-register back-filling; i64s after an odd number of words:
    even/odd pairs, 8-byte stack alignment);
  - three long lists (20, 40 and 700 arguments);
  - narrow results: every sequence of 0-2 arguments over i, f, l, s with
    each of b B h H, and a seeded sample of 3-8 arguments over all five
    types.  Every other such helper is declared to return a whole int32_t
    (upper bits the descriptor must drop); the direct caller converts
    every narrow result to its C type.
Each helper checks that sp is 8-byte aligned (CM_SP), hashes its arguments in order (the hash depends on every value
and its position) and returns a value derived from the hash; void helpers
store it in the sink.  A direct caller per helper calls it from C with
arguments from an armjit_value array: the C compiler's own call is the
oracle.

Usage: scripts/gen_call_matrix.py OUTDIR  (writes OUTDIR/arm_calls_helpers.h
and OUTDIR/arm_calls_matrix.h; the test build runs it, see
tests/CMakeLists.txt)
"""
import itertools
import os
import random
import sys

CTYPE = {"i": "i32", "r": "ref", "f": "double", "l": "i64", "s": "float", "v": "void",
         "b": "int8_t", "B": "uint8_t", "h": "int16_t", "H": "uint16_t"}
NARROW = "bBhH"  # returned as an int: C extends them as their type says
FIELD = {"i": "i", "r": "r", "f": "f", "l": "l", "s": "s"}


def signatures():
    sigs = []
    for n in range(4):
        for args in itertools.product("irf", repeat=n):
            for res in "irfv":
                sigs.append(("".join(args), res))
    k = 0
    for n in range(4, 7):
        for args in itertools.product("if", repeat=n):
            a = "".join(ch if ch == "f" or (j + k) % 3 else "r" for j, ch in enumerate(args))
            sigs.append((a, "irfv"[k % 4]))
            k += 1
    corners = [
        "i" * 7, "i" * 12, "r" * 9, "f" * 7, "f" * 8, "f" * 9, "f" * 10, "f" * 12,
        "fffffffffi", "ffffffffffii", "iiiffffffffff", "ifffffffffi",
        "iiif" + "i" * 3, "iiifiiii", "iiiiif" + "f" * 6, "ififififif",
        "fifififififi", "riffriffriff", "iiiiiiiff", "fiiiiiiif",
        "fffffffffiii", "iiiiiiiiiiif", "fiiiiiiiiiii", "rfrfrfrfrfrf",
    ]
    for j, a in enumerate(corners):
        sigs.append((a, "irfv"[j % 4]))
    # i64 and f32: every mix of 0-4 arguments with every result type, then
    # a sample of 5-12 over all five types (S-register back-filling,
    # even/odd pairs, stack alignment of 8-byte arguments after an odd
    # number of words)
    for n in range(5):
        for args in itertools.product("ifls", repeat=n):
            for res in "iflsv":
                sigs.append(("".join(args), res))
    wrnd = random.Random(20261202)
    for n in range(5, 13):
        for _ in range(8):
            sigs.append(("".join(wrnd.choice("iflsr") for _ in range(n)), wrnd.choice("iflsrv")))
    sigs += [("sfsfs", "s"), ("ilil", "l"), ("iliiil", "l"), ("sssssssssssssssssf", "f"),
             ("fffffffs" + "s" * 9, "s"), ("llll", "l"), ("ilsfilsf", "v")]
    # Used by name in arm_calls.c (argument register permutations).
    sigs += [("iiii", "i"), ("ffff", "f"), ("iiiiii", "i"), ("ffffffff", "f")]
    rnd = random.Random(20240601)
    for n in range(7, 13):
        for _ in range(6):
            a = "".join(rnd.choice("iirff") for _ in range(n))
            sigs.append((a, rnd.choice("irfv")))
    # Long lists: stack areas past the reach of VSTR (1020) and STR (4095)
    # immediates.
    for n, res in ((20, "f"), (40, "i"), (700, "r")):
        sigs.append(("".join(rnd.choice("irff") for _ in range(n)), res))
    for n in range(3):
        for args in itertools.product("ifls", repeat=n):
            for res in NARROW:
                sigs.append(("".join(args), res))
    nrnd = random.Random(20261203)
    for n in range(3, 9):
        for _ in range(4):
            sigs.append(("".join(nrnd.choice("iflsr") for _ in range(n)), nrnd.choice(NARROW)))
    seen, out = set(), []
    for s in sigs:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


HEADER = """/* SPDX-License-Identifier: MIT */
/* Generated by scripts/gen_call_matrix.py at build time: do not edit.
 *
 * %s (%d signatures).
 * Included by tests/arm_calls.c once per ABI: CM_ATTR is the helpers'
 * calling convention, CM(x) prefixes their names.  The includer defines
 * i32, ref, CM_SP (checks that sp is 8-byte aligned), CM_I/CM_R/CM_F (hash
 * an argument into h), cm_ret_i/r/f (the result from h), cm_sink (void
 * helpers store h there), cm_vi/vr/vf (a result as an armjit_value) and
 * cm_entry. */"""


def write_helpers(out, sigs):
    """The C helpers: each hashes its arguments in order."""
    print(HEADER % ("The helpers of the calling-convention matrix", len(sigs)), file=out)
    for n, (args, res) in enumerate(sigs):
        params = ", ".join("%s a%d" % (CTYPE[t], j) for j, t in enumerate(args)) or "void"
        body = " ".join("CM_%s(a%d);" % (t.upper(), j) for j, t in enumerate(args))
        wide = res in NARROW and n % 2  # a whole word: garbage above the narrow value
        ret = ("cm_sink = h;" if res == "v" else
               "return (%s)cm_ret_i(h);" % CTYPE[res] if res in NARROW and not wide else
               "return cm_ret_%s(h);" % ("i" if wide else res))
        rtype = "i32" if wide else CTYPE[res]
        print("static CM_ATTR %s CM(f%d)(%s) {" % (rtype, n, params), file=out)
        print("  uint64_t h = %d; CM_SP(); %s%s%s" % (n + 1, body, " " if body else "", ret), file=out)
        print("}", file=out)


def write_callers(out, sigs):
    """Direct C callers (the oracle) and the table tying each to its helper."""
    print(HEADER % ("Direct callers and the table of the calling-convention matrix",
                    len(sigs)), file=out)
    print('#include "arm_calls_helpers.h"', file=out)
    for n, (args, res) in enumerate(sigs):
        call = "CM(f%d)(%s)" % (n, ", ".join("a[%d].%s" % (j, FIELD[t]) for j, t in enumerate(args)))
        head = "static armjit_value CM(d%d)(const armjit_value *a) {" % n
        if res == "v":
            print("%s %s%s; return cm_vr(0); }" % (head, "" if args else "(void)a; ", call), file=out)
        elif res in NARROW:  # C's conversion to the narrow type is the oracle
            print("%s %sreturn cm_vi((%s)%s); }" % (head, "" if args else "(void)a; ",
                                                 CTYPE[res], call), file=out)
        else:
            print("%s %sreturn cm_v%s(%s); }" % (head, "" if args else "(void)a; ", res, call),
                  file=out)
    print("static const cm_entry CM(table)[] = {", file=out)
    for n, (args, res) in enumerate(sigs):
        print('    {"%s", \'%s\', (uintptr_t)CM(f%d), CM(d%d)},' % (args, res, n, n), file=out)
    print("};", file=out)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen_call_matrix.py OUTDIR")
    sigs = signatures()
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "arm_calls_helpers.h"), "w") as out:
        write_helpers(out, sigs)
    with open(os.path.join(sys.argv[1], "arm_calls_matrix.h"), "w") as out:
        write_callers(out, sigs)


if __name__ == "__main__":
    main()
