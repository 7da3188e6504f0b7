/* SPDX-License-Identifier: MIT */
/* bset.h — a set of traces (a loop, bridges, other loops) compiled with
 * every bridge attached and run against the reference interpreter running
 * the same set (armjit_interpret_set).  A run compares which trace's exit
 * was taken, its number there and its values; a mismatch fails the
 * current cmocka test after printing both results. */
#ifndef ARMJIT_TEST_BSET_H
#define ARMJIT_TEST_BSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "armjit.h"

typedef struct bset {
  armjit_ctx *ctx;
  armjit_set_entry *set;
  unsigned n;
  armjit_loop **loops;   /* per entry: its loop or bridge */
  int *invalid;          /* per entry: the interpreter's invalidation flags */
  armjit_frame *fi, *fc; /* interpreter and compiled frames */
  uint64_t max_steps;    /* interpreter limit (default 100M) */
  const char *what;      /* printed on a mismatch */
  /* Called before each side of a run (compiled: false, then true). */
  void (*before)(struct bset *s, bool compiled, void *ud);
  /* Called after each side (NULL: none): false is a mismatch, why[]
   * says what differs (a heap, say). */
  bool (*after)(struct bset *s, bool compiled, void *ud, char *why, size_t n);
  void *ud;
  bool malloced;         /* set: a malloc'd array (rs_build), names not owned */
} bset;

/* Parse text (armjit_set_parse) and compile it in ctx, or fail the test. */
void bset_init_text(bset *s, armjit_ctx *ctx, const char *text);
/* The same from a set made by the caller (bset owns it from now on:
 * freed with armjit_set_free, or when s->malloced is set afterwards, its
 * traces and the array with free());
 * false with err filled when it does not compile. */
bool bset_init(bset *s, armjit_ctx *ctx, armjit_set_entry *set, unsigned n,
               armjit_error *err);
void bset_free(bset *s);
/* Invalidate the family of entry i in both worlds. */
void bset_invalidate(bset *s, unsigned i);
/* Run loop entry `start` on in[] in the interpreter and compiled; they
 * must agree.  Returns the entry whose exit was taken, *exit (if not
 * NULL) its number in that trace; s->fi holds the values. */
unsigned bset_run(bset *s, unsigned start, const armjit_value *in, int *exit);
/* The same without failing the test: false and why[] on a mismatch. */
bool bset_compare(bset *s, unsigned start, const armjit_value *in, unsigned *entry, int *exit,
                  char *why, size_t n);
/* Entry index of a compiled trace, or -1. */
int bset_index(const bset *s, const armjit_loop *l);

#endif
