/*
 * options: the one table of afetch's options, and the config's defaults.
 *
 * Each entry has the option's names, its argument as the man page writes
 * it, its line of --help, and the function that applies a value (NULL for
 * --help and --version, which cli answers itself). getopt_long's tables,
 * --help and the usage line (the man page's SYNOPSIS, word for word) are
 * all made from it, so they cannot disagree.
 */
#ifndef AFETCH_OPTIONS_H
#define AFETCH_OPTIONS_H

#include <stddef.h>

#include "config.h"

struct option_spec {
	const char *name;
	char	    letter; /* the short option, or 0 */
	const char *arg;    /* NULL: takes no argument */
	const char *help;
	/* Applies arg to cfg. Returns 0, or -1 for a bad value. */
	int (*set)(struct config *cfg, const char *arg);
};

/* The most options there may be: the size of cli's tables built from it. */
#define OPTIONS_MAX 64

/* The options, in --help's order (grouped by topic). */
extern const struct option_spec options[];
extern const size_t		noptions;

/* Fills cfg with every option's default. */
void config_defaults(struct config *cfg);

#endif
