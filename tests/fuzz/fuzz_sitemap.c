/*
 * Fuzz target: the sitemap reader (src/crawl/sitemap.c, sitemap_tok.c).
 *
 * The file is fed whole, in chunks of random sizes (seeded by the input)
 * and byte by byte, and then gzip-compressed (when it is not gzip
 * already) and fed in chunks again: sitemap.h promises the same URLs,
 * flags, count and result however the file is split or compressed. Each
 * URL must keep its promises too: NUL-terminated at len, 1 to
 * SITEMAP_LOC_MAX bytes, no XML whitespace at either end.
 */
#include <string.h>

#include <zlib.h>

#include "crawl.h"
#include "fuzz.h"
#include "sitemap.h"

struct urls {
	unsigned char *buf;
	size_t	       len, cap;
};

static int
xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
on_url(void *arg, const char *url, size_t len, int nested)
{
	struct urls *u = arg;
	size_t	     need = u->len + len + 1 + sizeof(len);

	FUZZ_CHECK(url[len] == '\0');
	FUZZ_CHECK(len >= 1 && len <= SITEMAP_LOC_MAX);
	FUZZ_CHECK(!xml_space((unsigned char)url[0]) &&
	    !xml_space((unsigned char)url[len - 1]));
	FUZZ_CHECK(nested == 0 || nested == 1);
	if (need > u->cap) {
		u->cap = need * 2;
		u->buf = realloc(u->buf, u->cap);
		FUZZ_CHECK(u->buf != NULL);
	}
	u->buf[u->len++] = (unsigned char)nested;
	memcpy(u->buf + u->len, &len, sizeof(len));
	u->len += sizeof(len);
	memcpy(u->buf + u->len, url, len);
	u->len += len;
}

/* Feeds in chunks of at most max bytes (0: whole); the result. */
static int
run(const uint8_t *data, size_t size, size_t max, struct urls *u, size_t *count)
{
	struct fuzz_chunks c;
	struct sitemap	  *sm;
	size_t		   off = 0, take;
	int		   rc = 0;

	memset(u, 0, sizeof(*u));
	fuzz_chunks_init(&c, data, size);
	FUZZ_CHECK((sm = sitemap_new(on_url, u)) != NULL);
	while (off < size) {
		take = max == 0 ? size : fuzz_chunks_next(&c, max);
		if (take > size - off)
			take = size - off;
		if (sitemap_feed(sm, data + off, take) != CRAWL_OK)
			rc = -1;
		off += take;
	}
	if (sitemap_finish(sm) != CRAWL_OK)
		rc = -1;
	FUZZ_CHECK((rc == -1) == (sitemap_error(sm) != NULL));
	*count = sitemap_count(sm);
	FUZZ_CHECK(*count <= CRAWL_SITEMAP_MAX_URLS);
	sitemap_free(sm);
	return rc;
}

static void
same(const struct urls *a, const struct urls *b)
{
	FUZZ_CHECK(a->len == b->len &&
	    (a->len == 0 || memcmp(a->buf, b->buf, a->len) == 0));
}

/* The n bytes at p as one gzip member; NULL if zlib fails. */
static uint8_t *
gzip(const uint8_t *p, size_t n, size_t *outlen)
{
	z_stream zs;
	size_t	 cap = n + n / 100 + 64;
	uint8_t *out = malloc(cap);

	memset(&zs, 0, sizeof(zs));
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
		       Z_DEFAULT_STRATEGY) == Z_OK);
	zs.next_in = (Bytef *)p;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	FUZZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	*outlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return out;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct urls whole, chunked, bytes, zipped;
	size_t	    nw, nc, nb, nz, zlen;
	uint8_t	   *z;
	int	    rc;

	rc = run(data, size, 0, &whole, &nw);
	FUZZ_CHECK(run(data, size, 64, &chunked, &nc) == rc && nc == nw);
	FUZZ_CHECK(run(data, size, 1, &bytes, &nb) == rc && nb == nw);
	same(&whole, &chunked);
	same(&whole, &bytes);
	if (rc == 0 && size > 0 &&
	    !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b)) {
		z = gzip(data, size, &zlen);
		FUZZ_CHECK(run(z, zlen, 16, &zipped, &nz) == 0 && nz == nw);
		same(&whole, &zipped);
		free(zipped.buf);
		free(z);
	}
	free(whole.buf);
	free(chunked.buf);
	free(bytes.buf);
	return 0;
}
