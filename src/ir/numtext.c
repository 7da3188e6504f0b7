/* SPDX-License-Identifier: MIT */
/* Doubles to and from text in the C locale whatever the program's locale
 * is: the text form always uses '.', and 17 significant digits read back
 * to the same double. */
#include "ir/ir_impl.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool numeric_is_c(void) {
  const char *dp = localeconv()->decimal_point;
  return dp && dp[0] == '.' && dp[1] == 0;
}

/* Run f(arg) with LC_NUMERIC = "C" in this thread only. */
static void in_c_locale(void (*f)(void *), void *arg) {
  if (numeric_is_c()) { f(arg); return; }
  locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
  if (!c) { f(arg); return; }
  locale_t old = uselocale(c);
  f(arg);
  uselocale(old);
  freelocale(c);
}

typedef struct { double d; char *buf; size_t n; } fmt_job;

static void do_format(void *p) {
  fmt_job *j = p;
  int len = snprintf(j->buf, j->n, "%.17g", j->d);
  if (len > 0 && (size_t)len + 3 <= j->n && !strpbrk(j->buf, ".e"))
    memcpy(j->buf + len, ".0", 3);
}

void ir_format_double(double d, char *buf, size_t n) {
  if (isnan(d)) { snprintf(buf, n, "nan"); return; }
  if (isinf(d)) { snprintf(buf, n, d < 0 ? "-inf" : "inf"); return; }
  fmt_job j = {d, buf, n};
  in_c_locale(do_format, &j);
}

typedef struct { const char *s; double d; bool ok; } parse_job;

static void do_parse(void *p) {
  parse_job *j = p;
  char *end;
  j->d = strtod(j->s, &end);
  j->ok = end != j->s && *end == 0;
}

/* [-]DIGITS[.DIGITS] with at most 15 digits (at least one) is M / 10^k for
 * M < 2^53 and k <= 15, both exact doubles: their quotient is the
 * correctly rounded value, as strtod's (when double arithmetic is not done
 * in a wider format).  False for any other form. */
static bool parse_short_decimal(const char *s, double *out) {
#if FLT_EVAL_METHOD == 0
  static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  bool neg = *s == '-';
  if (neg) s++;
  uint64_t m = 0;
  int nd = 0, frac = -1; /* digits; digits after the '.', -1 before it */
  for (;; s++) {
    unsigned d = (unsigned)(unsigned char)*s - '0';
    if (d <= 9) {
      if (++nd > 15) return false;
      m = m * 10 + d;
      if (frac >= 0) frac++;
    } else if (*s == '.' && frac < 0) {
      frac = 0;
    } else {
      break;
    }
  }
  if (*s || nd == 0) return false;
  double d = (double)m / pow10[frac > 0 ? frac : 0];
  *out = neg ? -d : d;
  return true;
#else
  (void)s;
  (void)out;
  return false;
#endif
}

bool ir_parse_double(const char *s, double *out) {
  if (parse_short_decimal(s, out)) return true;
  parse_job j = {s, 0, false};
  in_c_locale(do_parse, &j);
  *out = j.d;
  return j.ok;
}
