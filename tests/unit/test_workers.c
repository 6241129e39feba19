/*
 * Unit tests for workers: tasks of a main fetch context whose attempts run
 * on worker threads come back with the workers' records, each exactly
 * once; a cancel takes the worker's record, its figures included; URLs
 * that are not requested never leave the main loop; a task's carry goes
 * to the worker's hooks and the done hook runs on main, the record's
 * crawl fields kept.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetch.h"
#include "future.h"
#include "harness.h"
#include "loop.h"
#include "record.h"
#include "task.h"
#include "workers.h"

HARNESS_MAIN;

#define NTASKS 40

struct run {
	struct loop	 *loop;
	struct workers	 *ws;
	struct fetch_ctx *ctx;
	struct task	 *tasks[NTASKS];
	int		  finished[NTASKS];
	int		  nfinished;
	int		  want;
};

/*
 * A socket on 127.0.0.1 bound to a free port: listening (connects are
 * taken into its backlog and never answered) or not (refused). Writes the
 * URL of path on it into url.
 */
static int
local_socket(int listening, char *url, size_t size, const char *path)
{
	struct sockaddr_in sa;
	socklen_t	   len = sizeof(sa);
	int		   fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) == -1 ||
	    (listening && listen(fd, 64) == -1))
		return -1;
	snprintf(url, size, "http://127.0.0.1:%u%s", ntohs(sa.sin_port), path);
	return fd;
}

static struct run *the_run;

static void
count_finished(struct future *future, void *arg)
{
	size_t i = (size_t)(uintptr_t)arg;

	(void)future;
	the_run->finished[i]++;
	if (++the_run->nfinished == the_run->want)
		loop_stop(the_run->loop);
}

static int
run_setup_hooks(struct run *r, size_t nworkers,
    const struct fetch_hooks *main_hooks, const struct fetch_hooks *w_hooks)
{
	struct fetch_options fo;

	memset(r, 0, sizeof(*r));
	memset(&fo, 0, sizeof(fo));
	fo.request.timeout = 10;
	fo.request.connect_timeout = 10;
	fo.request.user_agent = "afetch-test";
	fo.max_size = -1;
	fo.pool_size = 8;
	the_run = r;
	fo.hooks = w_hooks;
	if ((r->loop = loop_new()) == NULL ||
	    (r->ws = workers_new(r->loop, nworkers, &fo)) == NULL)
		return -1;
	fo.hooks = main_hooks;
	fo.delegate = workers_delegate(r->ws);
	r->ctx = fetch_ctx_new(r->loop, &fo);
	return r->ctx != NULL ? 0 : -1;
}

static int
run_setup(struct run *r, size_t nworkers)
{
	return run_setup_hooks(r, nworkers, NULL, NULL);
}

static void
run_teardown(struct run *r)
{
	size_t i;

	for (i = 0; i < NTASKS; i++)
		task_free(r->tasks[i]);
	workers_free(r->ws);
	fetch_ctx_free(r->ctx);
	loop_free(r->loop);
}

static void
add_task(struct run *r, size_t i, const char *url)
{
	r->tasks[i] =
	    fetch_task_new(r->ctx, i, url, strlen(url), 0, loop_now());
	CHECK(r->tasks[i] != NULL);
	CHECK_INT(future_add_done_callback(task_future(r->tasks[i]),
		      count_finished, (void *)(uintptr_t)i),
	    0);
	r->want++;
}

/* Refused connections: every record comes back, from a worker. */
static void
test_records_come_back(void)
{
	struct run	     r;
	char		     url[128];
	const struct record *rec;
	int		     fd = local_socket(0, url, sizeof(url), "/x");
	size_t		     i;

	CHECK(fd != -1);
	CHECK_INT(run_setup(&r, 3), 0);
	for (i = 0; i < NTASKS - 1; i++)
		add_task(&r, i, url);
	/* Not requestable: finished on main, never handed over. */
	add_task(&r, NTASKS - 1, "ftp://127.0.0.1/");
	for (i = 0; i < NTASKS; i++)
		(void)task_start(r.tasks[i]);
	CHECK_INT(loop_run(r.loop), 0);
	CHECK_INT(r.nfinished, NTASKS);
	for (i = 0; i < NTASKS - 1; i++) {
		rec = fetch_record(r.tasks[i]);
		CHECK_INT(r.finished[i], 1);
		CHECK_INT(rec->index, i);
		CHECK_INT(rec->state, RECORD_ERROR);
		CHECK_INT(rec->error, ERROR_CONNECT);
		CHECK_INT(rec->attempts, 1);
		CHECK(rec->time[TIME_TOTAL] >= 0);
		CHECK_STR(rec->url, url);
	}
	rec = fetch_record(r.tasks[NTASKS - 1]);
	CHECK_INT(rec->error, ERROR_UNSUPPORTED_SCHEME);
	CHECK_INT(rec->attempts, 0);
	run_teardown(&r);
	close(fd);
}

static void
cancel_all(void *arg)
{
	struct run *r = arg;
	size_t	    i;

	for (i = 0; i < NTASKS; i++)
		CHECK_INT(task_cancel(r->tasks[i], "signal"), 1);
}

/*
 * A server that never answers: cancelled on the next turn of the main
 * loop, wherever the jobs are by then. A worker gets the start before
 * the cancel, so each record shows one attempt with its time measured.
 */
static void
test_cancel_takes_the_workers_record(void)
{
	struct run	     r;
	char		     url[128];
	const struct record *rec;
	int		     fd = local_socket(1, url, sizeof(url), "/hang");
	size_t		     i;

	CHECK(fd != -1);
	CHECK_INT(run_setup(&r, 2), 0);
	for (i = 0; i < NTASKS; i++)
		add_task(&r, i, url);
	for (i = 0; i < NTASKS; i++)
		(void)task_start(r.tasks[i]);
	CHECK_INT(loop_call_soon(r.loop, cancel_all, &r), 0);
	CHECK_INT(loop_run(r.loop), 0);
	CHECK_INT(r.nfinished, NTASKS);
	for (i = 0; i < NTASKS; i++) {
		rec = fetch_record(r.tasks[i]);
		CHECK_INT(r.finished[i], 1);
		CHECK_INT(
		    future_state(task_future(r.tasks[i])), FUTURE_CANCELLED);
		CHECK_INT(rec->state, RECORD_CANCELLED);
		CHECK_INT(rec->error, ERROR_CANCELLED);
		CHECK_STR(rec->error_message, "signal");
		CHECK_INT(rec->attempts, 1);
		CHECK(rec->time[TIME_TOTAL] >= 0);
	}
	run_teardown(&r);
	close(fd);
}

/* What goes with each task to its worker (fetch_hooks.carry). */
struct carried {
	int	  resets;
	pthread_t where;
};

static struct carried carried[NTASKS];
static pthread_t      main_thread;
static int	      dones, dones_off_main;

static void
worker_reset(struct task *task, void *arg)
{
	struct carried *c = fetch_data(task);

	(void)arg;
	if (c == NULL)
		return;
	c->resets++;
	c->where = pthread_self();
}

static void *
main_carry(struct task *task, void *arg)
{
	(void)arg;
	return &carried[fetch_record(task)->index];
}

static void
finish_later(void *arg)
{
	fetch_finish(arg);
}

/* On main; odd tasks are kept and finished on a later turn. */
static int
main_done(struct task *task, void *arg)
{
	const struct record *rec = fetch_record(task);

	(void)arg;
	dones++;
	if (!pthread_equal(pthread_self(), main_thread))
		dones_off_main++;
	/* The worker's reset ran before the record came back. */
	CHECK_INT(carried[rec->index].resets, 1);
	if (rec->index % 2 == 0)
		return 0;
	CHECK_INT(loop_call_soon(the_run->loop, finish_later, task), 0);
	return 1;
}

static void
test_carry_and_done_hook(void)
{
	static const struct fetch_hooks w_hooks = { .reset = worker_reset };
	static const struct fetch_hooks m_hooks = { .carry = main_carry,
		.done = main_done };
	struct run			r;
	char				url[128];
	const struct record	       *rec;
	struct record		       *edit;
	int    fd = local_socket(0, url, sizeof(url), "/x");
	size_t i;

	CHECK(fd != -1);
	main_thread = pthread_self();
	memset(carried, 0, sizeof(carried));
	dones = dones_off_main = 0;
	CHECK_INT(run_setup_hooks(&r, 2, &m_hooks, &w_hooks), 0);
	for (i = 0; i < NTASKS; i++) {
		add_task(&r, i, url);
		/* Crawl fields main sets survive the worker's record. */
		edit = fetch_record_edit(r.tasks[i]);
		edit->extras |= RECORD_CRAWL;
		edit->depth = 3;
		edit->parent = 7;
	}
	for (i = 0; i < NTASKS; i++)
		(void)task_start(r.tasks[i]);
	CHECK_INT(loop_run(r.loop), 0);
	CHECK_INT(r.nfinished, NTASKS);
	CHECK_INT(dones, NTASKS);
	CHECK_INT(dones_off_main, 0);
	for (i = 0; i < NTASKS; i++) {
		rec = fetch_record(r.tasks[i]);
		CHECK_INT(r.finished[i], 1);
		CHECK_INT(rec->error, ERROR_CONNECT);
		CHECK_INT(rec->extras & RECORD_CRAWL, RECORD_CRAWL);
		CHECK_INT(rec->depth, 3);
		CHECK_INT(rec->parent, 7);
		CHECK_INT(carried[i].resets, 1);
		CHECK(!pthread_equal(carried[i].where, main_thread));
	}
	run_teardown(&r);
	close(fd);
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	RUN(test_records_come_back);
	RUN(test_cancel_takes_the_workers_record);
	RUN(test_carry_and_done_hook);
	curl_global_cleanup();
	return harness_result();
}
