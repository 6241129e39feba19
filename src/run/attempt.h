/*
 * attempt: one try at a fetch's URL, from taking an easy handle to the
 * outcome it leaves in the record, and the retry that may follow it.
 *
 * fetch.c makes the context and the tasks; this module runs each task's
 * attempts. The two share the structs below, which nothing else sees:
 * fetch.h stays the only public face of the fetch task. An attempt ends
 * in one of three ways: it stands as the task's outcome (the record is
 * filled and the task done), it is followed after a backoff by another
 * (see retry.h), or it is stopped by a cancel or a free.
 */
#ifndef AFETCH_ATTEMPT_H
#define AFETCH_ATTEMPT_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "fetch.h"
#include "record.h"
#include "response.h"
#include "transfer.h"
#include "runerr.h"

struct curlev;
struct loop;
struct loop_timer;
struct savedir;
struct task;
struct tlstrust;

struct fetch_ctx {
	struct loop	    *loop;
	struct curlev	    *curlev;
	struct fetch_options opts;
	struct curl_slist   *headers;	/* -H, shared by all transfers */
	struct tlstrust	    *trust;	/* CAs, loaded once; NULL with -k */
	struct tlstrust	    *own_trust; /* trust, when not opts.trust */
	struct savedir	    *savedir;	/* -o DIR, or NULL */
	long long	     body_cap;	/* body bytes; < 0: no limit */
	uint64_t	     rng;	/* jitter and temporary names */
	CURL		   **idle;	/* easy handles ready for reuse */
	size_t		     nidle;
	int oom_long_header; /* errmap_oom_for_long_header(), asked once */
};

struct fetch {
	struct fetch_ctx  *ctx;
	struct task	  *task;
	struct record	   rec;
	char		  *url; /* normalised; NULL if refused */
	char		  *host;
	double		   read_at;
	double		   started_at; /* of the current attempt */
	unsigned long	   added_at;   /* curlev_drives() when it was added */
	CURL		  *easy;       /* while an attempt runs */
	struct loop_timer *backoff;    /* while waiting to retry */
	struct response	   resp;       /* of the current attempt */
	void		  *data;       /* fetch_set_data() */
	void (*data_free)(void *);
	void *delegated; /* opts.delegate's handle, once started */
	char  errbuf[CURL_ERROR_SIZE];
};

/*
 * Starts one attempt of a running task whose URL is requestable. Returns
 * RUN_OK when the transfer is on the curl bridge, or RUN_ERR_NOSTART when
 * it could not start: the task is then done, with the reason (an internal
 * or write error) in its record.
 */
enum run_err attempt_start(struct fetch *fetch);

/*
 * The curl bridge's done-callback (see curlev_new()); arg is unused, the
 * fetch is the easy handle's CURLINFO_PRIVATE. Classifies how the attempt
 * ended, then either schedules a retry or finishes the task with the
 * attempt's outcome in the record.
 */
void attempt_on_done(CURL *easy, CURLcode result, void *arg);

/*
 * Stops whatever is under way for a cancel, a transfer or a backoff
 * timer: the record keeps what libcurl measured of a transfer that had
 * begun and the headers of a response that had, never a body, and no
 * file stays on disk. The caller then sets the record's cancelled state.
 */
void attempt_stop(struct fetch *fetch);

/*
 * Finishes the task with the outcome now in its record, unless the done
 * hook keeps it for later (see fetch_hooks).
 */
void attempt_complete(struct fetch *fetch);

/*
 * Lets go of whatever an attempt holds (timer, easy handle, temporary
 * file) without touching the record, for freeing the fetch.
 */
void attempt_discard(struct fetch *fetch);

/*
 * Writes into buf (size bytes) which limit ended an attempt that timed
 * out after elapsed seconds, under options o, and returns buf. Two limits
 * can fire: -t counts from the attempt's start, the connect timeout only
 * until a connection is made.
 */
const char *attempt_timeout_message(
    const struct transfer_options *o, double elapsed, char *buf, size_t size);

#endif
