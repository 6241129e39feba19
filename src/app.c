#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "app.h"
#include "as_completed.h"
#include "buf.h"
#include "fdlimit.h"
#include "fetch.h"
#include "future.h"
#include "gather.h"
#include "input.h"
#include "loop.h"
#include "msgs.h"
#include "outcome.h"
#include "output.h"
#include "progress.h"
#include "record.h"
#include "reqdata.h"
#include "resume.h"
#include "sched.h"
#include "shard.h"
#include "signals.h"
#include "summary.h"
#include "task.h"
#include "taskq.h"
#include "writer.h"

/* Lines read in one go before the loop gets a turn. */
#define PUMP_BATCH 4096

struct app {
	const struct config *cfg;
	struct loop	    *loop;
	struct fetch_ctx    *fetch;
	struct sched	    *sched;
	struct writer	    *writer;
	struct output	    *output;
	struct signals	    *signals;
	struct gather	    *gather;	/* --order input */
	struct as_completed *completed; /* --order completed */
	struct input	    *input;
	int		     input_fd;	   /* opened by us, or -1 */
	int		     from_args;	   /* URLs are the arguments */
	int		     input_direct; /* read at once: never blocks */
	struct event	    *input_ev;
	struct loop_timer   *deadline;
	struct resume	    *resume; /* --resume; NULL: none */
	struct progress	    *progress;
	struct summary	    *summary; /* NULL: not asked for */
	size_t		     jobs;
	size_t		     lines;   /* URL lines seen: next index */
	size_t		     skipped; /* by --resume or --shard */
	size_t		     read;    /* URLs admitted as tasks */
	size_t		     written; /* records handed back */
	size_t		     done;
	size_t		     errors;
	double		     started;
	size_t		     successes; /* 2xx, for --first */
	int		     input_done;
	int		     stopping;
	const char	    *stop_reason; /* what cancels tasks once stopping */
	int		     pumping;
	int		     pump_scheduled;
	struct taskq	     parked; /* finished, waiting for the writer */
	struct outcome	    *out;
	struct buf	     data; /* the request body of -d */
};

static void pump(struct app *);
static void pump_later(void *);

/* Runs pump() on a later turn of the loop, once however often asked. */
static void
pump_soon(struct app *app)
{
	if (!app->pump_scheduled &&
	    loop_call_soon(app->loop, pump_later, app) == 0)
		app->pump_scheduled = 1;
}

static size_t
outstanding(const struct app *app)
{
	return app->read - app->written;
}

/* Whether records can still reach stdout. */
static int
output_lost(const struct app *app)
{
	return app->out->reader_gone || app->out->output_failed;
}

/*
 * Ends the loop once every URL read has its record, input is over, and
 * the records are written (or can no longer be).
 */
static void
check_finished(struct app *app)
{
	if (!app->input_done || outstanding(app) != 0)
		return;
	writer_flush(app->writer);
	if (writer_idle(app->writer))
		loop_stop(app->loop);
}

static void
stop_input(struct app *app)
{
	if (app->input_ev != NULL)
		event_del(app->input_ev);
	app->input_done = 1;
}

/*
 * Stops the run: every unfinished task is cancelled with reason (their
 * records still get written). Input read from a file or pipe ends here;
 * URLs given as arguments all count as read, so the rest of them are
 * still turned into tasks, cancelled at once, unless their records could
 * not be written anyway.
 */
static void
stop(struct app *app, const char *reason)
{
	if (app->stopping)
		return;
	app->stopping = 1;
	app->stop_reason = reason;
	if (!app->from_args || output_lost(app))
		stop_input(app);
	loop_timer_cancel(app->deadline);
	app->deadline = NULL;
	sched_cancel_all(app->sched, reason);
	pump_soon(app);
	check_finished(app);
}

static void
show_progress(struct app *app)
{
	struct progress_counts c;

	c.done = app->done;
	c.errors = app->errors;
	c.in_flight = sched_running(app->sched);
	c.skipped = app->skipped;
	progress_update(app->progress, &c);
}

/* Appends a record to the output, unless output is lost already. */
static void
put_record(struct app *app, const struct record *rec)
{
	if (output_lost(app))
		return;
	if (output_record(app->output, writer_buf(app->writer), rec) == -1) {
		msgs_warnx("record %zu: out of memory", rec->index);
		app->out->internal = 1;
	}
	writer_commit(app->writer);
}

/* Writes a finished task's record and counts it. */
static void
write_record(struct app *app, struct task *task)
{
	const struct record *rec = fetch_record(task);

	put_record(app, rec);
	if (rec->state != RECORD_DONE || (app->cfg->fail && rec->status >= 400))
		app->out->not_done = 1;
	if (rec->error == ERROR_INTERNAL)
		app->out->internal = 1;
	if (rec->state == RECORD_DONE && rec->status >= 200 &&
	    rec->status <= 299)
		app->successes++;
	if (rec->state == RECORD_DONE)
		app->done++;
	else
		app->errors++;
	if (app->summary != NULL)
		summary_add(app->summary, rec);
	task_free(task);
	app->written++;
	show_progress(app);
	if (app->cfg->first > 0 && app->successes >= (size_t)app->cfg->first)
		stop(app, "first");
	check_finished(app);
	pump(app);
}

/*
 * A finished task comes back from the collector. While the writer has a
 * backlog (a reader that does not keep up) it waits in line, in order,
 * so the output buffer stays bounded; on_drain() writes it later.
 */
static void
emit(struct task *task, void *arg)
{
	struct app *app = arg;

	if ((app->parked.count > 0 || writer_backlogged(app->writer)) &&
	    !output_lost(app) && taskq_push(&app->parked, task) == 0)
		return;
	write_record(app, task);
}

/* The writer has room again: the parked records first, then input. */
static void
on_drain(void *arg)
{
	struct app  *app = arg;
	struct task *task;

	while ((output_lost(app) || !writer_backlogged(app->writer)) &&
	    (task = taskq_pop(&app->parked)) != NULL)
		write_record(app, task);
	check_finished(app);
	pump(app);
}

/* Whether another URL may be read now: input is read only this far ahead. */
static int
may_admit(struct app *app)
{
	if (app->input_done || writer_backlogged(app->writer) ||
	    app->parked.count > 0)
		return 0;
	/* Stopping, only the argument URLs left are read: all cancelled. */
	if (app->stopping)
		return outstanding(app) < app->cfg->window;
	/*
	 * Read on until one queued task could start, so URLs of a held or
	 * limited host do not stop the others'. One is enough to keep every
	 * slot busy: each slot that frees starts it and reads the next (see
	 * on_slot()). More read ahead would only be more tasks in memory per
	 * transfer in flight (bench M: 1.8 KiB per transfer with -j of them).
	 * The window bounds memory in either order (for gather it is also
	 * its size, so this is gather_has_room()).
	 */
	if (sched_ready(app->sched) >= 1)
		return 0;
	return outstanding(app) < app->cfg->window;
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
	show_progress(app);
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
	put_record(app, &rec);
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
	int	     requestable, rc;
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
	if (rc == -1) {
		/* Out of memory (may_admit() kept the window). The
		 * scheduler lets go of the task in its done-callback,
		 * which runs on a later turn: free it after that. */
		task_cancel(task, "out of memory");
		if (!requestable ||
		    loop_call_soon(app->loop, free_task_later, task) == -1)
			task_free(task);
		admit_failed(app, index, line, len);
		return;
	}
	app->read++;
	if (app->stopping && fetch_is_requestable(task))
		task_cancel(task, app->stop_reason);
	else if (!requestable)
		task_start(task);
	show_progress(app);
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
	struct app *app = arg;

	(void)fd;
	(void)what;
	/* One read; end of file and errors show up in input_next(). */
	input_fill(app->input);
	pump(app);
}

/*
 * Reads and admits URLs while there is room. For a pipe it waits for
 * readability rather than blocking, so the loop keeps running.
 */
static void
pump(struct app *app)
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
			pump_soon(app);
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
				stop_input(app);
			}
			break;
		case INPUT_EOF:
			stop_input(app);
			break;
		case INPUT_ERROR:
			msgs_warnc(input_error(app->input), "reading URLs");
			app->out->not_done = 1;
			stop_input(app);
			break;
		}
		break;
	}
	app->pumping = 0;
	check_finished(app);
}

static void
pump_later(void *arg)
{
	struct app *app = arg;

	app->pump_scheduled = 0;
	pump(app);
}

/* The scheduler has room again: read on. */
static void
on_slot(void *arg)
{
	pump(arg);
}

/*
 * A host said 429 or 503 with Retry-After: hold back every new request to
 * it, not just the one URL. Its queued URLs can then no longer start, so
 * input is read on for other hosts' (see may_admit()), on a later turn:
 * nothing starts from here, the fetch's path.
 */
static void
on_host_backoff(const char *host, double until, void *arg)
{
	struct app *app = arg;

	if (sched_hold_host(app->sched, host, until) == -1)
		msgs_warnx("%s: out of memory holding back the host", host);
	pump_soon(app);
}

static void
on_deadline(void *arg)
{
	struct app *app = arg;

	app->deadline = NULL;
	stop(app, "deadline");
}

static void
on_signal(int signo, void *arg)
{
	struct app *app = arg;

	if (!app->out->reader_gone)
		app->out->signal = signo;
	stop(app, "signal");
}

static void
on_write_failure(void *arg)
{
	struct app *app = arg;
	int	    err = writer_errno(app->writer);

	if (output_lost(app))
		return;
	/* A reader that went away is the normal end of `| head`: be quiet. */
	if (err == EPIPE) {
		app->out->reader_gone = 1;
	} else {
		msgs_warnc(err, "writing records");
		app->out->output_failed = 1;
	}
	/* Nothing parked can be written any more: let it go. */
	on_drain(app);
	stop(app, "signal");
}

static int
open_input(struct app *app)
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

/*
 * After kill -9 the resume file may end in a cut-off line. When our stdout
 * appends to that same file, end that line first, or the first new record
 * would be glued to it and lost to the next --resume.
 */
static void
end_cut_line(struct app *app)
{
	struct stat out, res;

	if (!resume_unterminated(app->resume) ||
	    fstat(STDOUT_FILENO, &out) == -1 ||
	    stat(app->cfg->resume_file, &res) == -1 ||
	    out.st_dev != res.st_dev || out.st_ino != res.st_ino)
		return;
	if (buf_putc(writer_buf(app->writer), '\n') == 0)
		writer_flush(app->writer);
}

/*
 * The output buffer must take the largest record whole: a long URL, or
 * with --body a body that may grow sixfold when escaped (\u00XX), or by
 * 4/3 in base64.
 */
static size_t
output_limit(const struct app *app)
{
	const size_t base = 64 * 1024 * 1024;
	long long    cap;

	if (!app->cfg->want_body)
		return base;
	/* With --body there is always a cap: --max-size or the default. */
	cap = fetch_body_cap(app->fetch);
	if ((unsigned long long)cap > (SIZE_MAX - base) / 6)
		return SIZE_MAX;
	return (size_t)cap * 6 + base;
}

/* The writer says whether a record may be out in part: a second signal
 * must then wait for its end. */
static void
on_partial_record(int partial, void *arg)
{
	(void)arg;
	signals_writing(partial);
}

/*
 * Returns 0 when FILE's folder exists and may be written, so that a
 * --summary-json that could never be written is refused before anything
 * is fetched; -1 with a message otherwise.
 */
static int
check_writable_folder(const char *file)
{
	const char *slash = strrchr(file, '/');
	char	   *dir;
	int	    rc;

	if (slash == NULL)
		return access(".", W_OK | X_OK) == 0
		    ? 0
		    : (msgs_warnc(errno, "%s", file), -1);
	if ((dir = strndup(file, slash == file ? 1 : (size_t)(slash - file))) ==
	    NULL)
		return 0; /* found out at the end, then */
	rc = access(dir, W_OK | X_OK);
	if (rc == -1)
		msgs_warnc(errno, "%s", file);
	free(dir);
	return rc;
}

static int
setup(struct app *app)
{
	const struct config *cfg = app->cfg;
	struct fetch_options fo;

	if (cfg->summary_json != NULL &&
	    check_writable_folder(cfg->summary_json) == -1) {
		app->out->usage = 1;
		return -1;
	}
	app->jobs = fdlimit_fit_jobs(cfg->jobs, cfg->output_dir != NULL);
	if ((app->loop = loop_new()) == NULL)
		return -1;
	memset(&fo, 0, sizeof(fo));
	fo.timeout = cfg->timeout;
	fo.connect_timeout = cfg->connect_timeout;
	fo.follow_redirects = cfg->follow_redirects;
	fo.max_redirects = cfg->max_redirects;
	fo.user_agent = cfg->user_agent;
	fo.max_size = cfg->max_size;
	fo.http1_only = cfg->http1_only;
	fo.pool_size = app->jobs;
	fo.method = cfg->method;
	fo.headers = cfg->headers;
	fo.nheaders = cfg->nheaders;
	if (reqdata_load(cfg->data, &app->data) == -1)
		return -1;
	fo.data = app->data.data;
	fo.data_len = app->data.len;
	if (cfg->data != NULL && fo.data == NULL)
		fo.data = "";
	fo.insecure = cfg->insecure;
	fo.cacert = cfg->cacert;
	fo.capath = cfg->capath;
	fo.proxy = cfg->proxy;
	fo.want_headers = cfg->want_headers;
	fo.want_body = cfg->want_body;
	fo.output_dir = cfg->output_dir;
	fo.retries = cfg->retries;
	fo.retry_delay = cfg->retry_delay;
	fo.retry_max_delay = cfg->retry_max_delay;
	fo.on_host_backoff = on_host_backoff;
	fo.backoff_arg = app;
	if ((app->fetch = fetch_ctx_new(app->loop, &fo)) == NULL ||
	    (app->sched = sched_new(app->loop,
		 &(struct sched_config){ .jobs = app->jobs,
		     .per_host = cfg->per_host,
		     .rate = cfg->rate,
		     .host_rate = cfg->host_rate,
		     .host_of = fetch_host,
		     .on_slot = on_slot,
		     .arg = app })) == NULL ||
	    (app->writer = writer_new(
		 app->loop, STDOUT_FILENO, output_limit(app))) == NULL ||
	    (app->output = output_new()) == NULL ||
	    (app->signals = signals_new(app->loop, on_signal, app)) == NULL)
		return -1;
	writer_on_failure(app->writer, on_write_failure, app);
	writer_on_drain(app->writer, on_drain, app);
	writer_on_partial(app->writer, on_partial_record, app);
	signals_restore_on_exit(STDOUT_FILENO, writer_saved_flags(app->writer));
	if (writer_watch_reader(app->writer) == -1)
		return -1;
	if (cfg->order == ORDER_INPUT)
		app->gather = gather_new(cfg->window, emit, app);
	else
		app->completed = as_completed_new(emit, app);
	if (app->gather == NULL && app->completed == NULL)
		return -1;
	if (open_input(app) == -1)
		return -1;
	if (cfg->resume_file != NULL) {
		char err[512];

		if ((app->resume = resume_load(
			 cfg->resume_file, err, sizeof(err))) == NULL) {
			msgs_warnx("%s", err);
			errno = 0;
			return -1;
		}
		end_cut_line(app);
	}
	app->progress = progress_new(app->loop, STDERR_FILENO,
	    cfg->progress == -1 ? isatty(STDERR_FILENO) : cfg->progress);
	if (app->progress == NULL)
		return -1;
	if (cfg->nurls > 0)
		progress_set_total(app->progress, (size_t)cfg->nurls);
	if ((cfg->summary || cfg->summary_json != NULL) &&
	    (app->summary = summary_new()) == NULL)
		return -1;
	app->started = loop_now();
	if (cfg->deadline > 0 &&
	    (app->deadline = loop_call_later(
		 app->loop, cfg->deadline, on_deadline, app)) == NULL)
		return -1;
	return 0;
}

static void
teardown(struct app *app)
{
	struct task *task;

	/* Left only when the loop failed: their records are lost with it. */
	while ((task = taskq_pop(&app->parked)) != NULL)
		task_free(task);
	taskq_free(&app->parked);
	loop_timer_cancel(app->deadline);
	progress_free(app->progress);
	resume_free(app->resume);
	summary_free(app->summary);
	if (app->input_ev != NULL)
		event_free(app->input_ev);
	input_free(app->input);
	if (app->input_fd != -1)
		close(app->input_fd);
	gather_free(app->gather);
	as_completed_free(app->completed);
	signals_free(app->signals);
	output_free(app->output);
	writer_free(app->writer);
	sched_free(app->sched);
	/* libcurl's multi handle goes before the event base it uses. */
	fetch_ctx_free(app->fetch);
	loop_free(app->loop);
	buf_free(&app->data);
}

/* --summary on stderr and --summary-json to its file, at the very end. */
static void
report_summary(struct app *app)
{
	const struct config *cfg = app->cfg;

	if (app->summary == NULL)
		return;
	summary_set_elapsed(app->summary, loop_now() - app->started);
	/* A closed pipe ends afetch quietly: nothing on stderr then. */
	if (cfg->summary && !app->out->reader_gone)
		summary_print(app->summary, stderr);
	if (cfg->summary_json != NULL &&
	    summary_write_json(app->summary, cfg->summary_json) == -1) {
		msgs_warnc(errno, "%s", cfg->summary_json);
		app->out->output_failed = 1;
	}
}

void
app_run(const struct config *cfg, struct outcome *out)
{
	struct app app;

	memset(&app, 0, sizeof(app));
	memset(out, 0, sizeof(*out));
	app.cfg = cfg;
	app.out = out;
	app.input_fd = -1;
	out->first = cfg->first > 0;
	if (setup(&app) == -1) {
		if (errno == ENOMEM) {
			msgs_warnx("out of memory");
			out->internal = 1;
		}
		out->not_done = 1;
		teardown(&app);
		return;
	}
	pump(&app);
	if (!(app.input_done && outstanding(&app) == 0 &&
		writer_idle(app.writer)) &&
	    loop_run(app.loop) == -1) {
		msgs_warnx("event loop failed");
		out->internal = 1;
	}
	/* The progress line goes first, so nothing is printed across it. */
	progress_finish(app.progress);
	/*
	 * The last records (the loop ends only once they are out, short of
	 * a failure): one that fails here has no later loop turn to be
	 * reported on, so it is handled at once.
	 */
	if (writer_flush(app.writer) == -1)
		on_write_failure(&app);
	report_summary(&app);
	out->first_reached = out->first && app.successes >= (size_t)cfg->first;
	teardown(&app);
}
