#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install armjit into a temporary prefix and build and run an application
# against it (examples/embed/embed.c) the ways a user would:
#   pkg-config    cc with `pkg-config --cflags --libs armjit` (libarmjit.so)
#                 and with --static (libarmjit.a)
#   find_package  examples/embed/CMakeLists.txt, CMAKE_PREFIX_PATH=prefix
#   add_subdirectory  the same CMakeLists.txt with ARMJIT_SOURCE=the source
#                 tree: a second, fresh build of the library inside it
#
# Usage: run.sh --build DIR --source DIR --work DIR --cc CC --libdir LIBDIR
#               [--cflags=FLAGS] [--toolchain FILE] [--triple TRIPLE]
#               [--readelf READELF] [-- RUNNER...]
#   --cflags     what the application must be compiled and linked with to
#                match the installed library (ARM float ABI, sanitizers)
#   --toolchain  the CMake toolchain file of a cross build
#   --triple     cross target: pkg-config then reads that architecture's
#                .pc files (capstone, libffi)
#   RUNNER       how to run target programs (qemu-arm ...); empty: directly
set -euo pipefail

build= source= work= cc= libdir= cflags= toolchain= triple= readelf=readelf
while [ $# -gt 0 ]; do
  case $1 in
  --build) build=$2; shift 2 ;;
  --source) source=$2; shift 2 ;;
  --work) work=$2; shift 2 ;;
  --cc) cc=$2; shift 2 ;;
  --libdir) libdir=$2; shift 2 ;;
  --cflags=*) cflags=${1#--cflags=}; shift ;;
  --toolchain) toolchain=$2; shift 2 ;;
  --triple) triple=$2; shift 2 ;;
  --readelf) readelf=$2; shift 2 ;;
  --) shift; break ;;
  *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
runner=("$@")
: "${build:?--build}" "${source:?--source}" "${work:?--work}" "${cc:?--cc}" "${libdir:?--libdir}"

rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
jobs=2

fail() { echo "FAIL: $*"; exit 1; }
# Quiet unless it fails.
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    echo "$out" | tail -40
    fail "$*"
  fi
}
step_start=0
step() { step_start=$(date +%s%N); echo "== $*"; }
step_done() { echo "   ok ($(( ($(date +%s%N) - step_start) / 1000000 )) ms)"; }

# The application's checks: the sum without overflow (compiled code on ARM,
# the interpreter elsewhere) and the overflow exit into the slow path.
run_embed() { # program
  local out
  out=$("${runner[@]}" "$1" 100) || fail "$1 100 exited with $?: $out"
  grep -q "^armjit 0\.\|^armjit [1-9]" <<<"$out" || fail "$1: no version line: $out"
  grep -qx "sum of i\*i for i < 100 = 328350 (.*)" <<<"$out" || fail "$1 100: $out"
  out=$("${runner[@]}" "$1" 2000) || fail "$1 2000 exited with $?: $out"
  grep -q "^overflow at i = [0-9]*: the slow path takes over" <<<"$out" || fail "$1 2000: $out"
  grep -qx "sum of i\*i for i < 2000 = 2664667000 (.*)" <<<"$out" || fail "$1 2000: $out"
  echo "   $(echo "$out" | tail -1)"
}
needs() { # program: the libarmjit it depends on at run time, or "none"
  local n
  n=$("$readelf" -d "$1" | sed -n 's/.*(NEEDED).*\[\(libarmjit[^]]*\)\].*/\1/p')
  echo "${n:-none}"
}

step "install into $prefix"
quiet cmake --install "$build" --prefix "$prefix"
for f in include/armjit.h include/armjit/a32.h include/armjit/opcodes.h \
         include/armjit/export.h include/armjit/version.h \
         "$libdir/libarmjit.a" "$libdir/libarmjit.so" "$libdir/libarmjit.so.0" \
         "$libdir/libarmjit.so.0.1.0" bin/armjit "$libdir/pkgconfig/armjit.pc" \
         "$libdir/cmake/armjit/armjitConfig.cmake" \
         "$libdir/cmake/armjit/armjitConfigVersion.cmake" \
         "$libdir/cmake/armjit/armjitTargets.cmake" share/doc/armjit/LICENSE; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
soname=$("$readelf" -d "$prefix/$libdir/libarmjit.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libarmjit.so.0 ] || fail "soname is '$soname', not libarmjit.so.0"
[ "$(readlink "$prefix/$libdir/libarmjit.so.0")" = libarmjit.so.0.1.0 ] ||
  fail "libarmjit.so.0 does not point at libarmjit.so.0.1.0"
out=$("${runner[@]}" "$prefix/bin/armjit" print "$source/examples/traces/count.ir") ||
  fail "the installed CLI: $out"
grep -q "^label(" <<<"$out" || fail "the installed CLI printed: $out"
step_done

export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
if [ -n "$triple" ]; then
  # The target architecture's .pc files, not the build machine's.
  export PKG_CONFIG_LIBDIR=/usr/lib/$triple/pkgconfig:/usr/share/pkgconfig
fi
app=$source/examples/embed/embed.c

step "pkg-config, libarmjit.so"
[ "$(pkg-config --modversion armjit)" = 0.1.0 ] || fail "pkg-config --modversion armjit"
# shellcheck disable=SC2046,SC2086  # flags are lists of words
quiet "$cc" $cflags "$app" -o "$work/embed_pc_shared" $(pkg-config --cflags --libs armjit) \
  -Wl,-rpath,"$prefix/$libdir"
[ "$(needs "$work/embed_pc_shared")" = libarmjit.so.0 ] || fail "embed_pc_shared does not use libarmjit.so.0"
run_embed "$work/embed_pc_shared"
step_done

step "pkg-config --static, libarmjit.a"
static_libs=$(pkg-config --static --libs armjit)
for l in -lm $(pkg-config --print-requires-private armjit | sed 's/^lib//; s/^/-l/'); do
  case " $static_libs " in *" $l "*) ;; *) fail "pkg-config --static --libs lacks $l: $static_libs" ;; esac
done
# shellcheck disable=SC2046,SC2086
quiet "$cc" $cflags "$app" -o "$work/embed_pc_static" $(pkg-config --cflags armjit) \
  ${static_libs/-larmjit/-l:libarmjit.a}
[ "$(needs "$work/embed_pc_static")" = none ] || fail "embed_pc_static uses the shared library"
run_embed "$work/embed_pc_static"
step_done

cmake_args=()
if [ -n "$toolchain" ]; then
  cmake_args+=("-DCMAKE_TOOLCHAIN_FILE=$toolchain")
else
  cmake_args+=("-DCMAKE_C_COMPILER=$cc") # the library's compiler (and sanitizer runtime)
fi

step "find_package(armjit), armjit::armjit"
quiet cmake -S "$source/examples/embed" -B "$work/find_package" "${cmake_args[@]}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$cflags"
quiet cmake --build "$work/find_package" -j "$jobs"
[ "$(needs "$work/find_package/embed")" = none ] || fail "find_package's embed uses the shared library"
run_embed "$work/find_package/embed"
step_done

step "add_subdirectory(armjit), default options"
quiet cmake -S "$source/examples/embed" -B "$work/add_subdirectory" "${cmake_args[@]}" \
  -DARMJIT_SOURCE="$source"
quiet cmake --build "$work/add_subdirectory" -j "$jobs" --target embed armjit-cli
[ -e "$work/add_subdirectory/armjit/armjit" ] || fail "add_subdirectory: no armjit CLI built"
[ ! -e "$work/add_subdirectory/armjit/tests" ] || fail "add_subdirectory: the tests were configured"
! grep -q -- -Werror "$work/add_subdirectory/CMakeFiles/embed.dir/flags.make" ||
  fail "add_subdirectory: -Werror reached the application"
run_embed "$work/add_subdirectory/embed"
step_done

rm -rf "$work"
echo "consumer: installed, and built and ran four ways"
