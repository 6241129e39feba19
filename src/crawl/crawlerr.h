/*
 * crawlerr: the one error type of the crawl layer (src/crawl/).
 *
 * Every crawl function that can fail returns an enum crawl_err, and its
 * header names the values it may return (and where a message is kept, for
 * a bad regular expression or a corrupt sitemap). Success is 0 and every
 * failure is negative. Malformed HTML and robots.txt are never an error:
 * they are read as browsers and RFC 9309 say.
 */
#ifndef AFETCH_CRAWLERR_H
#define AFETCH_CRAWLERR_H

enum crawl_err {
	CRAWL_OK = 0,
	CRAWL_ERR_NOMEM = -1,	  /* an allocation failed */
	CRAWL_ERR_UNKNOWN = -2,	  /* a name that is not one of the choices */
	CRAWL_ERR_REGEX = -3,	  /* a regular expression did not compile */
	CRAWL_ERR_MALFORMED = -4, /* compressed data is corrupt or cut */
};

#endif
