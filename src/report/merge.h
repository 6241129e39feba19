/*
 * merge: afetch --merge FILE...: the outputs of shards and of resumed runs
 * made into one stream with exactly one record per index, in index order.
 *
 * Each input is read once: the part of it that is already in index order
 * (its longest such start, as an --order input run or a sorted file has)
 * is read again during the merge, straight from the file; the rest goes
 * through an external sort, as sort(1) does it: runs of at most
 * budget bytes sorted in memory (mergerun) and spilled to temporary files
 * in $TMPDIR, unlinked as they are made, merged MERGE_FANIN at a time
 * while they pile up, so memory stays near the budget and open files few
 * whatever the input's size. The last k-way merge (mergesrc) writes the
 * records.
 *
 * Where an index has several records, the done one wins, else the last one
 * read (inputs in argument order, lines in file order); the others are
 * duplicates resolved. Two records of one index with different urls are a
 * conflict (outputs of different input lists). Indexes missing from
 * 0 .. the largest index read are reported: index is the ordinal in the
 * whole input, so a full set of outputs starts at 0. Lines that are not
 * whole (the cut-off last line kill -9 may leave) are skipped with a note.
 * Record bytes are written as they were read, never re-serialised.
 */
#ifndef AFETCH_MERGE_H
#define AFETCH_MERGE_H

#include <stddef.h>

#include "mergeout.h"

/* Spill files merged at once while they pile up, and sources at the end. */
#define MERGE_FANIN 16
#define MERGE_FINAL 64

/* The default memory budget for runs sorted in memory (--merge-buffer). */
#define MERGE_BUDGET ((size_t)64 * 1024 * 1024)

/* Longest line merge reads; longer ones are skipped and reported. */
#define MERGE_MAX_LINE ((size_t)64 * 1024 * 1024)

struct merge_options {
	char *const *files;
	size_t	     nfiles;
	size_t	     budget;	   /* bytes; 0: MERGE_BUDGET */
	const char  *summary_json; /* NULL: none */
	int	     out_fd;	   /* where records go (stdout) */
};

enum merge_result {
	MERGE_COMPLETE,	  /* every index once, no conflict */
	MERGE_INCOMPLETE, /* written, but something is missing, conflicting
			     or too long */
	MERGE_FAILED,	  /* output, a spill file or memory failed */
	MERGE_UNREADABLE  /* an input could not be opened or read: nothing
			     was written */
};

/*
 * Merges the inputs to o->out_fd, reports on stderr (and to
 * o->summary_json, with mergeout_report) unless an input was unreadable,
 * and fills *st. Every message is already printed.
 */
enum merge_result merge_run(
    const struct merge_options *o, struct merge_stats *st);

#endif
