/*
 * origins: one entry per origin a crawl checks, holding its robots.txt
 * rules once known, the fetch that gets them until then, and who waits
 * for them; hosts carry the largest Crawl-delay of their origins. The
 * robots.txt fetches are the crawl's side fetches (run/sidefetch: no
 * record, no scheduler slot, started at once). The crawler is its user.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "crawl.h"
#include "fetch.h"
#include "future.h"
#include "hostmap.h"
#include "loop.h"
#include "origins.h"
#include "robots.h"
#include "sched.h"
#include "sidefetch.h"
#include "task.h"

struct origin {
	struct sidefetch_user user; /* first: the fetch's data */
	struct origin	     *next_all;
	struct origins	     *o;
	struct task	     *fetch;  /* while fetching, until freed */
	struct robots	     *robots; /* the rules; NULL while fetching */
	int		      known;
	int		  blocked; /* its host is blocked in the scheduler */
	enum record_error err;	   /* no response: why, else ERROR_NONE */
	char		 *errmsg;
	char		 *host;	   /* the scheduler's key for it */
	void		 *waiting; /* struct origins_waiter list */
};

struct origins {
	struct loop	  *loop;
	struct sched	  *sched;
	struct sidefetch  *sf;
	struct fetch_hooks hooks;
	struct hostmap	  *map;	   /* origin -> struct origin */
	struct hostmap	  *delays; /* host -> double, Crawl-delay */
	struct origin	  *all;
	size_t		   fetched;
};

/* The length of url's origin ("scheme://authority"), or 0 if none. */
static size_t
origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	p += strcspn(p, "/?#");
	return (size_t)(p - url);
}

static void
robots_body(struct task *task, const char *data, size_t len, void *arg)
{
	struct origin * or = fetch_data(task);
	long	    status;
	const char *ct, *eff;

	(void)arg;
	if (or->robots == NULL) {
		fetch_peek(task, &status, &ct, &eff);
		or->robots = robots_for_status(status);
	}
	if (or->robots != NULL)
		(void)robots_feed(or->robots, data, len);
}

static void
robots_reset(struct task *task, void *arg)
{
	struct origin * or = fetch_data(task);

	(void)arg;
	robots_free(or->robots);
	or->robots = NULL;
}

/* The host's interval is the largest Crawl-delay of its origins. */
static void
note_delay(struct origins *o, struct origin * or)
{
	double d = robots_crawl_delay(or->robots), *have;

	if (!(d > 0))
		return;
	if ((have = hostmap_find(o->delays, or->host)) == NULL &&
	    (have = hostmap_add(o->delays, or->host)) == NULL)
		return;
	if (d > *have) {
		*have = d;
		sched_host_changed(o->sched, or->host);
	}
}

/*
 * The fetch's outcome, per the contract: a response gives rules by its
 * status (a 2xx cut at SIDEFETCH_ROBOTS_CAP is still the rules read), no
 * response allows nothing; dns, connect, tls and timeout are kept for
 * seeds, which get that error rather than `robots`.
 */
static int
robots_done(struct task *task, void *arg)
{
	struct origin * or = fetch_data(task);
	const struct record *rec = fetch_record(task);
	int		     cut;

	(void)arg;
	cut = rec->error == ERROR_TOO_LARGE && rec->status >= 200 &&
	    rec->status <= 299;
	if (rec->state == RECORD_DONE || cut) {
		if (or->robots == NULL)
			or->robots = robots_for_status(rec->status);
	} else {
		robots_free(or->robots);
		or->robots = robots_deny_all();
		switch (rec->error) {
		case ERROR_DNS:
		case ERROR_CONNECT:
		case ERROR_TLS:
		case ERROR_TIMEOUT:
			or->err = rec->error;
			or->errmsg = strdup(rec->error_message != NULL
				? rec->error_message
				: "robots.txt unreachable");
			break;
		default:
			break;
		}
	}
	if (or->robots != NULL)
		(void)robots_finish(or->robots);
	return 0;
}

/*
 * On a later turn once the fetch ended (or was cancelled): the answer is
 * in, the host goes on, and the waiters are told.
 */
static void
on_fetched(struct future *f, void *arg)
{
	struct origin * or = arg;
	struct origins	      *o = or->o;
	struct origins_waiter *w;

	(void)f;
	task_free(or->fetch);
	or->fetch = NULL;
	or->known = 1;
	/* Out of memory for the rules: nothing allowed, the safe side. */
	if (or->robots == NULL)
		or->robots = robots_deny_all();
	if (or->robots != NULL)
		note_delay(o, or);
	if (or->blocked) {
		or->blocked = 0;
		sched_unblock_host(o->sched, or->host);
	}
	while ((w = or->waiting) != NULL) {
		origins_unwait(w);
		w->ready(w);
	}
}

/* Starts fetching or's robots.txt. Returns 0, or -1 (out of memory). */
static int
start_fetch(struct origins *o, struct origin * or, const char *origin)
{
	char *url;

	if ((url = malloc(strlen(origin) + sizeof("/robots.txt"))) == NULL)
		return -1;
	strcpy(url, origin);
	strcat(url, "/robots.txt");
	or->user.hooks = &o->hooks;
	or->fetch =
	    sidefetch_task(o->sf, url, SIDEFETCH_ROBOTS_CAP, & or->user);
	free(url);
	if (or->fetch == NULL)
		return -1;
	if (!fetch_is_requestable(or->fetch) ||
	    (or->host = strdup(fetch_host(or->fetch))) == NULL ||
	    future_add_done_callback(task_future(or->fetch), on_fetched, or) !=
		RT_OK) {
		task_free(or->fetch);
		or->fetch = NULL;
		return -1;
	}
	if (sched_block_host(o->sched, or->host) == 0)
		or->blocked = 1;
	o->fetched++;
	/* One that cannot start is done already: on_fetched. */
	(void)task_start(or->fetch);
	return 0;
}

/* Returns url's origin entry, made (and its fetch started) if new. */
static struct origin *
origin_get(struct origins *o, const char *url)
{
	size_t n = origin_len(url);
	char  *key;
	struct origin * or ;

	if (n == 0 || (key = strndup(url, n)) == NULL)
		return NULL;
	if ((or = hostmap_find(o->map, key)) != NULL ||
	    (or = hostmap_add(o->map, key)) == NULL) {
		free(key);
		return or ;
	}
	or->o = o;
	or->next_all = o->all;
	o->all = or ;
	if (start_fetch(o, or, key) == -1) {
		/* Nothing allowed there: the safe side. */
		or->known = 1;
		or->robots = robots_deny_all();
	}
	free(key);
	return or ;
}

enum origins_verdict
origins_check(struct origins *o, const char *url, enum record_error *err,
    const char **msg)
{
	struct origin * or = origin_get(o, url);
	const char *path;

	if (or == NULL || (or->known && or->robots == NULL))
		return ORIGINS_DENIED;
	if (! or->known)
		return ORIGINS_UNKNOWN;
	if (or->err != ERROR_NONE) {
		if (err != NULL)
			*err = or->err;
		if (msg != NULL)
			*msg = or->errmsg != NULL ? or->errmsg : "unreachable";
		return ORIGINS_UNREACHABLE;
	}
	path = url + origin_len(url);
	return robots_allowed(or->robots, path) ? ORIGINS_ALLOWED
						: ORIGINS_DENIED;
}

enum run_err
origins_wait(struct origins *o, const char *url, struct origins_waiter *w)
{
	struct origin * or = origin_get(o, url);
	struct origins_waiter *head;

	if (or == NULL || or->known)
		return RUN_ERR_STATE;
	head = or->waiting;
	w->prev = NULL;
	w->next = head;
	if (head != NULL)
		head->prev = w;
	or->waiting = w;
	w->list = & or->waiting;
	return RUN_OK;
}

void
origins_unwait(struct origins_waiter *w)
{
	if (w->list == NULL)
		return;
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		*w->list = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	w->list = NULL;
}

double
origins_host_delay(const struct origins *o, const char *host)
{
	const double *d = hostmap_find(o->delays, host);

	return d != NULL ? *d : 0;
}

void
origins_stop(struct origins *o)
{
	struct origin * or ;

	for (or = o->all; or != NULL; or = or->next_all)
		if (or->fetch != NULL)
			task_cancel(or->fetch, "signal");
}

const char *const *
origins_sitemaps(struct origins *o, const char *url, size_t *n)
{
	size_t len = origin_len(url);
	char  *key;
	struct origin * or ;

	*n = 0;
	if (len == 0 || (key = strndup(url, len)) == NULL)
		return NULL;
	or = hostmap_find(o->map, key);
	free(key);
	if (or == NULL || ! or->known || or->robots == NULL)
		return NULL;
	return robots_sitemaps(or->robots, n);
}

size_t
origins_fetched(const struct origins *o)
{
	return o->fetched;
}

struct origins *
origins_new(struct loop *loop, struct sidefetch *sf, struct sched *sched)
{
	struct origins *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->loop = loop;
	o->sf = sf;
	o->sched = sched;
	o->hooks.reset = robots_reset;
	o->hooks.body = robots_body;
	o->hooks.done = robots_done;
	o->hooks.arg = o;
	if ((o->map = hostmap_new(sizeof(struct origin))) == NULL ||
	    (o->delays = hostmap_new(sizeof(double))) == NULL) {
		origins_free(o);
		return NULL;
	}
	return o;
}

void
origins_free(struct origins *o)
{
	struct origin * or ;

	if (o == NULL)
		return;
	for (or = o->all; or != NULL; or = or->next_all) {
		if (or->fetch != NULL) {
			task_cancel(or->fetch, "signal");
			task_free(or->fetch);
		}
		robots_free(or->robots);
		free(or->errmsg);
		free(or->host);
	}
	hostmap_free(o->map);
	hostmap_free(o->delays);
	free(o);
}
