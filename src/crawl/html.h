/*
 * html: the streaming link extractor of crawl mode.
 *
 * A tokenizer written from the HTML Living Standard's tokenization
 * section (13.2.5), limited to what links need: it follows every state
 * that decides where a start tag begins and ends (data, RCDATA, RAWTEXT,
 * script data with its escapes, PLAINTEXT, comments, bogus comments,
 * DOCTYPE) and keeps only the tag names and attribute values that the
 * contract's link sources need. Bytes are fed as they arrive; a chunk may
 * end anywhere, even inside a character reference, and the links found
 * are the same however the page is split.
 *
 * Memory is bounded whatever the page: a few small fixed buffers plus at
 * most HTML_VALUE_MAX bytes for each attribute value kept (href, src,
 * rel, name, content of the elements below); a longer value is dropped
 * as if the attribute were absent. Malformed HTML never stops extraction.
 *
 * What is reported (contract section 13):
 *   - href of a, area, and link when its rel holds alternate, canonical,
 *     next or prev; src of frame and iframe;
 *   - the href of the first base element that has one (HTML_LINK_BASE,
 *     once per page);
 *   - nofollow: the element's rel token list holds "nofollow";
 *   - the page-level flag of <meta name="robots" content="...">, whose
 *     comma- or space-separated tokens hold "nofollow" or "none".
 *
 * Known limits, from parsing tokens without the tree builder: foreign
 * content is not tracked (so <![CDATA[ is always a bogus comment, and a
 * <style> inside <svg> is raw text as in HTML); noscript is parsed as
 * markup, as with scripting disabled. Bytes are not decoded: the page is
 * taken as ASCII-compatible (UTF-8, Latin-1, ...) and character
 * references are written as UTF-8.
 */
#ifndef AFETCH_HTML_H
#define AFETCH_HTML_H

#include <stddef.h>

#include "crawlerr.h"

/* The most bytes of one attribute value kept; a longer one is dropped. */
#define HTML_VALUE_MAX (64 * 1024)

enum html_link_kind {
	HTML_LINK_A,	  /* <a href> */
	HTML_LINK_AREA,	  /* <area href> */
	HTML_LINK_LINK,	  /* <link href> with rel alternate/canonical/... */
	HTML_LINK_FRAME,  /* <frame src> */
	HTML_LINK_IFRAME, /* <iframe src> */
	HTML_LINK_BASE,	  /* the first <base href>: resolve the others by it */
};

/*
 * Called once per link, in document order, from inside html_feed. value
 * holds len bytes (NUL-terminated too) with character references decoded
 * and leading and trailing ASCII whitespace removed; it may be empty
 * (<a href> names the page itself). It is valid only during the call.
 * nofollow is 1 when the element's rel holds "nofollow", else 0. The
 * callback must not call html_feed, html_finish or html_free.
 */
typedef void (*html_link_fn)(void *arg, enum html_link_kind kind,
    const char *value, size_t len, int nofollow);

struct html;

/*
 * Returns a new extractor that reports to on_link(arg, ...), or NULL when
 * memory runs out. Free it with html_free.
 */
struct html *html_new(html_link_fn on_link, void *arg);

/*
 * Tokenizes the next len bytes of the page, reporting each link whose
 * start tag ends within them. Returns CRAWL_OK, or CRAWL_ERR_NOMEM when
 * memory runs out (the extractor then reports nothing more). Never fails on malformed HTML.
 */
enum crawl_err html_feed(struct html *h, const void *bytes, size_t len);

/*
 * Ends the page. A tag still open at the end is dropped, as the standard
 * says of end-of-file in a tag. Further html_feed calls are ignored.
 */
void html_finish(struct html *h);

/*
 * Returns 1 when a <meta name="robots"> seen so far says nofollow (or
 * none), else 0. Such a meta may come after links: ask after html_finish
 * before following the page's links.
 */
int html_nofollow(const struct html *h);

/* Frees the extractor; NULL is ignored. */
void html_free(struct html *h);

#endif
