/*
 * fdlimit: fits -j to the open-file limit before anything starts, so a
 * large -j never shows up as a flood of failed transfers.
 *
 * What a run needs is counted, not guessed: the descriptors already open
 * when it starts, FDLIMIT_RUN more for the run itself, and
 * FDLIMIT_PER_TRANSFER for each transfer in flight (one more each when
 * bodies are saved to files).
 */
#ifndef AFETCH_FDLIMIT_H
#define AFETCH_FDLIMIT_H

#include <stddef.h>

/*
 * Descriptors a run opens beside its transfers: the loop's epoll and its
 * signal pipe (3), libcurl's multi wake-up pair (2), the input, resume
 * and summary files (3), and two to spare.
 */
#define FDLIMIT_RUN 10

/*
 * A transfer's connection, and a second descriptor while it is made: the
 * other address family's attempt (happy eyeballs) or the threaded
 * resolver's wake-up pair, which is gone before connecting starts.
 */
#define FDLIMIT_PER_TRANSFER 2

/*
 * Returns the number of descriptors open now (counted in /proc/self/fd,
 * or by probing up to the limit), or 0 when it cannot tell.
 */
size_t fdlimit_open_now(void);

/*
 * Raises the soft RLIMIT_NOFILE as far as the hard limit allows to fit
 * jobs transfers (saving_files: each also holds a file). Returns jobs when
 * they fit, else the largest -j that does (at least 1), after one warning
 * line on stderr.
 */
size_t fdlimit_fit_jobs(size_t jobs, int saving_files);

/*
 * Idle connections kept for reuse beside jobs transfers (as fitted by
 * fdlimit_fit_jobs()), one descriptor each: raises the soft limit as far
 * as the hard limit allows to hold up to want of them, and returns how
 * many fit (0 to want). Silent: fewer idle connections cost round trips,
 * not records.
 */
size_t fdlimit_fit_idle(size_t jobs, int saving_files, size_t want);

#endif
