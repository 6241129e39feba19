/*
 * hostmap: a hash table from host names to per-host state, for sched.
 *
 * The map allocates each value itself, zeroed, together with a copy of
 * its key: one allocation per host, and the value's address is stable
 * until it is removed. Keys are compared byte for byte (the caller
 * lower-cases host names). The table grows and shrinks with the number of
 * entries, so memory follows the hosts held now, not the most ever held.
 */
#ifndef AFETCH_HOSTMAP_H
#define AFETCH_HOSTMAP_H

#include <stddef.h>

struct hostmap;

/*
 * Returns an empty map whose values are size bytes each, or NULL when out
 * of memory.
 */
struct hostmap *hostmap_new(size_t size);

/* Frees the map and every value still in it. NULL is ignored. */
void hostmap_free(struct hostmap *map);

/* Returns key's value, or NULL if key is absent. Cost: O(1) average. */
void *hostmap_find(const struct hostmap *map, const char *key);

/*
 * Adds key, which must be absent, with a zeroed value aligned for any
 * type. Returns the value, owned by the map (valid until removed), or
 * NULL when out of memory. The key is copied. Cost: O(1) amortised (the
 * table doubles when it is full).
 */
void *hostmap_add(struct hostmap *map, const char *key);

/* Returns the key of a value from hostmap_add(), valid as long as it is. */
const char *hostmap_key(const void *value);

/*
 * Removes and frees a value from hostmap_add(). Cost: O(1) amortised (the
 * table halves when it is mostly empty).
 */
void hostmap_remove(struct hostmap *map, void *value);

/* Number of keys held. */
size_t hostmap_count(const struct hostmap *map);

#endif
