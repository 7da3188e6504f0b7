#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what armjit needs from Debian's packages; does nothing when all is present.
# Usage: scripts/deps.sh        (run as root, or with sudo available)
set -u

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

host_arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)

# Packages for building and testing everywhere.
# pkg-config: the install/consume test; gdb-multiarch: the debugger tests
# (ARM code under qemu-arm -g); clang: the second sanitizer host build.
pkgs="cmake make gcc clang binutils pkg-config gdb-multiarch
      libcapstone-dev libcmocka-dev libffi-dev"
if [ "$host_arch" = amd64 ] || [ "$host_arch" = arm64 ]; then
  # Cross toolchains for both ARM ABIs, emulator, and target libraries.
  pkgs="$pkgs gcc-arm-linux-gnueabihf gcc-arm-linux-gnueabi
        binutils-arm-linux-gnueabihf binutils-arm-linux-gnueabi qemu-user
        libc6-dev-armhf-cross libc6-dev-armel-cross
        libc6:armhf libc6:armel
        libcapstone-dev:armhf libcapstone-dev:armel
        libcmocka-dev:armhf libcmocka-dev:armel
        libffi-dev:armhf libffi-dev:armel
        qemu-system-arm gcc-arm-none-eabi binutils-arm-none-eabi"
  # The last line: the bare-metal tier (tests/baremetal) links with
  # arm-none-eabi-ld and libgcc and boots on qemu-system-arm.
elif [ "$host_arch" = armhf ]; then
  # Native ARM host: the native compiler is the hard-float one; soft-float
  # ABI still needs its cross compiler and libraries.
  pkgs="$pkgs binutils gcc-arm-linux-gnueabi libc6-dev-armel-cross libc6:armel
        libcapstone-dev:armel libcmocka-dev:armel libffi-dev:armel"
fi

missing=""
for p in $pkgs; do
  st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$st" in *"install ok installed"*) ;; *) missing="$missing $p";; esac
done

if [ -z "$missing" ]; then
  echo "deps: all present"
  exit 0
fi
echo "deps: installing:$missing"

foreign=$(dpkg --print-foreign-architectures)
for a in armhf armel; do
  if [ "$a" != "$host_arch" ] && ! echo "$foreign" | grep -qx "$a" && echo "$missing" | grep -q ":$a"; then
    $SUDO dpkg --add-architecture "$a"
  fi
done

export DEBIAN_FRONTEND=noninteractive
# apt-get update may fail on one mirror mid-sync while the rest is usable:
# retry, then go on and let the install decide.
for i in 1 2 3; do
  if $SUDO apt-get update -qq; then break; fi
  echo "deps: apt-get update failed (try $i), retrying" >&2
  sleep $((i * 5))
done

for i in 1 2; do
  # shellcheck disable=SC2086
  if $SUDO apt-get install -y -qq --no-install-recommends $missing; then
    echo "deps: done"
    exit 0
  fi
  echo "deps: install failed (try $i)" >&2
  $SUDO apt-get update -qq || true
done
echo "deps: could not install:$missing" >&2
exit 1
