/*
 * attempt: the life of one attempt at a URL. It takes an easy handle
 * from the context's pool (or makes one), hands it to the curl bridge,
 * and when the bridge reports the transfer over, sorts the result into
 * the contract's errors, asks the retry policy whether to try again after
 * a backoff, and otherwise fills the record and finishes the task. fetch.c
 * calls in to start, stop and free; the bridge calls attempt_on_done().
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "attempt.h"
#include "curlev.h"
#include "errmap.h"
#include "hdrs.h"
#include "loop.h"
#include "response.h"
#include "retry.h"
#include "savefile.h"
#include "task.h"
#include "transfer.h"

/*
 * Takes an easy handle from the pool, or makes and configures one. Pooled
 * handles keep their options, connections and caches: an attempt only
 * sets what is its own. Returns NULL with the reason in errbuf.
 */
static CURL *
easy_get(struct fetch_ctx *ctx, char *errbuf)
{
	CURL *easy;

	if (ctx->nidle > 0)
		return ctx->idle[--ctx->nidle];
	if ((easy = curl_easy_init()) == NULL) {
		snprintf(errbuf, CURL_ERROR_SIZE, "out of memory");
		return NULL;
	}
	if (curlev_adopt(ctx->curlev, easy, errbuf) != HTTP_OK ||
	    transfer_configure(easy, &ctx->opts.request, ctx->headers,
		ctx->trust, errbuf) != HTTP_OK) {
		curl_easy_cleanup(easy);
		return NULL;
	}
	return easy;
}

/* Returns a handle to the pool, keeping its caches warm for the next URL. */
static void
easy_put(struct fetch_ctx *ctx, CURL *easy)
{
	transfer_release(easy);
	if (ctx->nidle < ctx->opts.pool_size)
		ctx->idle[ctx->nidle++] = easy;
	else
		curl_easy_cleanup(easy);
}

/* Ends the running attempt: the handle leaves the multi and goes idle. */
static void
release_easy(struct fetch *fetch)
{
	curlev_remove(fetch->ctx->curlev, fetch->easy);
	easy_put(fetch->ctx, fetch->easy);
	fetch->easy = NULL;
}

/* Drops the attempt's file, if any: nothing of it stays on disk. */
static void
drop_file(struct fetch *fetch)
{
	savefile_abort(fetch->resp.save);
	fetch->resp.save = NULL;
}

/* libcurl's connect timeout when none is set (DEFAULT_CONNECT_TIMEOUT). */
#define LIBCURL_CONNECT_TIMEOUT 300.0

/*
 * Which limit fired: the connect timeout can fire only when it is the
 * shorter, and -t only once its whole time has passed, so an attempt that
 * ended earlier than -t was stopped by the connect timeout, whatever
 * phase it reached (a reused connection is made at once). elapsed is the
 * attempt's time by our clock, which started before libcurl's (libcurl
 * rounds its remaining time to milliseconds, hence the slack).
 */
const char *
attempt_timeout_message(
    const struct transfer_options *o, double elapsed, char *buf, size_t size)
{
	double connect = o->connect_timeout > 0 ? o->connect_timeout
						: LIBCURL_CONNECT_TIMEOUT;

	if (o->timeout <= 0 ||
	    (connect < o->timeout && elapsed < o->timeout - 0.002))
		snprintf(buf, size, "connect timeout after %g s (%s)", connect,
		    o->connect_timeout > 0 ? "--connect-timeout"
					   : "libcurl's default");
	else
		snprintf(buf, size, "timeout after %g s (-t)", o->timeout);
	return buf;
}

/*
 * The message of a failed attempt's error: afetch's own sentence where it
 * stopped the transfer or libcurl's text varies between versions (with
 * libcurl's detail after it), else libcurl's text.
 */
static const char *
error_message(const struct fetch *fetch, CURLcode result,
    enum record_error error, int flags, char *text, size_t size)
{
	const struct fetch_ctx *ctx = fetch->ctx;
	const char	       *own, *detail;

	switch (error) {
	case ERROR_TIMEOUT:
		return attempt_timeout_message(&ctx->opts.request,
		    fmax(fetch->rec.time[TIME_TOTAL],
			loop_now() - fetch->started_at),
		    text, size);
	case ERROR_TOO_LARGE:
		if (flags & ERRMAP_TOO_LARGE) {
			snprintf(text, size, "body larger than %lld bytes (%s)",
			    ctx->body_cap,
			    ctx->opts.max_size >= 0
				? "--max-size"
				: "--body's limit; see --max-size");
			return text;
		}
		if (flags & ERRMAP_HEADERS_TOO_LARGE) {
			snprintf(text, size,
			    "response headers over libcurl's limit (%d KiB "
			    "in all)",
			    ERRMAP_HEADER_TOTAL_MAX / 1024);
			return text;
		}
		break;
	case ERROR_PROTOCOL:
		if (flags & ERRMAP_BAD_FRAMING)
			return fetch->resp.why;
		break;
	case ERROR_WRITE:
		if (flags & ERRMAP_WRITE_FAILED) {
			snprintf(text, size, "saving the body: %s",
			    strerror(fetch->resp.save_errno));
			return text;
		}
		break;
	case ERROR_INTERNAL:
		if (flags & ERRMAP_NO_MEMORY)
			return "out of memory keeping the body";
		break;
	case ERROR_UNSUPPORTED_SCHEME:
		return "redirect to a scheme other than http or https";
	default:
		break;
	}
	detail = fetch->errbuf[0] != '\0' ? fetch->errbuf
					  : curl_easy_strerror(result);
	if ((own = errmap_message(result, error, flags)) == NULL)
		return detail;
	snprintf(text, size, "%s: %s", own, detail);
	return text;
}

/*
 * Moves what the last attempt saw of the optional fields into the record:
 * its headers when a response began, its body when it is to be kept.
 */
static void
keep_extras(struct fetch *fetch, int keep_body)
{
	struct record *rec = &fetch->rec;

	if (fetch->resp.hdrs != NULL && fetch->resp.responded) {
		hdrs_free(rec->headers);
		rec->headers = fetch->resp.hdrs;
		fetch->resp.hdrs = NULL;
	}
	if (keep_body && fetch->resp.keep_body) {
		free(rec->body);
		rec->body = response_take_body(&fetch->resp, &rec->body_len);
	}
}

/*
 * Ends the task with the last attempt's outcome. A done transfer's saved
 * body gets its final name; anything else leaves no file.
 */
static void
finish(struct fetch *fetch, CURLcode result, enum record_error error, int flags)
{
	struct record *rec = &fetch->rec;
	char	       text[CURL_ERROR_SIZE + 256];

	if (error == ERROR_NONE && fetch->resp.save != NULL) {
		rec->path = savefile_commit(fetch->resp.save);
		fetch->resp.save = NULL;
		if (rec->path == NULL) {
			snprintf(text, sizeof(text), "saving the body: %s",
			    strerror(errno));
			record_set_error(rec, RECORD_ERROR, ERROR_WRITE, text);
			keep_extras(fetch, 0);
			attempt_complete(fetch);
			return;
		}
	}
	drop_file(fetch);
	keep_extras(fetch, error == ERROR_NONE);
	if (error == ERROR_NONE)
		rec->state = RECORD_DONE;
	else
		record_set_error(rec, RECORD_ERROR, error,
		    error_message(
			fetch, result, error, flags, text, sizeof(text)));
	attempt_complete(fetch);
}

void
attempt_complete(struct fetch *fetch)
{
	const struct fetch_hooks *h = fetch->ctx->opts.hooks;

	if (h != NULL && h->done != NULL && h->done(fetch->task, h->arg) == 1)
		return;
	task_done(fetch->task);
}

static void
on_backoff_over(void *arg)
{
	struct fetch *fetch = arg;

	fetch->backoff = NULL;
	(void)attempt_start(fetch);
}

/* The wall clock, for Retry-After dates. */
static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Returns 1 when a retry has been scheduled after the attempt that just
 * ended, 0 when that attempt stands as the outcome. With --retries, a 429
 * or 503 with Retry-After also tells the scheduler to hold its host back
 * until the retry would be due, last attempt included.
 */
static int
schedule_retry(
    struct fetch *fetch, enum record_state state, enum record_error error)
{
	struct fetch_ctx	   *ctx = fetch->ctx;
	const struct fetch_options *o = &ctx->opts;
	double			    after = -1, wait;
	int			    retry;

	if (o->retries <= 0)
		return 0;
	retry = fetch->rec.attempts <= o->retries &&
	    retry_is_transient(state, error, fetch->rec.status);
	if (state == RECORD_DONE && fetch->resp.retry_after != NULL)
		after = retry_after_parse(fetch->resp.retry_after, wall_now());
	wait = retry_wait(retry_backoff(o->retry_delay, o->retry_max_delay,
			      fetch->rec.attempts, &ctx->rng),
	    after, o->retry_max_delay);
	if (after >= 0 && retry_slows_host(fetch->rec.status) &&
	    o->on_host_backoff != NULL)
		o->on_host_backoff(
		    fetch->host, loop_now() + wait, o->backoff_arg);
	if (!retry)
		return 0;
	fetch->backoff =
	    loop_call_later(ctx->loop, wait, on_backoff_over, fetch);
	/* Out of memory for the timer: the attempt stands. */
	return fetch->backoff != NULL;
}

/* What the attempt saw beside libcurl's code, for errmap. */
static int
attempt_flags(struct fetch *fetch, CURL *easy, CURLcode result)
{
	const struct response *r = &fetch->resp;
	int		       flags = r->flags;
	long		       sent = 0;

	if ((result == CURLE_UNSUPPORTED_PROTOCOL ||
		result == CURLE_URL_MALFORMAT) &&
	    response_refused_redirect(r))
		flags |= ERRMAP_BAD_REDIRECT;
	if (r->chunked)
		flags |= ERRMAP_CHUNKED;
	/*
	 * An old libcurl's "out of memory" while a header block was coming
	 * in (the request had gone out) is its refusal of a long line.
	 */
	if (!r->headers_done &&
	    curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK &&
	    sent > 0) {
		flags |= ERRMAP_IN_HEADERS;
		if (result == CURLE_OUT_OF_MEMORY &&
		    fetch->ctx->oom_long_header)
			flags |= ERRMAP_OOM_MEANS_LONG_LINE;
	}
	return flags;
}

void
attempt_on_done(CURL *easy, CURLcode result, void *arg)
{
	struct fetch	 *fetch = NULL;
	enum record_error error;
	int		  flags;

	(void)arg;
	if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&fetch) !=
		CURLE_OK ||
	    fetch == NULL)
		return;
	flags = attempt_flags(fetch, easy, result);
	error = errmap_classify(result, fetch->errbuf, flags);
	transfer_info(
	    easy, &fetch->rec, fetch->resp.body_bytes, error == ERROR_NONE);
	/*
	 * libcurl reports no total for attempts it ends before its clock
	 * starts (a host it cannot convert or resolve): ours measures them.
	 */
	if (fetch->rec.time[TIME_TOTAL] < 0)
		fetch->rec.time[TIME_TOTAL] = loop_now() - fetch->started_at;
	release_easy(fetch);
	if (schedule_retry(fetch,
		error == ERROR_NONE ? RECORD_DONE : RECORD_ERROR, error)) {
		/* Nothing of a failed attempt is kept, on disk or off. */
		drop_file(fetch);
		return;
	}
	finish(fetch, result, error, flags);
}

enum run_err
attempt_start(struct fetch *fetch)
{
	struct fetch_ctx    *ctx = fetch->ctx;
	struct transfer_spec spec;
	char		     text[256];
	CURL		    *easy;

	response_reset(&fetch->resp);
	if (ctx->opts.hooks != NULL && ctx->opts.hooks->reset != NULL)
		ctx->opts.hooks->reset(fetch->task, ctx->opts.hooks->arg);
	fetch->errbuf[0] = '\0';
	fetch->started_at = loop_now();
	if (fetch->rec.attempts == 0)
		fetch->rec.time[TIME_QUEUE] =
		    fetch->started_at - fetch->read_at;
	fetch->rec.attempts++;
	if (ctx->savedir != NULL &&
	    (fetch->resp.save = savefile_new(ctx->savedir, fetch->rec.index,
		 fetch->url, retry_rand(&ctx->rng))) == NULL) {
		snprintf(
		    text, sizeof(text), "saving the body: %s", strerror(errno));
		record_set_error(&fetch->rec, RECORD_ERROR, ERROR_WRITE, text);
		fetch->rec.time[TIME_TOTAL] = loop_now() - fetch->started_at;
		task_done(fetch->task);
		return RUN_ERR_NOSTART;
	}
	if ((easy = easy_get(ctx, fetch->errbuf)) == NULL) {
		drop_file(fetch);
		snprintf(text, sizeof(text), "setting up the transfer: %.200s",
		    fetch->errbuf);
		record_set_error(
		    &fetch->rec, RECORD_ERROR, ERROR_INTERNAL, text);
		fetch->rec.time[TIME_TOTAL] = loop_now() - fetch->started_at;
		task_done(fetch->task);
		return RUN_ERR_NOSTART;
	}
	fetch->easy = easy;
	spec.url = fetch->url;
	spec.response = &fetch->resp;
	spec.private = fetch;
	spec.errbuf = fetch->errbuf;
	if (transfer_prepare(easy, &ctx->opts.request, &spec) != HTTP_OK ||
	    curlev_add(ctx->curlev, easy) != HTTP_OK) {
		/* The URL was checked when it was read: what fails here is
		 * afetch's own set-up (memory, the multi handle). */
		snprintf(text, sizeof(text), "starting the transfer: %.200s",
		    fetch->errbuf[0] != '\0' ? fetch->errbuf
					     : curlev_error(ctx->curlev));
		record_set_error(
		    &fetch->rec, RECORD_ERROR, ERROR_INTERNAL, text);
		fetch->rec.time[TIME_TOTAL] = loop_now() - fetch->started_at;
		drop_file(fetch);
		easy_put(ctx, easy);
		fetch->easy = NULL;
		task_done(fetch->task);
		return RUN_ERR_NOSTART;
	}
	fetch->added_at = curlev_drives(ctx->curlev);
	return RUN_OK;
}

void
attempt_stop(struct fetch *fetch)
{
	loop_timer_cancel(fetch->backoff);
	fetch->backoff = NULL;
	if (fetch->easy != NULL) {
		/* A pooled handle not yet driven still speaks of the URL
		 * it fetched before: none of that is this record's. */
		if (curlev_drives(fetch->ctx->curlev) != fetch->added_at)
			transfer_info(fetch->easy, &fetch->rec,
			    fetch->resp.body_bytes, 0);
		/*
		 * libcurl updates its total only as the transfer progresses;
		 * a stalled one is cancelled at our clock, not its.
		 */
		fetch->rec.time[TIME_TOTAL] = loop_now() - fetch->started_at;
		release_easy(fetch);
	}
	drop_file(fetch);
	keep_extras(fetch, 0);
}

void
attempt_discard(struct fetch *fetch)
{
	loop_timer_cancel(fetch->backoff);
	fetch->backoff = NULL;
	if (fetch->easy != NULL)
		release_easy(fetch);
	drop_file(fetch);
}
