/*
 * mergerec: what --merge needs to know about one line of afetch's output:
 * whether it is a whole JSON object (a kill -9 can leave the last line of
 * a file cut off), its index, whether its state is done, and where its
 * url is. The line's bytes are never changed: merge writes them as read.
 */
#ifndef AFETCH_MERGEREC_H
#define AFETCH_MERGEREC_H

#include <stddef.h>
#include <stdint.h>

enum mergerec_kind {
	MERGEREC_OK,	  /* a record: index (and perhaps url) found */
	MERGEREC_CUT,	  /* not a whole JSON object: a cut-off line */
	MERGEREC_NO_INDEX /* a whole object without a whole-number index */
};

struct mergerec {
	uint64_t    index;
	int	    done;   /* "state": "done" */
	const char *url;    /* the url's string literal, quotes included */
	size_t	    urllen; /* 0: no string url member */
};

/*
 * Reads the len bytes at line (without its '\n'). A line is a whole
 * object when its brackets balance outside strings, its strings end and
 * hold no raw control byte, and nothing but blanks follows the closing
 * brace; that is a cheap test, not a full JSON check, but every cut of a
 * whole record fails it. The index must be a JSON number made of digits
 * only, below 2^63. Fills *rec only for MERGEREC_OK. Cost: one pass over
 * the line; no allocation.
 */
enum mergerec_kind mergerec_parse(
    const char *line, size_t len, struct mergerec *rec);

#endif
