/*
 * rterr: the one error type of the runtime layer (src/rt/).
 *
 * Every rt function that can fail returns an enum rt_err, and its header
 * names the values it may return. Success is 0 and every failure is
 * negative, so "!= RT_OK" and "< 0" both read as "failed"; the layers
 * above translate these into their own terms at the call.
 */
#ifndef AFETCH_RTERR_H
#define AFETCH_RTERR_H

enum rt_err {
	RT_OK = 0,
	RT_ERR_NOMEM = -1,   /* an allocation failed; nothing changed */
	RT_ERR_STATE = -2,   /* the future or task was past that step */
	RT_ERR_FULL = -3,    /* a gather's window has no room */
	RT_ERR_EVENT = -4,   /* libevent refused or failed */
	RT_ERR_NOSTART = -5, /* a task's work could not start */
};

#endif
