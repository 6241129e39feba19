/*
 * loop: the event loop afetch runs on, asyncio-style, over libevent.
 *
 * call_soon callbacks run in FIFO order on a later turn of the loop, never
 * inline; callbacks scheduled while the queue runs wait for the next turn,
 * so a callback that reschedules itself cannot starve I/O. The loop knows
 * nothing of HTTP.
 */
#ifndef AFETCH_LOOP_H
#define AFETCH_LOOP_H

#include "rterr.h"

struct event_base;
struct loop;
struct loop_timer;

typedef void (*loop_fn)(void *arg);

/* Returns a new loop with its own event_base, or NULL when out of memory. */
struct loop *loop_new(void);

/*
 * Frees the loop. Callbacks still queued are dropped without running;
 * timers must have been cancelled. Whatever else uses the event_base
 * (libcurl's multi handle included) must be freed first.
 */
void loop_free(struct loop *loop);

/* Returns the libevent base, for modules that watch descriptors. */
struct event_base *loop_base(struct loop *loop);

/*
 * Schedules fn(arg) to run on a later turn of the loop. Returns RT_OK, or
 * RT_ERR_NOMEM or RT_ERR_EVENT (libevent would not wake the loop); fn will
 * then not run. Cost: O(1) amortised, no allocation once the queue has
 * grown.
 */
enum rt_err loop_call_soon(struct loop *loop, loop_fn fn, void *arg);

/*
 * Schedules fn(arg) to run once, after delay seconds (fractions allowed,
 * negative means 0). Returns a timer the caller may cancel until it fires;
 * the loop frees it after it fires. Returns NULL when out of memory.
 */
struct loop_timer *loop_call_later(
    struct loop *loop, double delay, loop_fn fn, void *arg);

/* Cancels and frees a timer that has not fired yet. NULL is ignored. */
void loop_timer_cancel(struct loop_timer *timer);

/*
 * Runs the loop until loop_stop() is called or nothing is left to wait
 * for. Returns RT_OK, or RT_ERR_EVENT if libevent failed.
 */
enum rt_err loop_run(struct loop *loop);

/* Makes loop_run() return after the current callback. */
void loop_stop(struct loop *loop);

/* Returns a monotonic clock in seconds. */
double loop_now(void);

#endif
