/*
 * loop: the event loop afetch runs on, asyncio-style, over a libevent
 * base: call_soon, call_later, run and stop. It owns the base and the
 * queue of callbacks to run on the next turn.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "loop.h"

struct soon {
	loop_fn fn;
	void   *arg;
};

/*
 * The call_soon queue is a ring that doubles when full. The wake event is
 * armed whenever the queue goes from empty to non-empty, and its callback
 * runs exactly the entries present when it started.
 *
 * The wake event is a timer armed with a zero timeout, not made active
 * with event_active(): libevent runs an event activated from inside a
 * callback in the same pass over the active queue, so a callback that
 * reschedules itself would keep the loop from ever polling I/O or timers
 * again. A zero timer fires on the loop's next iteration instead, after
 * I/O has been polled and expired timers have been queued.
 */
struct loop {
	struct event_base *base;
	struct event	  *wake;
	struct soon	  *ring;
	size_t		   cap;
	size_t		   head;
	size_t		   count;
};

struct loop_timer {
	struct event *ev;
	loop_fn	      fn;
	void	     *arg;
};

static void run_soon(evutil_socket_t, short, void *);

static const struct timeval next_turn = { 0, 0 };

struct loop *
loop_new(void)
{
	struct loop *loop;

	if ((loop = calloc(1, sizeof(*loop))) == NULL)
		return NULL;
	if ((loop->base = event_base_new()) == NULL)
		goto fail;
	if ((loop->wake = evtimer_new(loop->base, run_soon, loop)) == NULL)
		goto fail;
	return loop;
fail:
	loop_free(loop);
	return NULL;
}

void
loop_free(struct loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->wake != NULL)
		event_free(loop->wake);
	if (loop->base != NULL)
		event_base_free(loop->base);
	free(loop->ring);
	free(loop);
}

struct event_base *
loop_base(struct loop *loop)
{
	return loop->base;
}

static enum rt_err
grow(struct loop *loop)
{
	struct soon *ring;
	size_t	     cap, i;

	cap = loop->cap == 0 ? 64 : loop->cap * 2;
	if (cap < loop->cap || (ring = calloc(cap, sizeof(*ring))) == NULL)
		return RT_ERR_NOMEM;
	for (i = 0; i < loop->count; i++)
		ring[i] = loop->ring[(loop->head + i) % loop->cap];
	free(loop->ring);
	loop->ring = ring;
	loop->cap = cap;
	loop->head = 0;
	return RT_OK;
}

enum rt_err
loop_call_soon(struct loop *loop, loop_fn fn, void *arg)
{
	struct soon *slot;

	if (loop->count == loop->cap && grow(loop) != RT_OK)
		return RT_ERR_NOMEM;
	slot = &loop->ring[(loop->head + loop->count) % loop->cap];
	slot->fn = fn;
	slot->arg = arg;
	if (loop->count++ == 0 && evtimer_add(loop->wake, &next_turn) == -1) {
		loop->count--;
		return RT_ERR_EVENT;
	}
	return RT_OK;
}

static void
run_soon(evutil_socket_t fd, short what, void *arg)
{
	struct loop *loop = arg;
	struct soon  entry;
	size_t	     n;

	(void)fd;
	(void)what;
	/* Only what was queued before this turn; later entries wait. */
	for (n = loop->count; n > 0; n--) {
		entry = loop->ring[loop->head];
		loop->head = (loop->head + 1) % loop->cap;
		loop->count--;
		entry.fn(entry.arg);
	}
	/*
	 * Fails only if libevent cannot grow its timer heap; there is no one
	 * to tell from here, and the next call_soon will not re-arm.
	 */
	if (loop->count > 0)
		(void)evtimer_add(loop->wake, &next_turn);
}

static void
fire_timer(evutil_socket_t fd, short what, void *arg)
{
	struct loop_timer *timer = arg;
	loop_fn		   fn = timer->fn;
	void		  *fnarg = timer->arg;

	(void)fd;
	(void)what;
	/* Freed before the call, so fn may schedule or stop anything. */
	event_free(timer->ev);
	free(timer);
	fn(fnarg);
}

struct loop_timer *
loop_call_later(struct loop *loop, double delay, loop_fn fn, void *arg)
{
	struct loop_timer *timer;
	struct timeval	   tv;

	if (delay < 0 || delay != delay)
		delay = 0;
	if (delay > 1e9)
		delay = 1e9;
	if ((timer = calloc(1, sizeof(*timer))) == NULL)
		return NULL;
	timer->fn = fn;
	timer->arg = arg;
	timer->ev = evtimer_new(loop->base, fire_timer, timer);
	if (timer->ev == NULL) {
		free(timer);
		return NULL;
	}
	tv.tv_sec = (time_t)delay;
	tv.tv_usec = (suseconds_t)((delay - (double)tv.tv_sec) * 1e6);
	if (evtimer_add(timer->ev, &tv) == -1) {
		event_free(timer->ev);
		free(timer);
		return NULL;
	}
	return timer;
}

void
loop_timer_cancel(struct loop_timer *timer)
{
	if (timer == NULL)
		return;
	event_free(timer->ev);
	free(timer);
}

enum rt_err
loop_run(struct loop *loop)
{
	return event_base_dispatch(loop->base) == -1 ? RT_ERR_EVENT : RT_OK;
}

void
loop_stop(struct loop *loop)
{
	event_base_loopbreak(loop->base);
}

double
loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
