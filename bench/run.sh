#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmarks, printed as markdown tables (README "Fuzzing and benchmarks"
# says what each table holds).
# Usage: bench/run.sh ARM_BUILD_DIR "RUNNER"
#   ARM_BUILD_DIR  an ARM hard-float build (make bench passes build/armhf)
#   RUNNER         how to run its binaries: "qemu-arm -L ..." on x86, "" on ARM
# The host numbers come from a separate Release build in build/bench-host
# (build/host is the ASan/UBSan debug build: useless for timing); it also
# builds libcount.so, the qemu plugin that counts guest instructions.
# Environment: REPS (timed runs per trace size, default 20),
#              CALLGRIND=0 skips the host instruction counts.
set -euo pipefail

arm_dir=${1:?usage: bench/run.sh ARM_BUILD_DIR RUNNER}
runner=${2:-}
reps=${REPS:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -gt 2 ] && jobs=2
out_dir=build/bench
mkdir -p "$out_dir"

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
host_targets=(compile_speed mc_bench armjit_chart)
[ -n "$runner" ] && host_targets+=(armjit_count)
quiet cmake --build "$host_dir" -j "$jobs" --target "${host_targets[@]}"
quiet cmake --build "$arm_dir" -j "$jobs" --target kernels mc_bench gc_bench

# ---- compile speed ----------------------------------------------------------
# compile_speed prints: ops=N path=P reps=R median_ns_per_op=X min_ns_per_op=Y code_bytes_per_op=Z
#                       faults_per_op=F
speed=$("$host_dir/bench/compile_speed" "$reps")
have_cg=0
if [ "${CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then have_cg=1; fi
# Host instructions per op of one run (callgrind counts deterministically).
instr_per_op() { # path ops
  local f="$out_dir/callgrind.$1.$2" line ops total
  line=$(valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_once \
           --callgrind-out-file="$f" "$host_dir/bench/compile_speed" --once "$1" "$2" 2>/dev/null)
  ops=${line#ops=}; ops=${ops%% *}
  total=$(awk '/^totals:/ {print $2}' "$f")
  awk -v t="$total" -v n="$ops" 'BEGIN {printf "%.0f", t / n}'
}

echo "## Compile speed (host $(uname -m), Release build)"
echo
echo "The mixed trace (bench/mixtrace.h), eight traces of each size (two at"
echo "100,000 ops) taken in turn: a branch predictor learns one trace compiled"
echo "again and again.  Code bytes: the first trace's.  Host instructions: one run"
echo "of the first trace.  api: build it through the API (its"
echo "random choices made before the clock starts: of the building, only the"
echo "builder calls are timed), validate, compile.  parse: armjit_trace_parse of its text.  text: parse,"
echo "validate, compile.  nolist: api with ARMJIT_NO_LISTING (the loop keeps no"
echo "hold on its trace for armjit_loop_dis).  Page faults: minor faults per op over the"
echo "timed runs (memory the C library took from the kernel again after giving"
echo "it back between runs; their time is in ns/op, not in the instruction count)."
echo
echo "| trace ops | path | ns/op median | ns/op min | host instr/op | code bytes/op | page faults/op |"
echo "|---:|---|---:|---:|---:|---:|---:|"
speed_dat=$out_dir/compile.dat
: > "$speed_dat"
while read -r line; do
  set -- $line
  [ "$1" = recovery ] && continue
  ops=${1#ops=} path=${2#path=} med=${4#median_ns_per_op=} min=${5#min_ns_per_op=}
  code=${6#code_bytes_per_op=} faults=${7#faults_per_op=}
  [ "$path" = parse ] && code="-"
  ins="-"
  [ "$have_cg" = 1 ] && ins=$(instr_per_op "$path" "$ops")
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$ops" "$path" "$med" "$min" "$ins" "$code" "$faults"
  echo "$path $ops $ins" >> "$speed_dat"
done <<< "$speed"
if [ "$have_cg" != 1 ]; then
  echo
  echo "(host instructions: valgrind not found or CALLGRIND=0)"
else
  # One group per path, one bar per trace size (sizes in the table's order).
  sizes=$(awk '!seen[$2]++ {printf "%s%s ops", n++ ? "," : "", $2}' "$speed_dat")
  awk '{ if (!($1 in row)) order[n++] = $1; row[$1] = row[$1] " " $3 }
       END { for (i = 0; i < n; i++) print order[i] row[order[i]] }' "$speed_dat" |
    "$host_dir/bench/chart" "$out_dir/compile.png" "host instructions per op" "$sizes"
  echo
  echo "Chart: $out_dir/compile.png (host instructions per op)."
fi
echo

echo "## Recovery data (the mixed trace, compiled)"
echo
echo "Where each exit's values are when it is taken: bytes the loop keeps per"
echo "fail arg, and the exits (with values) that share an earlier exit's map"
echo "(looked up in a table of up to 4,096 recent maps; armjit_loop_recovery_stats)."
echo
echo "| trace ops | bytes | fail args | bytes/fail arg | maps | shared |"
echo "|---:|---:|---:|---:|---:|---:|"
while read -r line; do
  set -- $line
  [ "$1" = recovery ] || continue
  ops=${2#ops=} b=${3#bytes=} f=${4#fail_args=} m=${5#maps=} sh=${6#shared=}
  printf '| %s | %s | %s | %s | %s | %s (%s%%) |\n' "$ops" "$b" "$f" \
    "$(awk -v b="$b" -v f="$f" 'BEGIN {printf "%.2f", b / f}')" "$m" "$sh" \
    "$(awk -v s="$sh" -v m="$m" 'BEGIN {printf "%.0f", 100 * s / m}')"
done <<< "$speed"
echo
echo "Over the random traces of the tests, see the \"recovery:\" line of make check."
echo

# ---- method compiler: compile speed -----------------------------------------
# mc_bench speed prints: ops=N path=P reps=R median_ns_per_op=X min_ns_per_op=Y code_bytes_per_op=Z
echo "## Method compiler: compile speed"
echo
echo "One generated function of about 5,000 IR ops (bench/mc_bench.c: blocks of"
echo "int, i64 and float code with loads and stores, diamonds, a loop, a call)."
echo "compile: armjit_module_compile of the parsed module (liveness, allocation,"
echo "lowering, one buffer); text: parse, validate and compile.  The anchor:"
echo "tcc compiles a 5,000-line C function to ARM in 7.5 ms."
echo
echo "| build | path | IR ops | ns/op median | ns/op min | ms per function | code bytes/op |"
echo "|---|---|---:|---:|---:|---:|---:|"
mc_rows() { # label, output
  local label=$1 line
  while read -r line; do
    set -- $line
    local ops=${1#ops=} med=${4#median_ns_per_op=}
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "${2#path=}" "$ops" "$med" \
      "${5#min_ns_per_op=}" "$(awk -v m="$med" -v n="$ops" 'BEGIN {printf "%.2f", m * n / 1e6}')" \
      "${6#code_bytes_per_op=}"
  done
}
"$host_dir/bench/mc_bench" speed "$reps" | mc_rows "host $(uname -m), Release"
# shellcheck disable=SC2086  # RUNNER is a command with arguments
$runner "$arm_dir/bench/mc_bench" speed "$reps" | mc_rows "$(basename "$arm_dir")${runner:+ (under ${runner%% *})}"
echo
# ---- guest instructions -------------------------------------------------------
plugin=$host_dir/bench/libcount.so
if [ -z "$runner" ]; then
  echo "## Guest instructions"
  echo
  echo "Not measured: this is an ARM machine, and the counts come from a"
  echo "qemu-arm plugin."
  exit 0
fi
if ! qemu-arm -h 2>/dev/null | grep -q -- '^-plugin'; then
  echo "## Guest instructions"
  echo
  echo "Not measured: this qemu-arm has no TCG plugin support."
  exit 0
fi
counts=$out_dir/kernels.count
rm -f "$counts"
# shellcheck disable=SC2086  # RUNNER is a command with arguments
plan=$(${runner/qemu-arm/qemu-arm -plugin $plugin,out=$counts} "$arm_dir/bench/kernels")
win() { awk -v k="$1" '$1 == "count" && $2 == "window" && $3 == k {print $4}' "$counts"; }
# The window number of a plan line matching the pattern.
widx() { awk -v p="$1" '$0 ~ p {print $2; exit}' <<< "$plan"; }
per_iter() { # kernel compiler
  local a b n1 n2
  a=$(win "$(widx " kernel $1 $2 1000\$")")
  b=$(win "$(widx " kernel $1 $2 2000\$")")
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%g", (b - a) / 1000}'
}
nm_tool=${NM:-arm-linux-gnueabihf-nm}
gcc_size() { # symbol
  if command -v "$nm_tool" >/dev/null 2>&1; then
    local hex
    hex=$("$nm_tool" -S --defined-only "$arm_dir/bench/kernels" | awk -v s="$1" '$4 == s {print $2}')
    if [ -n "$hex" ]; then echo $((16#$hex)); else echo "-"; fi
  else
    echo "-"
  fi
}

echo "## Kernels (guest instructions per iteration under qemu-arm)"
echo
echo "Counted by libcount.so over runs of 1,000 and 2,000 iterations, the"
echo "difference divided by 1,000.  gcc: arm-linux-gnueabihf-gcc -O2"
echo "-march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard (bench/kernels_gcc.c)."
echo "Code bytes: armjit's whole loop (entry, body, exit stubs, exit path,"
echo "constants); gcc's function."
echo
echo "| kernel | armjit | gcc -O2 | armjit code bytes | gcc code bytes |"
echo "|---|---:|---:|---:|---:|"
declare -A gsym=([int_sum]=kg_int_sum [float_recurrence]=kg_float_rec
                 [array_sum]=kg_array_sum [call_loop]=kg_call_loop
                 [i64_mix]=kg_i64_mix [i64_mix_core]=kg_i64_mix
                 [i64_xorshift]=kg_i64_xorshift [i64_xorshift_core]=kg_i64_xorshift)
chart=$out_dir/kernels.dat
: > "$chart"
for k in int_sum float_recurrence array_sum call_loop i64_mix i64_mix_core i64_xorshift \
         i64_xorshift_core; do
  a=$(per_iter "$k" armjit) g=$(per_iter "$k" gcc)
  size=$(awk -v k="$k" '$1 == "size" && $2 == k {print $3}' <<< "$plan")
  printf '| %s | %s | %s | %s | %s |\n' "$k" "$a" "$g" "$size" "$(gcc_size "${gsym[$k]}")"
  echo "$k $a $g" >> "$chart"
done
echo

echo "## Guard exits (guest instructions)"
echo
echo "From a failing guard's branch back to the caller of armjit_run, for a"
echo "guard whose fail args are that many int inputs (registers, then stack"
echo "slots); the plugin window's closing call is not counted."
echo
echo "| fail args | instructions | per further fail arg |"
echo "|---:|---:|---:|"
one=
for n in 1 10 100; do
  c=$(( $(win "$(widx " exit $n\$")") - 1 ))
  [ -z "$one" ] && one=$c
  if [ "$n" = 1 ]; then per="-"; else
    per=$(awk -v c="$c" -v o="$one" -v n="$n" 'BEGIN {printf "%.1f", (c - o) / (n - 1)}'); fi
  printf '| %s | %s | %s |\n' "$n" "$c" "$per"
done
echo

echo "## Bridge entry (guest instructions)"
echo
echo "A whole armjit_run that leaves at a failing guard with 1 fail arg:"
echo "through the guard's exit, and with a bridge attached to the guard that"
echo "finishes with the value at once.  The guard's branch goes straight to"
echo "the bridge, which starts with the value where the guard left it; both"
echo "paths end in a 1-instruction stub and the same exit path, so the"
echo "difference is the bridge's entry cost beyond the branch."
echo
echo "| path | instructions | difference |"
echo "|---|---:|---:|"
b0=$(win "$(widx " bridge 0\$")") b1=$(win "$(widx " bridge 1\$")")
printf '| guard exit, 1 fail arg | %s | - |\n' "$b0"
printf '| the same guard into a bridge that finishes | %s | %s |\n' "$b1" "$(( b1 - b0 ))"
echo

"$host_dir/bench/chart" "$out_dir/kernels.png" "guest instructions per iteration" \
  "armjit,gcc -O2" < "$chart"
echo "Chart: $out_dir/kernels.png (the kernel table's instruction counts)."
echo
# ---- method compiler: kernels ---------------------------------------------------
mc_counts=$out_dir/mc_kernels.count
rm -f "$mc_counts"
# shellcheck disable=SC2086
mc_plan=$(${runner/qemu-arm/qemu-arm -plugin $plugin,out=$mc_counts} "$arm_dir/bench/mc_bench" kernels)
mc_per_iter() { # kernel compiler
  local a b
  a=$(awk -v k="$(awk -v p=" kernel $1 $2 1000\$" '$0 ~ p {print $2; exit}' <<< "$mc_plan")" \
        '$1 == "count" && $2 == "window" && $3 == k {print $4}' "$mc_counts")
  b=$(awk -v k="$(awk -v p=" kernel $1 $2 2000\$" '$0 ~ p {print $2; exit}' <<< "$mc_plan")" \
        '$1 == "count" && $2 == "window" && $3 == k {print $4}' "$mc_counts")
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%g", (b - a) / 1000}'
}
echo "## Method compiler: kernels (guest instructions per iteration under qemu-arm)"
echo
echo "The kernels above written as method IR functions (bench/mc_bench.c),"
echo "called from C, next to the same C functions from gcc -O2; counted as"
echo "above.  Code bytes: the whole function (prologue to epilogue)."
echo
echo "| kernel | method compiler | gcc -O2 | mc code bytes | gcc code bytes |"
echo "|---|---:|---:|---:|---:|"
for k in int_sum float_recurrence array_sum call_loop; do
  size=$(awk -v k="$k" '$1 == "size" && $2 == k {print $3}' <<< "$mc_plan")
  printf '| %s | %s | %s | %s | %s |\n' "$k" "$(mc_per_iter "$k" mc)" "$(mc_per_iter "$k" gcc)" \
    "$size" "$(gcc_size "${gsym[$k]}")"
done
echo
# ---- GC: allocation ------------------------------------------------------------
gc_counts=$out_dir/gc_bench.count
rm -f "$gc_counts"
# shellcheck disable=SC2086
gc_plan=$(${runner/qemu-arm/qemu-arm -plugin $plugin,out=$gc_counts} "$arm_dir/bench/gc_bench")
gc_per_alloc() { # kernel compiler
  local a b
  a=$(awk -v k="$(awk -v p=" gc $1 $2 1000\$" '$0 ~ p {print $2; exit}' <<< "$gc_plan")" \
        '$1 == "count" && $2 == "window" && $3 == k {print $4}' "$gc_counts")
  b=$(awk -v k="$(awk -v p=" gc $1 $2 2000\$" '$0 ~ p {print $2; exit}' <<< "$gc_plan")" \
        '$1 == "count" && $2 == "window" && $3 == k {print $4}' "$gc_counts")
  awk -v a="$a" -v b="$b" 'BEGIN {printf "%g", (b - a) / 1000}'
}
echo "## GC: allocation (guest instructions per allocation under qemu-arm)"
echo
echo "A loop that allocates and links a list of n nodes (new, two setfields,"
echo "the write barrier of the new node; bench/gc_bench.c) under a GC"
echo "descriptor, counted as above; the whole iteration counts.  alloc_list:"
echo "every allocation on the nursery's fast path; alloc_list_slow: a nursery"
echo "of 16 nodes, so every 16th allocation calls the slow path (which only"
echo "starts the nursery afresh: the cost of the call, its register saves"
echo "and GC map).  gcc -O2: the same loop in C with an inline bump"
echo "(bench/gc_bench_gcc.c)."
echo
echo "| kernel | armjit | gcc -O2 |"
echo "|---|---:|---:|"
for k in alloc_list alloc_list_slow; do
  printf '| %s | %s | %s |\n' "$k" "$(gc_per_alloc "$k" armjit)" "$(gc_per_alloc "$k" gcc)"
done
