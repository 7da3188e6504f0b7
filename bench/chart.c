/* SPDX-License-Identifier: MIT */
/* chart — a grouped bar chart as a PNG file, for make bench (no plotting
 * program or library needed: a 5x7 pixel font, and PNG with stored,
 * uncompressed deflate blocks).
 *
 *   chart OUT.png "TITLE" "SERIES,SERIES,..." < ROWS
 *
 * ROWS: one group per line, "label value value ..." (one value per series;
 * "-" or a missing value draws no bar).  Each bar carries its value. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 800, H = 440, LEFT = 56, RIGHT = 16, TOP = 64, BOTTOM = 64 };
enum { MAX_ROWS = 32, MAX_SERIES = 4, MAX_LABEL = 40 };

typedef struct {
  uint8_t px[H][W][3];
} canvas;

typedef struct {
  char label[MAX_LABEL];
  double v[MAX_SERIES];
  int has[MAX_SERIES];
} row;

/* ---- 5x7 font: per glyph seven rows, bit 4 the leftmost pixel ---------- */
typedef struct {
  char c;
  uint8_t rows[7];
} glyph;

static const glyph font[] = {
    {'a', {0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f}},
    {'b', {0x10, 0x10, 0x1e, 0x11, 0x11, 0x11, 0x1e}},
    {'c', {0x00, 0x00, 0x0f, 0x10, 0x10, 0x10, 0x0f}},
    {'d', {0x01, 0x01, 0x0f, 0x11, 0x11, 0x11, 0x0f}},
    {'e', {0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e}},
    {'f', {0x06, 0x08, 0x1e, 0x08, 0x08, 0x08, 0x08}},
    {'g', {0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e}},
    {'h', {0x10, 0x10, 0x1e, 0x11, 0x11, 0x11, 0x11}},
    {'i', {0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e}},
    {'j', {0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c}},
    {'k', {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}},
    {'l', {0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}},
    {'m', {0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11}},
    {'n', {0x00, 0x00, 0x1e, 0x11, 0x11, 0x11, 0x11}},
    {'o', {0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e}},
    {'p', {0x00, 0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10}},
    {'q', {0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x01}},
    {'r', {0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10}},
    {'s', {0x00, 0x00, 0x0f, 0x10, 0x0e, 0x01, 0x1e}},
    {'t', {0x08, 0x08, 0x1e, 0x08, 0x08, 0x09, 0x06}},
    {'u', {0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d}},
    {'v', {0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04}},
    {'w', {0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a}},
    {'x', {0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11}},
    {'y', {0x00, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e}},
    {'z', {0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f}},
    {'0', {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}},
    {'1', {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}},
    {'2', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}},
    {'3', {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}},
    {'4', {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}},
    {'5', {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}},
    {'6', {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}},
    {'7', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
    {'8', {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}},
    {'9', {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}},
    {'O', {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}},
    {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}},
    {'-', {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}},
    {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f}},
    {',', {0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08}},
    {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}},
    {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
    {'/', {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10}},
    {':', {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}},
    {'=', {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00}},
    {'+', {0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00}},
    {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},

};

/* Uppercase letters other than O are drawn as lowercase. */
static const uint8_t *glyph_of(char c) {
  for (size_t i = 0; i < sizeof font / sizeof *font; i++)
    if (font[i].c == c) return font[i].rows;
  if (c >= 'A' && c <= 'Z') return glyph_of((char)(c - 'A' + 'a'));
  return NULL; /* blank */
}

static void put(canvas *cv, int x, int y, const uint8_t rgb[3]) {
  if (x >= 0 && x < W && y >= 0 && y < H) memcpy(cv->px[y][x], rgb, 3);
}

static void rect(canvas *cv, int x0, int y0, int x1, int y1, const uint8_t rgb[3]) {
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) put(cv, x, y, rgb);
}

/* Text with its top left at (x, y), each font pixel s x s. */
static void text(canvas *cv, int x, int y, int s, const char *str, const uint8_t rgb[3]) {
  for (; *str; str++, x += 6 * s) {
    const uint8_t *g = glyph_of(*str);
    if (!g) continue;
    int drop = strchr("gpqy", *str) ? s : 0;  /* descenders */
    for (int r = 0; r < 7; r++)
      for (int c = 0; c < 5; c++)
        if (g[r] >> (4 - c) & 1)
          rect(cv, x + c * s, y + drop + r * s, x + (c + 1) * s, y + drop + (r + 1) * s, rgb);
  }
}

static int text_width(int s, const char *str) { return (int)strlen(str) * 6 * s - s; }

/* ---- PNG ----------------------------------------------------------------- */
static uint32_t crc_update(const uint32_t *table, uint32_t crc, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

static void be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static int chunk(FILE *f, const uint32_t *table, const char *type, const uint8_t *data, size_t n) {
  uint8_t len[4], crc[4];
  be32(len, (uint32_t)n);
  uint32_t c = crc_update(table, 0xffffffffu, (const uint8_t *)type, 4);
  c = crc_update(table, c, data, n) ^ 0xffffffffu;
  be32(crc, c);
  return fwrite(len, 1, 4, f) == 4 && fwrite(type, 1, 4, f) == 4 &&
         (n == 0 || fwrite(data, 1, n, f) == n) && fwrite(crc, 1, 4, f) == 4;
}

static int write_png(const char *path, const canvas *cv) {
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  /* Raw scanlines (filter 0), then a zlib stream of stored blocks. */
  size_t line = 1 + 3 * (size_t)W, raw_n = line * H;
  uint8_t *raw = malloc(raw_n);
  size_t nblocks = (raw_n + 65534) / 65535, z_n = 2 + raw_n + 5 * nblocks + 4;
  uint8_t *z = malloc(z_n);
  if (!raw || !z) {
    free(raw);
    free(z);
    return 0;
  }
  for (int y = 0; y < H; y++) {
    raw[(size_t)y * line] = 0;
    memcpy(raw + (size_t)y * line + 1, cv->px[y], 3 * (size_t)W);
  }
  size_t o = 0;
  z[o++] = 0x78;
  z[o++] = 0x01;
  uint32_t a = 1, b = 0;
  for (size_t at = 0; at < raw_n;) {
    size_t n = raw_n - at > 65535 ? 65535 : raw_n - at;
    z[o++] = at + n == raw_n; /* BFINAL, BTYPE 00 */
    z[o++] = (uint8_t)n;
    z[o++] = (uint8_t)(n >> 8);
    z[o++] = (uint8_t)~n;
    z[o++] = (uint8_t)(~n >> 8);
    memcpy(z + o, raw + at, n);
    for (size_t i = 0; i < n; i++) {
      a = (a + raw[at + i]) % 65521;
      b = (b + a) % 65521;
    }
    o += n;
    at += n;
  }
  be32(z + o, b << 16 | a);
  o += 4;
  uint8_t ihdr[13];
  be32(ihdr, W);
  be32(ihdr + 4, H);
  ihdr[8] = 8;  /* bits per sample */
  ihdr[9] = 2;  /* RGB */
  ihdr[10] = ihdr[11] = ihdr[12] = 0;
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite("\x89PNG\r\n\x1a\n", 1, 8, f) == 8 && chunk(f, table, "IHDR", ihdr, 13) &&
           chunk(f, table, "IDAT", z, o) && chunk(f, table, "IEND", NULL, 0);
  if (f && fclose(f) != 0) ok = 0;
  free(raw);
  free(z);
  return ok;
}

/* ---- the chart ----------------------------------------------------------- */
/* The smallest 1, 2, 2.5 or 5 times a power of ten at or above v. */
static double nice_ceiling(double v) {
  double p = 1;
  while (p * 10 <= v) p *= 10;
  while (p > v && p > 1e-9) p /= 10;
  if (v <= p) return p;
  if (v <= 2 * p) return 2 * p;
  if (v <= 2.5 * p) return 2.5 * p;
  if (v <= 5 * p) return 5 * p;
  return 10 * p;
}

static void fmt(char *buf, size_t n, double v) {
  if (v == (double)(long)v) snprintf(buf, n, "%ld", (long)v);
  else snprintf(buf, n, "%.3g", v);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: chart OUT.png TITLE SERIES,SERIES,... < rows\n");
    return 1;
  }
  static const uint8_t white[3] = {255, 255, 255}, black[3] = {0, 0, 0},
                       grid[3] = {220, 220, 220},
                       colors[MAX_SERIES][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},
                                                {127, 127, 127}};
  char series[MAX_SERIES][MAX_LABEL];
  int ns = 0;
  for (const char *p = argv[3]; *p && ns < MAX_SERIES; ns++) {
    size_t n = strcspn(p, ",");
    snprintf(series[ns], sizeof series[ns], "%.*s", (int)n, p);
    p += n + (p[n] == ',');
  }
  row rows[MAX_ROWS];
  int nr = 0;
  char line[512];
  double vmax = 0;
  while (nr < MAX_ROWS && fgets(line, sizeof line, stdin)) {
    row *r = &rows[nr];
    memset(r, 0, sizeof *r);
    char *tok = strtok(line, " \t\n");
    if (!tok) continue;
    snprintf(r->label, sizeof r->label, "%s", tok);
    for (int k = 0; k < ns && (tok = strtok(NULL, " \t\n")); k++) {
      char *end;
      double v = strtod(tok, &end);
      if (end != tok && *end == 0 && v >= 0) {
        r->v[k] = v;
        r->has[k] = 1;
        if (v > vmax) vmax = v;
      }
    }
    nr++;
  }
  canvas *cv = malloc(sizeof *cv);
  if (!cv || !nr || !ns) {
    fprintf(stderr, "chart: %s\n", cv ? "no rows or no series" : "out of memory");
    free(cv);
    return 1;
  }
  rect(cv, 0, 0, W, H, white);
  text(cv, (W - text_width(2, argv[2])) / 2, 10, 2, argv[2], black);
  /* legend */
  int lx = LEFT;
  for (int k = 0; k < ns; k++) {
    rect(cv, lx, 40, lx + 12, 52, colors[k]);
    text(cv, lx + 18, 42, 1, series[k], black);
    lx += 18 + text_width(1, series[k]) + 24;
  }
  /* axis and grid */
  double top = nice_ceiling(vmax > 0 ? vmax : 1);
  int x0 = LEFT, x1 = W - RIGHT, y0 = H - BOTTOM, y1 = TOP;
  for (int g = 0; g <= 5; g++) {
    int y = y0 - (y0 - y1) * g / 5;
    rect(cv, x0, y, x1, y + 1, g ? grid : black);
    char b[32];
    fmt(b, sizeof b, top * g / 5);
    text(cv, x0 - 6 - text_width(1, b), y - 3, 1, b, black);
  }
  rect(cv, x0, y1, x0 + 1, y0, black);
  /* bars, their values, the group labels (staggered when they would touch) */
  double gw = (double)(x1 - x0) / nr, bw = gw * 0.8 / ns;
  int stagger = 0;
  for (int i = 0; i < nr; i++)
    if (text_width(1, rows[i].label) > (int)gw - 4) stagger = 1;
  for (int i = 0; i < nr; i++) {
    double gx = x0 + gw * i + gw * 0.1;
    for (int k = 0; k < ns; k++) {
      if (!rows[i].has[k]) continue;
      int bx0 = (int)(gx + bw * k), bx1 = (int)(gx + bw * (k + 1)) - 1;
      int by = y0 - (int)((y0 - y1) * rows[i].v[k] / top);
      rect(cv, bx0, by, bx1, y0, colors[k]);
      char b[32];
      fmt(b, sizeof b, rows[i].v[k]);
      text(cv, (bx0 + bx1 - text_width(1, b)) / 2, by - 10, 1, b, black);
    }
    int tw = text_width(1, rows[i].label);
    text(cv, (int)(x0 + gw * i + (gw - tw) / 2), y0 + 8 + (stagger && i % 2 ? 14 : 0), 1,
         rows[i].label, black);
  }
  int ok = write_png(argv[1], cv);
  free(cv);
  if (!ok) {
    fprintf(stderr, "chart: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
