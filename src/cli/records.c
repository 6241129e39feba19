/*
 * records: the output side of a run. A finished task's record goes to
 * the writer, or waits in line while the writer has a backlog; the
 * outcome learns what each record says; a failed output ends the run.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "appstate.h"
#include "buf.h"
#include "fetch.h"
#include "msgs.h"
#include "fallback.h"
#include "output.h"
#include "record.h"
#include "resume.h"
#include "signals.h"
#include "summary.h"
#include "task.h"
#include "writer.h"

/*
 * Appends a record to the output, unless output is lost already. When
 * memory runs out for it, a record of afetch's own failure stands in for
 * it, with no file behind it; only when even that fails is it lost, and
 * stderr says so.
 */
int
records_put(struct app *app, const struct record *rec)
{
	struct buf *out = writer_buf(app->writer);
	int	    fallback = 0;

	if (app_output_lost(app))
		return 0;
	if (output_record(app->output, out, rec) != REPORT_OK) {
		fallback = 1;
		app->out->internal = 1;
		if (rec->path != NULL)
			(void)unlink(rec->path);
		if (output_fallback(out, rec) == REPORT_OK)
			msgs_warnx("record %zu: out of memory: written as an "
				   "internal error",
			    rec->index);
		else
			msgs_warnx(
			    "record %zu: out of memory: lost", rec->index);
	}
	writer_commit(app->writer);
	return fallback;
}

/* Writes a finished task's record and counts it. */
static void
write_record(struct app *app, struct task *task)
{
	const struct record *rec = fetch_record(task);

	if (crawlrun_unstarted_link(app, task)) {
		/* No record, and the crawl did not finish. */
		app->out->not_done = 1;
		task_free(task);
		app->written++;
		app_check_finished(app);
		feed_pump(app);
		return;
	}
	if (records_put(app, rec)) {
		/* What was written is an error of afetch's own. */
		app->out->not_done = 1;
		app->errors++;
		goto counted;
	}
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
counted:
	task_free(task);
	app->written++;
	app_show_progress(app);
	if (app->cfg->first > 0 && app->successes >= (size_t)app->cfg->first)
		app_stop(app, "first");
	app_check_finished(app);
	feed_pump(app);
}

/*
 * A finished task comes back from the collector. While the writer has a
 * backlog (a reader that does not keep up) it waits in line, in order,
 * so the output buffer stays bounded; records_on_drain() writes it later.
 */
void
records_emit(struct task *task, void *arg)
{
	struct app *app = arg;

	if ((app->parked.count > 0 || writer_backlogged(app->writer)) &&
	    !app_output_lost(app) && taskq_push(&app->parked, task) == RT_OK)
		return;
	write_record(app, task);
}

/* The writer has room again: the parked records first, then input. */
void
records_on_drain(void *arg)
{
	struct app  *app = arg;
	struct task *task;

	while ((app_output_lost(app) || !writer_backlogged(app->writer)) &&
	    (task = taskq_pop(&app->parked)) != NULL)
		write_record(app, task);
	app_check_finished(app);
	feed_pump(app);
}

void
records_on_write_failure(void *arg)
{
	struct app *app = arg;
	int	    err = writer_errno(app->writer);

	if (app_output_lost(app))
		return;
	/* A reader that went away is the normal end of `| head`: be quiet. */
	if (err == EPIPE) {
		app->out->reader_gone = 1;
	} else {
		msgs_warnc(err, "writing records");
		app->out->output_failed = 1;
	}
	/* Nothing parked can be written any more: let it go. */
	records_on_drain(app);
	app_stop(app, "signal");
}

/*
 * After kill -9 the resume file may end in a cut-off line. When our stdout
 * appends to that same file, end that line first, or the first new record
 * would be glued to it and lost to the next --resume.
 */
void
records_end_cut_line(struct app *app)
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
size_t
records_limit(const struct app *app)
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
void
records_on_partial(int partial, void *arg)
{
	(void)arg;
	signals_writing(partial);
}
