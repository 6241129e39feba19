/*
 * reporterr: the one error type of the report layer (src/report/).
 *
 * Every report function that can fail returns an enum report_err (or,
 * where it also counts, a non-negative value or one of these), and its
 * header names the values it may return. Success is 0 and every failure
 * is negative. Where a system call failed, errno (or the failing object's
 * own copy, as mergeio's failed) keeps the reason; cli turns these into
 * messages and the exit status.
 */
#ifndef AFETCH_REPORTERR_H
#define AFETCH_REPORTERR_H

#include <errno.h>

enum report_err {
	REPORT_OK = 0,
	REPORT_ERR_NOMEM = -1, /* an allocation failed */
	REPORT_ERR_READ = -2,  /* reading (or seeking) failed; errno says why */
	REPORT_ERR_WRITE = -3, /* writing failed; errno says why */
	REPORT_ERR_EVENT = -4, /* libevent refused */
	REPORT_ERR_ARG = -5,   /* an argument outside its range */
};

/* ENOMEM is REPORT_ERR_NOMEM; any other errno is the I/O error io. */
static inline enum report_err
report_err_of(int err, enum report_err io)
{
	return err == ENOMEM ? REPORT_ERR_NOMEM : io;
}

#endif
