/*
 * appstate: the state of one run, shared by the three files that make it:
 * app.c (set-up, stopping, ending), feed.c (input into tasks) and
 * records.c (finished tasks out as records). Nothing outside cli/ sees it;
 * app.h is the run's public face.
 */
#ifndef AFETCH_APPSTATE_H
#define AFETCH_APPSTATE_H

#include <stddef.h>

#include "buf.h"
#include "config.h"
#include "outcome.h"
#include "taskq.h"

struct event;
struct record;
struct task;

struct app {
	const struct config *cfg;
	struct loop	    *loop;
	struct fetch_ctx    *fetch;
	struct workers	    *workers; /* --workers over 1; else NULL */
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
	struct buf	     data;    /* the request body of -d */
	struct crawler	    *crawler; /* --crawl; NULL: none */
	struct scope	    *scope;
};

/* app.c: the run as a whole. */

/* URLs read that have no record written yet. */
size_t app_outstanding(const struct app *app);

/* Whether records can no longer reach stdout (its reader went, or it failed). */
int app_output_lost(const struct app *app);

/* Ends the loop once input is over and every record is read and written. */
void app_check_finished(struct app *app);

/* No more input is read. */
void app_stop_input(struct app *app);

/* Cancels every unfinished task with reason; their records still come. */
void app_stop(struct app *app, const char *reason);

/* Shows the counts on the progress line. */
void app_show_progress(struct app *app);

/* feed.c: lines of input become tasks, as far as there is room. */

/* Opens the input the config names. Returns 0, or -1 (said on stderr). */
int feed_open(struct app *app);

/* Reads and admits URLs while there is room. */
void feed_pump(struct app *app);

/* Runs feed_pump() on a later turn of the loop, once however often asked. */
void feed_pump_soon(struct app *app);

/* The scheduler's callback when a slot frees: read on. */
void feed_on_slot(void *arg);

/* crawlrun.c: crawl mode's part (each a no-op without --crawl). */

struct fetch_hooks;
struct fetch_options;

/* Makes scope and crawler; sets fo's hooks. Returns 0, or -1 (said). */
int crawlrun_setup(struct app *app, struct fetch_options *fo);

/* The workers' contexts' hooks: crawl pages parsed there; else NULL. */
const struct fetch_hooks *crawlrun_worker_hooks(const struct app *app);

/* Gives the crawler the fetch context and scheduler. Returns 0 or -1. */
int crawlrun_attach(struct app *app, const struct fetch_options *fo);

/* The scheduler's host_interval: the host's Crawl-delay. */
double crawlrun_host_interval(const char *host, void *arg);

/* Reads --resume's crawl facts; numbering goes on after its largest index. */
int crawlrun_resume(struct app *app);

/* A seed read became task (not yet submitted). */
void crawlrun_seed(struct app *app, struct task *task);

/* Admits links waiting as tasks while there is room. */
void crawlrun_pump(struct app *app);

/* Whether links still wait to be admitted (the run is not over). */
int crawlrun_busy(const struct app *app);

/* Whether --max-urls is reached: no more input is read. */
int crawlrun_full(const struct app *app);

/* Whether task is a crawl link stopped before it started: no record. */
int crawlrun_unstarted_link(const struct app *app, struct task *task);

/* The run stops: links waiting are dropped. */
void crawlrun_stop(struct app *app);

/* records.c: finished tasks become records on stdout. */

/* The collectors' callback: a finished task, owned from now on. */
void records_emit(struct task *task, void *arg);

/*
 * Appends a record to the output, unless output is lost already. Returns 1
 * when memory ran out for it and an internal error record stands in for
 * it (see output_fallback()), otherwise 0.
 */
int records_put(struct app *app, const struct record *rec);

/* The writer's callbacks. */
void records_on_drain(void *arg);
void records_on_write_failure(void *arg);
void records_on_partial(int partial, void *arg);

/* Ends a cut-off last line of the resume file when stdout appends to it. */
void records_end_cut_line(struct app *app);

/* The output buffer's bound: the largest record whole, and then some. */
size_t records_limit(const struct app *app);

#endif
