#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the tutorial and the example traces of one build.
# Usage: scripts/demo.sh BUILD_DIR "RUNNER"
#   RUNNER runs an ARM binary: e.g. "qemu-arm -L /usr/arm-linux-gnueabihf" on
#   x86-64, empty on an ARM host.  `make demo` passes both.
# Each trace file examples/traces/*.ir may start with "# args: 10 20 1.5":
# the inputs for `armjit run`.
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
traces=("$here"/examples/traces/*.ir)
if [ -x "$cli" ] && [ ${#traces[@]} -gt 0 ]; then
  for f in "${traces[@]}"; do
    name=${f#"$here"/}
    args=$(head -n 1 "$f" | sed -n 's/^#[[:space:]]*args:[[:space:]]*//p')
    heading "$name: compiled code"
    run "$cli" dis "$f" || status=1
    heading "$name: run with inputs ${args:-(none)}"
    if [ -n "$args" ]; then
      # shellcheck disable=SC2086
      run "$cli" run "$f" --args $args || status=1
    else
      run "$cli" run "$f" || status=1
    fi
  done
else
  printf '\n(no CLI or no examples/traces/*.ir yet: only the tutorial ran)\n'
fi
exit $status
