/*
 * workers: the pool. app.c makes it when --workers is over 1 and puts its
 * delegate in the main fetch context; the main scheduler then starts
 * tasks through it (handoff.c). Each worker's loop, context and inbox are
 * made and freed on main, and run on the worker's thread in between.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fetch.h"
#include "handoff.h"
#include "loop.h"
#include "mailbox.h"
#include "msgs.h"
#include "tlstrust.h"
#include "workers.h"

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	if (loop_run(w->loop) != RT_OK)
		handoff_worker_failed(w);
	return NULL;
}

static int
worker_init(struct workers *ws, struct worker *w, size_t i,
    const struct fetch_options *opts)
{
	struct fetch_options wo = *opts;

	w->ws = ws;
	w->stop.kind = MSG_STOP;
	if (pthread_mutex_init(&w->lock, NULL) != 0)
		return -1;
	if (pthread_cond_init(&w->cond, NULL) != 0) {
		pthread_mutex_destroy(&w->lock);
		return -1;
	}
	wo.delegate = NULL;
	wo.pool_size = (opts->pool_size + ws->n - 1) / ws->n;
	wo.connections = (opts->connections + ws->n - 1) / ws->n;
	wo.on_host_backoff = handoff_host_backoff;
	wo.backoff_arg = w;
	/* A seed given for repeatable runs still differs per worker, or
	 * two would draw the same temporary file names. */
	if (wo.seed != 0)
		wo.seed += i + 1;
	if ((w->loop = loop_new()) == NULL ||
	    (w->ctx = fetch_ctx_new(w->loop, &wo)) == NULL ||
	    (w->inbox = mailbox_new(w->loop, handoff_worker_mail, w)) == NULL)
		return -1;
	return 0;
}

static void
worker_fini(struct worker *w)
{
	struct mail *m, *next;

	if (w->ws == NULL)
		return;
	if (w->started) {
		(void)mailbox_post(w->inbox, &w->stop.mail);
		pthread_join(w->thread, NULL);
	}
	/* Jobs never started (after a failure): main frees them. */
	if (w->inbox != NULL)
		for (m = mailbox_take_all(w->inbox); m != NULL; m = next) {
			next = m->next;
			if (MSG_OF(m)->kind == MSG_START)
				handoff_job_free(
				    CONTAINER(MSG_OF(m), struct job, msg));
		}
	mailbox_free(w->inbox);
	/* libcurl's multi handle before the event base it uses. */
	fetch_ctx_free(w->ctx);
	loop_free(w->loop);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
}

/*
 * Threads start with every signal blocked, so SIGINT and SIGTERM reach
 * the main loop's handlers and nothing else.
 */
static int
start_threads(struct workers *ws)
{
	sigset_t all, old;
	size_t	 i;
	int	 rc = 0;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < ws->n && rc == 0; i++) {
		rc = pthread_create(
		    &ws->w[i].thread, NULL, worker_main, &ws->w[i]);
		ws->w[i].started = rc == 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		msgs_warnc(rc, "starting a worker thread");
	return rc == 0 ? 0 : -1;
}

struct workers *
workers_new(struct loop *main, size_t n, const struct fetch_options *opts)
{
	struct workers	    *ws;
	struct fetch_options wo = *opts;
	size_t		     i;
	int		     saved;

	if (n < 2 || n > WORKERS_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((ws = calloc(1, sizeof(*ws))) == NULL ||
	    (ws->w = calloc(n, sizeof(*ws->w))) == NULL) {
		free(ws);
		errno = ENOMEM;
		return NULL;
	}
	ws->main = main;
	ws->n = n;
	ws->on_host_backoff = opts->on_host_backoff;
	ws->backoff_arg = opts->backoff_arg;
	ws->delegate.start = handoff_start;
	ws->delegate.cancel = handoff_cancel;
	ws->delegate.arg = ws;
	if ((ws->outbox = mailbox_new(main, handoff_main_mail, ws)) == NULL)
		goto fail;
	/*
	 * One trust for all: the CAs are loaded once, by the first TLS
	 * connection of any worker (under tlstrust's lock), and a CA file
	 * that holds nothing is reported once, as with one loop. A run
	 * without TLS never loads them.
	 */
	if (!opts->request.insecure && opts->trust == NULL) {
		if ((ws->trust = tlstrust_new(
			 opts->request.cacert, opts->request.capath)) == NULL)
			goto fail;
		wo.trust = ws->trust;
	}
	for (i = 0; i < n; i++)
		if (worker_init(ws, &ws->w[i], i, &wo) == -1)
			goto fail;
	if (start_threads(ws) == -1) {
		errno = EAGAIN;
		goto fail;
	}
	return ws;
fail:
	saved = errno != 0 ? errno : ENOMEM;
	workers_free(ws);
	errno = saved;
	return NULL;
}

const struct fetch_delegate *
workers_delegate(struct workers *ws)
{
	return &ws->delegate;
}

void
workers_free(struct workers *ws)
{
	struct mail *m, *next;
	size_t	     i;

	if (ws == NULL)
		return;
	for (i = 0; i < ws->n; i++)
		worker_fini(&ws->w[i]);
	/* Whatever came back and was not read (after a failure). */
	if (ws->outbox != NULL)
		for (m = mailbox_take_all(ws->outbox); m != NULL; m = next) {
			next = m->next;
			if (MSG_OF(m)->kind == MSG_DONE)
				handoff_job_free(
				    CONTAINER(MSG_OF(m), struct job, msg));
			else if (MSG_OF(m)->kind == MSG_HOLD)
				free(CONTAINER(MSG_OF(m), struct hold, msg));
			/* MSG_FAILED lives in its worker. */
		}
	mailbox_free(ws->outbox);
	tlstrust_free(ws->trust);
	free(ws->w);
	free(ws);
}

size_t
workers_available_cores(void)
{
	cpu_set_t set;
	long	  n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (size_t)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (size_t)n : 1;
}
