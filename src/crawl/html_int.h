/*
 * html_int: what html.c (the tokenizer states) and html_tag.c (the tags,
 * attributes and link rules) share. Not for use outside the html module.
 */
#ifndef AFETCH_HTML_INT_H
#define AFETCH_HTML_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "html.h"

/*
 * The tokenizer states (HTML Living Standard 13.2.5), in three groups
 * that html_feed dispatches on: text and comments (html.c), a tag and
 * its attributes (html_tok.c), character references (html_tok.c).
 */
enum html_state {
	S_DATA,
	S_RCDATA,
	S_RAWTEXT,
	S_SCRIPT,
	S_PLAINTEXT,
	S_TAG_OPEN,
	S_END_TAG_OPEN,
	S_RAW_LT,	/* RCDATA/RAWTEXT/script(escaped) less-than sign */
	S_RAW_END_OPEN, /* ... end tag open */
	S_RAW_END_NAME, /* ... end tag name */
	S_ESC_START,	/* script data escape start */
	S_ESC_START_DASH,
	S_ESC, /* script data escaped */
	S_ESC_DASH,
	S_ESC_DASH_DASH,
	S_DESC_START, /* script data double escape start */
	S_DESC,	      /* script data double escaped */
	S_DESC_DASH,
	S_DESC_DASH_DASH,
	S_DESC_LT,
	S_DESC_END,
	S_BOGUS_COMMENT,
	S_MARKUP_DECL,
	S_MARKUP_DASH,
	S_COMMENT_START,
	S_COMMENT_START_DASH,
	S_COMMENT,
	S_COMMENT_END_DASH,
	S_COMMENT_END,
	S_COMMENT_END_BANG,
	S_TAG_NAME, /* first of the tag group */
	S_BEFORE_ATTR_NAME,
	S_ATTR_NAME,
	S_AFTER_ATTR_NAME,
	S_BEFORE_VALUE,
	S_VALUE_DQ,
	S_VALUE_SQ,
	S_VALUE_UNQ,
	S_AFTER_VALUE_Q,
	S_SELF_CLOSING,	 /* last of the tag group */
	S_REF,		 /* character reference, in an attribute value */
	S_REF_NAMED,	 /* named character reference */
	S_REF_NUM_START, /* numeric character reference */
	S_REF_HEX_START,
	S_REF_DIGITS,
	S_DONE,
};

/* The tags that matter: link sources and those that open raw text. */
enum html_tag {
	TAG_OTHER,
	TAG_A,
	TAG_AREA,
	TAG_LINK,
	TAG_FRAME,
	TAG_IFRAME,
	TAG_BASE,
	TAG_META,
	TAG_SCRIPT,
	TAG_STYLE,
	TAG_XMP,
	TAG_NOEMBED,
	TAG_NOFRAMES,
	TAG_TITLE,
	TAG_TEXTAREA,
	TAG_PLAINTEXT,
};

/* The attributes that matter; each has a bit in the masks below. */
enum html_attr {
	ATTR_HREF,
	ATTR_SRC,
	ATTR_REL,
	ATTR_NAME,
	ATTR_CONTENT,
	ATTR_N
};

/* Long enough for every name in the enums above, and a byte to spare. */
#define HTML_NAME_CAP 10

struct html {
	html_link_fn on_link;
	void	    *arg;
	int	     state;
	int	     ret; /* the value state a character reference returns to */
	int	     raw; /* the raw state an end tag open may return to */
	int	     cr;  /* the last value byte was CR: drop a LF after it */
	int	     oom; /* memory ran out: nothing more is reported */
	int	     base;     /* the first <base href> was reported */
	int	     nofollow; /* a meta robots said nofollow */

	/* The tag being read. */
	int	      endtag;
	enum html_tag tag;
	enum html_tag rawtag; /* the element whose raw text we are in */
	char	      tname[HTML_NAME_CAP];
	unsigned char tnlen;

	/* The attribute being read, and those of the tag kept so far. */
	char	      aname[HTML_NAME_CAP];
	unsigned char anlen;
	int	      cur;  /* enum html_attr whose value is kept, or -1 */
	unsigned      seen; /* attributes met on this tag (the first wins) */
	unsigned      over; /* attributes whose value passed HTML_VALUE_MAX */
	struct buf    val[ATTR_N];

	/* The end tag name or "script" being matched in raw text. */
	char	      tmp[HTML_NAME_CAP];
	unsigned char tmplen;

	/* A character reference: the name so far, or the number. */
	char	 ref[32];
	size_t	 reflen;
	uint32_t cp;
	int	 hex;
	char	 xchar; /* the 'x' or 'X' of "&#x", kept if it goes unused */
};

/* Consume the byte and go to state s; or go to s and look at it again. */
#define NEXT(s)                                                                \
	do {                                                                   \
		h->state = (s);                                                \
		i++;                                                           \
	} while (0)
#define AGAIN(s) (h->state = (s))

static inline int
is_ws(int c)
{
	/* CR counts too: the input stream preprocessor makes it LF. */
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static inline int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static inline int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static inline int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Appends c, lower-cased, to a small name buffer; too long never matches. */
void html_name_put(char *name, unsigned char *len, int c);

/* The tag and character reference states: return the next byte's index. */
size_t html_step_tag(
    struct html *h, const unsigned char *p, size_t i, size_t len);
size_t html_step_ref(struct html *h, const unsigned char *p, size_t i);

/* Returns the tag a lower-cased name of len bytes names (len > cap: none). */
enum html_tag html_tag_lookup(const char *name, size_t len);

/* Starts a tag (an end tag when end): forgets the last one's attributes. */
void html_tag_begin(struct html *h, int end);

/* Starts an attribute of the current tag. */
void html_attr_begin(struct html *h);

/* Ends an attribute's name: decides whether its value is kept. */
void html_attr_name_end(struct html *h);

/* Adds n bytes to the current attribute's value, when it is kept. */
void html_value_put(struct html *h, const char *s, size_t n);

/*
 * A tag has ended at its '>': a start tag's link, base or meta robots is
 * reported, and the state becomes the text the element opens (raw text
 * for script, style, title, textarea, ...).
 */
void html_tag_end(struct html *h);

#endif
