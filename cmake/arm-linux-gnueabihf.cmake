# SPDX-License-Identifier: MIT
# Hard-float ABI (armhf): doubles passed in VFP registers.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(ARMJIT_TRIPLE arm-linux-gnueabihf)
set(CMAKE_C_COMPILER ${ARMJIT_TRIPLE}-gcc)
set(CMAKE_C_FLAGS_INIT "-march=armv7-a -mfpu=vfpv3-d16 -mfloat-abi=hard")
include(${CMAKE_CURRENT_LIST_DIR}/arm-common.cmake)
