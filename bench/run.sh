#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmarks, printed as a markdown table.
# Usage: bench/run.sh ARM_BUILD_DIR "RUNNER"
#   ARM_BUILD_DIR  an ARM build (make bench passes build/armhf)
#   RUNNER         how to run its binaries: "qemu-arm -L ..." on x86, "" on ARM
# The host numbers come from a separate Release build in build/bench-host
# (build/host is the ASan/UBSan debug build: useless for timing).
# Environment: REPS (compiles per trace size, default 20).
set -euo pipefail

arm_dir=${1:?usage: bench/run.sh ARM_BUILD_DIR RUNNER}
runner=${2:-}
reps=${REPS:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2

# Quiet unless a step fails.
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    echo "$out" >&2
    echo "bench: failed: $*" >&2
    exit 1
  fi
}

host_dir=build/bench-host
if [ ! -f "$host_dir/Makefile" ]; then
  quiet cmake -S . -B "$host_dir" -DCMAKE_BUILD_TYPE=Release -DARMJIT_TESTS=OFF
fi
quiet cmake --build "$host_dir" -j "$jobs" --target compile_speed
quiet cmake --build "$arm_dir" -j "$jobs" --target compile_speed

# compile_speed prints: ops=N reps=R median_ns_per_op=X min_ns_per_op=Y code_bytes_per_op=Z
row() { # target-label, compile_speed output
  local label=$1 line
  while read -r line; do
    set -- $line
    printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "${1#ops=}" "${2#reps=}" \
      "${3#median_ns_per_op=}" "${4#min_ns_per_op=}" "${5#code_bytes_per_op=}"
  done
}

host_out=$("$host_dir/bench/compile_speed" "$reps")
# shellcheck disable=SC2086  # RUNNER is a command with arguments
arm_out=$($runner "$arm_dir/bench/compile_speed" "$reps")
arm_label="$(basename "$arm_dir")"
[ -n "$runner" ] && arm_label="$arm_label (under ${runner%% *})"

echo "## Compile speed (armjit_compile_loop only)"
echo
echo "| build | trace ops | compiles | ns/op median | ns/op min | code bytes/op |"
echo "|---|---:|---:|---:|---:|---:|"
echo "$host_out" | row "host $(uname -m), Release"
echo "$arm_out" | row "$arm_label"
echo
echo "Host: the code generator running as a cross compiler.  Under qemu the"
echo "ARM figures measure emulated time, not a real core."
