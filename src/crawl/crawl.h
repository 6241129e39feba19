/*
 * crawl: the crawl layer's shared vocabulary.
 *
 * The product token by which crawl mode names itself to robots.txt
 * (RFC 9309 section 2.2.1), and the limits on what a crawl reads of a
 * site's rules (the contract's) and of its sitemaps (the protocol's).
 */
#ifndef AFETCH_CRAWL_H
#define AFETCH_CRAWL_H

/* The product token robots.txt groups are matched against. */
#define CRAWL_PRODUCT_TOKEN "afetch"

/* Bytes of a robots.txt read; the rest is ignored (RFC 9309: >= 500 KiB). */
#define CRAWL_ROBOTS_MAX (500 * 1024)

/* Redirects followed when fetching robots.txt (RFC 9309: at least 5). */
#define CRAWL_ROBOTS_REDIRECTS 5

/*
 * The sitemaps protocol's limits on one sitemap file: URLs listed and
 * bytes (uncompressed); a crawl reads no further.
 */
#define CRAWL_SITEMAP_MAX_URLS	50000
#define CRAWL_SITEMAP_MAX_BYTES (50 * 1024 * 1024)

/* Returns the product token (CRAWL_PRODUCT_TOKEN). */
const char *crawl_product_token(void);

#endif
