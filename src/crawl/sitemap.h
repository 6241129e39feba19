/*
 * sitemap: the URLs of a sitemap (sitemaps.org protocol 0.9), read as the
 * file streams in, for --sitemaps.
 *
 * A urlset gives page URLs, a sitemapindex the URLs of more sitemaps: each
 * <loc> inside a <url> or a <sitemap> element is reported once its end tag
 * is read, with a flag saying which of the two it was in. Namespace
 * prefixes are ignored (<sm:loc> is <loc>), names compare without case.
 * A <loc> value has the five predefined XML entities and numeric
 * character references (written as UTF-8) decoded, CDATA sections copied,
 * and leading and trailing XML whitespace trimmed; an empty one, or one
 * longer than SITEMAP_LOC_MAX bytes, is dropped. Comments, processing
 * instructions and declarations are skipped; malformed XML never stops the
 * parser, which reads on as a lenient browser would.
 *
 * Compression: a file whose first two bytes are 1f 8b is gzip and is
 * inflated as it arrives (concatenated members too); anything else is
 * taken as XML.
 *
 * Bounds (the protocol's, in crawl.h): at most CRAWL_SITEMAP_MAX_URLS
 * URLs are reported and at most CRAWL_SITEMAP_MAX_BYTES bytes of XML
 * (after inflating) are read; past either the rest is ignored and
 * sitemap_truncated says so. Memory is a fixed few KiB plus zlib's
 * inflate state.
 */
#ifndef AFETCH_SITEMAP_H
#define AFETCH_SITEMAP_H

#include <stddef.h>

#include "crawlerr.h"

/* The longest <loc> value kept, in bytes after decoding. */
#define SITEMAP_LOC_MAX 8192

/*
 * Called once per <loc>, in file order, from inside sitemap_feed or
 * sitemap_finish. url holds len bytes, NUL-terminated, valid only during
 * the call. nested is 1 for the <loc> of a <sitemap> (a sitemap to read
 * next), 0 for that of a <url> (a page). The callback must not call
 * sitemap_feed, sitemap_finish or sitemap_free.
 */
typedef void (*sitemap_url_fn)(
    void *arg, const char *url, size_t len, int nested);

struct sitemap;

/* A new parser reporting to on_url(arg, ...); NULL when out of memory. */
struct sitemap *sitemap_new(sitemap_url_fn on_url, void *arg);

/*
 * Parses the next len bytes of the file. Returns CRAWL_OK, or
 * CRAWL_ERR_NOMEM or CRAWL_ERR_MALFORMED (corrupt gzip data; sitemap_error
 * has the message); after a failure nothing more is reported and every
 * call returns the same error. Bytes past the
 * bounds are ignored and are not an error.
 */
enum crawl_err sitemap_feed(struct sitemap *sm, const void *bytes, size_t len);

/*
 * Ends the file. A <loc> still open is dropped. Returns CRAWL_OK, or the
 * error the parser failed with before, or CRAWL_ERR_MALFORMED when the
 * gzip data ends early. Later feeds are
 * ignored.
 */
enum crawl_err sitemap_finish(struct sitemap *sm);

/* The number of URLs reported so far. */
size_t sitemap_count(const struct sitemap *sm);

/* 1 when a bound cut the file short (URLs or bytes ignored), else 0. */
int sitemap_truncated(const struct sitemap *sm);

/*
 * Why the parser failed: "out of memory", "corrupt gzip data",
 * "truncated gzip data"; NULL while it has not.
 */
const char *sitemap_error(const struct sitemap *sm);

/* Frees the parser; NULL is ignored. */
void sitemap_free(struct sitemap *sm);

#endif
