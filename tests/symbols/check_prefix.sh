#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Symbol hygiene of the shipped libraries: every global symbol they define
# starts with armjit_ or a32_ (besides the two names the GDB JIT interface
# prescribes).
#
#   check_prefix.sh static NM LIBARMJIT_A INTERNAL_A
#     nm -g --defined-only of libarmjit.a.  INTERNAL_A (the same objects,
#     not pre-linked) must have unprefixed globals, or this check proves
#     nothing: it is the count the pre-link step removes.
#   check_prefix.sh shared NM LIBARMJIT_SO LIBARMJIT_A
#     nm -D --defined-only of libarmjit.so: the dynamic exports, which must
#     also be exactly the static library's globals (a public function the
#     shared library forgot to export shows up as a difference).
set -euo pipefail
mode=${1:?usage: check_prefix.sh static|shared NM LIB OTHER_LIB}
nm=${2:?}
lib=${3:?}
other=${4:?}

# Linker-defined markers a shared object may carry in its dynamic symbol
# table (section bounds); they are no function or data of ours.
linker_markers='^(_init|_fini|_edata|_end|__bss_start|__bss_start__|__bss_end__|_bss_end__|__end__)$'

globals() { # nm-flags file: the names of defined global symbols, sorted
  "$nm" "$1" --defined-only "$2" | awk 'NF >= 3 && $2 ~ /^[A-Z]$/ {print $3}' |
    sed 's/@.*//' | grep -Ev "$linker_markers" | sort -u
}
# The GDB JIT interface's two names are fixed by gdb (src/rt/gdbjit.c).
gdb_names='^(__jit_debug_register_code|__jit_debug_descriptor)$'
# ASan builds add an ODR indicator __odr_asan.NAME per exported variable:
# NAME is checked instead.
unprefixed() {
  sed 's/^__odr_asan\.//' | grep -Ev '^(armjit_|a32_)' | grep -Ev "$gdb_names" || true
}

case $mode in
static)
  names=$(globals -g "$lib")
  inside=$(globals -g "$other" | unprefixed | wc -l)
  bad=$(echo "$names" | unprefixed)
  total=$(echo "$names" | grep -c . || true)
  echo "libarmjit.a: $total global symbols; the same objects unlinked: $inside without the prefix"
  if [ "$inside" -eq 0 ]; then
    echo "FAIL: the internal library has no unprefixed globals; this check would prove nothing"
    exit 1
  fi
  ;;
shared)
  names=$(globals -D "$lib")
  static=$(globals -g "$other")
  bad=$(echo "$names" | unprefixed)
  total=$(echo "$names" | grep -c . || true)
  echo "libarmjit.so: $total exported symbols"
  if [ "$names" != "$static" ]; then
    echo "FAIL: exports of libarmjit.so and globals of libarmjit.a differ (< .so only, > .a only):"
    diff <(echo "$names") <(echo "$static") | grep '^[<>]' || true
    exit 1
  fi
  ;;
*) echo "check_prefix.sh: unknown mode '$mode'" >&2; exit 2 ;;
esac
if [ "$total" -lt 50 ]; then
  echo "FAIL: only $total symbols; the public API alone has more"
  exit 1
fi
for must in armjit_version armjit_ctx_new armjit_compile_loop a32_buf_new; do
  if ! grep -qx "$must" <<<"$names"; then
    echo "FAIL: $must (public API) is missing"
    exit 1
  fi
done
if [ -n "$bad" ]; then
  echo "FAIL: $(echo "$bad" | wc -l) global symbols without the armjit_/a32_ prefix:"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
echo "all start with armjit_ or a32_"
