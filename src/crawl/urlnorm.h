/*
 * urlnorm: links resolved against their page and URLs normalised, so
 * that two spellings of one resource compare equal byte for byte (the
 * contract's section 13: each URL at most once).
 *
 * The normal form: scheme and host lower-cased, the default port
 * dropped, dot segments removed, %XX of unreserved characters
 * (ALPHA DIGIT - . _ ~) decoded and other %XX written with upper-case hex
 * digits, bytes that may not appear raw in a URL (controls, space,
 * " < > \ ^ ` { | } and every byte >= 0x80, which is taken as UTF-8 as it
 * stands) percent-encoded, the fragment dropped. A "%" not followed by
 * two hex digits is kept as it is, as browsers send it. An empty query
 * ("a?") is dropped. Only http and https URLs are kept.
 *
 * Host names: a non-ASCII host is written in its ASCII (punycode, "xn--")
 * form, so the two spellings of an IDN host are one URL. That needs
 * libcurl's IDN support and a UTF-8 LC_CTYPE (url_global_init in http/url
 * sets it); without them libcurl refuses such a host and so does urlnorm.
 *
 * As browsers do for http(s), ASCII tab, LF and CR are removed anywhere,
 * leading and trailing spaces and controls trimmed, and "\" before the
 * query read as "/". Resolution follows RFC 3986 section 5 through
 * libcurl's curl_url; an empty link, or one that is only a fragment, is
 * the base itself.
 *
 * Every result is at most URLNORM_MAX bytes; longer URLs are refused.
 */
#ifndef AFETCH_URLNORM_H
#define AFETCH_URLNORM_H

#include <stddef.h>

/* The longest URL urlnorm takes or gives, in bytes (NUL not counted). */
#define URLNORM_MAX 8192

/*
 * Resolves the link_len bytes at link (not NUL-terminated; may hold any
 * bytes) against base, a NUL-terminated absolute URL such as a page's
 * final URL or its <base href>, and normalises the result. Returns a new
 * NUL-terminated URL that the caller frees with free(), or NULL with
 * *why (when why is not NULL) set to a static English phrase: "not a
 * valid URL", "unsupported scheme" (mailto:, javascript:, ftp: ...),
 * "URL too long", "bad base URL", "out of memory" and the like.
 */
char *urlnorm_resolve(
    const char *base, const char *link, size_t link_len, const char **why);

/*
 * Normalises the NUL-terminated absolute URL url (a seed, a final URL
 * after redirects). A URL without a "scheme:" prefix is taken as http://,
 * as afetch reads its input. Returns a new URL the caller frees, or NULL
 * with *why set, as urlnorm_resolve.
 */
char *urlnorm(const char *url, const char **why);

/*
 * The reference paths of urlnorm_resolve and urlnorm, through libcurl's
 * curl_url for every URL. urlnorm_resolve and urlnorm answer the plain
 * shape (a host name, a port, a path and query of the characters the
 * normal form keeps as they are) without libcurl, and give these
 * functions' answers; tests compare the two.
 */
char *urlnorm_resolve_curl(
    const char *base, const char *link, size_t link_len, const char **why);
char *urlnorm_curl(const char *url, const char **why);

/*
 * For a URL in normal form (as urlnorm gives it) whose authority is a
 * host name of lower-case letters, digits, "-" and "." (its last label
 * starting with a letter) or a dotted-quad IPv4 address, and an optional
 * port: sets *host and *len to the host's span in url and returns 1.
 * Returns 0 for any other URL (userinfo, IPv6, anything else), whose
 * host the caller must parse: the span is then not what libcurl reads.
 */
int urlnorm_host(const char *url, const char **host, size_t *len);

/*
 * Writes the n bytes at in to out with percent-encoding normalised as
 * above (unreserved decoded, hex upper-cased, raw bytes that need it
 * encoded; tab, LF and CR removed). No other byte is touched, so "*", "$",
 * "/" and "?" pass through: robots.txt patterns and paths use it too.
 * out must have room for 3 * n + 1 bytes; it is NUL-terminated. Returns
 * the number of bytes written, not counting the NUL.
 */
size_t urlnorm_percent(const char *in, size_t n, char *out);

#endif
