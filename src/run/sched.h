/*
 * sched: decides when each task starts. Limits: at most `jobs` running
 * overall and `per_host` to one host, at most `rate` starts a second
 * overall and `host_rate` to one host (spaced evenly: one start every 1/R
 * seconds, never a burst), and no start to a host before its hold ends.
 *
 * afetch queues work here rather than in libcurl, so a transfer's timeout
 * starts only when it is really dispatched: a long queue never causes a
 * false timeout.
 *
 * Each host has a FIFO queue. Among hosts that could start a task now, the
 * one whose first queued task was submitted earliest goes first, so with
 * no host blocked tasks start in submission order, and a host that is
 * blocked (at its per_host limit, rate-spaced, held) never delays the
 * others. When nothing may start now but something will at a known time,
 * one loop timer is armed for that time; nothing polls.
 *
 * Costs, with H the hosts that have state here (a host with nothing
 * queued or running is dropped once its hold and rate spacing are over):
 * sched_submit O(log H) (O(1) average hash lookup), each start and each
 * finish O(log H), sched_hold_host O(log H), sched_cancel_all
 * O(n log H) for n tasks. Memory: one node per task submitted and not yet
 * finished, one entry per host with state.
 */
#ifndef AFETCH_SCHED_H
#define AFETCH_SCHED_H

#include <stddef.h>

#include "runerr.h"

struct loop;
struct sched;
struct task;

struct sched_config {
	size_t jobs;	  /* >= 1: most tasks running at once */
	size_t per_host;  /* most running to one host; 0: no limit */
	double rate;	  /* most starts a second; 0: no limit */
	double host_rate; /* most starts a second to one host; 0: none */
	/*
	 * Returns a task's host key (the lower-cased host name, without
	 * port). Called once, from sched_submit(); the string is copied.
	 * NULL as function or result means "" (one shared host).
	 */
	const char *(*host_of)(struct task *task);
	/*
	 * Called from loop context after a running task finished, or after
	 * the scheduler's timer started tasks: either way there may be room
	 * to admit more work. May be NULL. It may call sched_submit().
	 */
	void (*on_slot)(void *arg);
	/*
	 * Returns the least seconds between starts to host beyond host_rate
	 * (crawl mode's Crawl-delay), 0 for none; asked when a host gets
	 * state and after sched_host_changed(). May be NULL.
	 */
	double (*host_interval)(const char *host, void *arg);
	void *arg;
};

/*
 * Returns a scheduler on loop, or NULL when out of memory or when cfg is
 * invalid (jobs 0; a rate negative or not a number). cfg is copied.
 */
struct sched *sched_new(struct loop *loop, const struct sched_config *cfg);

/*
 * Frees it, with all per-host state and its timer. Nothing may be queued
 * or running (cancel first); holds may remain. NULL is ignored.
 */
void sched_free(struct sched *s);

/*
 * Queues a pending task on its host and starts whatever may start now,
 * this task perhaps included (inline: call from loop context, never from
 * inside a libcurl callback). The scheduler watches the task's future, so
 * call this before any other code adds done-callbacks that may free the
 * task. The task itself stays the caller's. Returns RUN_OK, or
 * RUN_ERR_NOMEM (nothing is queued then).
 */
enum run_err sched_submit(struct sched *s, struct task *task);

/*
 * Holds host back: no task to it starts before until (a loop_now() time);
 * tasks already running are unaffected, and a later hold than one already
 * set wins. Starts nothing itself, so it is safe from any callback. A hold
 * on a host with nothing queued is kept until it ends, so work submitted
 * meanwhile waits too. Returns RUN_OK, or RUN_ERR_NOMEM (no hold).
 */
enum run_err sched_hold_host(struct sched *s, const char *host, double until);

/*
 * Blocks host until as many sched_unblock_host() calls: none of its tasks
 * start meanwhile (crawl mode: its robots.txt is being read), while other
 * hosts go on. Starts nothing itself. Returns RUN_OK, or RUN_ERR_NOMEM (no
 * block).
 */
enum run_err sched_block_host(struct sched *s, const char *host);

/* Lifts one block of host; its tasks start on a later turn of the loop. */
void sched_unblock_host(struct sched *s, const char *host);

/* host's extra interval may have changed: ask host_interval again. */
void sched_host_changed(struct sched *s, const char *host);

/* Number of tasks queued (submitted, not started, not finished). */
size_t sched_queued(const struct sched *s);

/* Number of tasks running. */
size_t sched_running(const struct sched *s);

/*
 * Number of queued tasks that could start right now if enough global
 * slots were free: those of hosts not at their per_host limit (at most the
 * room left there), not held and not waiting for host_rate spacing (at
 * most one per host with host_rate). The global rate is not counted: it
 * blocks every host alike. Tasks of blocked hosts are what sched_queued()
 * counts beyond this. Hosts whose wait is over count as ready. Changes
 * nothing. Cost: O(1), plus O(1) per host whose wait is over.
 */
size_t sched_ready(const struct sched *s);

/*
 * Number of hosts whose state still matters (work queued or running, or a
 * hold or spacing not yet over), for tests and diagnostics.
 */
size_t sched_hosts(const struct sched *s);

/*
 * Cancels every queued task (in submission order), then every running
 * one, with reason (a static string). Each has finished when this
 * returns; their callbacks are scheduled as usual, and on_slot is called
 * for each that was running. Nothing starts in between. Holds and rate
 * spacing are kept.
 */
void sched_cancel_all(struct sched *s, const char *reason);

#endif
