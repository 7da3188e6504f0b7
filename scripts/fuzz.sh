#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Random differential testing on both ABIs with a chosen seed and count:
#   scripts/fuzz.sh SEED N        (what `make fuzz SEED=.. N=..` runs)
# Runs build/armhf and build/armel tests/arm_random_diff (under qemu-arm
# on non-ARM hosts; N traces and N GC traces) and prints each one's summary
# lines.  The full output, including mismatch reports with minimized
# traces, is kept in build/<abi>/fuzz-SEED.log.  ARMJIT_BUILD overrides the build folder.
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 SEED N" >&2
  exit 2
fi
seed=$1
count=$2
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ARMJIT_BUILD:-$root/build}
case "$(uname -m)" in
  arm*) native=1 ;;
  *) native=0 ;;
esac

status=0
for abi in armhf armel; do
  case $abi in
    armhf) triple=arm-linux-gnueabihf ;;
    armel) triple=arm-linux-gnueabi ;;
  esac
  bin="$build/$abi/tests/arm_random_diff"
  if [ ! -x "$bin" ]; then
    echo "$abi: $bin not built (make $abi)" >&2
    status=1
    continue
  fi
  if [ $native = 1 ]; then
    runner=()
  else
    # the cross libc next to the cross loader (as the ctest emulator does)
    runner=(qemu-arm -L "/usr/$triple" -E "LD_LIBRARY_PATH=/usr/$triple/lib")
  fi
  log="$build/$abi/fuzz-$seed.log"
  start=$(date +%s)
  ARMJIT_SEED=$seed ARMJIT_COUNT=$count ARMJIT_GC_COUNT=$count "${runner[@]}" "$bin" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  summary=$(grep '^random traces: .*compared' "$log" | tail -1)
  gcsummary=$(grep '^random GC traces: .*compared' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    status=1
    echo "$abi: FAILED (exit $rc, ${secs} s); first lines of $log:"
    head -n 150 "$log"
  fi
  echo "$abi: ${summary:-no summary (crashed?)} (${secs} s)"
  echo "$abi: ${gcsummary:-no GC summary (crashed?)}"
done
exit $status
