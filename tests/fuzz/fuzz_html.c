/*
 * Fuzz target: the streaming HTML link extractor (src/crawl/html.c).
 *
 * The page is fed whole, in chunks of random sizes (seeded by the input)
 * and byte by byte; html.h promises the same links whatever the split,
 * so the three runs must report the same links, in the same order, with
 * the same kinds and nofollow flags, and the same page-level nofollow.
 * Each value must keep html.h's promises too: NUL-terminated at len, at
 * most HTML_VALUE_MAX bytes, no leading or trailing ASCII whitespace, and
 * at most one <base> per page.
 */
#include <string.h>

#include "fuzz.h"
#include "html.h"

/* Every link of one run, serialised: kind, nofollow, len, bytes. */
struct links {
	unsigned char *buf;
	size_t	       len, cap;
	int	       bases;
};

static int
html_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static void
on_link(void *arg, enum html_link_kind kind, const char *value, size_t len,
    int nofollow)
{
	struct links *l = arg;
	size_t	      need = l->len + len + 3 + sizeof(len);

	FUZZ_CHECK(value[len] == '\0');
	FUZZ_CHECK(len <= HTML_VALUE_MAX);
	FUZZ_CHECK(len == 0 ||
	    (!html_space((unsigned char)value[0]) &&
		!html_space((unsigned char)value[len - 1])));
	FUZZ_CHECK(nofollow == 0 || nofollow == 1);
	if (kind == HTML_LINK_BASE)
		FUZZ_CHECK(++l->bases == 1);
	if (need > l->cap) {
		l->cap = need * 2;
		l->buf = realloc(l->buf, l->cap);
		FUZZ_CHECK(l->buf != NULL);
	}
	l->buf[l->len++] = (unsigned char)kind;
	l->buf[l->len++] = (unsigned char)nofollow;
	memcpy(l->buf + l->len, &len, sizeof(len));
	l->len += sizeof(len);
	memcpy(l->buf + l->len, value, len);
	l->len += len;
}

/* Feeds the page in chunks of at most max bytes (0: whole). */
static int
run(const uint8_t *data, size_t size, size_t max, struct links *l)
{
	struct fuzz_chunks c;
	struct html	  *h;
	size_t		   off = 0, take;
	int		   nofollow;

	memset(l, 0, sizeof(*l));
	fuzz_chunks_init(&c, data, size);
	FUZZ_CHECK((h = html_new(on_link, l)) != NULL);
	while (off < size) {
		take = max == 0 ? size : fuzz_chunks_next(&c, max);
		if (take > size - off)
			take = size - off;
		FUZZ_CHECK(html_feed(h, data + off, take) == CRAWL_OK);
		off += take;
	}
	html_finish(h);
	/* Fed after the end: ignored. */
	FUZZ_CHECK(html_feed(h, "<a href=x>", 10) == CRAWL_OK);
	nofollow = html_nofollow(h);
	FUZZ_CHECK(nofollow == 0 || nofollow == 1);
	html_free(h);
	return nofollow;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct links whole, chunked, bytes;
	int	     nf;

	nf = run(data, size, 0, &whole);
	FUZZ_CHECK(run(data, size, 64, &chunked) == nf);
	FUZZ_CHECK(run(data, size, 1, &bytes) == nf);
	FUZZ_CHECK(chunked.len == whole.len &&
	    (whole.len == 0 || memcmp(chunked.buf, whole.buf, whole.len) == 0));
	FUZZ_CHECK(bytes.len == whole.len &&
	    (whole.len == 0 || memcmp(bytes.buf, whole.buf, whole.len) == 0));
	free(whole.buf);
	free(chunked.buf);
	free(bytes.buf);
	return 0;
}
