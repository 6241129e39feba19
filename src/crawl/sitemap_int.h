/*
 * sitemap_int: what the two halves of the sitemap reader share: the
 * parser's state (sitemap.c feeds it, inflating gzip; sitemap_tok.c
 * tokenizes the XML a byte at a time).
 */
#ifndef AFETCH_SITEMAP_INT_H
#define AFETCH_SITEMAP_INT_H

#include <stddef.h>

#include <zlib.h>

#include "sitemap.h"

/* Element names longer than this cannot be ones we want. */
#define NAME_MAX_LEN 32
/* "&#x10FFFF;" is the longest reference worth decoding. */
#define REF_MAX 10

enum state {
	S_TEXT,	   /* content */
	S_REF,	   /* after '&' in a <loc> */
	S_LT,	   /* after '<' */
	S_NAME,	   /* a start tag's name */
	S_ATTRS,   /* a start tag after its name */
	S_QUOTED,  /* an attribute value in quotes */
	S_END,	   /* an end tag */
	S_BANG,	   /* after "<!": a comment, CDATA or a declaration? */
	S_COMMENT, /* until "-->" */
	S_CDATA,   /* until "]]>" */
	S_PI,	   /* until "?>" */
	S_DECL,	   /* until '>' outside brackets */
};

enum container { C_NONE, C_URL, C_SITEMAP };

struct sitemap {
	sitemap_url_fn on_url;
	void	      *arg;

	/* Input: 0 unknown yet, 1 gzip, 2 plain. */
	int	       kind;
	unsigned char  first; /* a lone first byte, until the second comes */
	int	       have_first;
	z_stream       zs;
	int	       zinit;
	int	       zend;	 /* the current member ended */
	int	       zmembers; /* members ended */
	int	       stopped;	 /* a bound was reached: ignore the rest */
	int	       finished;
	const char    *error;
	enum crawl_err failed; /* with error: what kind */

	/* The tokenizer. */
	enum state     st;
	char	       name[NAME_MAX_LEN + 1];
	size_t	       namelen;
	int	       selfclose;
	char	       quote;
	char	       bang[8];
	size_t	       banglen;
	int	       match; /* bytes of a terminator seen */
	int	       depth; /* brackets in a declaration */
	char	       ref[REF_MAX + 1];
	size_t	       reflen;
	enum container in;
	int	       nest; /* elements open inside the <url> or <sitemap> */
	int	       inloc;

	char   loc[SITEMAP_LOC_MAX + 1];
	size_t loclen;
	int    locover;

	size_t count;
	size_t bytes;
	int    truncated;

	unsigned char out[16384]; /* inflate's output */
};

/* Tokenizes one byte of XML (sitemap_tok.c). */
void sitemap_step(struct sitemap *sm, char c);

#endif
