#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the tutorial, the example traces and the example programs of one
# build, then boot a bare-metal image compiled by armjit on qemu-system-arm.
# Usage: scripts/demo.sh BUILD_DIR "RUNNER"
#   RUNNER runs an ARM binary: e.g. "qemu-arm -L /usr/arm-linux-gnueabihf" on
#   x86-64, empty on an ARM host.  `make demo` passes both.
# A trace file examples/traces/*.ir or examples/cli/*.ir (these use the
# CLI's buffers and built-in functions) may start with header comments that
# `armjit run` reads itself: "# args: 10 20 1.5", "# alloc: buf=64",
# "# dump: buf:i32", "# gc: type=1:fixed:32:24" (examples/gc/*.ir: the
# CLI's moving collector).
set -u
build=${1:?usage: demo.sh BUILD_DIR \"RUNNER\"}
runner=${2:-}
here=$(cd "$(dirname "$0")/.." && pwd)
status=0

heading() { printf '\n==== %s ====\n\n' "$*"; }

# $runner is a command with arguments: split it on purpose.
run() {
  # shellcheck disable=SC2086
  $runner "$@"
}

if [ ! -x "$build/tutorial" ]; then
  echo "demo: $build/tutorial not found; build first (make armhf)" >&2
  exit 1
fi
heading "tutorial: assemble, disassemble and call a function"
run "$build/tutorial" || status=1

cli="$build/armjit"
shopt -s nullglob
traces=("$here"/examples/traces/*.ir "$here"/examples/cli/*.ir "$here"/examples/bridges/*.ir
        "$here"/examples/gc/*.ir)
if [ -x "$cli" ] && [ ${#traces[@]} -gt 0 ]; then
  for f in "${traces[@]}"; do
    name=${f#"$here"/}
    args=$(sed -n 's/^#[[:space:]]*args:[[:space:]]*//p' "$f" | head -n 1)
    heading "$name: compiled code"
    run "$cli" dis "$f" || status=1
    heading "$name: run with inputs ${args:-(none)}"
    run "$cli" run "$f" || status=1
  done
else
  printf '\n(no CLI or no examples/traces/*.ir yet: only the tutorial ran)\n'
fi

# The method compiler: a module of whole functions (examples/mc/*.mir),
# its code per function with the IR, then calls of its functions.
if [ -x "$cli" ] && [ -f "$here/examples/mc/sum.mir" ]; then
  mc="$here/examples/mc/sum.mir"
  heading "examples/mc/sum.mir: the method compiler's code"
  run "$cli" mc dis "$mc" || status=1
  heading "examples/mc/sum.mir: @sum over the array {1, 2, 3, 4, 5}, @fib(20)"
  printf 'armjit mc run examples/mc/sum.mir --alloc a=32:i32:5,0,1,2,3,4,5 --call sum a+8 5\n'
  run "$cli" mc run "$mc" --alloc a=32:i32:5,0,1,2,3,4,5 --call sum a+8 5 || status=1
  printf 'armjit mc run examples/mc/sum.mir --call fib 20\n'
  run "$cli" mc run "$mc" --call fib 20 || status=1
  printf 'armjit mc run examples/mc/sum.mir --call fib 20 --interp\n'
  run "$cli" mc run "$mc" --call fib 20 --interp || status=1
fi

if [ -x "$build/examples/tinyvm/tinyvm" ]; then
  heading "examples/tinyvm: a bytecode interpreter with a tracing JIT"
  run "$build/examples/tinyvm/tinyvm" || status=1
fi
if [ -x "$build/examples/bf/bf" ]; then
  heading "examples/bf: Brainfuck with its innermost loops compiled"
  run "$build/examples/bf/bf" --stats "$here/examples/bf/hello.bf" </dev/null 2>&1 || status=1
fi
# Bare metal: the method compiler's ELF objects (tests/baremetal/rt.mir, the
# startup and runtime, and demo.mir) linked by arm-none-eabi-ld and booted on
# the emulated Zynq-7000 (Cortex-A9); run.sh checks what the UART prints.
if [ -x "$cli" ]; then
  heading "bare metal: an image compiled by armjit, booted on qemu-system-arm (Cortex-A9)"
  printf 'armjit mc obj tests/baremetal/rt.mir, demo.mir; arm-none-eabi-ld; qemu-system-arm -M xilinx-zynq-a9\n'
  bash "$here/tests/baremetal/run.sh" --name demo --work "$build/baremetal" --cli "$cli" \
    --runner "$runner" --show -- rt.mir demo.mir
  rc=$?
  # 77: qemu-system-arm or the arm-none-eabi tools are missing (run.sh said so)
  [ $rc -eq 0 ] || [ $rc -eq 77 ] || status=1
fi
exit $status
