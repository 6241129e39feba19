/*
 * hostq: the scheduler's hosts, each with its FIFO queue of tasks, its
 * running count, its hold and its host_rate spacing, and the three heaps
 * that say which hosts may start a task now and which at a known time.
 *
 * sched owns one and is its only user: it decides about jobs, the global
 * rate and the timer; this module answers "which host next" and keeps
 * per-host state only while it matters (a host with nothing queued or
 * running is dropped once its hold and spacing are over). The queue holds
 * a struct hostq_item the caller embeds in its own node, container_of
 * style. Costs, with H the hosts that have state: O(log H) for each
 * change below, O(1) average to find a host.
 */
#ifndef AFETCH_HOSTQ_H
#define AFETCH_HOSTQ_H

#include <stddef.h>
#include <stdint.h>

#include "runerr.h"

struct host;
struct hostq;

/* Embedded in the caller's node; seq (submission order) is the caller's. */
struct hostq_item {
	struct hostq_item *prev, *next;
	uint64_t	   seq;
};

/*
 * Returns the least seconds between two starts to the host key beyond
 * host_interval (a crawl's Crawl-delay); 0: none. Asked when a host's
 * state is made and by hostq_refresh().
 */
typedef double (*hostq_interval_fn)(const char *key, void *arg);

/*
 * Returns an empty set of hosts allowing per_host running tasks to one
 * host (0: no limit) and one start every host_interval seconds (0: no
 * spacing), or the longer interval_of gives for the host (interval_of
 * may be NULL), or NULL when out of memory.
 */
struct hostq *hostq_new(size_t per_host, double host_interval,
    hostq_interval_fn interval_of, void *arg);

/* Frees it with every host's state; queued items stay the caller's. */
void hostq_free(struct hostq *hq);

/*
 * Returns key's host, made with nothing queued if new, or NULL when out of
 * memory. Heap room is reserved for it here, so that nothing after can
 * fail. A new host must be given work, or hostq_settle()d, before the
 * next call in.
 */
struct host *hostq_get(struct hostq *hq, const char *key);

/*
 * Re-sorts host after a change, or drops it when nothing about it matters
 * any more. Returns 1 if it was dropped (h is then invalid), else 0.
 */
int hostq_settle(struct hostq *hq, struct host *h, double now);

/* Appends item (its seq set) to host's queue. */
void hostq_push(
    struct hostq *hq, struct host *h, struct hostq_item *item, double now);

/* Takes item off host's queue without starting it; h may be dropped. */
void hostq_unqueue(
    struct hostq *hq, struct host *h, struct hostq_item *item, double now);

/*
 * Takes the first item off host's queue as started at now: one more
 * running there, and the next start spaced by host_interval. Returns it.
 */
struct hostq_item *hostq_start(struct hostq *hq, struct host *h, double now);

/* One task of host's finished after it started; h may be dropped. */
void hostq_finish(struct hostq *hq, struct host *h, double now);

/*
 * Holds host key back until `until`, a later hold winning. Returns RUN_OK,
 * or RUN_ERR_NOMEM (no hold).
 */
enum run_err hostq_hold(
    struct hostq *hq, const char *key, double until, double now);

/*
 * Blocks host key until as many hostq_unblock() calls: nothing starts
 * there meanwhile, whatever the time. Returns RUN_OK, or RUN_ERR_NOMEM (no
 * block).
 */
enum run_err hostq_block(struct hostq *hq, const char *key, double now);

/* Lifts one block of host key (which must be blocked). */
void hostq_unblock(struct hostq *hq, const char *key, double now);

/* Asks interval_of again for host key, if it has state. */
void hostq_refresh(struct hostq *hq, const char *key, double now);

/*
 * Brings hosts whose wait is over up to date: ready if they have work,
 * dropped if they have none. Cost: O(log H) per host moved.
 */
void hostq_promote(struct hostq *hq, double now);

/* Returns the ready host whose first queued task is oldest, or NULL. */
struct host *hostq_first_ready(const struct hostq *hq);

/* Returns the first item queued on host (there is one when it is ready). */
struct hostq_item *hostq_head(const struct host *h);

/*
 * Returns the earliest time a host that waits (work queued, held or
 * spaced) may start, or INFINITY when none waits.
 */
double hostq_next_wait(const struct hostq *hq);

/*
 * Returns how many queued tasks could start at now if enough global slots
 * were free (see sched_ready()), counting hosts whose wait is over as
 * hostq_promote() would, without changing anything. Cost: O(1) plus O(1)
 * per host whose wait is over.
 */
size_t hostq_ready(const struct hostq *hq, double now);

/*
 * Returns the number of hosts whose state still matters at now: those
 * that hostq_promote() would not drop. Cost as hostq_ready().
 */
size_t hostq_count(const struct hostq *hq, double now);

/*
 * The earliest next start after one at now that was allowed from `slot`,
 * for spacing starts interval seconds apart. Counting from the allowed
 * time, not from now, keeps the average rate exact although a timer
 * always fires a little late; catching up is bounded: two starts are
 * never closer than half an interval, and a stall longer than that is not
 * made up with a burst.
 */
double hostq_next_slot(double slot, double now, double interval);

#endif
