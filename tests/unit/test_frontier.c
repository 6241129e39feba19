/* Unit tests for frontier: the seen set, the queue, keys, and its size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontier.h"
#include "harness.h"

HARNESS_MAIN;

static void
test_seen_exact(void)
{
	struct frontier *fr = frontier_new();

	CHECK(fr != NULL);
	CHECK_INT(frontier_seen(fr, "http://a/"), 0);
	CHECK_INT(frontier_see(fr, "http://a/"), 1);
	CHECK_INT(frontier_see(fr, "http://a/"), 0);
	CHECK_INT(frontier_seen(fr, "http://a/"), 1);
	/* A prefix and an extension are other URLs. */
	CHECK_INT(frontier_seen(fr, "http://a"), 0);
	CHECK_INT(frontier_seen(fr, "http://a/x"), 0);
	CHECK_INT(frontier_see(fr, "http://a/x"), 1);
	CHECK_INT(frontier_count(fr), 2);
	frontier_free(fr);
}

static void
test_queue_fifo(void)
{
	struct frontier	    *fr = frontier_new();
	struct frontier_link l;
	const char	    *stored = NULL;
	uint32_t	     k;

	CHECK_INT(frontier_key(fr, "a.example", &k), 0);
	CHECK_INT(frontier_push(fr, "http://a/1", 1, -1, k, &stored), 1);
	CHECK_STR(stored, "http://a/1");
	CHECK_INT(frontier_push(fr, "http://a/2", 2, 7, k, NULL), 1);
	/* Seen already: not queued twice. */
	CHECK_INT(frontier_push(fr, "http://a/1", 3, 9, k, NULL), 0);
	CHECK_INT(frontier_pending(fr), 2);
	CHECK_INT(frontier_pop(fr, &l), 1);
	CHECK_STR(l.url, "http://a/1");
	CHECK_INT(l.depth, 1);
	CHECK_INT(l.parent, -1);
	CHECK_STR(frontier_key_name(fr, l.key), "a.example");
	CHECK_INT(frontier_pop(fr, &l), 1);
	CHECK_STR(l.url, "http://a/2");
	CHECK_INT(l.parent, 7);
	CHECK_INT(frontier_pop(fr, &l), 0);
	/* Popped links stay seen. */
	CHECK_INT(frontier_push(fr, "http://a/2", 1, 0, k, NULL), 0);
	frontier_free(fr);
}

static void
test_parse_once(void)
{
	struct frontier *fr = frontier_new();

	CHECK_INT(frontier_see(fr, "http://a/p"), 1);
	CHECK_INT(frontier_parse_once(fr, "http://a/p"), 1);
	CHECK_INT(frontier_parse_once(fr, "http://a/p"), 0);
	/* A final URL never seen before is seen once parsed. */
	CHECK_INT(frontier_parse_once(fr, "http://a/q"), 1);
	CHECK_INT(frontier_seen(fr, "http://a/q"), 1);
	frontier_free(fr);
}

static void
test_keys(void)
{
	struct frontier *fr = frontier_new();
	uint32_t	 a, b, c;
	char		 name[32];
	int		 i;

	CHECK_INT(frontier_key(fr, "a", &a), 0);
	CHECK_INT(frontier_key(fr, "b", &b), 0);
	CHECK_INT(frontier_key(fr, "a", &c), 0);
	CHECK(a != b);
	CHECK_INT(c, a);
	/* Past the table's first growth, every key keeps its number. */
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "host%d", i);
		CHECK_INT(frontier_key(fr, name, &c), 0);
	}
	CHECK_INT(frontier_key(fr, "b", &c), 0);
	CHECK_INT(c, b);
	CHECK_STR(frontier_key_name(fr, b), "b");
	frontier_free(fr);
}

/*
 * A million URLs of 60 bytes or so: all found again, none twice, the
 * queue drained in order; the bytes per URL are printed for the record.
 */
static void
test_many(void)
{
	struct frontier	    *fr = frontier_new();
	struct frontier_link l;
	char		     url[128];
	size_t		     i, n = 1000000, bad = 0, total = 0;
	size_t		     seen_bytes, queued_bytes;

	for (i = 0; i < n; i++) {
		total += (size_t)snprintf(url, sizeof(url),
		    "https://www.example.com/section/%zu/page-%zu.html", i % 97,
		    i);
		if (frontier_push(fr, url, 1, (long long)i, 0, NULL) != 1)
			bad++;
	}
	CHECK_INT(bad, 0);
	queued_bytes = frontier_bytes(fr);
	for (i = 0; i < n; i += 7) {
		snprintf(url, sizeof(url),
		    "https://www.example.com/section/%zu/page-%zu.html", i % 97,
		    i);
		if (frontier_push(fr, url, 1, 0, 0, NULL) != 0)
			bad++;
	}
	CHECK_INT(bad, 0);
	for (i = 0; i < n; i++) {
		snprintf(url, sizeof(url),
		    "https://www.example.com/section/%zu/page-%zu.html", i % 97,
		    i);
		if (frontier_pop(fr, &l) != 1 || strcmp(l.url, url) != 0 ||
		    l.parent != (long long)i)
			bad++;
	}
	CHECK_INT(bad, 0);
	seen_bytes = frontier_bytes(fr);
	fprintf(stderr,
	    "frontier: %zu URLs of %.1f bytes on average: %.1f bytes per URL "
	    "seen, %.1f while queued too\n",
	    n, (double)total / (double)n, (double)seen_bytes / (double)n,
	    (double)queued_bytes / (double)n);
	/* Bounded: the URL's bytes plus a small, fixed overhead. */
	CHECK((double)seen_bytes / (double)n < (double)total / (double)n + 32);
	frontier_free(fr);
}

int
main(void)
{
	RUN(test_seen_exact);
	RUN(test_queue_fifo);
	RUN(test_parse_once);
	RUN(test_keys);
	RUN(test_many);
	return harness_result();
}
