/*
 * fdlimit: fits -j to the open-file limit before anything starts, so a
 * large -j never shows up as a flood of failed transfers.
 */
#ifndef AFETCH_FDLIMIT_H
#define AFETCH_FDLIMIT_H

#include <stddef.h>

/* Descriptors afetch needs beside its transfers: stdio, loop, slack. */
#define FDLIMIT_RESERVE 32

/*
 * Raises the soft RLIMIT_NOFILE as far as the hard limit allows to fit
 * jobs transfers (two descriptors each, for connections being replaced,
 * plus FDLIMIT_RESERVE). Returns jobs when they fit, else the largest -j
 * that does (at least 1), after a warning on stderr.
 */
size_t fdlimit_fit_jobs(size_t jobs);

#endif
