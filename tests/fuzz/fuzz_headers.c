/*
 * Fuzz target: the header code (src/hdrs.c, src/response.c).
 *
 * The payload is a stream of lines handed over as libcurl does: each
 * header line whole, with its '\n', in a buffer of exactly its size. A
 * line that starts with byte 0x01 is body data instead. The first two
 * bytes pick the header set's limit and the body's cap and keep.
 *
 * Checked: the set stays within its limit and consistent (distinct,
 * lower-cased token names; trimmed, NUL-terminated values; hdrs_get
 * finds each field), a field that was taken can be found with its value
 * at the end, a status line starts afresh, the body is counted exactly
 * and kept exactly up to the cap, and Location and Retry-After are the
 * latest response's, trimmed.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>
#include <strings.h>

#include "errmap.h"
#include "fuzz.h"
#include "hdrs.h"
#include "response.h"

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static void
check_set(const struct hdrs *h, size_t limit)
{
	size_t	    i, j, len, glen;
	const char *name, *v, *g;

	FUZZ_CHECK(hdrs_size(h) <= limit);
	for (i = 0; i < hdrs_count(h); i++) {
		name = hdrs_name(h, i);
		FUZZ_CHECK(name[0] != '\0');
		for (j = 0; name[j] != '\0'; j++)
			FUZZ_CHECK(is_tchar((unsigned char)name[j]) &&
			    !(name[j] >= 'A' && name[j] <= 'Z'));
		v = hdrs_value(h, i, &len);
		FUZZ_CHECK(v[len] == '\0');
		/*
		 * Each line's value is trimmed; joins are literal (hdrs.h), so
		 * a join with an empty value leaves its one separator space at
		 * an end (", " or a folded line's " "), never more.
		 */
		FUZZ_CHECK(len == 0 || v[0] != '\t');
		FUZZ_CHECK(len == 0 || v[len - 1] != '\t');
		FUZZ_CHECK(len < 2 || !(is_ows(v[0]) && is_ows(v[1])));
		FUZZ_CHECK(
		    len < 2 || !(is_ows(v[len - 1]) && is_ows(v[len - 2])));
		FUZZ_CHECK(memchr(v, '\n', len) == NULL);
		/* Names are distinct: the lookup finds this very field. */
		g = hdrs_get(h, name, &glen);
		FUZZ_CHECK(g == v && glen == len);
	}
}

/* After "Name: value" was taken, the field ends with that value. */
static void
check_taken(const struct hdrs *h, const char *line, size_t len)
{
	char	    name[256];
	const char *colon, *v, *got;
	size_t	    nlen, vlen, glen, i;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len == 0 || is_ows(line[0]) ||
	    (colon = memchr(line, ':', len)) == NULL)
		return;
	nlen = (size_t)(colon - line);
	if (nlen == 0 || nlen >= sizeof(name))
		return;
	for (i = 0; i < nlen; i++) {
		if (!is_tchar((unsigned char)line[i]))
			return;
		name[i] = line[i];
	}
	name[nlen] = '\0';
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen > 0 && is_ows(*v))
		v++, vlen--;
	while (vlen > 0 && is_ows(v[vlen - 1]))
		vlen--;
	got = hdrs_get(h, name, &glen);
	FUZZ_CHECK(got != NULL);
	FUZZ_CHECK(glen >= vlen && memcmp(got + glen - vlen, v, vlen) == 0);
}

/*
 * A kept header value: trimmed, no CR or LF at its ends. A value with a
 * NUL reads as a C string up to it (libcurl refuses such headers anyway),
 * so its end is not checked once a NUL came.
 */
static void
check_value(const char *v, int nul_seen)
{
	size_t n;

	if (v == NULL || nul_seen)
		return;
	n = strlen(v);
	FUZZ_CHECK(n == 0 || !is_ows(v[0]));
	FUZZ_CHECK(n == 0 ||
	    (!is_ows(v[n - 1]) && v[n - 1] != '\r' && v[n - 1] != '\n'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t    limits[] = { 0, 1, 40, 100, 300, 4096, 1 << 20 };
	static const long long caps[] = { -1, 0, 1, 10, 100, 1000 };
	struct response	       r;
	struct hdrs	      *h;
	const char	      *p, *end, *nl;
	char		      *line, *body;
	size_t		       limit, len, blen;
	long long	       cap, sent = 0;
	int		       keep, stopped = 0, rc, nul_seen = 0;
	size_t		       taken;

	if (size < 2)
		return 0;
	limit = limits[data[0] % (sizeof(limits) / sizeof(limits[0]))];
	cap = caps[(data[1] >> 1) % (sizeof(caps) / sizeof(caps[0]))];
	keep = data[1] & 1;
	if ((h = hdrs_new(limit)) == NULL)
		return 0;
	if (response_init(&r, cap, keep, 1, limit) != HTTP_OK) {
		hdrs_free(h);
		response_free(&r);
		return 0;
	}
	for (p = (const char *)data + 2, end = (const char *)data + size;
	     p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl != NULL ? nl + 1 : end;
		len = (size_t)(nl - p);
		/* libcurl feeds nothing more once a callback refused. */
		if (stopped)
			continue;
		if (*p == 0x01) {
			if ((line = malloc(len)) == NULL)
				break;
			memcpy(line, p, len);
			/* libcurl stops at a short count: so do we. */
			if (response_on_body(line, 1, len, &r) != len)
				stopped = 1;
			else
				sent += (long long)len;
			free(line);
			FUZZ_CHECK(r.body_bytes >= sent);
			FUZZ_CHECK(!stopped || r.flags != 0);
			FUZZ_CHECK(!(r.flags & ERRMAP_TOO_LARGE) ||
			    (cap >= 0 && r.body_bytes > cap));
			continue;
		}
		/* libcurl hands over complete lines only: one ends in '\n'. */
		if ((line = malloc(len + (nl == end && end[-1] != '\n'))) ==
		    NULL)
			break;
		memcpy(line, p, len);
		if (nl == end && end[-1] != '\n')
			line[len++] = '\n';
		if (memchr(line, '\0', len) != NULL)
			nul_seen = 1;
		rc = hdrs_feed(h, line, len);
		/*
		 * A header line is taken whole, or refused (0) with the
		 * reason in the flags: too many header bytes, or a block that
		 * ends with a Content-Length that leaves the body's end
		 * unknown.
		 */
		taken = response_on_header(line, 1, len, &r);
		FUZZ_CHECK(taken == len ||
		    (taken == 0 &&
			(r.flags &
			    (ERRMAP_HEADERS_TOO_LARGE | ERRMAP_BAD_FRAMING))));
		if (taken == 0)
			stopped = 1;
		if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
			FUZZ_CHECK(hdrs_count(h) == 0 && !hdrs_dropped(h));
			FUZZ_CHECK(hdrs_count(r.hdrs) == 0);
			FUZZ_CHECK(r.location == NULL && r.retry_after == NULL);
			if (len > 5)
				FUZZ_CHECK(r.responded);
		} else if (rc == 0) {
			check_taken(h, line, len);
		}
		free(line);
		check_set(h, limit);
		check_set(r.hdrs, limit);
		check_value(r.location, nul_seen);
		check_value(r.retry_after, nul_seen);
		(void)response_refused_redirect(&r);
	}
	if (keep && !(r.flags & ERRMAP_TOO_LARGE) && !stopped)
		FUZZ_CHECK(r.body.len == (size_t)sent);
	body = response_take_body(&r, &blen);
	FUZZ_CHECK(r.body.len == 0);
	free(body);
	hdrs_free(h);
	response_free(&r);
	return 0;
}
