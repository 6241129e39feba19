/*
 * urlnorm_int: what urlnorm.c (the API, and the reference path through
 * libcurl's curl_url) and urlnorm_fast.c (the fast path) share. Not for
 * use outside the urlnorm module.
 */
#ifndef AFETCH_URLNORM_INT_H
#define AFETCH_URLNORM_INT_H

#include <stddef.h>

/* What a byte is, as bits of urlnorm_class[byte]. */
#define UC_UNRESERVED 1 /* RFC 3986 section 2.3: ALPHA DIGIT - . _ ~ */
#define UC_ENCODE     2 /* never raw: controls, space, "<>\^`{|}, >= 0x7f */
#define UC_PLAIN      4 /* kept in a normal path: unreserved, /!$&'()*+,;=:@ */
#define UC_HOST	      8 /* in a plain host name's labels: a-z 0-9 - */

extern const unsigned char urlnorm_class[256];

/*
 * The text of a URL or link as the resolution works on it: the n bytes
 * at s trimmed of leading and trailing bytes <= 0x20, cut at the first
 * "#", tab, LF and CR removed, "\" before the query made "/", and
 * percent-encoding normalised (urlnorm_percent) after the "scheme://host"
 * part, which is copied as written. t is scratch of n + 1 bytes, out
 * receives the result (3 * n + 1 bytes, NUL-terminated). Returns the
 * result's length.
 */
size_t urlnorm_prep(const char *s, size_t n, char *t, char *out);

/*
 * Length of the "scheme:" prefix of the n bytes at s (RFC 3986 section
 * 3.1), or 0 when there is none and s is a relative reference.
 */
size_t urlnorm_scheme_len(const char *s, size_t n);

/*
 * The fast path of urlnorm_resolve: when base is already in the normal
 * form of the plain shape (urlnorm_fast_is_normal) and the link resolves
 * to a URL of that shape, sets *out to the resolved URL (a new string; NULL
 * when memory ran out) and returns 1. Returns 0, *out untouched, for
 * anything else, which the caller leaves to the reference path. Whatever
 * it answers is what the reference path answers (tests/unit/test_urlfast.c).
 */
int urlnorm_fast_resolve(
    const char *base, const char *link, size_t link_len, char **out);

/*
 * Returns 1 when the n bytes at url are a URL of the plain shape in
 * normal form, one that urlnorm gives back unchanged: "http://" or
 * "https://", a lower-case host name of letters, digits, "-" and "."
 * whose last label starts with a letter (so never an IP address in any
 * of the forms libcurl rewrites), an optional port of 1 to 65535 without
 * leading zeros that is not the scheme's default, a path that starts
 * with "/" and has no "." or ".." segment, an optional non-empty query,
 * and in path and query only unreserved characters, "/", "?" (in the
 * query), "!$&'()*+,;=:@" and "%XX" with upper-case hex digits encoding
 * a byte that is not unreserved. Else 0.
 */
int urlnorm_fast_is_normal(const char *url, size_t n);

#endif
