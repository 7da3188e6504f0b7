/* SPDX-License-Identifier: MIT */
/* The perf map: perf's convention for code it finds no ELF file for
 * (tools/perf/Documentation/jit-interface.txt).  A process appends
 * "START SIZE symbolname\n" lines, START and SIZE in hex, to
 * /tmp/perf-<pid>.map; perf report and perf top read the file when they
 * resolve samples of that process.  Lines are never removed: perf takes
 * the newest line covering an address, so memory reused by a later code
 * object resolves to the later name.
 *
 * Each code object is written with one write(2) of all its lines on a
 * descriptor opened O_APPEND, so objects written by several contexts or
 * threads never interleave within an object. */
#include "rt/debuginfo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void ajx_perfmap_path(char *buf, size_t n) {
  snprintf(buf, n, "/tmp/perf-%ld.map", (long)getpid());
}

armjit_status ajx_perfmap_write(armjit_ctx *ctx, const ajx_dbg_object *o,
                                armjit_error *err) {
  char path[64];
  ajx_perfmap_path(path, sizeof path);
  /* Two 16-digit numbers, two separators and a newline per line. */
  size_t cap = 1;
  for (uint32_t i = 0; i < o->nranges; i++) cap += strlen(o->ranges[i].name) + 40;
  char *lines = ajx_alloc(ctx, cap);
  if (!lines) return ajx_err(err, ARMJIT_E_NOMEM, "out of memory writing the perf map");
  size_t used = 0;
  for (uint32_t i = 0; i < o->nranges; i++) {
    const ajx_dbg_range *r = &o->ranges[i];
    int len = snprintf(lines + used, cap - used, "%lx %lx %s\n",
                       (unsigned long)(o->addr + r->off), (unsigned long)r->size, r->name);
    if (len > 0) used += (size_t)len;
  }
  armjit_status st = ARMJIT_OK;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    st = ajx_err(err, ARMJIT_E_EXECMEM, "cannot open the perf map %s: %s", path,
                 strerror(errno));
  else if (write(fd, lines, used) != (ssize_t)used)
    st = ajx_err(err, ARMJIT_E_EXECMEM, "cannot write the perf map %s: %s", path,
                 strerror(errno));
  if (fd >= 0) close(fd);
  ajx_free(ctx, lines);
  return st;
}
