/*
 * future: the eventual outcome of one piece of work, as in asyncio.
 *
 * States move pending -> running -> done, and pending or running ->
 * cancelled; done and cancelled are final. Done-callbacks never run inline:
 * finishing a future schedules them on the loop, in the order they were
 * added, so code that finishes a future (libcurl callbacks included) never
 * re-enters its caller. A callback added to a finished future is scheduled
 * at once.
 *
 * Futures are reference counted: future_new() returns one reference, and a
 * finished future holds one more until its callbacks have run, so a
 * callback may drop the last outside reference safely.
 */
#ifndef AFETCH_FUTURE_H
#define AFETCH_FUTURE_H

#include "rterr.h"

struct loop;
struct future;

enum future_state {
	FUTURE_PENDING,
	FUTURE_RUNNING,
	FUTURE_DONE,
	FUTURE_CANCELLED
};

typedef void (*future_cb)(struct future *future, void *arg);

/* Returns a pending future with one reference, or NULL when out of memory. */
struct future *future_new(struct loop *loop);

void future_ref(struct future *future);

/* Drops a reference; the last one frees the future. NULL is ignored. */
void future_unref(struct future *future);

enum future_state future_state(const struct future *future);

/* Returns 1 when the future is done or cancelled, else 0. */
int future_finished(const struct future *future);

/* Returns the state's name: "pending", "running", "done", "cancelled". */
const char *future_state_name(enum future_state state);

/* pending -> running. Returns RT_OK, or RT_ERR_STATE if it was not pending. */
enum rt_err future_set_running(struct future *future);

/*
 * pending or running -> done, and schedules the callbacks. Returns RT_OK,
 * or RT_ERR_STATE if the future had already finished (nothing changes).
 */
enum rt_err future_set_done(struct future *future);

/*
 * pending or running -> cancelled with a reason (a static string, kept by
 * pointer), and schedules the callbacks. Returns RT_OK, or RT_ERR_STATE if
 * the future had already finished.
 */
enum rt_err future_cancel(struct future *future, const char *reason);

/* Returns the reason given to future_cancel(), or NULL. */
const char *future_cancel_reason(const struct future *future);

/*
 * Registers cb(future, arg). Returns RT_OK, or RT_ERR_NOMEM (cb will then
 * not run). If scheduling fails when the future finishes, the
 * callbacks run inline instead: better re-entry than a lost result.
 */
enum rt_err future_add_done_callback(
    struct future *future, future_cb cb, void *arg);

#endif
