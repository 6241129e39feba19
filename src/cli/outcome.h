/*
 * outcome: how a run ended, and the one rule that turns it into the exit
 * status of afetch(1).
 *
 * The run only records facts as they happen (a signal came, the output
 * failed, a record was not done ...); main() asks outcome_exit_status()
 * once at the end, so no other place decides what afetch exits with.
 */
#ifndef AFETCH_OUTCOME_H
#define AFETCH_OUTCOME_H

/* Exit statuses, as in afetch(1). */
#define EXIT_ALL_DONE	 0
#define EXIT_SOME_FAILED 1
#define EXIT_USAGE	 2
#define EXIT_PIPE	 141

struct outcome {
	int usage;	   /* refused before anything was fetched */
	int signal;	   /* the first SIGINT or SIGTERM's number, or 0 */
	int reader_gone;   /* stdout's reader went away (EPIPE) */
	int output_failed; /* records or the summary could not be written */
	int internal;	   /* afetch itself failed (out of memory ...) */
	int not_done;	   /* a record is not done, or --fail saw >= 400,
			      or input could not be read */
	int first;	   /* --first N was given ... */
	int first_reached; /* ... and N successes came */
};

/*
 * Returns the exit status: 2 for a usage refusal; 128 + the signal after
 * SIGINT or SIGTERM; 141 when the reader went away; 1 when output could
 * not be written or afetch failed itself, whatever else happened; with
 * --first, 0 when it was reached; else 1 when a record is not done, 0
 * when all are.
 */
int outcome_exit_status(const struct outcome *o);

#endif
