/*
 * mergesrc: the sorted streams --merge merges, and the k-way merge itself.
 *
 * Every record travels as a merge_item: its index, its sequence number
 * (the order in which merge read it: inputs in argument order, lines in
 * file order), whether it is done, and its line's bytes. A source yields
 * items ordered by (index, seq). Three kinds exist: a byte range of an
 * input file that was found in order (read again as lines), a spill file
 * of items (a run sorted in memory, or several merged), and a run still
 * in memory (mergerun). The merge keeps the sources in a heap (base/pq),
 * so each item costs O(log k) for k sources.
 */
#ifndef AFETCH_MERGESRC_H
#define AFETCH_MERGESRC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mergeio.h"
#include "pq.h"

struct merge_item {
	uint64_t    index;
	uint64_t    seq;
	int	    done;
	const char *data; /* the line, without its '\n' */
	size_t	    len;
};

/* Returns non-zero when a sorts before b: by index, then by seq. */
int merge_item_before(const struct merge_item *a, const struct merge_item *b);

struct mergerun;
struct mergesrc;

/*
 * A source over the lines of fd from offset from to offset to, which were
 * found in order; the first record there is number seq. Lines that are not
 * records (mergerec) are skipped without a word (they were reported when
 * first read). Takes the descriptor (closed by mergesrc_free) when owns.
 * Lines longer than limit bytes are skipped. Returns NULL when out of
 * memory (the descriptor is then the caller's still).
 */
struct mergesrc *mergesrc_lines(
    int fd, int owns, off_t from, off_t to, uint64_t seq, size_t limit);

/*
 * A source over a spill file that mergesrc_write_item() filled, read from
 * its start; takes the descriptor. Returns NULL when out of memory.
 */
struct mergesrc *mergesrc_spill(int fd, size_t limit);

/* A source over a sorted run in memory; takes it (mergerun_free). */
struct mergesrc *mergesrc_memory(struct mergerun *run);

/*
 * Moves to the source's next item. Returns 1 (mergesrc_item() is valid
 * until the next call), 0 at its end, or REPORT_ERR_READ (errno set, EIO
 * for a spill file cut short) or REPORT_ERR_NOMEM when reading failed.
 */
int mergesrc_next(struct mergesrc *src);

/* The current item. */
const struct merge_item *mergesrc_item(const struct mergesrc *src);

/* The level of a spill file: 0 when spilled from memory, +1 per merge. */
int  mergesrc_level(const struct mergesrc *src);
void mergesrc_set_level(struct mergesrc *src, int level);

/* Closes and frees. NULL is ignored. */
void mergesrc_free(struct mergesrc *src);

/* Appends one item to a spill file. Returns as mergeio_write(). */
enum report_err mergesrc_write_item(
    struct mergeio_writer *w, const struct merge_item *it);

/*
 * Receives items in order; returns REPORT_OK, or REPORT_ERR_WRITE or
 * REPORT_ERR_NOMEM to stop the merge.
 */
typedef enum report_err (*merge_sink)(const struct merge_item *it, void *arg);

/*
 * Merges the n sources (none started yet) into sink, in (index, seq)
 * order, then frees them all. Returns REPORT_OK; REPORT_ERR_READ when a
 * source failed (errno set), the sink's error when it stopped the merge,
 * REPORT_ERR_NOMEM when out of memory.
 */
enum report_err mergesrc_merge(
    struct mergesrc **srcs, size_t n, merge_sink sink, void *arg);

#endif
