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
	int		     input_fd; /* opened by us, or -1 */
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
	int		     failed;	  /* exit 1 unless overridden */
	int		     exit_signal; /* 0, or 128 + signo */
	int		     pipe_closed;
	int		     pumping;
	int		     pump_scheduled;
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

/* Ends the loop once every URL read has its record and input is over. */
static void
check_finished(struct app *app)
{
	if ((app->input_done || app->stopping) && outstanding(app) == 0) {
		writer_flush(app->writer);
		loop_stop(app->loop);
	}
}

static void
stop_input(struct app *app)
{
	if (app->input_ev != NULL)
		event_del(app->input_ev);
	app->input_done = 1;
}

/*
 * Stops the run: no more input, and every unfinished task is cancelled
 * with reason (their records still get written).
 */
static void
stop(struct app *app, const char *reason)
{
	if (app->stopping)
		return;
	app->stopping = 1;
	stop_input(app);
	loop_timer_cancel(app->deadline);
	app->deadline = NULL;
	sched_cancel_all(app->sched, reason);
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

/* A finished task comes back from the collector: write its record. */
static void
emit(struct task *task, void *arg)
{
	struct app	    *app = arg;
	const struct record *rec = fetch_record(task);

	if (!app->pipe_closed &&
	    output_record(app->output, writer_buf(app->writer), rec) == -1) {
		msgs_warnx("record %zu: out of memory", rec->index);
		app->failed = 1;
	}
	writer_commit(app->writer);
	if (rec->state != RECORD_DONE || (app->cfg->fail && rec->status >= 400))
		app->failed = 1;
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

/* Whether another URL may be read now: input is read only this far ahead. */
static int
may_admit(struct app *app)
{
	if (app->stopping || app->input_done)
		return 0;
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
 * Turns one line into a task and hands it to the scheduler, unless
 * --resume or --shard skip it; every line keeps its ordinal as index.
 */
static int
admit(struct app *app, const char *line, size_t len, int truncated)
{
	struct task *task;
	int	     requestable, rc;
	size_t	     index = app->lines++;

	if (app->resume != NULL && resume_done(app->resume, line, len) == 1) {
		skip(app);
		return 0;
	}
	task =
	    fetch_task_new(app->fetch, index, line, len, truncated, loop_now());
	if (task == NULL)
		return -1;
	/* Pending and watched by no one yet: freed as it is. */
	if (other_shard(app, task, line, len)) {
		task_free(task);
		skip(app);
		return 0;
	}
	requestable = fetch_is_requestable(task);
	/* The scheduler's callback must be on the future before the
	 * collector's, which frees the task. */
	if (requestable && sched_submit(app->sched, task) == -1) {
		task_free(task);
		return -1;
	}
	if (app->gather != NULL)
		rc = gather_add(app->gather, task);
	else
		rc = as_completed_add(app->completed, task);
	if (rc == -1) {
		/* Unreachable while may_admit() holds, short of memory. */
		task_cancel(task, "out of memory");
		return -1;
	}
	app->read++;
	if (!requestable)
		task_start(task);
	show_progress(app);
	return 0;
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
			if (admit(app, line, len, truncated) == -1) {
				msgs_warnx("out of memory");
				app->failed = 1;
				stop(app, "signal");
			}
			continue;
		case INPUT_AGAIN:
			if (input_is_regular(app->input)) {
				/* A file never blocks: read on at once. */
				input_fill(app->input);
				continue;
			}
			if (app->input_ev != NULL)
				event_add(app->input_ev, NULL);
			break;
		case INPUT_EOF:
			stop_input(app);
			break;
		case INPUT_ERROR:
			msgs_warnc(input_error(app->input), "reading URLs");
			app->failed = 1;
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

	app->exit_signal = 128 + signo;
	stop(app, "signal");
}

static void
on_write_failure(void *arg)
{
	struct app *app = arg;
	int	    err = writer_errno(app->writer);

	if (app->pipe_closed)
		return;
	app->pipe_closed = 1;
	/* A reader that went away is the normal end of `| head`: be quiet. */
	if (err != EPIPE)
		msgs_warnc(err, "writing records");
	else
		app->exit_signal = EXIT_PIPE;
	app->failed = 1;
	stop(app, "signal");
}

static int
open_input(struct app *app)
{
	const struct config *cfg = app->cfg;
	int		     fd = STDIN_FILENO;

	app->input_fd = -1;
	if (cfg->nurls > 0) {
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
	if (!input_is_regular(app->input)) {
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

static int
setup(struct app *app)
{
	const struct config *cfg = app->cfg;
	struct fetch_options fo;

	app->jobs = fdlimit_fit_jobs(cfg->jobs);
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
	if (cfg->summary && app->exit_signal != EXIT_PIPE)
		summary_print(app->summary, stderr);
	if (cfg->summary_json != NULL &&
	    summary_write_json(app->summary, cfg->summary_json) == -1) {
		msgs_warnc(errno, "%s", cfg->summary_json);
		app->failed = 1;
	}
}

int
app_run(const struct config *cfg)
{
	struct app app;
	int	   status;

	memset(&app, 0, sizeof(app));
	app.cfg = cfg;
	app.input_fd = -1;
	if (setup(&app) == -1) {
		if (errno == ENOMEM)
			msgs_warnx("out of memory");
		teardown(&app);
		return EXIT_SOME_FAILED;
	}
	pump(&app);
	if (!(app.input_done && outstanding(&app) == 0) &&
	    loop_run(app.loop) == -1) {
		msgs_warnx("event loop failed");
		app.failed = 1;
	}
	/* The progress line goes first, so nothing is printed across it. */
	progress_finish(app.progress);
	/*
	 * The last records: a failure here has no later loop turn to be
	 * reported on, so it is handled at once.
	 */
	if (writer_flush(app.writer) == -1)
		on_write_failure(&app);
	report_summary(&app);
	teardown(&app);

	if (app.exit_signal != 0)
		status = app.exit_signal;
	else if (cfg->first > 0)
		status = app.successes >= (size_t)cfg->first ? EXIT_ALL_DONE
							     : EXIT_SOME_FAILED;
	else
		status = app.failed ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
	return status;
}
