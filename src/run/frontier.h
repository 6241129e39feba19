/*
 * frontier: what a crawl has seen and what it has still to do.
 *
 * The seen set holds every normalised URL the crawl has met (seeds,
 * links added, final URLs after redirects), so that each URL becomes a
 * task at most once; the queue holds the links added and not yet made
 * tasks, first in, first out, which makes the crawl breadth first. A
 * link waits here as a few bytes, not as a task: tasks are made only as
 * the run admits them, so memory stays bounded by the window of tasks
 * plus these bytes.
 *
 * Exact, not probabilistic: a URL's bytes are stored once, in chunks
 * that never move, behind an open-addressing table; lookups compare the
 * 32-bit hash first and then the bytes, so two URLs are one only when
 * they are equal byte for byte (the hash width decides speed, never the
 * answer). Cost per URL seen: its length + 6 bytes in the arena, plus
 * one 8-byte slot at a load of 3/8 to 3/4 (11 to 21 bytes); per link
 * waiting, 24 bytes more. Every call is O(1) on average (O(n) when the
 * table doubles).
 *
 * Seed keys (scope_seed_key's strings) are interned once each as a small
 * number that every link carries (frontier_key()).
 */
#ifndef AFETCH_FRONTIER_H
#define AFETCH_FRONTIER_H

#include <stddef.h>
#include <stdint.h>

#include "runerr.h"

struct frontier;

/* A link taken from the queue. */
struct frontier_link {
	const char *url;    /* NUL-terminated, lives as long as the frontier */
	size_t	    depth;  /* its page's depth + 1 */
	long long   parent; /* the index of the page that added it; -1: none */
	uint32_t    key;    /* the seed key it descends from, frontier_key() */
};

/* Returns an empty frontier, or NULL when out of memory. */
struct frontier *frontier_new(void);

/* Frees it and every string it handed out. NULL is ignored. */
void frontier_free(struct frontier *fr);

/*
 * Adds the NUL-terminated url to the seen set. Returns 1 when it is new,
 * 0 when it was seen already, RUN_ERR_NOMEM (not added).
 */
int frontier_see(struct frontier *fr, const char *url);

/* Returns 1 when url is in the seen set, else 0. */
int frontier_seen(const struct frontier *fr, const char *url);

/*
 * Marks url's page as parsed, adding it to the seen set if need be.
 * Returns 1 the first time, 0 when it was marked before (the page was
 * parsed already: not again), -1 when out of memory.
 */
int frontier_parse_once(struct frontier *fr, const char *url);

/*
 * Adds url to the seen set and, when it is new, to the end of the queue
 * with its depth, parent and key. Returns 1 when queued, 0 when seen
 * already (nothing changes), RUN_ERR_NOMEM (nothing changes). On
 * 1, *stored (when not NULL) is the frontier's copy of url.
 */
int frontier_push(struct frontier *fr, const char *url, size_t depth,
    long long parent, uint32_t key, const char **stored);

/* Takes the oldest link off the queue into *out. Returns 1, or 0: empty. */
int frontier_pop(struct frontier *fr, struct frontier_link *out);

/* Drops every link waiting (they stay seen). */
void frontier_drop_queue(struct frontier *fr);

/* Number of links waiting in the queue. */
size_t frontier_pending(const struct frontier *fr);

/* Number of URLs seen. */
size_t frontier_count(const struct frontier *fr);

/* Bytes the frontier holds (arena, table, queue, keys), for measuring. */
size_t frontier_bytes(const struct frontier *fr);

/*
 * Interns the NUL-terminated key. Returns RUN_OK with its number in *id,
 * or RUN_ERR_NOMEM.
 */
enum run_err frontier_key(struct frontier *fr, const char *key, uint32_t *id);

/* Number of keys interned: their numbers are 0 to this - 1. */
size_t frontier_nkeys(const struct frontier *fr);

/* Returns the key numbered id (as frontier_key() gave it). */
const char *frontier_key_name(const struct frontier *fr, uint32_t id);

#endif
