/* SPDX-License-Identifier: MIT */
/* gnu_as.c — run the GNU cross assembler on a batch of instructions.  One
 * `as` and one `objcopy` call per batch keeps the cost of the oracle far
 * below that of one process per instruction. */
#include "gnu_as.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Lines before the first instruction of every batch. */
static const char *const header[] = {".syntax unified", ".arm", ".arch_extension idiv",
                                     ".text"};
#define HEADER_LINES (sizeof header / sizeof header[0])

static bool on_path(const char *tool) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s%s >/dev/null 2>&1", GAS_PREFIX, tool);
  return system(cmd) == 0;
}

bool gas_available(char *why, size_t n) {
  const char *missing = !on_path("as") ? "as" : !on_path("objcopy") ? "objcopy" : NULL;
  if (missing)
    snprintf(why, n,
             "%s%s not found on PATH: install binutils-arm-linux-gnueabihf "
             "(scripts/deps.sh does)",
             GAS_PREFIX, missing);
  return missing == NULL;
}

bool gas_tmpdir(char *dir, size_t n) {
  const char *base = getenv("TMPDIR");
  if (!base || !*base)
    base = "/tmp";
  if ((size_t)snprintf(dir, n, "%s/armjit-gas-XXXXXX", base) >= n)
    return false;
  return mkdtemp(dir) != NULL;
}

/* Bounded copy (snprintf("%s") would draw truncation warnings at -O2). */
static void copy_str(char *d, size_t n, const char *s) {
  size_t k = strlen(s);
  if (k >= n)
    k = n - 1;
  memcpy(d, s, k);
  d[k] = 0;
}

static void path_of(char *p, size_t n, const char *dir, const char *tag, const char *ext) {
  snprintf(p, n, "%s/%s.%s", dir, tag, ext);
}

void gas_remove(const char *dir, const char *tag) {
  char p[512];
  path_of(p, sizeof p, dir, tag, "s");
  remove(p);
}

static bool write_source(const char *path, const char *const *lines, size_t n,
                         const gas_result *res) {
  FILE *f = fopen(path, "w");
  if (!f)
    return false;
  for (size_t i = 0; i < HEADER_LINES; i++)
    fprintf(f, "%s\n", header[i]);
  for (size_t k = 0; k < n; k++)
    fprintf(f, "%s\n", res[k].failed ? ".word 0" : lines[k]);
  return fclose(f) == 0;
}

/* Attach GNU as's "<file>:<line>: <message>" diagnostics to their lines;
 * returns how many new errors were found.  *other gets the first
 * diagnostic that names no line of ours. */
static size_t read_diags(const char *errpath, const char *srcname, size_t n,
                         gas_result *res, char *other, size_t othern) {
  FILE *f = fopen(errpath, "r");
  if (!f)
    return 0;
  char line[1024];
  size_t fresh = 0, namelen = strlen(srcname);
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *at = strstr(line, srcname);
    unsigned long no;
    char *end;
    if (!at || at[namelen] != ':' ||
        (no = strtoul(at + namelen + 1, &end, 10), end == at + namelen + 1) ||
        *end != ':') {
      if (!*other && !strstr(line, "Assembler messages"))
        copy_str(other, othern, line);
      continue;
    }
    const char *msg = end + 1 + strspn(end + 1, " ");
    if (no <= HEADER_LINES || no - HEADER_LINES > n) {
      if (!*other)
        copy_str(other, othern, line);
      continue;
    }
    gas_result *r = &res[no - HEADER_LINES - 1];
    bool error = strncmp(msg, "Error:", 6) == 0;
    if (error && !r->failed) {
      r->failed = true;
      fresh++;
      copy_str(r->diag, sizeof r->diag, msg);
    } else if (!error && !r->failed) {
      if (!r->warned)
        copy_str(r->diag, sizeof r->diag, msg);
      r->warned = true;
    }
  }
  fclose(f);
  return fresh;
}

static bool read_words(const char *binpath, size_t n, gas_result *res, char *err,
                       size_t errn) {
  FILE *f = fopen(binpath, "rb");
  if (!f) {
    snprintf(err, errn, "cannot open %s: %s", binpath, strerror(errno));
    return false;
  }
  size_t k = 0;
  unsigned char w[4];
  while (k < n && fread(w, 1, 4, f) == 4)
    res[k++].word = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 |
                    (uint32_t)w[3] << 24;
  bool extra = fgetc(f) != EOF;
  fclose(f);
  if (k != n || extra) {
    snprintf(err, errn, "%s: expected %zu words, got %zu%s (a line is not one word?)",
             binpath, n, k, extra ? "+" : "");
    return false;
  }
  return true;
}

bool gas_assemble(const char *dir, const char *tag, const char *const *lines, size_t n,
                  gas_result *res, char *err, size_t errn) {
  char src[512], obj[512], bin[512], diag[512], srcname[256], cmd[2600];
  path_of(src, sizeof src, dir, tag, "s");
  path_of(obj, sizeof obj, dir, tag, "o");
  path_of(bin, sizeof bin, dir, tag, "bin");
  path_of(diag, sizeof diag, dir, tag, "err");
  snprintf(srcname, sizeof srcname, "%s.s", tag);
  memset(res, 0, n * sizeof *res);
  *err = 0;

  /* Each pass drops the lines the previous one rejected; as reports all
   * errors of a file at once, so two passes normally suffice. */
  bool ok = false;
  for (int pass = 0; pass < 4 && !ok; pass++) {
    if (!write_source(src, lines, n, res)) {
      snprintf(err, errn, "cannot write %s", src);
      return false;
    }
    snprintf(cmd, sizeof cmd,
             "%sas -march=armv7-a -mfpu=neon-vfpv4 -o '%s' '%s' 2>'%s'", GAS_PREFIX, obj,
             src, diag);
    int rc = system(cmd);
    char other[300] = "";
    size_t fresh = read_diags(diag, srcname, n, res, other, sizeof other);
    ok = rc == 0;
    if (!ok && fresh == 0) {
      snprintf(err, errn, "%sas failed (status %d): %s", GAS_PREFIX, rc,
               *other ? other : "no diagnostic");
      break;
    }
  }
  if (ok) {
    snprintf(cmd, sizeof cmd, "%sobjcopy -O binary -j .text '%s' '%s'", GAS_PREFIX, obj,
             bin);
    if (system(cmd) != 0) {
      snprintf(err, errn, "%sobjcopy failed on %s", GAS_PREFIX, obj);
      ok = false;
    } else {
      ok = read_words(bin, n, res, err, errn);
    }
  } else if (!*err) {
    snprintf(err, errn, "%sas kept failing on %s", GAS_PREFIX, src);
  }
  remove(obj);
  remove(bin);
  remove(diag);
  return ok;
}

/* readelf -rW lines: "<offset> <info> <type name> <value> <symbol>". */
static bool read_relocs(const char *path, gas_reloc *rel, size_t max, size_t *nrel) {
  FILE *f = fopen(path, "r");
  if (!f)
    return false;
  char line[512];
  *nrel = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long off, info, val;
    char type[64], sym[64];
    if (sscanf(line, "%lx %lx %63s %lx %63s", &off, &info, type, &val, sym) != 5 ||
        strncmp(type, "R_ARM_", 6) != 0)
      continue;
    if (*nrel < max) {
      gas_reloc *r = &rel[*nrel];
      r->offset = (uint32_t)off;
      r->type = (unsigned)(info & 0xff);
      copy_str(r->sym, sizeof r->sym, sym);
    }
    (*nrel)++;
  }
  fclose(f);
  return true;
}

bool gas_assemble_relocs(const char *dir, const char *tag, const char *const *lines,
                         size_t n, uint32_t *words, gas_reloc *rel, size_t max,
                         size_t *nrel, char *err, size_t errn) {
  char rpath[512], obj[512], cmd[2600];
  gas_result *res = calloc(n ? n : 1, sizeof *res);
  if (!res) {
    snprintf(err, errn, "out of memory");
    return false;
  }
  bool ok = gas_assemble(dir, tag, lines, n, res, err, errn);
  for (size_t k = 0; ok && k < n; k++) {
    if (res[k].failed || res[k].warned) {
      snprintf(err, errn, "line %zu \"%s\": %s", k, lines[k], res[k].diag);
      ok = false;
    }
    words[k] = res[k].word;
  }
  free(res);
  if (!ok)
    return false;
  /* gas_assemble removed its object: assemble once more for readelf. */
  char src[512];
  path_of(src, sizeof src, dir, tag, "s");
  path_of(obj, sizeof obj, dir, tag, "o");
  path_of(rpath, sizeof rpath, dir, tag, "rel");
  snprintf(cmd, sizeof cmd,
           "%sas -march=armv7-a -mfpu=neon-vfpv4 -o '%s' '%s' && %sreadelf -rW '%s' >'%s'",
           GAS_PREFIX, obj, src, GAS_PREFIX, obj, rpath);
  ok = system(cmd) == 0 && read_relocs(rpath, rel, max, nrel);
  if (!ok)
    snprintf(err, errn, "%sas/readelf failed on %s", GAS_PREFIX, src);
  remove(obj);
  remove(rpath);
  return ok;
}
