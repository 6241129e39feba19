/*
 * mergerun: a run of records sorted in memory, the first step of --merge's
 * external sort (as sort(1) does it): records are copied into one arena
 * until a byte budget would be passed, then sorted by (index, seq) and
 * either spilled to a temporary file or, for the last run, merged straight
 * from memory.
 *
 * Cost: each record takes its bytes plus MERGERUN_ENTRY bytes of the
 * budget; sorting is qsort, O(n log n) on entries, never moving a record.
 */
#ifndef AFETCH_MERGERUN_H
#define AFETCH_MERGERUN_H

#include <stddef.h>
#include <stdint.h>

#include "mergesrc.h"

/* Bytes of the budget that one record takes besides its line. */
#define MERGERUN_ENTRY 32

struct mergerun;

/* An empty run holding at most budget bytes. NULL when out of memory. */
struct mergerun *mergerun_new(size_t budget);

/* Frees it. NULL is ignored. */
void mergerun_free(struct mergerun *run);

/*
 * Copies the item in. Returns 0; 1 when it does not fit beside what is
 * held (spill first, then add again; an item that fits in no empty run is
 * taken all the same, so the second try always succeeds); -1 when out of
 * memory.
 */
int mergerun_add(struct mergerun *run, const struct merge_item *it);

/* Number of items held. */
size_t mergerun_count(const struct mergerun *run);

/* Sorts the items held by (index, seq). */
void mergerun_sort(struct mergerun *run);

/* The i-th item (i < mergerun_count), after mergerun_sort for order. */
void mergerun_item(const struct mergerun *run, size_t i, struct merge_item *it);

/*
 * Sorts the items, writes them to a new temporary file and empties the
 * run. Returns a source over that file, or NULL (errno set: from the file
 * system, or ENOMEM).
 */
struct mergesrc *mergerun_spill(struct mergerun *run, size_t limit);

/* Empties the run, keeping its memory. */
void mergerun_clear(struct mergerun *run);

#endif
