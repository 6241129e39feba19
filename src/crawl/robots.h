/*
 * robots: a site's robots.txt rules (RFC 9309) for afetch's product token.
 *
 * The parser is fed the body in chunks as they arrive and keeps only what
 * applies to afetch: the rules of the groups whose user-agent is the
 * product token "afetch" (case-insensitive), all such groups merged, else
 * those of the "*" groups, merged; else nothing (everything allowed).
 * Consecutive user-agent lines start one group; a user-agent line after a
 * rule starts the next. Rules before any user-agent line, lines without a
 * ":" and unknown keys are ignored; "#" starts a comment; lines end in LF,
 * CR or CRLF; a leading UTF-8 BOM is skipped.
 *
 * Matching: the longest pattern (in bytes, after percent-encoding is
 * normalised as urlnorm does) that matches the start of the path wins;
 * Allow wins a tie. "*" matches any run of bytes, a final "$" anchors the
 * end. An empty Allow or Disallow is no rule. A pattern that does not
 * start with "/" or "*" gets a "/" in front. "/robots.txt" is always
 * allowed.
 *
 * Bounds: at most CRAWL_ROBOTS_MAX bytes are read (the rest is ignored,
 * and a line cut by that limit too), lines longer than ROBOTS_LINE_MAX are
 * ignored, at most ROBOTS_MAX_RULES rules and ROBOTS_MAX_SITEMAPS sitemaps
 * are kept. Crawl-delay is a number of seconds (fractions allowed) of the
 * groups used, the largest when they give several, capped at one day.
 * Sitemap lines count from any place in the file and must be absolute
 * http or https URLs.
 */
#ifndef AFETCH_ROBOTS_H
#define AFETCH_ROBOTS_H

#include <stddef.h>

#include "crawlerr.h"

#define ROBOTS_LINE_MAX	    8192
#define ROBOTS_MAX_RULES    10000
#define ROBOTS_MAX_SITEMAPS 100

struct robots;

/*
 * A new parser, to be fed a 2xx response's body and then finished.
 * Returns NULL when out of memory. The caller frees it with robots_free.
 */
struct robots *robots_new(void);

/*
 * The rules that hold when robots.txt was answered with the HTTP status
 * status and no body was read yet, per the contract: a 2xx gives a parser
 * as robots_new; a 4xx other than 429 allows everything; a 429, a 5xx,
 * any other status and 0 (no response: unreachable, timeout, more than 5
 * redirects) allow nothing for this run. Feeding and finishing such a
 * robots is harmless and changes nothing. NULL when out of memory.
 */
struct robots *robots_for_status(long status);

/* Everything allowed / nothing allowed (but /robots.txt). NULL: no memory. */
struct robots *robots_allow_all(void);
struct robots *robots_deny_all(void);

/*
 * Parses the next len bytes of the body. Returns CRAWL_OK, or
 * CRAWL_ERR_NOMEM when memory ran out, after which the robots allows nothing (the safe side). Bytes past
 * CRAWL_ROBOTS_MAX and bytes fed after robots_finish are ignored.
 */
enum crawl_err robots_feed(struct robots *r, const char *bytes, size_t len);

/*
 * Ends the body: parses a last line without a line end and lets go of the
 * parser's buffers. Returns as robots_feed. Matching before it
 * sees the rules parsed so far.
 */
enum crawl_err robots_finish(struct robots *r);

/*
 * Returns 1 when the path_and_query ("/a/b?c", as in a request line; ""
 * is "/") may be fetched, 0 when not. It is compared after its
 * percent-encoding is normalised. Out of memory for a path longer than
 * 1 KiB counts as not allowed.
 */
int robots_allowed(const struct robots *r, const char *path_and_query);

/* The Crawl-delay in seconds of the groups used, or -1 when none. */
double robots_crawl_delay(const struct robots *r);

/*
 * The Sitemap URLs in file order, without duplicates: *n is set to their
 * number; the strings belong to r and live until robots_free.
 */
const char *const *robots_sitemaps(const struct robots *r, size_t *n);

/* Frees r and everything it holds. NULL is allowed. */
void robots_free(struct robots *r);

#endif
