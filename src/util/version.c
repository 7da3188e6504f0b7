/* SPDX-License-Identifier: MIT */
/* The library's version, as CMake wrote it into armjit/version.h. */
#include "armjit.h"

const char *armjit_version(void) { return ARMJIT_VERSION_STRING; }
