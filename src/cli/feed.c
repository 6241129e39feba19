/*
 * feed: the input side of a run. Lines are read only while one more task
 * could start (so memory stays flat for any input), each becomes a task
 * handed to the scheduler and a collector, and input the loop cannot wait
 * for is read in slices between its turns.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "appstate.h"
#include "as_completed.h"
#include "fetch.h"
#include "gather.h"
#include "input.h"
#include "loop.h"
#include "msgs.h"
#include "record.h"
#include "resume.h"
#include "sched.h"
#include "shard.h"
#include "task.h"
#include "writer.h"

/* Lines read in one go before the loop gets a turn. */
#define PUMP_BATCH 4096

static void pump_later(void *);

/* Runs feed_pump() on a later turn of the loop, once however often asked. */
void
feed_pump_soon(struct app *app)
{
	if (!app->pump_scheduled &&
	    loop_call_soon(app->loop, pump_later, app) == RT_OK)
		app->pump_scheduled = 1;
}

/* Whether another URL may be read now: input is read only this far ahead. */
static int
may_admit(struct app *app)
{
	if (app->input_done || writer_backlogged(app->writer) ||
	    app->parked.count > 0)
		return 0;
	/* --max-urls reached: what is unread stays unread. */
	if (crawlrun_full(app)) {
		app_stop_input(app);
		return 0;
	}
	/* Stopping, only the argument URLs left are read: all cancelled. */
	if (app->stopping)
		return app_outstanding(app) < app->cfg->window;
	/*
	 * Read on until one queued task could start, so URLs of a held or
	 * limited host do not stop the others'. One is enough to keep every
	 * slot busy: each slot that frees starts it and reads the next (see
	 * feed_on_slot()). More read ahead would only be more tasks in memory per
	 * transfer in flight (bench M: 1.8 KiB per transfer with -j of them).
	 * The window bounds memory in either order (for gather it is also
	 * its size, so this is gather_has_room()).
	 */
	if (sched_ready(app->sched) >= 1)
		return 0;
	return app_outstanding(app) < app->cfg->window;
}

/*
 * Returns 1 when --shard puts the task on another machine. The key is the
 * host (as the task parsed it), so a host stays on one shard; a line with
 * no host is keyed by its own bytes, so it still lands on exactly one.
 */
static int
other_shard(
    const struct app *app, struct task *task, const char *line, size_t len)
{
	const char *host;
	unsigned    shard;

	if (app->cfg->shard_n == 0)
		return 0;
	if ((host = fetch_host(task)) != NULL)
		shard = shard_of(host, strlen(host), app->cfg->shard_n);
	else
		shard = shard_of(line, len, app->cfg->shard_n);
	return shard != app->cfg->shard_k;
}

static void
skip(struct app *app)
{
	app->skipped++;
	app_show_progress(app);
}

/*
 * A line read that afetch could not make a task of (out of memory) still
 * gets its record: an `internal` error, written at once (out of turn with
 * --order input, since no task can hold its place).
 */
static void
admit_failed(struct app *app, size_t index, const char *line, size_t len)
{
	struct record rec;

	record_init(&rec);
	rec.index = index;
	rec.url = (char *)line; /* borrowed: taken back before record_clear */
	rec.url_len = len;
	record_set_error(&rec, RECORD_ERROR, ERROR_INTERNAL, "out of memory");
	(void)records_put(app, &rec);
	rec.url = NULL;
	record_clear(&rec);
	msgs_warnx("URL %zu: out of memory", index);
	app->out->internal = 1;
	app->errors++;
}

/* Frees a task on a later turn, after the done-callbacks queued for it. */
static void
free_task_later(void *arg)
{
	task_free(arg);
}

/*
 * Turns one line into a task and hands it to the scheduler, unless
 * --resume or --shard skip it; every line keeps its ordinal as index.
 * Once the run is stopping (only argument URLs are still read then), the
 * task is cancelled at once with the run's reason.
 */
static void
admit(struct app *app, const char *line, size_t len, int truncated)
{
	struct task *task;
	int	     requestable;
	enum rt_err  rc;
	size_t	     index = app->lines++;
	/* Arguments are all read at the start: their queue time runs
	 * from there. */
	double read_at = app->from_args ? app->started : loop_now();

	if (app->resume != NULL && resume_done(app->resume, line, len) == 1) {
		skip(app);
		return;
	}
	task = fetch_task_new(app->fetch, index, line, len, truncated, read_at);
	if (task == NULL) {
		admit_failed(app, index, line, len);
		return;
	}
	/* Pending and watched by no one yet: freed as it is. */
	if (other_shard(app, task, line, len)) {
		task_free(task);
		skip(app);
		return;
	}
	crawlrun_seed(app, task);
	requestable = fetch_is_requestable(task) && !app->stopping;
	/* The scheduler's callback must be on the future before the
	 * collector's, which frees the task. */
	if (requestable && sched_submit(app->sched, task) == -1) {
		task_free(task);
		admit_failed(app, index, line, len);
		return;
	}
	if (app->gather != NULL)
		rc = gather_add(app->gather, task);
	else
		rc = as_completed_add(app->completed, task);
	if (rc != RT_OK) {
		/* Out of memory (may_admit() kept the window). The
		 * scheduler lets go of the task in its done-callback,
		 * which runs on a later turn: free it after that. */
		task_cancel(task, "out of memory");
		if (!requestable ||
		    loop_call_soon(app->loop, free_task_later, task) != RT_OK)
			task_free(task);
		admit_failed(app, index, line, len);
		return;
	}
	app->read++;
	if (app->stopping && fetch_is_requestable(task))
		task_cancel(task, app->stop_reason);
	else if (!requestable)
		task_start(task);
	app_show_progress(app);
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct app *app = arg;

	(void)fd;
	(void)what;
	/* One read; end of file and errors show up in input_next(). */
	input_fill(app->input);
	feed_pump(app);
}

/*
 * Reads and admits URLs while there is room. For a pipe it waits for
 * readability rather than blocking, so the loop keeps running.
 */
void
feed_pump(struct app *app)
{
	const char *line;
	size_t	    len;
	int	    truncated, batch = 0;

	if (app->pumping)
		return;
	app->pumping = 1;
	while (may_admit(app)) {
		/*
		 * A long run of lines that finish at once (skipped, invalid)
		 * would keep the loop from signals and I/O: after a batch,
		 * go on in a later turn.
		 */
		if (++batch > PUMP_BATCH) {
			feed_pump_soon(app);
			break;
		}
		switch (input_next(app->input, &line, &len, &truncated)) {
		case INPUT_LINE:
			admit(app, line, len, truncated);
			continue;
		case INPUT_AGAIN:
			if (app->input_direct) {
				/* A file or a device such as /dev/null never
				 * blocks: read on at once. */
				input_fill(app->input);
				continue;
			}
			if (event_add(app->input_ev, NULL) == -1) {
				msgs_warnx(
				    "cannot wait for input to be readable");
				app->out->not_done = 1;
				app_stop_input(app);
			}
			break;
		case INPUT_EOF:
			app_stop_input(app);
			break;
		case INPUT_ERROR:
			msgs_warnc(input_error(app->input), "reading URLs");
			app->out->not_done = 1;
			app_stop_input(app);
			break;
		}
		break;
	}
	crawlrun_pump(app);
	app->pumping = 0;
	app_check_finished(app);
}

static void
pump_later(void *arg)
{
	struct app *app = arg;

	app->pump_scheduled = 0;
	feed_pump(app);
}

/* The scheduler has room again: read on. */
void
feed_on_slot(void *arg)
{
	feed_pump(arg);
}

int
feed_open(struct app *app)
{
	const struct config *cfg = app->cfg;
	int		     fd = STDIN_FILENO;

	app->input_fd = -1;
	if (cfg->nurls > 0) {
		app->from_args = 1;
		app->input = input_from_args(cfg->nurls, cfg->urls);
		return app->input != NULL ? 0 : -1;
	}
	if (cfg->input_file != NULL && strcmp(cfg->input_file, "-") != 0) {
		if ((fd = open(cfg->input_file, O_RDONLY | O_CLOEXEC)) == -1) {
			msgs_warnc(errno, "%s", cfg->input_file);
			return -1;
		}
		app->input_fd = fd;
	}
	if ((app->input = input_from_fd(fd)) == NULL)
		return -1;
	/* What the loop cannot wait for (a file, /dev/null) is read at
	 * once, in slices between turns of the loop. */
	app->input_direct = !input_pollable(app->input);
	if (!app->input_direct) {
		app->input_ev = event_new(
		    loop_base(app->loop), fd, EV_READ, on_readable, app);
		if (app->input_ev == NULL)
			return -1;
	}
	return 0;
}
