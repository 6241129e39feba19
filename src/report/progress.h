/*
 * progress: the one-line progress display on stderr.
 *
 *   afetch: 1234 done, 5 errors, 50 in flight, 812/s, 1239/10000 12% ETA 0:10
 *
 * Updating is cheap (the counts are only stored); a repeating loop timer,
 * four times a second, formats the line and writes it only when its text
 * changed, starting with '\r' and ending with "\033[K" (erase to end of
 * line) so each frame overwrites the last; on a terminal it is cut to the
 * window's width, as a wrapped line could not be overwritten. No colour is
 * ever used, so NO_COLOR needs nothing here. Whether to show progress at
 * all (isatty, --progress, --no-progress) is the caller's decision: a
 * disabled progress accepts every call and writes nothing.
 */
#ifndef AFETCH_PROGRESS_H
#define AFETCH_PROGRESS_H

#include <stddef.h>

#include "reporterr.h"

struct loop;
struct progress;

struct progress_counts {
	size_t done;	  /* records written with state done */
	size_t errors;	  /* records written as error or cancelled */
	size_t in_flight; /* transfers running now */
	size_t skipped;	  /* lines skipped by --resume or --shard */
};

/* The seconds of history the rate is measured over. */
#define PROGRESS_WINDOW 5.0

/* The longest line progress_format() writes, without its NUL. */
#define PROGRESS_LINE_MAX 200

/*
 * Returns a progress display writing to fd (not closed by progress_free),
 * driven by a timer on loop while enabled is non-zero; with enabled 0 it
 * never writes nor arms a timer. Returns NULL when out of memory or when
 * libevent cannot make the timer. The loop must outlive it.
 */
struct progress *progress_new(struct loop *loop, int fd, int enabled);

/* Stores the current counts, to be drawn on the next tick. O(1). */
void progress_update(struct progress *p, const struct progress_counts *c);

/*
 * Sets the number of URLs the run will see, skipped lines included, when
 * it is known (0: unknown, the default); the line then shows how far
 * along the run is and an estimate of the time left.
 */
void progress_set_total(struct progress *p, size_t total);

/*
 * Changes the redraw interval (default 0.25 s; seconds > 0). For tests.
 * Returns REPORT_OK, REPORT_ERR_ARG if seconds is not above 0, or
 * REPORT_ERR_EVENT if libevent cannot re-arm the timer.
 */
enum report_err progress_set_interval(struct progress *p, double seconds);

/*
 * Stops drawing for good: frees the timer, so the loop is no longer kept
 * running by it, and erases the line if one was drawn, leaving the
 * terminal clean. Later updates are stored but never drawn. Idempotent.
 */
void progress_finish(struct progress *p);

/* Finishes (as progress_finish) and frees. NULL is ignored. */
void progress_free(struct progress *p);

/*
 * Formats the progress text (no '\r', no escapes) into buf of size bytes,
 * NUL-terminated and cut to fit. total 0 means unknown and leaves out the
 * "done/total pct" part; rate < 0 shows "-/s"; eta < 0 leaves out the ETA
 * (shown as M:SS, or H:MM:SS from an hour on). Returns the length the
 * whole text has, as snprintf does (< size when it fit).
 */
size_t progress_format(char *buf, size_t size, const struct progress_counts *c,
    size_t total, double rate, double eta);

#endif
