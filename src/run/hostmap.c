/*
 * hostmap: a hash table from host names to fixed-size per-host state,
 * allocated with the key in one block. The scheduler keeps each host's
 * queue and limits in it, and frees a host's entry when the host is idle.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "hostmap.h"

/* Smallest table; it never shrinks below this. */
#define MIN_BUCKETS 16

/*
 * One allocation per key: this header, the value (max_align_t-aligned),
 * then the key's bytes. Chains are singly linked; the full hash is kept so
 * resizing and most mismatches never touch the key.
 */
struct entry {
	struct entry *next;
	uint64_t      hash;
	const char   *key;
	alignas(max_align_t) unsigned char value[];
};

struct hostmap {
	struct entry **buckets;
	size_t	       nbuckets; /* a power of two */
	size_t	       count;
	size_t	       size; /* of each value, rounded up */
};

static uint64_t
hash_key(const char *key)
{
	uint64_t h = HASH_FNV1A_BASIS;

	for (; *key != '\0'; key++)
		h = hash_fnv1a_step(h, (unsigned char)*key);
	return h;
}

static struct entry *
entry_of(const void *value)
{
	return (struct entry *)((const unsigned char *)value -
	    offsetof(struct entry, value));
}

struct hostmap *
hostmap_new(size_t size)
{
	struct hostmap *map;
	size_t		align = alignof(max_align_t);

	if (size > (size_t)-1 / 2)
		return NULL;
	if ((map = calloc(1, sizeof(*map))) == NULL)
		return NULL;
	map->size = (size + align - 1) / align * align;
	map->nbuckets = MIN_BUCKETS;
	if ((map->buckets = calloc(map->nbuckets, sizeof(*map->buckets))) ==
	    NULL) {
		free(map);
		return NULL;
	}
	return map;
}

void
hostmap_free(struct hostmap *map)
{
	struct entry *e, *next;
	size_t	      i;

	if (map == NULL)
		return;
	for (i = 0; i < map->nbuckets; i++) {
		for (e = map->buckets[i]; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(map->buckets);
	free(map);
}

void *
hostmap_find(const struct hostmap *map, const char *key)
{
	uint64_t      h = hash_key(key);
	struct entry *e;

	for (e = map->buckets[h & (map->nbuckets - 1)]; e != NULL; e = e->next)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e->value;
	return NULL;
}

/*
 * Moves every entry to a table of n buckets. On failure the old table
 * stays: a map that cannot grow only gets slower.
 */
static void
rehash(struct hostmap *map, size_t n)
{
	struct entry **buckets, *e, *next;
	size_t	       i;

	if ((buckets = calloc(n, sizeof(*buckets))) == NULL)
		return;
	for (i = 0; i < map->nbuckets; i++) {
		for (e = map->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = buckets[e->hash & (n - 1)];
			buckets[e->hash & (n - 1)] = e;
		}
	}
	free(map->buckets);
	map->buckets = buckets;
	map->nbuckets = n;
}

void *
hostmap_add(struct hostmap *map, const char *key)
{
	struct entry *e;
	size_t	      klen = strlen(key), b;
	char	     *copy;

	if (klen > (size_t)-1 - sizeof(*e) - map->size - 1)
		return NULL;
	if ((e = calloc(1, sizeof(*e) + map->size + klen + 1)) == NULL)
		return NULL;
	copy = (char *)e->value + map->size;
	memcpy(copy, key, klen + 1);
	e->key = copy;
	e->hash = hash_key(key);
	b = e->hash & (map->nbuckets - 1);
	e->next = map->buckets[b];
	map->buckets[b] = e;
	/* Load factor at most 1 while memory allows. */
	if (++map->count > map->nbuckets && map->nbuckets <= (size_t)-1 / 4)
		rehash(map, map->nbuckets * 2);
	return e->value;
}

const char *
hostmap_key(const void *value)
{
	return entry_of(value)->key;
}

void
hostmap_remove(struct hostmap *map, void *value)
{
	struct entry *e = entry_of(value), **pp;

	pp = &map->buckets[e->hash & (map->nbuckets - 1)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	free(e);
	/* Halve at a load of 1/8, so growing back is far away. */
	if (--map->count < map->nbuckets / 8 && map->nbuckets > MIN_BUCKETS)
		rehash(map, map->nbuckets / 2);
}

size_t
hostmap_count(const struct hostmap *map)
{
	return map->count;
}
