#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One bare-metal test: build an image, boot it on the emulated Zynq-7000
# (Cortex-A9), check its exit status and what it printed on the UART.
#
# Usage: run.sh --name NAME --work DIR [--cli ARMJIT] -- SOURCE...
#   SOURCE.mir  compiled to an ELF object by `ARMJIT mc obj`
#   SOURCE.c    compiled by arm-none-eabi-gcc
#   SOURCE.S    assembled by arm-none-eabi-gcc
# The objects are linked by arm-none-eabi-ld with link.ld and libgcc, and the
# image runs under qemu-system-arm with a 10 s timeout.  The sources say what
# to expect in comment lines (`#` in .mir, any comment in C):
#   uart: TEXT    the next line the UART must print (all of them, in order)
#   exit: N       the exit status (default 0), given through semihosting
# Exit status: 0 passed, 1 failed, 77 skipped (a tool is missing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
name="" work="" cli=""
while [ $# -gt 0 ]; do
  case $1 in
    --name) name=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$name" ] || [ -z "$work" ] || [ $# -eq 0 ]; then
  echo "usage: run.sh --name NAME --work DIR [--cli ARMJIT] -- SOURCE..." >&2; exit 2
fi

CC=${ARM_NONE_EABI_GCC:-arm-none-eabi-gcc}
LD=${ARM_NONE_EABI_LD:-arm-none-eabi-ld}
QEMU=${QEMU_SYSTEM_ARM:-qemu-system-arm}
for t in "$CC" "$LD" "$QEMU" timeout; do
  if ! command -v "$t" >/dev/null 2>&1; then
    echo "bare-metal $name: skipped: '$t' is not installed (scripts/deps.sh installs it)"
    exit 77
  fi
done
cpu_flags="-mcpu=cortex-a9 -marm -mfpu=vfpv3-d16 -mfloat-abi=hard"

fail() { echo "bare-metal $name: FAILED: $*"; exit 1; }

dir=$work/$name
rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"
objs=() expect_uart=() expect_exit=0
for src in "$@"; do
  [ -f "$src" ] || src=$here/$src
  [ -f "$src" ] || fail "no source $src"
  base=$(basename "$src")
  obj=$dir/${base%.*}.o
  case $src in
    *.mir)
      [ -n "$cli" ] || fail "$base needs --cli ARMJIT"
      "$cli" mc obj "$src" -o "$obj" > "$dir/$base.log" 2>&1 ||
        fail "armjit mc obj $base: $(cat "$dir/$base.log")" ;;
    *.c|*.S)
      # shellcheck disable=SC2086
      "$CC" $cpu_flags -O1 -g -ffreestanding -fno-builtin -Wall -Werror -c "$src" -o "$obj" \
        > "$dir/$base.log" 2>&1 || fail "compiling $base: $(cat "$dir/$base.log")" ;;
    *) fail "unknown source kind: $base" ;;
  esac
  objs+=("$obj")
  while IFS= read -r line; do expect_uart+=("$line"); done < <(
    sed -n 's/^[[:space:]]*\(#\|\/\/\|\/\*\|\*\)[[:space:]]*uart: \{0,1\}//p' "$src")
  e=$(sed -n 's/^[[:space:]]*\(#\|\/\/\|\/\*\|\*\)[[:space:]]*exit:[[:space:]]*\([0-9]*\).*/\2/p' "$src" | head -n 1)
  [ -n "$e" ] && expect_exit=$e
done

# shellcheck disable=SC2086
libgcc=$("$CC" $cpu_flags -print-libgcc-file-name)
"$LD" -T "$here/link.ld" -Map "$dir/image.map" "${objs[@]}" "$libgcc" -o "$dir/image.elf" \
  > "$dir/ld.log" 2>&1 || fail "arm-none-eabi-ld: $(cat "$dir/ld.log")"
[ -s "$dir/ld.log" ] && fail "arm-none-eabi-ld warned: $(cat "$dir/ld.log")"

start=$(date +%s%N)
timeout 10 "$QEMU" -M xilinx-zynq-a9 -m 256M -nographic -semihosting -monitor none \
  -serial stdio -kernel "$dir/image.elf" > "$dir/uart.txt" 2> "$dir/qemu.err" < /dev/null
status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' < "$dir/uart.txt" > "$dir/uart.lines"
[ $status -eq 124 ] && fail "no exit within 10 s (UART: $(head -c 400 "$dir/uart.lines"))"

printf '%s\n' "${expect_uart[@]}" > "$dir/expect.lines"
[ ${#expect_uart[@]} -eq 0 ] && : > "$dir/expect.lines"
if ! diff -u "$dir/expect.lines" "$dir/uart.lines" > "$dir/uart.diff"; then
  cat "$dir/uart.diff"; cat "$dir/qemu.err"
  fail "UART output differs (exit status $status)"
fi
[ $status -eq "$expect_exit" ] || fail "exit status $status, expected $expect_exit ($(cat "$dir/qemu.err"))"
echo "bare-metal $name: passed in $ms ms (exit $status, ${#expect_uart[@]} UART lines)"
