/*
 * app: one run of afetch: reads URLs, fetches them, writes their records,
 * and tells how it ended. Everything is set up and torn down here; main()
 * parses the command line, calls app_run() and turns its outcome into the
 * exit status.
 */
#ifndef AFETCH_APP_H
#define AFETCH_APP_H

#include "config.h"
#include "outcome.h"

/* Runs afetch with cfg and fills *out with how the run ended. */
void app_run(const struct config *cfg, struct outcome *out);

#endif
