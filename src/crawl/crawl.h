/*
 * crawl: the crawl layer's shared vocabulary.
 *
 * The product token by which crawl mode names itself to robots.txt
 * (RFC 9309 section 2.2.1), and the limits the contract sets on what a
 * crawl reads of a site's rules.
 */
#ifndef AFETCH_CRAWL_H
#define AFETCH_CRAWL_H

/* The product token robots.txt groups are matched against. */
#define CRAWL_PRODUCT_TOKEN "afetch"

/* Bytes of a robots.txt read; the rest is ignored (RFC 9309: >= 500 KiB). */
#define CRAWL_ROBOTS_MAX (500 * 1024)

/* Redirects followed when fetching robots.txt (RFC 9309: at least 5). */
#define CRAWL_ROBOTS_REDIRECTS 5

/* Returns the product token (CRAWL_PRODUCT_TOKEN). */
const char *crawl_product_token(void);

#endif
