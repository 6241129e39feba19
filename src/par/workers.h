/*
 * workers: the attempts of a run on N event loops, one per thread.
 *
 * The main loop keeps everything that makes the contract: input, the
 * scheduler (so -j, --per-host, the rates and Retry-After holds stay
 * global and exact), the collectors, the writer, signals and the
 * deadline. Each worker thread owns a loop and a fetch context (its own
 * libcurl multi handle, connection pool and easy handles) and runs the
 * transfers it is handed. The hand-off is a fetch_delegate: when the
 * scheduler starts a main task, its URL goes to the worker with the
 * fewest transfers in flight, which fetches it as a task of its own and
 * sends the finished record back, to be put in the main task's place and
 * written by the main loop only. A host's Retry-After hold is sent back
 * the same way. Nothing but this module and mailbox.c knows about threads.
 *
 * Cancelling a handed-over task waits for its worker to stop the transfer
 * (one turn of that loop), so the record keeps what was measured of it,
 * as with one loop.
 */
#ifndef AFETCH_WORKERS_H
#define AFETCH_WORKERS_H

#include <stddef.h>

struct fetch_delegate;
struct fetch_options;
struct loop;
struct workers;

/* The most worker threads a run may have. */
#define WORKERS_MAX 1024

/*
 * Descriptors each worker opens: its loop's epoll, its inbox's eventfd
 * and libcurl's multi wake-up pair.
 */
#define WORKERS_FDS 4

/*
 * Returns n (2 <= n <= WORKERS_MAX) running worker threads, each with a
 * fetch context made from opts (their delegate is ignored; their
 * on_host_backoff is called on main, the loop of the caller's thread;
 * each keeps an n-th of opts->pool_size and opts->connections, so that
 * the connections kept open by all of them stay within what one loop
 * would keep), or
 * NULL when a loop, a context or a thread cannot be made (errno ENOMEM for
 * memory; otherwise said on stderr).
 */
struct workers *workers_new(
    struct loop *main, size_t n, const struct fetch_options *opts);

/*
 * The delegate to put in the main fetch context's options: its tasks'
 * attempts then run on the workers. Valid until workers_free().
 */
const struct fetch_delegate *workers_delegate(struct workers *ws);

/*
 * Stops and joins the threads and frees everything. Every task handed
 * over should have finished (a task still running on a worker then is
 * dropped, its record lost). NULL is ignored.
 */
void workers_free(struct workers *ws);

/* Returns the number of cores this process may run on (at least 1). */
size_t workers_available_cores(void);

#endif
