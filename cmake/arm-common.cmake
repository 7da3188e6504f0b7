# SPDX-License-Identifier: MIT
# Shared by both ARM toolchain files.  Libraries come from Debian multiarch
# (/usr/lib/<triple>); headers that are not arch-specific from /usr/include.
set(CMAKE_FIND_ROOT_PATH /usr/${ARMJIT_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_LIBRARY_ARCHITECTURE ${ARMJIT_TRIPLE})
# On an x86 host run ARM binaries under qemu-arm user mode; on ARM natively.
execute_process(COMMAND uname -m OUTPUT_VARIABLE _host_machine
                OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _host_machine MATCHES "^(arm|aarch64)")
  set(ARMJIT_QEMU_CPU "max" CACHE STRING "qemu-arm -cpu for running tests")
  # -L picks the cross toolchain's loader; LD_LIBRARY_PATH makes it load the
  # cross libc next to it too, not the (newer) multiarch libc6:<arch> one:
  # a loader/libc version mismatch crashes in pthread_create.
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm -cpu ${ARMJIT_QEMU_CPU} -L /usr/${ARMJIT_TRIPLE}
      -E LD_LIBRARY_PATH=/usr/${ARMJIT_TRIPLE}/lib)
endif()
