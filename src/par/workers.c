/*
 * workers: the worker threads, the jobs handed to them and the records
 * and holds that come back. app.c makes the pool when --workers is over
 * 1 and puts its delegate in the main fetch context; the main scheduler
 * then starts tasks through it.
 *
 * A job is one handed-over task. Who touches what:
 *   main    job->task, worker->inflight (which worker is least busy);
 *   worker  job->wtask and the worker's loop and context;
 *   lock    job->finished and job->cancel_pending (worker->lock), which a
 *           cancel on main waits on with worker->cond.
 * The job goes to its worker in the worker's inbox and comes back, once
 * its record is in job->rec, in the main outbox; main frees it then. A
 * cancel posts the job's second message to the worker and waits until the
 * record is there and the worker is done with that message too, so the
 * job outlives everything that points to it.
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
#include "future.h"
#include "loop.h"
#include "mailbox.h"
#include "msgs.h"
#include "record.h"
#include "task.h"
#include "workers.h"

enum kind {
	MSG_START,  /* to a worker: fetch the job's URL */
	MSG_CANCEL, /* to a worker: cancel the job's task */
	MSG_STOP,   /* to a worker: end the thread */
	MSG_DONE,   /* to main: the job's record is in */
	MSG_HOLD    /* to main: a host asked for a pause */
};

struct msg {
	struct mail mail;
	enum kind   kind;
};

#define MSG_OF(m) ((struct msg *)(void *)(m))
#define CONTAINER(p, type, member)                                             \
	((type *)(void *)((char *)(p)-offsetof(type, member)))

struct worker;

struct job {
	struct msg     msg;    /* MSG_START out, then MSG_DONE back */
	struct msg     cancel; /* MSG_CANCEL */
	struct worker *worker;
	struct task   *task;  /* main's; NULL once its record was taken */
	struct task   *wtask; /* the worker's */
	const char    *reason;
	struct record  rec; /* the worker's record, once finished */
	size_t	       index;
	char	      *line;
	size_t	       len;
	double	       read_at;
	int	       finished;       /* worker->lock */
	int	       cancel_pending; /* worker->lock */
};

struct hold {
	struct msg msg;
	double	   until;
	char	   host[];
};

struct worker {
	struct workers	 *ws;
	pthread_t	  thread;
	int		  started;
	struct loop	 *loop;
	struct fetch_ctx *ctx;
	struct mailbox	 *inbox;
	struct msg	  stop;
	pthread_mutex_t	  lock;
	pthread_cond_t	  cond;
	size_t		  inflight; /* main's count of jobs given */
};

struct workers {
	struct loop	     *main;
	struct mailbox	     *outbox;
	struct fetch_delegate delegate;
	void (*on_host_backoff)(const char *host, double until, void *arg);
	void	      *backoff_arg;
	size_t	       n, next;
	struct worker *w;
};

static void
job_free(struct job *job)
{
	record_clear(&job->rec);
	free(job->line);
	free(job);
}

/*
 * Worker side. The task finished (its callbacks run on a later turn than
 * the finish, so no libcurl callback is under way): its record goes into
 * the job and the job back to main.
 */
static void
on_wtask_done(struct future *future, void *arg)
{
	struct job    *job = arg;
	struct worker *w = job->worker;

	(void)future;
	fetch_swap_record(job->wtask, &job->rec);
	task_free(job->wtask);
	job->wtask = NULL;
	pthread_mutex_lock(&w->lock);
	job->finished = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	job->msg.kind = MSG_DONE;
	(void)mailbox_post(w->ws->outbox, &job->msg.mail);
}

/* A job that could not become a task still gets its record. */
static void
start_failed(struct worker *w, struct job *job)
{
	record_init(&job->rec);
	job->rec.index = job->index;
	job->rec.url = job->line;
	job->rec.url_len = job->len;
	job->line = NULL;
	record_set_error(&job->rec, RECORD_ERROR, ERROR_INTERNAL,
	    "out of memory on a worker");
	pthread_mutex_lock(&w->lock);
	job->finished = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	job->msg.kind = MSG_DONE;
	(void)mailbox_post(w->ws->outbox, &job->msg.mail);
}

static void
worker_start_job(struct worker *w, struct job *job)
{
	job->wtask = fetch_task_new(
	    w->ctx, job->index, job->line, job->len, 0, job->read_at);
	if (job->wtask == NULL)
		goto fail;
	if (future_add_done_callback(
		task_future(job->wtask), on_wtask_done, job) == -1) {
		task_free(job->wtask);
		job->wtask = NULL;
		goto fail;
	}
	/* One that fails to start is finished already: its callback runs. */
	(void)task_start(job->wtask);
	return;
fail:
	start_failed(w, job);
}

static void
on_worker_mail(struct mail *m, void *arg)
{
	struct worker *w = arg;
	struct msg    *msg = MSG_OF(m);
	struct job    *job;

	switch (msg->kind) {
	case MSG_START:
		worker_start_job(w, CONTAINER(msg, struct job, msg));
		break;
	case MSG_CANCEL:
		job = CONTAINER(msg, struct job, cancel);
		/* Finished meanwhile, or cancelled now: either way the record
		 * is in once on_wtask_done() has run. */
		if (job->wtask != NULL)
			(void)task_cancel(job->wtask, job->reason);
		pthread_mutex_lock(&w->lock);
		job->cancel_pending = 0;
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
		break;
	case MSG_STOP:
		loop_stop(w->loop);
		break;
	default:
		break;
	}
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	if (loop_run(w->loop) == -1)
		msgs_warnx("a worker's event loop failed");
	return NULL;
}

/* Worker side: a host answered 429 or 503 with Retry-After. */
static void
worker_host_backoff(const char *host, double until, void *arg)
{
	struct worker *w = arg;
	size_t	       len = strlen(host);
	struct hold   *h;

	/* Lost when out of memory: the retry still waits, others may not. */
	if ((h = malloc(sizeof(*h) + len + 1)) == NULL)
		return;
	h->msg.kind = MSG_HOLD;
	h->until = until;
	memcpy(h->host, host, len + 1);
	(void)mailbox_post(w->ws->outbox, &h->msg.mail);
}

/* Main side: a record or a hold came back. */
static void
on_main_mail(struct mail *m, void *arg)
{
	struct workers *ws = arg;
	struct msg     *msg = MSG_OF(m);
	struct job     *job;
	struct hold    *h;

	if (msg->kind == MSG_HOLD) {
		h = CONTAINER(msg, struct hold, msg);
		if (ws->on_host_backoff != NULL)
			ws->on_host_backoff(h->host, h->until, ws->backoff_arg);
		free(h);
		return;
	}
	job = CONTAINER(msg, struct job, msg);
	job->worker->inflight--;
	if (job->task != NULL) {
		fetch_swap_record(job->task, &job->rec);
		task_done(job->task);
	}
	job_free(job);
}

/*
 * The worker with the fewest jobs in flight, the search starting after
 * the last one chosen so that ties take turns. Hosts are not tied to a
 * worker: one host with all the URLs (S1) is spread as evenly as many
 * hosts are, and the limits stay with the main scheduler.
 */
static struct worker *
least_busy(struct workers *ws)
{
	struct worker *best = NULL;
	size_t	       i, k;

	for (i = 0; i < ws->n; i++) {
		k = (ws->next + i) % ws->n;
		if (best == NULL || ws->w[k].inflight < best->inflight)
			best = &ws->w[k];
	}
	ws->next = (size_t)(best - ws->w) + 1;
	return best;
}

static int
delegate_start(struct task *task, void *arg, void **handle)
{
	struct workers	    *ws = arg;
	const struct record *rec = fetch_record(task);
	struct job	    *job;

	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->line = malloc(rec->url_len + 1)) == NULL) {
		free(job);
		return -1;
	}
	memcpy(job->line, rec->url, rec->url_len + 1);
	job->len = rec->url_len;
	job->index = rec->index;
	job->read_at = fetch_read_at(task);
	job->task = task;
	record_init(&job->rec);
	job->worker = least_busy(ws);
	job->worker->inflight++;
	job->msg.kind = MSG_START;
	job->cancel.kind = MSG_CANCEL;
	*handle = job;
	(void)mailbox_post(job->worker->inbox, &job->msg.mail);
	return 0;
}

/*
 * Main side: stops a handed-over task and takes its record. The worker
 * stops the transfer on its next turn (its loop never waits for main);
 * main waits for that, not for the network.
 */
static void
delegate_cancel(struct task *task, void *handle, const char *reason, void *arg)
{
	struct job    *job = handle;
	struct worker *w = job->worker;
	int	       post;

	(void)arg;
	pthread_mutex_lock(&w->lock);
	post = !job->finished;
	if (post) {
		job->reason = reason;
		job->cancel_pending = 1;
	}
	pthread_mutex_unlock(&w->lock);
	if (post)
		(void)mailbox_post(w->inbox, &job->cancel.mail);
	pthread_mutex_lock(&w->lock);
	while (!job->finished || job->cancel_pending)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	/* The job itself comes back in the outbox, and is freed there. */
	fetch_swap_record(task, &job->rec);
	job->task = NULL;
}

/* Made and freed on main; run on its thread in between. */
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
	wo.on_host_backoff = worker_host_backoff;
	wo.backoff_arg = w;
	/* A seed given for repeatable runs still differs per worker, or
	 * two would draw the same temporary file names. */
	if (wo.seed != 0)
		wo.seed += i + 1;
	if ((w->loop = loop_new()) == NULL ||
	    (w->ctx = fetch_ctx_new(w->loop, &wo)) == NULL ||
	    (w->inbox = mailbox_new(w->loop, on_worker_mail, w)) == NULL)
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
				job_free(CONTAINER(MSG_OF(m), struct job, msg));
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
	struct workers *ws;
	size_t		i;
	int		saved;

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
	ws->delegate.start = delegate_start;
	ws->delegate.cancel = delegate_cancel;
	ws->delegate.arg = ws;
	if ((ws->outbox = mailbox_new(main, on_main_mail, ws)) == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		if (worker_init(ws, &ws->w[i], i, opts) == -1)
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
				job_free(CONTAINER(MSG_OF(m), struct job, msg));
			else
				free(CONTAINER(MSG_OF(m), struct hold, msg));
		}
	mailbox_free(ws->outbox);
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
