/*
 * fetch: the task each URL becomes, and the context all of them share
 * (the curl bridge, the pool of idle easy handles, the -H list, the CA
 * store, the -o directory). It checks the line, makes the task and its
 * record, and answers the task's start, cancel and free; the attempts
 * themselves, retries included, are attempt.c's. app creates the context
 * and the tasks; the scheduler starts them.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "attempt.h"
#include "curlev.h"
#include "errmap.h"
#include "fetch.h"
#include "future.h"
#include "msgs.h"
#include "response.h"
#include "retry.h"
#include "savefile.h"
#include "task.h"
#include "tlstrust.h"
#include "url.h"

/* Response header bytes --headers keeps (libcurl 7.88 refuses a single
 * header line over 100 KiB by itself). */
#define HDRS_LIMIT (256 * 1024)

/* A seed that differs between runs, when none is given. */
static uint64_t
run_seed(const struct fetch_ctx *ctx)
{
	struct timespec ts;

	if (ctx->opts.seed != 0)
		return ctx->opts.seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec << 30) ^ (uint64_t)ts.tv_nsec ^
	    ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)ctx;
}

struct fetch_ctx *
fetch_ctx_new(struct loop *loop, const struct fetch_options *opts)
{
	struct fetch_ctx  *ctx;
	struct curl_slist *l;
	size_t		   i;
	int		   saved;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->loop = loop;
	ctx->opts = *opts;
	ctx->rng = retry_seed(run_seed(ctx));
	ctx->oom_long_header = errmap_oom_for_long_header();
	ctx->body_cap = opts->max_size;
	if (ctx->body_cap < 0 && opts->want_body)
		ctx->body_cap = BODY_DEFAULT_CAP;
	/* Built once: every transfer shares the list. */
	for (i = 0; i < opts->nheaders; i++) {
		if ((l = curl_slist_append(ctx->headers, opts->headers[i])) ==
		    NULL)
			goto fail;
		ctx->headers = l;
	}
	if (opts->output_dir != NULL &&
	    (ctx->savedir = savefile_dir_open(opts->output_dir)) == NULL) {
		saved = errno;
		msgs_warnc(saved, "%s", opts->output_dir);
		fetch_ctx_free(ctx);
		/* Said already: not to be taken for a lack of memory. */
		errno = saved == ENOMEM ? EIO : saved;
		return NULL;
	}
	ctx->trust = opts->trust;
	if (ctx->trust == NULL && !opts->request.insecure &&
	    (ctx->own_trust = ctx->trust = tlstrust_new(
		 opts->request.cacert, opts->request.capath)) == NULL)
		goto fail;
	if (ctx->opts.pool_size > 0 &&
	    (ctx->idle = calloc(ctx->opts.pool_size, sizeof(CURL *))) == NULL)
		goto fail;
	if ((ctx->curlev = curlev_new(loop, attempt_on_done, ctx)) == NULL ||
	    curlev_set_pool(ctx->curlev,
		(long)(ctx->opts.connections > 0 ? ctx->opts.connections
						 : ctx->opts.pool_size),
		(long)ctx->opts.pool_size) != HTTP_OK)
		goto fail;
	return ctx;
fail:
	fetch_ctx_free(ctx);
	errno = ENOMEM;
	return NULL;
}

void
fetch_ctx_free(struct fetch_ctx *ctx)
{
	size_t i;

	if (ctx == NULL)
		return;
	/* Idle handles still point at the header list: they go first. */
	for (i = 0; i < ctx->nidle; i++)
		curl_easy_cleanup(ctx->idle[i]);
	curlev_free(ctx->curlev);
	curl_slist_free_all(ctx->headers);
	tlstrust_free(ctx->own_trust);
	savefile_dir_close(ctx->savedir);
	free(ctx->idle);
	free(ctx);
}

/* The attempts run elsewhere (see struct fetch_delegate). */
static int
start_delegated(struct fetch *fetch)
{
	const struct fetch_delegate *d = fetch->ctx->opts.delegate;

	if (d->start(fetch->task, d->arg, &fetch->delegated) == RUN_OK)
		return 0;
	fetch->delegated = NULL;
	record_set_error(
	    &fetch->rec, RECORD_ERROR, ERROR_INTERNAL, "out of memory");
	task_done(fetch->task);
	return -1;
}

static int
fetch_start(struct task *task, void *data)
{
	struct fetch *fetch = data;

	const struct fetch_hooks *h = fetch->ctx->opts.hooks;

	if (fetch->url != NULL && h != NULL && h->gate != NULL &&
	    h->gate(task, h->arg) == -1) {
		/* Refused by the hook, which says why in the record. */
		free(fetch->url);
		fetch->url = NULL;
	}
	if (fetch->url == NULL) {
		/* Refused at read time: the record says why already. */
		task_done(fetch->task);
		return 0;
	}
	if (fetch->ctx->opts.delegate != NULL)
		return start_delegated(fetch);
	return attempt_start(fetch);
}

/*
 * Stops the fetch, whether an attempt runs or it waits to retry (the
 * record then keeps the last attempt's outcome and count).
 */
static void
fetch_cancel(struct task *task, void *data, const char *reason)
{
	struct fetch		    *fetch = data;
	const struct fetch_delegate *d = fetch->ctx->opts.delegate;
	const struct fetch_hooks    *h = fetch->ctx->opts.hooks;

	if (fetch->delegated != NULL) {
		/*
		 * The other side's record, its figures included: cancelled,
		 * unless it had finished before the cancel reached it and no
		 * done hook was yet to see it (crawl mode settles a page's
		 * links there: unsettled, the page counts as not fetched, as
		 * a transfer stopped at its end does on one loop).
		 */
		d->cancel(task, fetch->delegated, reason, d->arg);
		fetch->delegated = NULL;
		if (fetch->rec.state != RECORD_CANCELLED &&
		    (h == NULL || h->done == NULL)) {
			task_done(task);
			return;
		}
	} else
		attempt_stop(fetch);
	record_set_error(
	    &fetch->rec, RECORD_CANCELLED, ERROR_CANCELLED, reason);
	task_cancelled(task, reason);
}

static void
fetch_free(void *data)
{
	struct fetch *fetch = data;

	if (fetch == NULL)
		return;
	attempt_discard(fetch);
	if (fetch->data_free != NULL)
		fetch->data_free(fetch->data);
	response_free(&fetch->resp);
	record_clear(&fetch->rec);
	free(fetch->url);
	free(fetch->host);
	free(fetch);
}

/* Cancelled before it started: the record says so, with the reason. */
static void
fetch_cancelled(void *data, const char *reason)
{
	struct fetch *fetch = data;

	record_set_error(
	    &fetch->rec, RECORD_CANCELLED, ERROR_CANCELLED, reason);
}

static const struct task_ops fetch_ops = {
	.start = fetch_start,
	.cancel = fetch_cancel,
	.free = fetch_free,
	.cancelled = fetch_cancelled,
};

/* The response's tap: the body hook sees the task. */
static void
on_body(void *arg, const char *data, size_t len)
{
	struct fetch		 *fetch = arg;
	const struct fetch_hooks *h = fetch->ctx->opts.hooks;

	h->body(fetch->task, data, len, h->arg);
}

struct task *
fetch_task_new(struct fetch_ctx *ctx, size_t index, const char *line,
    size_t len, int truncated, double read_at)
{
	struct fetch   *fetch;
	enum url_result res;
	const char     *why = NULL;

	if ((fetch = calloc(1, sizeof(*fetch))) == NULL)
		return NULL;
	fetch->ctx = ctx;
	fetch->read_at = read_at;
	record_init(&fetch->rec);
	fetch->rec.index = index;
	fetch->rec.state = RECORD_ERROR;
	fetch->rec.extras = (ctx->opts.want_headers ? RECORD_HEADERS : 0) |
	    (ctx->opts.want_body ? RECORD_BODY : 0) |
	    (ctx->savedir != NULL ? RECORD_PATH : 0);
	if (response_init(&fetch->resp, ctx->body_cap, ctx->opts.want_body,
		ctx->opts.want_headers, HDRS_LIMIT) != HTTP_OK ||
	    (fetch->rec.url = malloc(len + 1)) == NULL) {
		response_free(&fetch->resp);
		free(fetch);
		return NULL;
	}
	if (ctx->opts.hooks != NULL && ctx->opts.hooks->body != NULL) {
		fetch->resp.tap = on_body;
		fetch->resp.tap_arg = fetch;
	}
	memcpy(fetch->rec.url, line, len);
	fetch->rec.url[len] = '\0';
	fetch->rec.url_len = len;

	if (truncated) {
		record_set_error(&fetch->rec, RECORD_ERROR, ERROR_INVALID_URL,
		    "line too long");
	} else {
		res = url_normalise(line, len, &fetch->url, &fetch->host, &why);
		if (res == URL_INVALID)
			record_set_error(&fetch->rec, RECORD_ERROR,
			    ERROR_INVALID_URL, why ? why : "not a valid URL");
		else if (res == URL_UNSUPPORTED_SCHEME)
			record_set_error(&fetch->rec, RECORD_ERROR,
			    ERROR_UNSUPPORTED_SCHEME,
			    why ? why : "only http and https are fetched");
	}
	if ((fetch->task = task_new(ctx->loop, &fetch_ops, fetch)) == NULL) {
		fetch_free(fetch);
		return NULL;
	}

	return fetch->task;
}

long long
fetch_body_cap(const struct fetch_ctx *ctx)
{
	return ctx->body_cap;
}

int
fetch_is_requestable(struct task *task)
{
	return ((struct fetch *)task_data(task))->url != NULL;
}

const char *
fetch_host(struct task *task)
{
	return ((struct fetch *)task_data(task))->host;
}

const struct record *
fetch_record(struct task *task)
{
	return &((struct fetch *)task_data(task))->rec;
}

struct record *
fetch_record_edit(struct task *task)
{
	return &((struct fetch *)task_data(task))->rec;
}

const char *
fetch_url(struct task *task)
{
	return ((struct fetch *)task_data(task))->url;
}

void
fetch_peek(struct task *task, long *status, const char **content_type,
    const char **effective_url)
{
	struct fetch *fetch = task_data(task);
	char	     *s;

	*status = fetch->resp.status;
	*content_type = *effective_url = NULL;
	if (fetch->easy == NULL)
		return;
	if (curl_easy_getinfo(fetch->easy, CURLINFO_CONTENT_TYPE, &s) ==
	    CURLE_OK)
		*content_type = s;
	if (curl_easy_getinfo(fetch->easy, CURLINFO_EFFECTIVE_URL, &s) ==
	    CURLE_OK)
		*effective_url = s;
}

void
fetch_finish(struct task *task)
{
	if (!future_finished(task_future(task)))
		task_done(task);
}

void
fetch_set_data(struct task *task, void *data, void (*free_fn)(void *))
{
	struct fetch *fetch = task_data(task);

	fetch->data = data;
	fetch->data_free = free_fn;
}

void *
fetch_data(struct task *task)
{
	return ((struct fetch *)task_data(task))->data;
}

double
fetch_read_at(struct task *task)
{
	return ((struct fetch *)task_data(task))->read_at;
}

void
fetch_swap_record(struct task *task, struct record *rec)
{
	struct fetch *fetch = task_data(task);
	struct record tmp = fetch->rec;

	fetch->rec = *rec;
	*rec = tmp;
}

void
fetch_set_body_cap(struct task *task, long long cap)
{
	((struct fetch *)task_data(task))->resp.cap = cap;
}

void *
fetch_carry(struct task *task)
{
	struct fetch		 *fetch = task_data(task);
	const struct fetch_hooks *h = fetch->ctx->opts.hooks;

	return h != NULL && h->carry != NULL ? h->carry(task, h->arg) : NULL;
}

void
fetch_take_record(struct task *task, struct record *rec)
{
	struct fetch *fetch = task_data(task);
	unsigned      crawl = fetch->rec.extras & RECORD_CRAWL;
	long	      depth = fetch->rec.depth;
	long long     parent = fetch->rec.parent;

	fetch_swap_record(task, rec);
	fetch->rec.extras |= crawl;
	if (crawl) {
		fetch->rec.depth = depth;
		fetch->rec.parent = parent;
	}
}

void
fetch_delegated_done(struct task *task, struct record *rec)
{
	struct fetch *fetch = task_data(task);

	fetch->delegated = NULL;
	fetch_take_record(task, rec);
	attempt_complete(fetch);
}
