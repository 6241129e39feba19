/* Unit tests for hostmap: find, add, remove, keys, growth and shrinking. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness.h"
#include "hostmap.h"

HARNESS_MAIN;

#define NKEYS 20000

struct val {
	int    n;
	double d;
};

static void
test_basic(void)
{
	struct hostmap *m = hostmap_new(sizeof(struct val));
	struct val     *a, *b, *e;

	CHECK(m != NULL);
	CHECK(hostmap_find(m, "a.example") == NULL);
	a = hostmap_add(m, "a.example");
	b = hostmap_add(m, "b.example");
	e = hostmap_add(m, "");
	CHECK(a != NULL && b != NULL && e != NULL);
	/* Zeroed, aligned, distinct. */
	CHECK_INT(a->n, 0);
	CHECK(a->d == 0);
	CHECK_INT((uintptr_t)a % alignof(max_align_t), 0);
	CHECK(a != b && b != e);
	a->n = 1;
	CHECK(hostmap_find(m, "a.example") == a);
	CHECK(hostmap_find(m, "") == e);
	CHECK(hostmap_find(m, "A.example") == NULL);
	CHECK(hostmap_find(m, "a.exampl") == NULL);
	CHECK_STR(hostmap_key(a), "a.example");
	CHECK_STR(hostmap_key(e), "");
	CHECK_INT(hostmap_count(m), 3);
	hostmap_remove(m, a);
	CHECK(hostmap_find(m, "a.example") == NULL);
	CHECK(hostmap_find(m, "b.example") == b);
	CHECK_INT(hostmap_count(m), 2);
	/* Values left in the map are freed with it. */
	hostmap_free(m);
	hostmap_free(NULL);
}

/* Many keys in, all found, all out: the table grows and shrinks. */
static void
test_many(void)
{
	struct hostmap *m = hostmap_new(sizeof(struct val));
	struct val     *v;
	char		key[32];
	int		i, found = 0, keys_ok = 0, gone = 0;

	for (i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "h%d.example", i);
		if ((v = hostmap_add(m, key)) != NULL)
			v->n = i;
	}
	CHECK_INT(hostmap_count(m), NKEYS);
	for (i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "h%d.example", i);
		v = hostmap_find(m, key);
		if (v != NULL && v->n == i)
			found++;
		if (v != NULL && strcmp(hostmap_key(v), key) == 0)
			keys_ok++;
	}
	CHECK_INT(found, NKEYS);
	CHECK_INT(keys_ok, NKEYS);
	/* Remove the odd ones, then check both halves. */
	for (i = 1; i < NKEYS; i += 2) {
		snprintf(key, sizeof(key), "h%d.example", i);
		hostmap_remove(m, hostmap_find(m, key));
	}
	CHECK_INT(hostmap_count(m), NKEYS / 2);
	found = 0;
	for (i = 0; i < NKEYS; i++) {
		snprintf(key, sizeof(key), "h%d.example", i);
		v = hostmap_find(m, key);
		if (i % 2 == 0 ? v != NULL && v->n == i : v == NULL)
			found++;
	}
	CHECK_INT(found, NKEYS);
	for (i = 0; i < NKEYS; i += 2) {
		snprintf(key, sizeof(key), "h%d.example", i);
		if ((v = hostmap_find(m, key)) != NULL) {
			hostmap_remove(m, v);
			gone++;
		}
	}
	CHECK_INT(gone, NKEYS / 2);
	CHECK_INT(hostmap_count(m), 0);
	/* Still usable after shrinking all the way. */
	CHECK(hostmap_add(m, "again") != NULL);
	CHECK(hostmap_find(m, "again") != NULL);
	hostmap_free(m);
}

int
main(void)
{
	RUN(test_basic);
	RUN(test_many);
	return harness_result();
}
