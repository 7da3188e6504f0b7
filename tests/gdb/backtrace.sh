#!/bin/sh
# SPDX-License-Identifier: MIT
# gdb sees compiled loops through the GDB JIT interface: run jit_probe under
# gdb, stop in the C helper its compiled loop calls, and check the
# backtrace: helper, the loop (by its symbol), armjit_run, main; the same
# from the exit helper (called from the loop's exit path); that gdb decodes
# the loop's code as A32 (4-byte instructions); and that the program still
# finishes correctly afterwards.
#   backtrace.sh PROBE TRIPLE   under qemu-arm -g (TRIPLE: the cross sysroot)
#   backtrace.sh PROBE          natively (an ARM host)
# Exit 77 (skipped) when gdb-multiarch / gdb or qemu-arm is missing.
PROBE=$1
TRIPLE=$2
OUT=${TMPDIR:-/tmp}/armjit-gdb-$$
trap 'rm -f "$OUT".*' EXIT

GDB=$(command -v gdb-multiarch || command -v gdb)
[ -n "$GDB" ] || { echo "SKIP: no gdb-multiarch or gdb"; exit 77; }

# Stop in the helper the loop calls, then in the exit helper the loop's
# shared exit path calls; let the program finish.
set -- -ex "break jit_probe_helper" -ex "continue" -ex "bt" \
       -ex "frame 1" -ex "x/2i \$pc" -ex "delete" \
       -ex "break ajx_exit_helper" -ex "continue" -ex "bt" -ex "delete" -ex "continue"

if [ -n "$TRIPLE" ]; then
  command -v qemu-arm >/dev/null || { echo "SKIP: no qemu-arm"; exit 77; }
  # A port from the pid; on a clash (qemu exits at once) try the next ones.
  port=$((20000 + $$ % 20000))
  tries=0
  while :; do
    qemu-arm -g $port -L /usr/$TRIPLE -E LD_LIBRARY_PATH=/usr/$TRIPLE/lib "$PROBE" \
      >"$OUT.prog" 2>&1 &
    qpid=$!
    sleep 0.3
    kill -0 $qpid 2>/dev/null && break
    tries=$((tries + 1))
    [ $tries -lt 20 ] || { echo "FAIL: qemu-arm -g could not listen"; cat "$OUT.prog"; exit 1; }
    port=$((port + 1))
  done
  timeout 120 "$GDB" -batch -nx -ex "set sysroot /usr/$TRIPLE" -ex "file $PROBE" \
    -ex "target remote :$port" "$@" >"$OUT.gdb" 2>&1
  gdb_rc=$?
  # The probe runs to its end after "continue"; never leave it behind.
  ( sleep 30; kill $qpid 2>/dev/null ) &
  watchdog=$!
  wait $qpid
  prog_rc=$?
  kill $watchdog 2>/dev/null
else
  timeout 120 "$GDB" -batch -nx -ex "file $PROBE" -ex "set startup-with-shell off" \
    -ex "break main" -ex "run" "$@" >"$OUT.gdb" 2>&1
  gdb_rc=$?
  grep -v '^\[' "$OUT.gdb" >"$OUT.prog"
  grep -q 'exited normally' "$OUT.gdb"
  prog_rc=$?
fi

cat "$OUT.gdb"
fail=0
check() {  # check WHAT PATTERN: a line of gdb's output matches PATTERN
  if grep -Eq "$2" "$OUT.gdb"; then echo "ok: $1"; else echo "FAIL: $1 (no match for /$2/)"; fail=1; fi
}
name=$(sed -n 's/^\(loop[0-9A-Za-z_]*\): exit.*/\1/p' "$OUT.prog")
[ -n "$name" ] || { echo "FAIL: the probe did not print its loop's name"; cat "$OUT.prog"; fail=1; }
[ $gdb_rc -eq 0 ] || { echo "FAIL: gdb exited with $gdb_rc"; fail=1; }
[ $prog_rc -eq 0 ] || { echo "FAIL: the probe exited with $prog_rc"; cat "$OUT.prog"; fail=1; }
check "frame 0 is the helper" '^#0 +jit_probe_helper '
check "frame 1 is the compiled loop $name" "^#1 +0x[0-9a-f]+ in $name \(\)"
check "frame 2 is armjit_run" '^#2 +0x[0-9a-f]+ in armjit_run '
check "the backtrace reaches main" '^#3 +0x[0-9a-f]+ in main '
check "the exit helper is called from the exit path" "^#1 +0x[0-9a-f]+ in $name\.exit_path \(\)"
[ "$(grep -Ec '^#3 +0x[0-9a-f]+ in main ' "$OUT.gdb")" -eq 2 ] && echo "ok: both backtraces reach main" ||
  { echo "FAIL: the backtrace from the exit helper does not reach main"; fail=1; }
check "the loop's code is decoded as A32" "^=> 0x[0-9a-f]+ <$name\+[0-9]+>:"
# the instruction after the call: 4 bytes on (Thumb would step 2)
at=$(sed -n "s/^=> 0x[0-9a-f]* <$name+\([0-9]*\)>:.*/\1/p" "$OUT.gdb")
[ -n "$at" ] && check "the next instruction is 4 bytes on" "^ +0x[0-9a-f]+ <$name\+$((at + 4))>:"
[ $fail -eq 0 ] && echo "PASS: gdb backtrace through $name"
exit $fail
