/*
 * hostq: the per-host side of the scheduler. It owns each active host's
 * queue, running count, hold and spacing, and sorts the hosts into heaps
 * so that "which host starts next" and "when does the next wait end" cost
 * O(log H). sched.c is its only caller; it never starts a task itself.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "hostmap.h"
#include "hostq.h"
#include "pq.h"

/*
 * Where a host is. Each host with state is in exactly one place:
 *   READY    in hq->ready: work queued, under per_host, its time has come;
 *            keyed by the seq of its first queued task (earliest first).
 *   WAITING  in hq->waiting: work queued, under per_host, but held or
 *            spaced by host_rate; keyed by the time it may start.
 *   IDLE     in hq->idle: nothing queued or running, but a hold or spacing
 *            still ahead; keyed by when that ends, when it is dropped.
 *   NOWHERE  at its per_host limit with work queued, or running with
 *            nothing queued: only a finish can change that.
 * A host with nothing queued, nothing running and nothing ahead has no
 * entry at all, so state follows active hosts, not all hosts ever seen.
 */
enum where { NOWHERE, READY, WAITING, IDLE };

struct host {
	struct hostq_item *head, *tail; /* queued items, FIFO */
	size_t		   count;	/* queued */
	size_t		   running;
	double		   next_start; /* host_rate: no start before */
	double		   hold_until; /* hostq_hold: no start before */
	double		   interval;   /* between starts; 0: no spacing */
	size_t		   blocks;     /* hostq_block: no start at all */
	struct pq_item	   item;
	enum where	   where;
	double		   at; /* heap key: time, then seq */
	uint64_t	   seq;
	size_t		   nready; /* share of hq->nready while READY */
};

struct hostq {
	struct hostmap	 *hosts;
	struct pq	  ready, waiting, idle;
	size_t		  per_host;
	double		  host_interval;
	hostq_interval_fn interval_of;
	void		 *interval_arg;
	size_t nready; /* queued tasks of READY hosts that may start */
};

#define HOST_OF_ITEM(it)                                                       \
	((struct host *)(void *)((char *)(it)-offsetof(struct host, item)))

/* Heap order for all three heaps: earlier time, then earlier task. */
static int
host_less(const struct pq_item *a, const struct pq_item *b)
{
	const struct host *x = HOST_OF_ITEM(a), *y = HOST_OF_ITEM(b);

	if (x->at != y->at)
		return x->at < y->at;
	return x->seq < y->seq;
}

static struct pq *
heap_of(struct hostq *hq, enum where where)
{
	switch (where) {
	case READY:
		return &hq->ready;
	case WAITING:
		return &hq->waiting;
	case IDLE:
		return &hq->idle;
	default:
		return NULL;
	}
}

/* The earliest time host may start a task, per_host aside. */
static double
host_time(const struct host *h)
{
	if (h->blocks > 0)
		return INFINITY;
	return h->next_start > h->hold_until ? h->next_start : h->hold_until;
}

/* How many more tasks host may run now under per_host. */
static size_t
host_room(const struct hostq *hq, const struct host *h)
{
	if (hq->per_host == 0)
		return SIZE_MAX;
	return h->running < hq->per_host ? hq->per_host - h->running : 0;
}

/* How many of a READY host's queued tasks may start now. */
static size_t
host_nready(const struct hostq *hq, const struct host *h)
{
	size_t room = host_room(hq, h);
	size_t n = h->count < room ? h->count : room;

	if (h->interval > 0 && n > 1)
		n = 1;
	return n;
}

struct hostq *
hostq_new(size_t per_host, double host_interval, hostq_interval_fn interval_of,
    void *arg)
{
	struct hostq *hq;

	if ((hq = calloc(1, sizeof(*hq))) == NULL)
		return NULL;
	if ((hq->hosts = hostmap_new(sizeof(struct host))) == NULL) {
		free(hq);
		return NULL;
	}
	hq->per_host = per_host;
	hq->host_interval = host_interval;
	hq->interval_of = interval_of;
	hq->interval_arg = arg;
	pq_init(&hq->ready, host_less);
	pq_init(&hq->waiting, host_less);
	pq_init(&hq->idle, host_less);
	return hq;
}

void
hostq_free(struct hostq *hq)
{
	if (hq == NULL)
		return;
	hostmap_free(hq->hosts);
	pq_free(&hq->ready);
	pq_free(&hq->waiting);
	pq_free(&hq->idle);
	free(hq);
}

/* The spacing of host key: host_interval, or interval_of's if longer. */
static double
host_interval_of(const struct hostq *hq, const char *key)
{
	double extra = 0;

	if (hq->interval_of != NULL)
		extra = hq->interval_of(key, hq->interval_arg);
	return extra > hq->host_interval ? extra : hq->host_interval;
}

/*
 * Room in every heap is reserved for every host here, so moving a host
 * between heaps later can never fail. Cost: O(1) average.
 */
struct host *
hostq_get(struct hostq *hq, const char *key)
{
	struct host *h;
	size_t	     n;

	if ((h = hostmap_find(hq->hosts, key)) != NULL)
		return h;
	n = hostmap_count(hq->hosts) + 1;
	if (pq_reserve(&hq->ready, n) == -1 ||
	    pq_reserve(&hq->waiting, n) == -1 ||
	    pq_reserve(&hq->idle, n) == -1 ||
	    (h = hostmap_add(hq->hosts, key)) == NULL)
		return NULL;
	pq_item_init(&h->item);
	h->where = NOWHERE;
	h->interval = host_interval_of(hq, key);
	return h;
}

static void
host_unplace(struct hostq *hq, struct host *h)
{
	struct pq *heap = heap_of(hq, h->where);

	if (heap != NULL)
		pq_remove(heap, &h->item);
	if (h->where == READY)
		hq->nready -= h->nready;
	h->where = NOWHERE;
}

/* Puts host where its state says it belongs (see enum where). */
int
hostq_settle(struct hostq *hq, struct host *h, double now)
{
	size_t	   room = host_room(hq, h), nready = 0;
	double	   t = host_time(h), at = 0;
	uint64_t   seq = 0;
	enum where where;

	if (h->count > 0) {
		seq = h->head->seq;
		if (room == 0)
			where = NOWHERE;
		else if (t > now) {
			where = WAITING;
			at = t;
		} else {
			where = READY;
			nready = host_nready(hq, h);
		}
	} else if (h->running > 0)
		where = NOWHERE;
	else if (t > now) {
		where = IDLE;
		at = t;
	} else {
		host_unplace(hq, h);
		hostmap_remove(hq->hosts, h);
		/* Give back heap memory after a crawl over many hosts. */
		(void)pq_reserve(&hq->ready, hostmap_count(hq->hosts));
		(void)pq_reserve(&hq->waiting, hostmap_count(hq->hosts));
		(void)pq_reserve(&hq->idle, hostmap_count(hq->hosts));
		return 1;
	}
	if (where != h->where || at != h->at || seq != h->seq) {
		host_unplace(hq, h);
		h->where = where;
		h->at = at;
		h->seq = seq;
		/* Cannot fail: hostq_get() reserved room. */
		if (heap_of(hq, where) != NULL)
			(void)pq_push(heap_of(hq, where), &h->item);
	} else if (where == READY)
		hq->nready -= h->nready;
	if (where == READY) {
		h->nready = nready;
		hq->nready += nready;
	}
	return 0;
}

void
hostq_push(
    struct hostq *hq, struct host *h, struct hostq_item *item, double now)
{
	item->next = NULL;
	item->prev = h->tail;
	if (h->tail != NULL)
		h->tail->next = item;
	else
		h->head = item;
	h->tail = item;
	h->count++;
	hostq_settle(hq, h, now);
}

static void
unlink_item(struct host *h, struct hostq_item *item)
{
	if (item->prev != NULL)
		item->prev->next = item->next;
	else
		h->head = item->next;
	if (item->next != NULL)
		item->next->prev = item->prev;
	else
		h->tail = item->prev;
	h->count--;
	item->prev = item->next = NULL;
}

void
hostq_unqueue(
    struct hostq *hq, struct host *h, struct hostq_item *item, double now)
{
	unlink_item(h, item);
	hostq_settle(hq, h, now);
}

struct hostq_item *
hostq_start(struct hostq *hq, struct host *h, double now)
{
	struct hostq_item *item = h->head;

	unlink_item(h, item);
	h->running++;
	if (h->interval > 0)
		h->next_start =
		    hostq_next_slot(h->next_start, now, h->interval);
	hostq_settle(hq, h, now);
	return item;
}

void
hostq_finish(struct hostq *hq, struct host *h, double now)
{
	h->running--;
	hostq_settle(hq, h, now);
}

enum run_err
hostq_hold(struct hostq *hq, const char *key, double until, double now)
{
	struct host *h;

	if ((h = hostq_get(hq, key)) == NULL)
		return RUN_ERR_NOMEM;
	if (until > h->hold_until)
		h->hold_until = until;
	hostq_settle(hq, h, now);
	return RUN_OK;
}

enum run_err
hostq_block(struct hostq *hq, const char *key, double now)
{
	struct host *h;

	if ((h = hostq_get(hq, key)) == NULL)
		return RUN_ERR_NOMEM;
	h->blocks++;
	hostq_settle(hq, h, now);
	return RUN_OK;
}

void
hostq_unblock(struct hostq *hq, const char *key, double now)
{
	struct host *h;

	if ((h = hostmap_find(hq->hosts, key)) == NULL || h->blocks == 0)
		return;
	h->blocks--;
	hostq_settle(hq, h, now);
}

void
hostq_refresh(struct hostq *hq, const char *key, double now)
{
	struct host *h;

	if ((h = hostmap_find(hq->hosts, key)) == NULL)
		return;
	h->interval = host_interval_of(hq, key);
	hostq_settle(hq, h, now);
}

/*
 * Moves hosts whose wait is over from WAITING to READY, and drops IDLE
 * hosts whose hold and spacing have ended.
 */
void
hostq_promote(struct hostq *hq, double now)
{
	struct pq_item *it;

	while (
	    (it = pq_top(&hq->waiting)) != NULL && HOST_OF_ITEM(it)->at <= now)
		hostq_settle(hq, HOST_OF_ITEM(it), now);
	while ((it = pq_top(&hq->idle)) != NULL && HOST_OF_ITEM(it)->at <= now)
		hostq_settle(hq, HOST_OF_ITEM(it), now);
}

struct host *
hostq_first_ready(const struct hostq *hq)
{
	struct pq_item *it = pq_top(&hq->ready);

	return it != NULL ? HOST_OF_ITEM(it) : NULL;
}

struct hostq_item *
hostq_head(const struct host *h)
{
	return h->head;
}

double
hostq_next_wait(const struct hostq *hq)
{
	struct pq_item *it = pq_top(&hq->waiting);

	return it != NULL ? HOST_OF_ITEM(it)->at : INFINITY;
}

/*
 * Calls fn on every host of heap whose key time is at most now, visiting
 * only those and their children: a heap's children never sort first.
 */
static size_t
sum_due(const struct hostq *hq, const struct pq *heap, size_t i, double now,
    size_t (*fn)(const struct hostq *, const struct host *))
{
	struct pq_item *it = pq_at(heap, i);
	size_t		n;

	if (it == NULL || HOST_OF_ITEM(it)->at > now)
		return 0;
	n = fn(hq, HOST_OF_ITEM(it));
	return n + sum_due(hq, heap, 2 * i + 1, now, fn) +
	    sum_due(hq, heap, 2 * i + 2, now, fn);
}

static size_t
one(const struct hostq *hq, const struct host *h)
{
	(void)hq;
	(void)h;
	return 1;
}

size_t
hostq_ready(const struct hostq *hq, double now)
{
	/* A WAITING host is under per_host with work: it would be READY. */
	return hq->nready + sum_due(hq, &hq->waiting, 0, now, host_nready);
}

size_t
hostq_count(const struct hostq *hq, double now)
{
	return hostmap_count(hq->hosts) - sum_due(hq, &hq->idle, 0, now, one);
}

double
hostq_next_slot(double slot, double now, double interval)
{
	double next = slot + interval;

	if (now - slot >= interval)
		return now + interval;
	return next > now + interval / 2 ? next : now + interval / 2;
}
