/*
 * mergeout: the last stage of --merge: records arrive in (index, seq)
 * order and leave as one record per index, the winner of each index's
 * group, with the counts that prove it (missing indexes, duplicates,
 * conflicts), and the report of those counts.
 */
#ifndef AFETCH_MERGEOUT_H
#define AFETCH_MERGEOUT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "mergeio.h"
#include "mergesrc.h"

/* How many missing and conflicting indexes are listed by number. */
#define MERGE_LIST 10

struct merge_stats {
	uint64_t inputs;
	uint64_t read;	     /* records read */
	uint64_t written;    /* records written, one per index */
	uint64_t duplicates; /* records read but not written */
	uint64_t conflicts;  /* indexes whose records have different urls */
	uint64_t conflict_list[MERGE_LIST];
	uint64_t missing; /* indexes absent from 0 .. the largest */
	uint64_t missing_list[MERGE_LIST];
	uint64_t cut;	   /* lines that are not whole JSON objects */
	uint64_t no_index; /* whole objects without an index */
	uint64_t too_long; /* lines over the longest merge reads */
	uint64_t spills;   /* spill files made */
	uint64_t in_order; /* records merged straight from their input */
};

struct mergeout {
	struct merge_stats   *st;
	struct mergeio_writer out;
	int		      in_group;
	uint64_t	      group; /* the index whose records are coming */
	struct buf	      best;  /* its winner so far */
	int		      best_done;
	struct buf	      url; /* its first record's url, once needed */
	int		      url_known, url_absent, conflict;
	uint64_t	      next_index; /* the least index not yet seen */
	int		      failed;	  /* errno of a failure, or 0 */
};

/* Writes to fd (which stays the caller's) and counts into *st. */
void mergeout_init(struct mergeout *mo, int fd, struct merge_stats *st);

/*
 * A merge_sink (arg: the mergeout): takes the next record in (index, seq)
 * order. Returns REPORT_OK, or REPORT_ERR_WRITE or REPORT_ERR_NOMEM
 * (mo->failed keeps the errno).
 */
enum report_err mergeout_put(const struct merge_item *it, void *arg);

/* Writes the last group and flushes. Returns as mergeout_put(). */
enum report_err mergeout_finish(struct mergeout *mo);

/* Frees the buffers. */
void mergeout_free(struct mergeout *mo);

/*
 * Reports st: one line on stderr, a line listing missing and conflicting
 * indexes when there are any, and with path, one JSON object written to
 * path:
 *
 *	{"inputs": N, "records_read": N, "records_written": N,
 *	 "duplicates": N, "conflicts": N, "conflict_indexes": [I, ...],
 *	 "missing": N, "missing_indexes": [I, ...], "cut_lines": N,
 *	 "lines_without_index": N, "lines_too_long": N, "spill_files": N,
 *	 "records_in_order": N}
 *
 * The lists hold the first MERGE_LIST indexes. Returns REPORT_OK, or
 * REPORT_ERR_NOMEM or REPORT_ERR_WRITE when path could not be written
 * (reported).
 */
enum report_err mergeout_report(const struct merge_stats *st, const char *path);

#endif
