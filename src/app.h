/*
 * app: one run of afetch: reads URLs, fetches them, writes their records,
 * and decides the exit status. Everything is set up and torn down here;
 * main() only parses the command line and returns what this returns.
 */
#ifndef AFETCH_APP_H
#define AFETCH_APP_H

#include "config.h"

/* Exit statuses, as in afetch(1). */
#define EXIT_ALL_DONE	 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE	 2
#define EXIT_PIPE	 141

/* Runs afetch with cfg. Returns the process exit status. */
int app_run(const struct config *cfg);

#endif
