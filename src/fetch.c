#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "curlev.h"
#include "errmap.h"
#include "fetch.h"
#include "future.h"
#include "loop.h"
#include "task.h"
#include "url.h"

/* The longest Location header kept to check a redirect's scheme. */
#define LOCATION_MAX 8192

struct fetch_ctx {
	struct loop		*loop;
	struct curlev		*curlev;
	struct fetch_options	 opts;
	CURL			**idle;		/* easy handles ready for reuse */
	size_t			 nidle;
};

struct fetch {
	struct fetch_ctx	*ctx;
	struct task		*task;
	struct record		 rec;
	char			*url;		/* normalised; NULL if refused */
	char			*host;
	double			 read_at;
	double			 started_at;	/* of the current attempt */
	CURL			*easy;		/* while running */
	int			 flags;		/* ERRMAP_* seen so far */
	long long		 body_bytes;
	/* The latest response's status and Location, from its headers. */
	long			 last_status;
	char			*location;
	char			 errbuf[CURL_ERROR_SIZE];
};

static void	on_transfer_done(CURL *, CURLcode, void *);

struct fetch_ctx *
fetch_ctx_new(struct loop *loop, const struct fetch_options *opts)
{
	struct fetch_ctx	*ctx;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return NULL;
	ctx->loop = loop;
	ctx->opts = *opts;
	if (ctx->opts.pool_size > 0 &&
	    (ctx->idle = calloc(ctx->opts.pool_size, sizeof(CURL *))) == NULL)
		goto fail;
	if ((ctx->curlev = curlev_new(loop, on_transfer_done, ctx)) == NULL)
		goto fail;
	return ctx;
fail:
	fetch_ctx_free(ctx);
	return NULL;
}

void
fetch_ctx_free(struct fetch_ctx *ctx)
{
	size_t	i;

	if (ctx == NULL)
		return;
	for (i = 0; i < ctx->nidle; i++)
		curl_easy_cleanup(ctx->idle[i]);
	curlev_free(ctx->curlev);
	free(ctx->idle);
	free(ctx);
}

/* Takes an easy handle from the pool, or makes one. */
static CURL *
easy_get(struct fetch_ctx *ctx)
{
	CURL	*easy;

	if (ctx->nidle > 0) {
		easy = ctx->idle[--ctx->nidle];
		curl_easy_reset(easy);
		return easy;
	}
	return curl_easy_init();
}

/* Returns a handle to the pool, keeping its caches warm for the next URL. */
static void
easy_put(struct fetch_ctx *ctx, CURL *easy)
{
	if (ctx->nidle < ctx->opts.pool_size)
		ctx->idle[ctx->nidle++] = easy;
	else
		curl_easy_cleanup(easy);
}

/*
 * CURLOPT_WRITEFUNCTION: bodies are counted (after content decoding, as
 * libcurl hands them over) and discarded. Returning less than given stops
 * the transfer, which is how --max-size is enforced.
 */
static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct fetch	*fetch = arg;
	size_t		 len = size * nmemb;

	(void)data;
	fetch->body_bytes += (long long)len;
	if (fetch->ctx->opts.max_size >= 0 &&
	    fetch->body_bytes > fetch->ctx->opts.max_size) {
		fetch->flags |= ERRMAP_TOO_LARGE;
		return 0;
	}
	return len;
}

/*
 * CURLOPT_HEADERFUNCTION: notes each response's status and Location, so a
 * refused redirect can be told from a malformed response afterwards.
 */
static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct fetch	*fetch = arg;
	size_t		 len = size * nmemb, vlen;
	const char	*value;

	if (len > 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);

		fetch->last_status = 0;
		if (sp != NULL && (size_t)(sp - line) + 4 <= len)
			fetch->last_status = strtol(sp + 1, NULL, 10);
		free(fetch->location);
		fetch->location = NULL;
	} else if (len > 9 && strncasecmp(line, "location:", 9) == 0 &&
	    len < LOCATION_MAX) {
		value = line + 9;
		vlen = len - 9;
		while (vlen > 0 && (*value == ' ' || *value == '\t'))
			value++, vlen--;
		while (vlen > 0 && (value[vlen - 1] == '\r' ||
		    value[vlen - 1] == '\n' || value[vlen - 1] == ' '))
			vlen--;
		free(fetch->location);
		if ((fetch->location = malloc(vlen + 1)) != NULL) {
			memcpy(fetch->location, value, vlen);
			fetch->location[vlen] = '\0';
		}
	}
	return len;
}

/*
 * Returns 1 when the latest response redirected to a URL whose scheme
 * afetch refuses. A Location without "://" is relative, so it keeps the
 * current (allowed) scheme.
 */
static int
redirected_to_refused_scheme(const struct fetch *fetch)
{
	if (fetch->last_status < 300 || fetch->last_status > 399 ||
	    fetch->location == NULL)
		return 0;
	if (strstr(fetch->location, "://") == NULL &&
	    strncasecmp(fetch->location, "file:", 5) != 0)
		return 0;
	return !url_scheme_allowed(fetch->location);
}

static int
setup_easy(struct fetch *fetch, CURL *easy)
{
	const struct fetch_options	*o = &fetch->ctx->opts;
	CURLcode			 rc = CURLE_OK;

	/* Each setopt is checked; the first failure is reported. */
#define SET(opt, val)							\
	do {								\
		if (rc == CURLE_OK)					\
			rc = curl_easy_setopt(easy, opt, val);		\
	} while (0)
	SET(CURLOPT_URL, fetch->url);
	SET(CURLOPT_PRIVATE, fetch);
	SET(CURLOPT_ERRORBUFFER, fetch->errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, fetch);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, fetch);
	/* No signal handlers per transfer; SIGPIPE is ignored process-wide. */
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, o->follow_redirects ? 1L : 0L);
	SET(CURLOPT_MAXREDIRS, o->max_redirects);
	SET(CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000));
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000));
	SET(CURLOPT_USERAGENT, o->user_agent);
	/* "" asks for every encoding this libcurl can decode. */
	SET(CURLOPT_ACCEPT_ENCODING, "");
	/*
	 * Waiting to multiplex pays only over TLS, where HTTP/2 is offered.
	 * Over plain HTTP/1.1 it would hold every new transfer to a host
	 * until the first response's headers arrived.
	 */
	SET(CURLOPT_PIPEWAIT, strncasecmp(fetch->url, "https:", 6) == 0 &&
	    !o->http1_only ? 1L : 0L);
	SET(CURLOPT_HTTP_VERSION, o->http1_only ? (long)CURL_HTTP_VERSION_1_1 :
	    (long)CURL_HTTP_VERSION_2TLS);
#undef SET
	if (rc != CURLE_OK) {
		snprintf(fetch->errbuf, sizeof(fetch->errbuf), "%s",
		    curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

static double
info_seconds(CURL *easy, CURLINFO what)
{
	curl_off_t	us = 0;

	if (curl_easy_getinfo(easy, what, &us) != CURLE_OK)
		return -1;
	return (double)us / 1e6;
}

static char *
info_string(CURL *easy, CURLINFO what)
{
	char	*s = NULL;

	if (curl_easy_getinfo(easy, what, &s) != CURLE_OK || s == NULL ||
	    *s == '\0')
		return NULL;
	return strdup(s);
}

static const char *
version_name(long v)
{
	switch (v) {
	case CURL_HTTP_VERSION_1_0:
		return "1.0";
	case CURL_HTTP_VERSION_1_1:
		return "1.1";
	case CURL_HTTP_VERSION_2_0:
		return "2";
	case CURL_HTTP_VERSION_3:
		return "3";
	}
	return NULL;
}

/*
 * Copies what libcurl measured of the last attempt into the record. Phases
 * a failed attempt never reached read as 0 from libcurl and become null.
 */
static void
collect_info(struct fetch *fetch, int responded)
{
	struct record	*rec = &fetch->rec;
	CURL		*easy = fetch->easy;
	long		 l;
	static const struct {
		enum record_time	which;
		CURLINFO		info;
	} phases[] = {
		{ TIME_DNS, CURLINFO_NAMELOOKUP_TIME_T },
		{ TIME_CONNECT, CURLINFO_CONNECT_TIME_T },
		{ TIME_TLS, CURLINFO_APPCONNECT_TIME_T },
		{ TIME_TTFB, CURLINFO_STARTTRANSFER_TIME_T },
		{ TIME_TOTAL, CURLINFO_TOTAL_TIME_T },
	};
	size_t		 i;

	if (curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &l) == CURLE_OK)
		rec->status = l;
	if (curl_easy_getinfo(easy, CURLINFO_REDIRECT_COUNT, &l) == CURLE_OK)
		rec->redirects = l;
	if (curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &l) == CURLE_OK)
		rec->http_version = rec->status != 0 ? version_name(l) : NULL;
	free(rec->final_url);
	rec->final_url = info_string(easy, CURLINFO_EFFECTIVE_URL);
	free(rec->content_type);
	rec->content_type = info_string(easy, CURLINFO_CONTENT_TYPE);
	free(rec->ip);
	rec->ip = info_string(easy, CURLINFO_PRIMARY_IP);
	rec->size = fetch->body_bytes;
	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		double t = info_seconds(easy, phases[i].info);

		if (t <= 0 && !(responded && phases[i].which != TIME_TLS))
			t = -1;
		rec->time[phases[i].which] = t;
	}
	/* TLS has a time only over https. */
	if (rec->time[TIME_TLS] <= 0)
		rec->time[TIME_TLS] = -1;
}

/* Ends the running attempt: the handle leaves the multi and goes idle. */
static void
release_easy(struct fetch *fetch)
{
	curlev_remove(fetch->ctx->curlev, fetch->easy);
	easy_put(fetch->ctx, fetch->easy);
	fetch->easy = NULL;
}

static const char *
timeout_message(const struct fetch *fetch, char *buf, size_t size)
{
	const struct fetch_options *o = &fetch->ctx->opts;

	if (fetch->rec.time[TIME_CONNECT] < 0 && o->connect_timeout > 0)
		snprintf(buf, size, "connect timeout after %g s",
		    o->connect_timeout);
	else
		snprintf(buf, size, "timeout after %g s (-t)", o->timeout);
	return buf;
}

static void
on_transfer_done(CURL *easy, CURLcode result, void *arg)
{
	struct fetch	*fetch = NULL;
	enum record_error error;
	char		 text[CURL_ERROR_SIZE + 64];
	const char	*message;

	(void)arg;
	if (curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&fetch) !=
	    CURLE_OK || fetch == NULL)
		return;
	if (result == CURLE_UNSUPPORTED_PROTOCOL ||
	    result == CURLE_URL_MALFORMAT)
		if (redirected_to_refused_scheme(fetch))
			fetch->flags |= ERRMAP_BAD_REDIRECT;
	error = errmap_classify(result, fetch->errbuf, fetch->flags);
	collect_info(fetch, error == ERROR_NONE);
	if (error == ERROR_NONE) {
		fetch->rec.state = RECORD_DONE;
	} else {
		message = fetch->errbuf[0] != '\0' ? fetch->errbuf :
		    curl_easy_strerror(result);
		if (error == ERROR_TIMEOUT)
			message = timeout_message(fetch, text, sizeof(text));
		else if (error == ERROR_TOO_LARGE &&
		    (fetch->flags & ERRMAP_TOO_LARGE)) {
			snprintf(text, sizeof(text),
			    "body larger than %lld bytes (--max-size)",
			    fetch->ctx->opts.max_size);
			message = text;
		} else if (error == ERROR_TOO_LARGE &&
		    result == CURLE_OUT_OF_MEMORY) {
			message = "response headers larger than libcurl's "
			    "limit (100 KiB)";
		} else if (error == ERROR_UNSUPPORTED_SCHEME) {
			message = "redirect to a scheme other than http or https";
		}
		record_set_error(&fetch->rec, RECORD_ERROR, error, message);
	}
	release_easy(fetch);
	task_done(fetch->task);
}

static int
fetch_start(struct task *task, void *data)
{
	struct fetch	*fetch = data;
	CURL		*easy;

	(void)task;
	if (fetch->url == NULL) {
		/* Refused at read time: the record says why already. */
		task_done(fetch->task);
		return 0;
	}
	fetch->started_at = loop_now();
	if (fetch->rec.attempts == 0)
		fetch->rec.time[TIME_QUEUE] = fetch->started_at -
		    fetch->read_at;
	fetch->rec.attempts++;
	if ((easy = easy_get(fetch->ctx)) == NULL) {
		record_set_error(&fetch->rec, RECORD_ERROR, ERROR_CONNECT,
		    "out of memory");
		task_done(fetch->task);
		return -1;
	}
	fetch->easy = easy;
	if (setup_easy(fetch, easy) == -1 ||
	    curlev_add(fetch->ctx->curlev, easy) == -1) {
		record_set_error(&fetch->rec, RECORD_ERROR, ERROR_INVALID_URL,
		    fetch->errbuf[0] != '\0' ? fetch->errbuf :
		    curlev_error(fetch->ctx->curlev));
		easy_put(fetch->ctx, easy);
		fetch->easy = NULL;
		task_done(fetch->task);
		return -1;
	}
	return 0;
}

static void
fetch_cancel(struct task *task, void *data, const char *reason)
{
	struct fetch	*fetch = data;

	if (fetch->easy != NULL) {
		collect_info(fetch, 0);
		/*
		 * libcurl updates its total only as the transfer progresses;
		 * a stalled one is cancelled at our clock, not its.
		 */
		fetch->rec.time[TIME_TOTAL] = loop_now() - fetch->started_at;
		release_easy(fetch);
	}
	record_set_error(&fetch->rec, RECORD_CANCELLED, ERROR_CANCELLED,
	    reason);
	task_cancelled(task, reason);
}

static void
fetch_free(void *data)
{
	struct fetch	*fetch = data;

	if (fetch == NULL)
		return;
	if (fetch->easy != NULL)
		release_easy(fetch);
	record_clear(&fetch->rec);
	free(fetch->url);
	free(fetch->host);
	free(fetch->location);
	free(fetch);
}

static const struct task_ops fetch_ops = {
	.start = fetch_start,
	.cancel = fetch_cancel,
	.free = fetch_free,
};

struct task *
fetch_task_new(struct fetch_ctx *ctx, size_t index, const char *line,
    size_t len, int truncated, double read_at)
{
	struct fetch	*fetch;
	enum url_result	 res;
	const char	*why = NULL;

	if ((fetch = calloc(1, sizeof(*fetch))) == NULL)
		return NULL;
	fetch->ctx = ctx;
	fetch->read_at = read_at;
	record_init(&fetch->rec);
	fetch->rec.index = index;
	fetch->rec.state = RECORD_ERROR;
	if ((fetch->rec.url = malloc(len + 1)) == NULL) {
		free(fetch);
		return NULL;
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
	struct fetch	*fetch = task_data(task);
	struct future	*future = task_future(task);

	/* Cancelled before it started: the work never saw the reason. */
	if (future_state(future) == FUTURE_CANCELLED &&
	    fetch->rec.state != RECORD_CANCELLED)
		record_set_error(&fetch->rec, RECORD_CANCELLED,
		    ERROR_CANCELLED, future_cancel_reason(future));
	return &fetch->rec;
}
