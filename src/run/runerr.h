/*
 * runerr: the one error type of the run layer (src/run/).
 *
 * Every run function that can fail returns an enum run_err (or, where it
 * also answers a question, a non-negative answer or one of these), and its
 * header names the values it may return. Success is 0 and every failure
 * is negative; no memory, by far the most common, is -1. A transfer's own
 * failures are not errors here: they are its record's.
 */
#ifndef AFETCH_RUNERR_H
#define AFETCH_RUNERR_H

enum run_err {
	RUN_OK = 0,
	RUN_ERR_NOMEM = -1,   /* an allocation failed; nothing changed */
	RUN_ERR_SETUP = -2,   /* memory or libcurl refused a set-up */
	RUN_ERR_NOSTART = -3, /* a transfer could not start (its record says) */
	RUN_ERR_STATE = -4,   /* the object was not in a state for this */
	RUN_ERR_INPUT = -5,   /* a file named could not be read (said) */
	RUN_ERR_SYNTAX = -6,  /* a value given is not well formed */
};

#endif
