/*
 * fetch: the task that fetches one URL and fills its record.
 *
 * A fetch context holds what all fetches share: the curl bridge (and so the
 * connection pool and DNS cache), a pool of idle easy handles and the
 * request options. Each URL becomes a task (see task.h) whose data is the
 * fetch; when the task finishes, fetch_record() gives its outcome. This
 * module knows nothing of the command line, JSON or scheduling.
 *
 * Retries (opts.retries > 0): an attempt that ends transient (see
 * retry.h) with retries left is followed, after a backoff timer, by another;
 * the task stays running meanwhile, so it keeps its scheduler slot, and
 * cancelling it cancels the timer. The wait is retry_wait() of the
 * jittered exponential backoff and the response's Retry-After, capped by
 * retry_max_delay. A 429 or 503 with Retry-After also calls
 * opts.on_host_backoff with the time that wait ends. The record shows the
 * last attempt and the number made; time.queue stays the wait before the
 * first.
 *
 * Responses: with want_headers the record gets the final response's
 * fields, with want_body its body (capped at 1 MiB unless max_size says
 * otherwise), with output_dir the path of the file it was saved to (see
 * savefile.h); a failed attempt keeps no body and leaves no file.
 */
#ifndef AFETCH_FETCH_H
#define AFETCH_FETCH_H

#include <stddef.h>

#include "record.h"
#include "transfer.h"
#include "runerr.h"

struct loop;
struct task;
struct fetch_ctx;
struct tlstrust;

/*
 * Where a context's requestable tasks run when not on its own curl bridge
 * (par/ runs them on other loops, one per thread). start(task, arg,
 * &handle) hands a running task over (fetch_record() and fetch_read_at()
 * say what to fetch) and returns RUN_OK with a handle of its choosing, or
 * RUN_ERR_NOMEM when it cannot (the task is then done with an internal
 * error). The
 * other side ends the task later with fetch_swap_record() and task_done().
 * cancel(task, handle, reason, arg) must swap the other side's record in
 * before it returns, as task_ops.cancel must finish the task: a record in
 * state cancelled then cancels the task, any other completes it. The other
 * side's record comes in with fetch_take_record() (on a cancel) or
 * fetch_delegated_done() (when it finished), on this side's loop.
 */
struct fetch_delegate {
	enum run_err (*start)(struct task *task, void *arg, void **handle);
	void (*cancel)(
	    struct task *task, void *handle, const char *reason, void *arg);
	void *arg;
};

/*
 * What crawl mode adds to every fetch of a context, each called from
 * loop context with the task and arg (any may be NULL):
 *   gate   before the first attempt: returns 0 to go on, or -1 when the
 *          task is refused (the hook set its record's error, with
 *          fetch_record_edit()); it then finishes without a request;
 *   reset  an attempt starts: forget what an earlier one's body said;
 *   body   each chunk of the body of the attempt under way, as it comes
 *          (inside libcurl's callback: it must not start or stop
 *          transfers);
 *   done   the outcome is in the record: returns 0 to finish the task
 *          now, 1 to finish it later with fetch_finish();
 *   carry  with a delegate: the data the other side's hooks are to work
 *          on for the task, as their fetch_data() there (NULL: none). It
 *          stays the task's: this side leaves it alone from the hand-over
 *          until the record is back (fetch_delegated_done() or a cancel),
 *          and the other side touches it only until then. That is the
 *          only memory the two sides share.
 * With a delegate, reset and body run on the other side's hooks, and
 * done runs here once the record is back (fetch_delegated_done()).
 */
struct fetch_hooks {
	int (*gate)(struct task *task, void *arg);
	void (*reset)(struct task *task, void *arg);
	void (*body)(
	    struct task *task, const char *data, size_t len, void *arg);
	int (*done)(struct task *task, void *arg);
	void *(*carry)(struct task *task, void *arg);
	void *arg;
};

/* With want_body and no max_size, bodies over this are too_large. */
#define BODY_DEFAULT_CAP (1024LL * 1024)

struct fetch_options {
	struct transfer_options request;
	long long		max_size;  /* body bytes; < 0: no limit */
	size_t			pool_size; /* idle easy handles kept */
	/* Connections libcurl keeps open, in use or idle; 0: pool_size. */
	size_t		   connections;
	const char *const *headers; /* "Name: value", as -H */
	size_t		   nheaders;

	/* Responses. */
	int	    want_headers; /* record the headers */
	int	    want_body;	  /* record the body */
	const char *output_dir;	  /* save bodies here; NULL: no */

	/* Retries. */
	int    retries;
	double retry_delay;
	double retry_max_delay;
	/*
	 * Called when a host answers 429 or 503 with Retry-After: nothing new
	 * should start to it before `until` (a loop_now() time). May be NULL.
	 */
	void (*on_host_backoff)(const char *host, double until, void *arg);
	void *backoff_arg;
	/* Seeds the retry jitter and temporary names; 0: clock and pid. */
	unsigned long long seed;
	/* Crawl mode's hooks, or NULL; must outlive the context. */
	const struct fetch_hooks *hooks;
	/* NULL: attempts run on this context's bridge. */
	const struct fetch_delegate *delegate;
	/*
	 * A trust shared with other contexts (on other threads too), which
	 * must outlive them; NULL: the context makes its own (none with
	 * request.insecure).
	 */
	struct tlstrust *trust;
};

/*
 * Returns a context on loop, or NULL when libcurl or memory fails, or when
 * opts->output_dir cannot be created or opened (said on stderr; errno is
 * then not ENOMEM). The options are copied; their strings, the header
 * array and the data must outlive the context.
 */
struct fetch_ctx *fetch_ctx_new(
    struct loop *loop, const struct fetch_options *opts);

/* Frees the context. Every fetch task must have been freed before. */
void fetch_ctx_free(struct fetch_ctx *ctx);

/*
 * Returns a pending task for the len bytes of line (the URL as read, which
 * may hold any bytes), read at time read_at (loop_now()), or NULL when out
 * of memory. A line that is not a URL afetch may request gives a task that
 * is valid all the same: started, it finishes at once with an
 * invalid_url or unsupported_scheme record and no attempt.
 */
struct task *fetch_task_new(struct fetch_ctx *ctx, size_t index,
    const char *line, size_t len, int truncated, double read_at);

/*
 * Returns the most body bytes one transfer may take: --max-size, or with
 * want_body and no max_size BODY_DEFAULT_CAP; < 0 when there is no limit.
 */
long long fetch_body_cap(const struct fetch_ctx *ctx);

/* Returns 1 when the task's URL will be requested, 0 when it is refused. */
int fetch_is_requestable(struct task *task);

/* Returns the task's lower-cased host name, or NULL if not requestable. */
const char *fetch_host(struct task *task);

/*
 * Returns the record of a finished task (done or cancelled); the pointer
 * is valid until the task is freed.
 */
const struct record *fetch_record(struct task *task);

/* The record of a task, for the hooks to fill (crawl fields, a refusal). */
struct record *fetch_record_edit(struct task *task);

/* The URL a requestable task fetches (as http/url normalised it). */
const char *fetch_url(struct task *task);

/*
 * What the attempt under way has received so far: the latest status (0:
 * none yet), the content type and the URL after redirects (NULL where
 * unknown; valid until the attempt ends). For the body hook.
 */
void fetch_peek(struct task *task, long *status, const char **content_type,
    const char **effective_url);

/*
 * Finishes a task whose done hook returned 1; does nothing when the task
 * has finished meanwhile (it was cancelled).
 */
void fetch_finish(struct task *task);

/*
 * Gives the task data of the caller's, freed with free_fn when the task
 * is freed; fetch_data() returns it (NULL: none).
 */
void  fetch_set_data(struct task *task, void *data, void (*free_fn)(void *));
void *fetch_data(struct task *task);
/* Returns the loop_now() time the task's URL was read. */
double fetch_read_at(struct task *task);

/*
 * Swaps the task's record with rec: a delegated task's record comes back
 * this way, and the other side takes its own task's record out so. Call
 * from the task's loop; rec must be initialised (record_init()).
 */
void fetch_swap_record(struct task *task, struct record *rec);

/*
 * For a delegate, on the side that handed the task over: the hooks'
 * carry for it (see fetch_hooks), or NULL.
 */
void *fetch_carry(struct task *task);

/*
 * For a delegate, on the side that handed the task over: swaps the other
 * side's record rec into the task (rec gets the task's), keeping the
 * crawl fields this side set (RECORD_CRAWL, depth, parent).
 */
void fetch_take_record(struct task *task, struct record *rec);

/*
 * For a delegate: the other side finished the task with record rec
 * (taken as fetch_take_record() does). The task is done, unless its done
 * hook keeps it for later (then fetch_finish() ends it).
 */
void fetch_delegated_done(struct task *task, struct record *rec);

/*
 * Sets the most body bytes the task's transfers take (< 0: no limit),
 * in place of the context's; before the task starts. Past it the
 * transfer ends as too_large. Crawl mode's own fetches need their own
 * bounds (robots.txt, sitemaps) on one context.
 */
void fetch_set_body_cap(struct task *task, long long cap);

#endif
