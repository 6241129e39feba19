/*
 * handoff: the jobs. On main, the delegate hands a started task to the
 * least busy worker and, on a cancel, waits for its record; on a worker,
 * the job becomes a fetch task of the worker's context and its record
 * goes back when it finishes. See handoff.h for who touches what.
 */
#define _GNU_SOURCE

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "future.h"
#include "handoff.h"
#include "loop.h"
#include "mailbox.h"
#include "msgs.h"
#include "record.h"
#include "task.h"

/* The message of the records a failed worker loop leaves. */
#define LOOP_FAILED "the worker's event loop failed"

void
handoff_job_free(struct job *job)
{
	record_clear(&job->rec);
	free(job->line);
	free(job);
}

/*
 * Worker side: the job's record is in. A cancel waiting on main wakes;
 * the job goes back to main, which frees it.
 */
static void
job_finished(struct worker *w, struct job *job)
{
	pthread_mutex_lock(&w->lock);
	job->finished = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	job->msg.kind = MSG_DONE;
	(void)mailbox_post(w->ws->outbox, &job->msg.mail);
}

/* Out of the worker's list of jobs with a task. */
static void
live_unlink(struct worker *w, struct job *job)
{
	if (job->wprev != NULL)
		job->wprev->wnext = job->wnext;
	else
		w->live = job->wnext;
	if (job->wnext != NULL)
		job->wnext->wprev = job->wprev;
	job->wprev = job->wnext = NULL;
}

/* The record goes into the job and the task is freed. */
static void
take_record(struct job *job)
{
	live_unlink(job->worker, job);
	fetch_swap_record(job->wtask, &job->rec);
	if (job->lost)
		record_set_error(
		    &job->rec, RECORD_ERROR, ERROR_INTERNAL, LOOP_FAILED);
	task_free(job->wtask);
	job->wtask = NULL;
}

/*
 * The task finished (its callbacks run on a later turn than the finish,
 * so no libcurl callback is under way): its record goes into the job.
 */
static void
on_wtask_done(struct future *future, void *arg)
{
	struct job *job = arg;

	(void)future;
	take_record(job);
	job_finished(job->worker, job);
}

/* A job that could not become a task still gets its record. */
static void
start_failed(struct worker *w, struct job *job, const char *why)
{
	job->rec.index = job->index;
	job->rec.url = job->line;
	job->rec.url_len = job->len;
	job->line = NULL;
	record_set_error(&job->rec, RECORD_ERROR, ERROR_INTERNAL, why);
	job_finished(w, job);
}

static void
worker_start_job(struct worker *w, struct job *job)
{
	if (w->failed) {
		start_failed(w, job, LOOP_FAILED);
		return;
	}
	job->wtask = fetch_task_new(
	    w->ctx, job->index, job->line, job->len, 0, job->read_at);
	if (job->wtask == NULL)
		goto fail;
	/* What the worker context's hooks work on (crawl mode's page). */
	if (job->carry != NULL)
		fetch_set_data(job->wtask, job->carry, NULL);
	if (future_add_done_callback(
		task_future(job->wtask), on_wtask_done, job) != RT_OK) {
		task_free(job->wtask);
		job->wtask = NULL;
		goto fail;
	}
	job->wnext = w->live;
	if (w->live != NULL)
		w->live->wprev = job;
	w->live = job;
	/* One that fails to start is finished already: its callback runs. */
	(void)task_start(job->wtask);
	return;
fail:
	start_failed(w, job, "out of memory on a worker");
}

void
handoff_worker_failed(struct worker *w)
{
	struct job  *job, *next;
	struct mail *m, *mnext;
	int	     stop = 0;

	msgs_warnx("a worker's event loop failed: its transfers end as "
		   "internal errors");
	w->failed = 1;
	w->failmsg.kind = MSG_FAILED;
	(void)mailbox_post(w->ws->outbox, &w->failmsg.mail);
	/*
	 * Each transfer stops now; the done callbacks are queued on the
	 * loop, run here without it, and send the records back.
	 */
	for (job = w->live; job != NULL; job = job->wnext)
		if (task_cancel(job->wtask, LOOP_FAILED) == 1)
			job->lost = 1;
	loop_run_queued(w->loop);
	/* A callback that could not be queued: its record all the same. */
	for (job = w->live; job != NULL; job = next) {
		next = job->wnext;
		job->lost = 1;
		take_record(job);
		job_finished(w, job);
	}
	while (!stop)
		for (m = mailbox_wait(w->inbox); m != NULL; m = mnext) {
			mnext = m->next;
			m->next = NULL;
			if (MSG_OF(m)->kind == MSG_STOP)
				stop = 1;
			else
				handoff_worker_mail(m, w);
		}
}

void
handoff_worker_mail(struct mail *m, void *arg)
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

/* Worker side: a host answered 429 or 503 with Retry-After. */
void
handoff_host_backoff(const char *host, double until, void *arg)
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
void
handoff_main_mail(struct mail *m, void *arg)
{
	struct workers *ws = arg;
	struct msg     *msg = MSG_OF(m);
	struct job     *job;
	struct hold    *h;

	if (msg->kind == MSG_FAILED) {
		CONTAINER(msg, struct worker, failmsg)->dead = 1;
		return;
	}
	if (msg->kind == MSG_HOLD) {
		h = CONTAINER(msg, struct hold, msg);
		if (ws->on_host_backoff != NULL)
			ws->on_host_backoff(h->host, h->until, ws->backoff_arg);
		free(h);
		return;
	}
	job = CONTAINER(msg, struct job, msg);
	job->worker->inflight--;
	/* Its done hook, if any, runs here, on main (crawl mode's links). */
	if (job->task != NULL)
		fetch_delegated_done(job->task, &job->rec);
	handoff_job_free(job);
}

/*
 * The worker with the fewest jobs in flight, the search starting after
 * the last one chosen so that ties take turns. Hosts are not tied to a
 * worker: one host with all the URLs (S1) is spread as evenly as many
 * hosts are, and the limits stay with the main scheduler. A worker whose
 * loop failed is passed over while another lives; when none does, it
 * still takes the job, to give it its record.
 */
static struct worker *
least_busy(struct workers *ws)
{
	struct worker *best = NULL;
	size_t	       i, k;

	for (i = 0; i < ws->n; i++) {
		k = (ws->next + i) % ws->n;
		if (ws->w[k].dead)
			continue;
		if (best == NULL || ws->w[k].inflight < best->inflight)
			best = &ws->w[k];
	}
	if (best == NULL)
		best = &ws->w[ws->next % ws->n];
	ws->next = (size_t)(best - ws->w) + 1;
	return best;
}

enum run_err
handoff_start(struct task *task, void *arg, void **handle)
{
	struct workers	    *ws = arg;
	const struct record *rec = fetch_record(task);
	struct job	    *job;

	if ((job = calloc(1, sizeof(*job))) == NULL ||
	    (job->line = malloc(rec->url_len + 1)) == NULL) {
		free(job);
		return RUN_ERR_NOMEM;
	}
	memcpy(job->line, rec->url, rec->url_len + 1);
	job->len = rec->url_len;
	job->index = rec->index;
	job->read_at = fetch_read_at(task);
	job->task = task;
	job->carry = fetch_carry(task);
	record_init(&job->rec);
	job->worker = least_busy(ws);
	job->worker->inflight++;
	job->msg.kind = MSG_START;
	job->cancel.kind = MSG_CANCEL;
	*handle = job;
	(void)mailbox_post(job->worker->inbox, &job->msg.mail);
	return RUN_OK;
}

/*
 * Main side: stops a handed-over task and takes its record. The worker
 * stops the transfer on its next turn (its loop never waits for main);
 * main waits for that, not for the network.
 */
void
handoff_cancel(struct task *task, void *handle, const char *reason, void *arg)
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
	fetch_take_record(task, &job->rec);
	job->task = NULL;
}
