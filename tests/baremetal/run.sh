#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One bare-metal test: build an image, boot it on the emulated Zynq-7000
# (Cortex-A9), check its exit status and what it printed on the UART.
#
# Usage: run.sh --name NAME --work DIR [--cli ARMJIT] [--runner CMD] [--show]
#               [--obj-args ARGS] [--no-libgcc] -- SOURCE...
#   SOURCE.mir  compiled to an ELF object by `ARMJIT mc obj`; or, when it has
#               a line `# image: ARGS`, linked into a flat image by
#               `ARMJIT mc image SOURCE ARGS` and embedded: the object then
#               holds the image's bytes in .rodata between STEM_image_start
#               and STEM_image_end, and the link defines STEM_SYM for every
#               symbol of the image's map (its address) and STEM_chain_SYM_N
#               for chained symbol SYM+N (its number k), STEM being the file
#               name without .mir
#   SOURCE.c    compiled by arm-none-eabi-gcc
#   SOURCE.S    assembled by arm-none-eabi-gcc
# --runner CMD runs ARMJIT through CMD (e.g. qemu-arm for an ARM build);
# --show prints the UART's lines; --obj-args ARGS are added to every
# `ARMJIT mc obj` (e.g. --helpers aeabi).
# The objects are linked by arm-none-eabi-ld with link.ld and libgcc (not
# with --no-libgcc: everything must then come from the objects), and the
# image runs under qemu-system-arm with a 10 s timeout.  The sources say what
# to expect in comment lines (`#` in .mir, any comment in C):
#   uart: TEXT    the next line the UART must print (all of them, in order);
#                 {FUNC} in TEXT stands for what the reference interpreter
#                 prints for `ARMJIT mc run SOURCE --interp --call FUNC`
#   exit: N       the exit status (default 0), given through semihosting
#   placed: SECTION SYM...   each SYM lies inside the image's output section
#                 SECTION (readelf -S / -s of image.elf)
#   entry: SYM    the image's ELF entry is SYM
# Exit status: 0 passed, 1 failed, 77 skipped (a tool is missing).
set -u
here=$(cd "$(dirname "$0")" && pwd)
name="" work="" cli="" runner="" show=0 obj_args="" libgcc_link=1
while [ $# -gt 0 ]; do
  case $1 in
    --name) name=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --runner) runner=$2; shift 2 ;;
    --show) show=1; shift ;;
    --obj-args) obj_args=$2; shift 2 ;;
    --no-libgcc) libgcc_link=0; shift ;;
    --) shift; break ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$name" ] || [ -z "$work" ] || [ $# -eq 0 ]; then
  echo "usage: run.sh --name NAME --work DIR [--cli ARMJIT] -- SOURCE..." >&2; exit 2
fi

CC=${ARM_NONE_EABI_GCC:-arm-none-eabi-gcc}
LD=${ARM_NONE_EABI_LD:-arm-none-eabi-ld}
READELF=${ARM_NONE_EABI_READELF:-arm-none-eabi-readelf}
QEMU=${QEMU_SYSTEM_ARM:-qemu-system-arm}
for t in "$CC" "$LD" "$READELF" "$QEMU" timeout; do
  if ! command -v "$t" >/dev/null 2>&1; then
    echo "bare-metal $name: skipped: '$t' is not installed (scripts/deps.sh installs it)"
    exit 77
  fi
done
cpu_flags="-mcpu=cortex-a9 -marm -mfpu=vfpv3-d16 -mfloat-abi=hard"

fail() { echo "bare-metal $name: FAILED: $*"; exit 1; }
# $runner is a command with arguments: split it on purpose.
armjit() {
  # shellcheck disable=SC2086
  $runner "$cli" "$@"
}

# SOURCE.mir with `# image: ARGS`: the flat image, its bytes in the object
# OUT (assembled .incbin), its map's symbols as --defsym options in $defsyms.
defsyms=()
embed_image() {
  local src=$1 stem=$2 args=$3 out=$4
  # shellcheck disable=SC2086
  armjit mc image "$src" $args --map -o "$dir/$stem.bin" > "$dir/$stem.map" 2> "$dir/$stem.log" ||
    fail "armjit mc image $stem.mir: $(cat "$dir/$stem.log")"
  printf '        .section .rodata.%s, "a"\n        .balign 4\n        .global %s_image_start, %s_image_end\n%s_image_start:\n        .incbin "%s.bin"\n%s_image_end:\n' \
    "$stem" "$stem" "$stem" "$stem" "$stem" "$stem" > "$dir/$stem.S"
  # shellcheck disable=SC2086
  (cd "$dir" && "$CC" $cpu_flags -c "$stem.S" -o "$out") > "$dir/$stem.log" 2>&1 ||
    fail "assembling $stem.S: $(cat "$dir/$stem.log")"
  while read -r kind a b _; do
    case $kind in
      symbol) defsyms+=("--defsym=${stem}_$b=$a") ;;
      chained) b=${b//+/_}; defsyms+=("--defsym=${stem}_chain_${b//-/_m}=$a") ;;
    esac
  done < "$dir/$stem.map"
}

dir=$work/$name
rm -rf "$dir" && mkdir -p "$dir" || fail "cannot create $dir"
objs=() expect_uart=() expect_exit=0 expect_placed=() expect_entry=""
for src in "$@"; do
  [ -f "$src" ] || src=$here/$src
  [ -f "$src" ] || fail "no source $src"
  base=$(basename "$src")
  obj=$dir/$base.o
  case $src in
    *.mir)
      [ -n "$cli" ] || fail "$base needs --cli ARMJIT"
      img=$(sed -n 's/^#[[:space:]]*image:[[:space:]]*//p' "$src" | head -n 1)
      if [ -n "$img" ]; then
        embed_image "$src" "${base%.mir}" "$img" "$obj"
      else
        # shellcheck disable=SC2086
        armjit mc obj "$src" $obj_args -o "$obj" > "$dir/$base.log" 2>&1 ||
          fail "armjit mc obj $base: $(cat "$dir/$base.log")"
      fi ;;
    *.c|*.S)
      # shellcheck disable=SC2086
      "$CC" $cpu_flags -O1 -g -ffreestanding -fno-builtin -Wall -Werror -c "$src" -o "$obj" \
        > "$dir/$base.log" 2>&1 || fail "compiling $base: $(cat "$dir/$base.log")" ;;
    *) fail "unknown source kind: $base" ;;
  esac
  objs+=("$obj")
  while IFS= read -r line; do
    while [[ $line =~ \{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
      fn=${BASH_REMATCH[1]}
      v=$(armjit mc run "$src" --interp --call "$fn" 2> "$dir/interp.log") ||
        fail "the interpreter on @$fn: $(cat "$dir/interp.log")"
      line=${line//\{$fn\}/$v}
    done
    expect_uart+=("$line")
  done < <(
    sed -n 's/^[[:space:]]*\(#\|\/\/\|\/\*\|\*\)[[:space:]]*uart: \{0,1\}//p' "$src")
  e=$(sed -n 's/^[[:space:]]*\(#\|\/\/\|\/\*\|\*\)[[:space:]]*exit:[[:space:]]*\([0-9]*\).*/\2/p' "$src" | head -n 1)
  [ -n "$e" ] && expect_exit=$e
  while IFS= read -r line; do expect_placed+=("$line"); done < <(
    sed -n 's/^[[:space:]]*\(#\|\/\/\|\/\*\|\*\)[[:space:]]*placed:[[:space:]]*//p' "$src")
  e=$(sed -n 's/^[[:space:]]*\(#\|\/\/\|\/\*\|\*\)[[:space:]]*entry:[[:space:]]*\([A-Za-z_0-9]*\).*/\2/p' "$src" | head -n 1)
  [ -n "$e" ] && expect_entry=$e
done

# shellcheck disable=SC2086
libgcc=()
[ $libgcc_link -eq 1 ] && libgcc=("$("$CC" $cpu_flags -print-libgcc-file-name)")
"$LD" -T "$here/link.ld" -Map "$dir/image.map" "${defsyms[@]}" "${objs[@]}" "${libgcc[@]}" \
  -o "$dir/image.elf" \
  > "$dir/ld.log" 2>&1 || fail "arm-none-eabi-ld: $(cat "$dir/ld.log")"
[ -s "$dir/ld.log" ] && fail "arm-none-eabi-ld warned: $(cat "$dir/ld.log")"

# Where the symbols lie: `placed:` and `entry:` lines.
"$READELF" -hSsW "$dir/image.elf" > "$dir/image.readelf" 2>&1 || fail "readelf: $(cat "$dir/image.readelf")"
sym_addr() { awk -v n="$1" '$8 == n && $2 ~ /^[0-9a-f]+$/ { print $2; exit }' "$dir/image.readelf"; }
for line in "${expect_placed[@]}"; do
  read -r sec syms <<< "$line"
  range=$(awk -v n="$sec" '{ for (i = 1; i < NF; i++) if ($i == n) { print $(i + 2), $(i + 4); exit } }' \
    "$dir/image.readelf")
  [ -n "$range" ] || fail "the image has no section $sec"
  read -r sa ss <<< "$range"
  for sym in $syms; do
    a=$(sym_addr "$sym")
    [ -n "$a" ] || fail "the image has no symbol $sym"
    (( 16#$a >= 16#$sa && 16#$a < 16#$sa + 16#$ss )) ||
      fail "$sym (0x$a) is not in $sec (0x$sa, 0x$ss bytes)"
  done
done
if [ -n "$expect_entry" ]; then
  a=$(sym_addr "$expect_entry")
  entry=$(sed -n 's/^ *Entry point address: *0x\([0-9a-f]*\)/\1/p' "$dir/image.readelf")
  [ -n "$a" ] && (( 16#$a == 16#$entry )) || fail "the entry is 0x$entry, not $expect_entry (0x$a)"
fi

start=$(date +%s%N)
timeout 10 "$QEMU" -M xilinx-zynq-a9 -m 256M -nographic -semihosting -monitor none \
  -serial stdio -kernel "$dir/image.elf" > "$dir/uart.txt" 2> "$dir/qemu.err" < /dev/null
status=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
tr -d '\r' < "$dir/uart.txt" > "$dir/uart.lines"
[ $show -eq 1 ] && sed 's/^/  uart| /' "$dir/uart.lines"
[ $status -eq 124 ] && fail "no exit within 10 s (UART: $(head -c 400 "$dir/uart.lines"))"

printf '%s\n' "${expect_uart[@]}" > "$dir/expect.lines"
[ ${#expect_uart[@]} -eq 0 ] && : > "$dir/expect.lines"
if ! diff -u "$dir/expect.lines" "$dir/uart.lines" > "$dir/uart.diff"; then
  cat "$dir/uart.diff"; cat "$dir/qemu.err"
  fail "UART output differs (exit status $status)"
fi
[ $status -eq "$expect_exit" ] || fail "exit status $status, expected $expect_exit ($(cat "$dir/qemu.err"))"
echo "bare-metal $name: passed in $ms ms (exit $status, ${#expect_uart[@]} UART lines)"
