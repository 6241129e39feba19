/*
 * urlnorm_fast: the common case of urlnorm without libcurl.
 *
 * Nearly every link of a crawl is "/path", "name", "../name", "?q" or
 * "http(s)://host/path" on a page whose URL is already in normal form.
 * Going through curl_url for each costs two parses, three URL builds and
 * a dozen allocations; here the same answer is one pass and one
 * allocation. The fast path takes only what it can answer exactly as the
 * reference path would (a plain host name, a plain port, a path and query
 * of characters that normalisation leaves alone) and leaves everything
 * else (IP addresses, userinfo, IDN, odd ports, unusual bytes) to
 * libcurl. tests/unit/test_urlfast.c holds the two paths to the same
 * answers over edge cases and thousands of generated links.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "urlnorm.h"
#include "urlnorm_int.h"

/*
 * The longest link and base the fast path takes: its scratch for the
 * link lives on the stack. Longer ones are rare and go to libcurl.
 */
#define FAST_MAX 2048

/* A URL of the plain shape, split; lengths in bytes, 0 when absent. */
struct parts {
	int	    https;
	const char *host;
	size_t	    host_len;
	const char *port; /* digits; absent when none or the default */
	size_t	    port_len;
	const char *path; /* up to "?" or the end */
	size_t	    path_len;
	const char *query; /* after "?" */
	size_t	    query_len;
};

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
unreserved(int c)
{
	return urlnorm_class[c] & UC_UNRESERVED;
}

/* An upper-case hex digit's value, or -1 (lower case is not normal). */
static int
upper_hex(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Whether the n bytes at s are a plain path (query 0) or query (query 1)
 * in normal form: unreserved characters, "/", "!$&'()*+,;=:@", "?" in a
 * query, and "%XX" in upper case for a byte that is not unreserved.
 */
static int
plain_text(const char *s, size_t n, int query)
{
	size_t i;
	int    c, hi, lo;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (urlnorm_class[c] & UC_PLAIN)
			continue;
		if (c == '?' && query)
			continue;
		if (c != '%' || i + 2 >= n || (hi = upper_hex(s[i + 1])) < 0 ||
		    (lo = upper_hex(s[i + 2])) < 0 || unreserved(hi * 16 + lo))
			return 0;
		i += 2;
	}
	return 1;
}

/* Whether the path (starting with "/") has a "." or ".." segment. */
static int
has_dot_segment(const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && s[j] != '/'; j++)
			;
		if ((j - i == 2 && s[i + 1] == '.') ||
		    (j - i == 3 && s[i + 1] == '.' && s[i + 2] == '.'))
			return 1;
	}
	return 0;
}

/*
 * Whether the n bytes at s are a plain host name: labels of letters,
 * digits and "-", none empty, each starting and ending with a letter or
 * digit, the last starting with a letter (so it is no IPv4 address in
 * any of the numeric forms libcurl rewrites). lower: upper case refused.
 */
static int
plain_host(const char *s, size_t n, int lower)
{
	size_t i, start = 0;
	int    c;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start || s[start] == '-' || s[i - 1] == '-')
				return 0;
			start = i + 1;
			continue;
		}
		c = (unsigned char)s[i];
		if (!(urlnorm_class[c] & UC_HOST) &&
		    (lower || c < 'A' || c > 'Z'))
			return 0;
	}
	/* start is past the end now; the last label began after the last
	 * ".", or at 0. */
	for (i = n; i > 0 && s[i - 1] != '.'; i--)
		;
	return is_alpha((unsigned char)s[i]);
}

/*
 * The authority at s (n bytes): a plain host, then an optional ":PORT"
 * of 1 to 5 digits without a leading zero, at most 65535. A port equal
 * to the scheme's default is dropped from p. Returns 0 when not plain.
 */
static int
plain_authority(const char *s, size_t n, int lower, struct parts *p)
{
	const char *colon = memchr(s, ':', n);
	size_t	    hl = colon != NULL ? (size_t)(colon - s) : n, pl, i;
	long	    port = 0;

	if (!plain_host(s, hl, lower))
		return 0;
	p->host = s;
	p->host_len = hl;
	p->port = NULL;
	p->port_len = 0;
	if (colon == NULL)
		return 1;
	pl = n - hl - 1;
	if (pl == 0 || pl > 5 || colon[1] == '0')
		return 0;
	for (i = 0; i < pl; i++) {
		if (!is_digit((unsigned char)colon[1 + i]))
			return 0;
		port = port * 10 + (colon[1 + i] - '0');
	}
	if (port > 65535)
		return 0;
	if (port != (p->https ? 443 : 80)) {
		p->port = colon + 1;
		p->port_len = pl;
	}
	return 1;
}

/* Splits the n bytes at s (after the authority) into path and query. */
static void
split_rest(const char *s, size_t n, struct parts *p)
{
	const char *q = memchr(s, '?', n);

	p->path = s;
	p->path_len = q != NULL ? (size_t)(q - s) : n;
	p->query = q != NULL ? q + 1 : NULL;
	p->query_len = q != NULL ? n - p->path_len - 1 : 0;
}

/*
 * "http://" or "https://" at the n bytes at s, any case when any_case:
 * sets p->https and returns the length of the prefix, or 0.
 */
static size_t
http_prefix(const char *s, size_t n, int any_case, struct parts *p)
{
	static const char https[] = "https://";
	size_t		  i, k;

	for (k = 0; k < 2; k++) {
		/* "http://" is "https://" without its "s". */
		size_t len = k == 0 ? 7 : 8;

		if (n < len)
			continue;
		for (i = 0; i < len; i++) {
			char want = i < 4 ? https[i] : https[i + 1 - k];
			char c = s[i];

			if (any_case && c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (c != want)
				break;
		}
		if (i == len) {
			p->https = k;
			return len;
		}
	}
	return 0;
}

/* Parses a URL of the plain shape in normal form; 0 when it is not. */
static int
parse_normal(const char *url, size_t n, struct parts *p)
{
	size_t pre, a;

	if (n > URLNORM_MAX || (pre = http_prefix(url, n, 0, p)) == 0)
		return 0;
	for (a = pre; a < n && url[a] != '/'; a++)
		if (url[a] == '?' || url[a] == '#')
			return 0;
	if (a == n || !plain_authority(url + pre, a - pre, 1, p))
		return 0;
	/* A default port written out is not the normal form. */
	if (p->port == NULL && a - pre != p->host_len)
		return 0;
	split_rest(url + a, n - a, p);
	if (p->query != NULL && p->query_len == 0)
		return 0;
	return plain_text(p->path, p->path_len, 0) &&
	    !has_dot_segment(p->path, p->path_len) &&
	    plain_text(p->query, p->query_len, 1);
}

/*
 * parse_normal for a link's base. A page's links all come with the same
 * base, so the last one parsed on this thread is kept (its text and its
 * parts, which then point into the copy: the bytes are the same).
 */
static int
parse_base(const char *base, size_t n, struct parts *p)
{
	static _Thread_local char	  last[FAST_MAX + 1];
	static _Thread_local size_t	  last_len;
	static _Thread_local struct parts last_parts;

	if (n > 0 && n == last_len && memcmp(base, last, n) == 0) {
		*p = last_parts;
		return 1;
	}
	if (n > FAST_MAX || !parse_normal(base, n, p))
		return 0;
	memcpy(last, base, n);
	last_len = n;
	last_parts = *p;
	last_parts.host = last + (p->host - base);
	if (p->port != NULL)
		last_parts.port = last + (p->port - base);
	last_parts.path = last + (p->path - base);
	if (p->query != NULL)
		last_parts.query = last + (p->query - base);
	return 1;
}

int
urlnorm_fast_is_normal(const char *url, size_t n)
{
	struct parts p;

	return parse_normal(url, n, &p);
}

/*
 * RFC 3986 section 5.2.4 on the n bytes at s, a path starting with "/",
 * in place. Returns the new length.
 */
static size_t
remove_dots(char *s, size_t n)
{
	size_t i = 0, j, o = 0, len;

	while (i < n) {
		for (j = i + 1; j < n && s[j] != '/'; j++)
			;
		len = j - i - 1;
		if (len == 1 && s[i + 1] == '.') {
			/* "/." */
		} else if (len == 2 && s[i + 1] == '.' && s[i + 2] == '.') {
			/* "/..": the output's last segment goes. */
			while (o > 0 && s[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			memmove(s + o, s + i, j - i);
			o += j - i;
			i = j;
			continue;
		}
		/* A final "." or ".." leaves the directory: "/". */
		if (j == n)
			s[o++] = '/';
		i = j;
	}
	if (o == 0)
		s[o++] = '/';
	return o;
}

/*
 * The resolved URL: scheme and authority from a (its host lower-cased),
 * then dir (the base's directory, or nothing) and path with dot segments
 * removed, then the query. A new string, or NULL with *ok cleared when
 * the result is not of the plain shape, or NULL when memory ran out.
 */
static char *
build(const struct parts *a, const char *dir, size_t dir_len, const char *path,
    size_t path_len, const char *query, size_t query_len, int *ok)
{
	size_t pre = a->https ? 8 : 7, o, i, ps;
	char  *r;

	if ((r = malloc(pre + a->host_len + 1 + a->port_len + dir_len +
		 path_len + 2 + query_len + 1)) == NULL)
		return NULL;
	memcpy(r, a->https ? "https://" : "http://", pre);
	o = pre;
	for (i = 0; i < a->host_len; i++) {
		char c = a->host[i];

		r[o++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	if (a->port_len > 0) {
		r[o++] = ':';
		memcpy(r + o, a->port, a->port_len);
		o += a->port_len;
	}
	ps = o;
	/* dir or path may be NULL when empty: memcpy must not see it. */
	if (dir_len > 0)
		memcpy(r + o, dir, dir_len);
	o += dir_len;
	if (path_len > 0)
		memcpy(r + o, path, path_len);
	o += path_len;
	if (o == ps)
		r[o++] = '/';
	o = ps + remove_dots(r + ps, o - ps);
	if (!plain_text(r + ps, o - ps, 0))
		goto not_plain;
	if (query_len > 0) {
		if (!plain_text(query, query_len, 1))
			goto not_plain;
		r[o++] = '?';
		memcpy(r + o, query, query_len);
		o += query_len;
	}
	if (o > URLNORM_MAX)
		goto not_plain;
	r[o] = '\0';
	return r;
not_plain:
	free(r);
	*ok = 0;
	return NULL;
}

/*
 * Whether a relative-path link (the m bytes at l, prepared) resolves
 * against base b as RFC 3986 says in libcurl 7.88 too. libcurl strips a
 * link's leading "./" and "../" itself before it merges, and then a rest
 * that starts with "?" or "/" ("./?q", "..//x") loses the directory's
 * last "/" or its empty segments; and a base whose path holds "//" goes
 * up differently. A ":" in the first segment (which RFC 3986 section
 * 4.2 does not allow there) makes libcurl refuse it. Those are left to
 * libcurl.
 */
static int
plain_relative(const char *l, size_t m, const struct parts *b)
{
	size_t i = strcspn(l, ":/?");

	if (i < m && l[i] == ':')
		return 0;
	i = 0;

	for (;;) {
		if (m - i >= 2 && l[i] == '.' && l[i + 1] == '/')
			i += 2;
		else if (m - i >= 3 && l[i] == '.' && l[i + 1] == '.' &&
		    l[i + 2] == '/')
			i += 3;
		else
			break;
	}
	if (i > 0 && i < m && (l[i] == '?' || l[i] == '/'))
		return 0;
	for (i = 0; i + 1 < b->path_len; i++)
		if (b->path[i] == '/' && b->path[i + 1] == '/')
			return 0;
	return 1;
}

int
urlnorm_fast_resolve(
    const char *base, const char *link, size_t link_len, char **out)
{
	char	     t[FAST_MAX + 1], l[3 * FAST_MAX + 1];
	struct parts b, r;
	size_t	     bn = strlen(base), m, pre, a, dir_len = 0;
	const char  *dir = NULL;
	char	    *res;
	int	     ok = 1;

	if (link_len > FAST_MAX || !parse_base(base, bn, &b))
		return 0;
	m = urlnorm_prep(link, link_len, t, l);
	if (m == 0) {
		/* "", "#frag" and blanks: the base itself. */
		*out = strdup(base);
		return 1;
	}
	r = b;
	if ((pre = urlnorm_scheme_len(l, m)) > 0) {
		/* Absolute: "http(s)://" and an authority, or not ours. */
		if ((pre = http_prefix(l, m, 1, &r)) == 0)
			return 0;
	} else if (m >= 2 && l[0] == '/' && l[1] == '/') {
		/* Network-path: the base's scheme. */
		pre = 2;
	}
	if (pre > 0) {
		a = pre + strcspn(l + pre, "/?");
		if (!plain_authority(l + pre, a - pre, 0, &r))
			return 0;
		split_rest(l + a, m - a, &r);
	} else if (l[0] == '?') {
		r.path_len = b.path_len;
		r.query = l + 1;
		r.query_len = m - 1;
	} else {
		split_rest(l, m, &r);
		if (l[0] != '/') {
			/* Relative path: merged with the base's directory. */
			if (!plain_relative(l, m, &b))
				return 0;
			dir = b.path;
			for (dir_len = b.path_len; b.path[dir_len - 1] != '/';
			     dir_len--)
				;
		}
	}
	res = build(
	    &r, dir, dir_len, r.path, r.path_len, r.query, r.query_len, &ok);
	if (!ok)
		return 0;
	*out = res;
	return 1;
}
