/*
 * app: one run of afetch, as a whole: sets everything up, runs the loop,
 * stops the run when the deadline, --first, a signal or a failed output
 * says so, and tears it down, filling in how it ended. feed.c and
 * records.c are its input and output sides.
 */
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
#include "appstate.h"
#include "as_completed.h"
#include "buf.h"
#include "crawler.h"
#include "fdlimit.h"
#include "fetch.h"
#include "gather.h"
#include "input.h"
#include "loop.h"
#include "msgs.h"
#include "outcome.h"
#include "output.h"
#include "progress.h"
#include "reqdata.h"
#include "resume.h"
#include "sched.h"
#include "scope.h"
#include "signals.h"
#include "summary.h"
#include "task.h"
#include "taskq.h"
#include "workers.h"
#include "writer.h"

size_t
app_outstanding(const struct app *app)
{
	return app->read - app->written;
}

/* Whether records can still reach stdout. */
int
app_output_lost(const struct app *app)
{
	return app->out->reader_gone || app->out->output_failed;
}

/*
 * Ends the loop once every URL read has its record, input is over, and
 * the records are written (or can no longer be).
 */
void
app_check_finished(struct app *app)
{
	if (!app->input_done || app_outstanding(app) != 0 || crawlrun_busy(app))
		return;
	writer_flush(app->writer);
	if (writer_idle(app->writer))
		loop_stop(app->loop);
}

void
app_stop_input(struct app *app)
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
void
app_stop(struct app *app, const char *reason)
{
	if (app->stopping)
		return;
	app->stopping = 1;
	app->stop_reason = reason;
	if (!app->from_args || app_output_lost(app))
		app_stop_input(app);
	loop_timer_cancel(app->deadline);
	app->deadline = NULL;
	crawlrun_stop(app);
	sched_cancel_all(app->sched, reason);
	feed_pump_soon(app);
	app_check_finished(app);
}

void
app_show_progress(struct app *app)
{
	struct progress_counts c;

	c.done = app->done;
	c.errors = app->errors;
	c.in_flight = sched_running(app->sched);
	c.skipped = app->skipped;
	progress_update(app->progress, &c);
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
	feed_pump_soon(app);
}

static void
on_deadline(void *arg)
{
	struct app *app = arg;

	app->deadline = NULL;
	app_stop(app, "deadline");
}

static void
on_signal(int signo, void *arg)
{
	struct app *app = arg;

	if (!app->out->reader_gone)
		app->out->signal = signo;
	app_stop(app, "signal");
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

/*
 * -j fitted to the open-file limit, the workers' own descriptors counted
 * as so many transfers more; *connections: those libcurl may keep open.
 *
 * A connection is kept for reuse only while the pool has room: with room
 * for -j alone, a run over many hosts (a crawl, bench S6: 500 hosts at
 * -j 500) finds each host's idle connection closed for another host's
 * new one, and pays a TCP (and TLS) handshake for nearly every request
 * (9,212 connections for 10,000 URLs). Room for 3 x -j idle ones, as
 * libcurl's own default of 4 x the transfers, gave 1,851, where the
 * open-file limit allows them.
 */
static size_t
fit_jobs(const struct config *cfg, size_t nworkers, size_t *connections)
{
	size_t reserve = 0, jobs, total;
	int    saving = cfg->output_dir != NULL;

	if (nworkers > 1)
		reserve = (nworkers * WORKERS_FDS + FDLIMIT_PER_TRANSFER - 1) /
		    FDLIMIT_PER_TRANSFER;
	total = fdlimit_fit_jobs(cfg->jobs + reserve, saving);
	jobs = total > reserve ? total - reserve : 1;
	*connections = jobs + fdlimit_fit_idle(total, saving, 3 * jobs);
	return jobs;
}

static int
setup(struct app *app)
{
	const struct config *cfg = app->cfg;
	struct fetch_options fo;
	size_t		     nworkers, connections;

	if (cfg->summary_json != NULL &&
	    check_writable_folder(cfg->summary_json) == -1) {
		app->out->usage = 1;
		return -1;
	}
	nworkers = cfg->workers == 0 ? workers_available_cores() : cfg->workers;
	app->jobs = fit_jobs(cfg, nworkers, &connections);
	if ((app->loop = loop_new()) == NULL)
		return -1;
	memset(&fo, 0, sizeof(fo));
	fo.request.timeout = cfg->timeout;
	fo.request.connect_timeout = cfg->connect_timeout;
	fo.request.follow_redirects = cfg->follow_redirects;
	fo.request.max_redirects = cfg->max_redirects;
	fo.request.user_agent = cfg->user_agent;
	fo.max_size = cfg->max_size;
	fo.request.http1_only = cfg->http1_only;
	fo.pool_size = app->jobs;
	fo.connections = connections;
	fo.request.method = cfg->method;
	fo.headers = cfg->headers;
	fo.nheaders = cfg->nheaders;
	if (reqdata_load(cfg->data, &app->data) != RUN_OK)
		return -1;
	fo.request.data = app->data.data;
	fo.request.data_len = app->data.len;
	if (cfg->data != NULL && fo.request.data == NULL)
		fo.request.data = "";
	fo.request.insecure = cfg->insecure;
	fo.request.cacert = cfg->cacert;
	fo.request.capath = cfg->capath;
	fo.request.proxy = cfg->proxy;
	fo.want_headers = cfg->want_headers;
	fo.want_body = cfg->want_body;
	fo.output_dir = cfg->output_dir;
	fo.retries = cfg->retries;
	fo.retry_delay = cfg->retry_delay;
	fo.retry_max_delay = cfg->retry_max_delay;
	fo.on_host_backoff = on_host_backoff;
	fo.backoff_arg = app;
	if (crawlrun_setup(app, &fo) == -1)
		return -1;
	/* --workers: the transfers run on other loops; all else stays. */
	if (nworkers > 1) {
		struct fetch_options wo = fo;

		/* Crawl pages are parsed where they are fetched. */
		wo.hooks = crawlrun_worker_hooks(app);
		if ((app->workers = workers_new(app->loop, nworkers, &wo)) ==
		    NULL)
			return -1;
		fo.delegate = workers_delegate(app->workers);
	}
	if ((app->fetch = fetch_ctx_new(app->loop, &fo)) == NULL ||
	    (app->sched = sched_new(app->loop,
		 &(struct sched_config){ .jobs = app->jobs,
		     .per_host = cfg->per_host,
		     .rate = cfg->rate,
		     .host_rate = cfg->host_rate,
		     .host_of = fetch_host,
		     .on_slot = feed_on_slot,
		     .host_interval = crawlrun_host_interval,
		     .arg = app })) == NULL ||
	    (app->writer = writer_new(
		 app->loop, STDOUT_FILENO, records_limit(app))) == NULL ||
	    (app->output = output_new()) == NULL ||
	    (app->signals = signals_new(app->loop, on_signal, app)) == NULL)
		return -1;
	if (crawlrun_attach(app, &fo) == -1)
		return -1;
	writer_on_failure(app->writer, records_on_write_failure, app);
	writer_on_drain(app->writer, records_on_drain, app);
	writer_on_partial(app->writer, records_on_partial, app);
	signals_restore_on_exit(STDOUT_FILENO, writer_saved_flags(app->writer));
	if (writer_watch_reader(app->writer) != REPORT_OK)
		return -1;
	if (cfg->order == ORDER_INPUT)
		app->gather = gather_new(cfg->window, records_emit, app);
	else
		app->completed = as_completed_new(records_emit, app);
	if (app->gather == NULL && app->completed == NULL)
		return -1;
	if (feed_open(app) == -1)
		return -1;
	if (cfg->resume_file != NULL) {
		char err[512];

		if ((app->resume = resume_load_crawl(cfg->resume_file,
			 cfg->crawl, err, sizeof(err))) == NULL) {
			msgs_warnx("%s", err);
			errno = 0;
			return -1;
		}
		records_end_cut_line(app);
		if (crawlrun_resume(app) == -1)
			return -1;
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
	/* Their threads are joined here; the tasks they served are main's. */
	workers_free(app->workers);
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
	crawler_free(app->crawler);
	scope_free(app->scope);
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
	if (app->crawler != NULL)
		summary_set_crawl(app->summary,
		    crawler_robots_fetched(app->crawler),
		    crawler_sitemaps_fetched(app->crawler));
	/* A closed pipe ends afetch quietly: nothing on stderr then. */
	if (cfg->summary && !app->out->reader_gone)
		summary_print(app->summary, stderr);
	if (cfg->summary_json != NULL &&
	    summary_write_json(app->summary, cfg->summary_json) != REPORT_OK) {
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
	feed_pump(&app);
	if (!(app.input_done && app_outstanding(&app) == 0 &&
		writer_idle(app.writer)) &&
	    loop_run(app.loop) != RT_OK) {
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
	if (writer_flush(app.writer) != REPORT_OK)
		records_on_write_failure(&app);
	report_summary(&app);
	out->first_reached = out->first && app.successes >= (size_t)cfg->first;
	teardown(&app);
}
