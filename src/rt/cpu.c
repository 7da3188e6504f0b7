/* SPDX-License-Identifier: MIT */
/* CPU feature detection from the kernel's hardware capability bits
 * (never /proc/cpuinfo: its text format varies between kernels). */
#include "util/ctx.h"

#if defined(__arm__)
#include <sys/auxv.h>
#if __has_include(<asm/hwcap.h>)
#include <asm/hwcap.h>
#endif
/* Bit numbers of the 32-bit ARM Linux AT_HWCAP (arch/arm/include/uapi/asm/hwcap.h). */
#ifndef HWCAP_NEON
#define HWCAP_NEON (1u << 12)
#endif
#ifndef HWCAP_VFPv3
#define HWCAP_VFPv3 (1u << 13)
#endif
#ifndef HWCAP_IDIVA
#define HWCAP_IDIVA (1u << 17)
#endif
#ifndef HWCAP_VFPD32
#define HWCAP_VFPD32 (1u << 19)
#endif
#endif

unsigned armjit_detect_features(void) {
#if defined(__arm__)
  unsigned long hw = getauxval(AT_HWCAP);
  unsigned f = 0;
  if (hw & HWCAP_VFPv3) f |= A32_FEAT_VFPV3;
  if (hw & HWCAP_VFPD32) f |= A32_FEAT_D32;
  if (hw & HWCAP_NEON) f |= A32_FEAT_NEON;
  if (hw & HWCAP_IDIVA) f |= A32_FEAT_IDIV;
  return f;
#else
  return 0;
#endif
}
