/*
 * html: the tokenizer states of the HTML Living Standard (13.2.5) that
 * decide where start tags are, fed byte by byte or in any chunks.
 *
 * Every state lives in struct html, never on the stack, so that a chunk
 * may end anywhere. States the standard has only to report parse errors
 * or to build tokens we do not need are folded: DOCTYPE ends at the first
 * '>' in every one of its states, so it is a bogus comment here; the
 * comment less-than-sign states end a comment exactly where the plain
 * comment states do. The loops that skip text, comments and raw text use
 * memchr, which is where the time goes on real pages.
 *
 * This file holds the text, raw text and comment states and the module's
 * functions; html_tok.c the states of a tag and of character references;
 * html_tag.c the tags, attributes and link rules; html_ref.c the named
 * reference table.
 */
#include "html.h"

#include <stdlib.h>
#include <string.h>

#include "html_int.h"
#include "html_ref.h"

/* Skips to the next c in p[0..n); returns the bytes skipped. */
static size_t
skip_to(const unsigned char *p, size_t n, int c)
{
	const unsigned char *e = memchr(p, c, n);

	return e == NULL ? n : (size_t)(e - p);
}

static int
temp_is(const struct html *h, const char *name)
{
	size_t n = strlen(name);

	return h->tmplen == n && memcmp(h->tmp, name, n) == 0;
}

static size_t step_comment(
    struct html *h, const unsigned char *p, size_t i, size_t len);

/*
 * The states outside tags: text, raw text, script data and its escapes,
 * comments. Text is skipped, never kept.
 */
static size_t
step_text(struct html *h, const unsigned char *p, size_t i, size_t len)
{
	int c = p[i];

	switch (h->state) {
	case S_DATA:
		i += skip_to(p + i, len - i, '<');
		if (i < len)
			NEXT(S_TAG_OPEN);
		break;
	case S_RCDATA:
	case S_RAWTEXT:
	case S_SCRIPT:
		i += skip_to(p + i, len - i, '<');
		if (i < len) {
			h->raw = h->state;
			NEXT(S_RAW_LT);
		}
		break;
	case S_PLAINTEXT:
		i = len;
		break;
	case S_TAG_OPEN:
		if (c == '!')
			NEXT(S_MARKUP_DECL);
		else if (c == '/')
			NEXT(S_END_TAG_OPEN);
		else if (is_alpha(c)) {
			html_tag_begin(h, 0);
			AGAIN(S_TAG_NAME);
		} else
			AGAIN(c == '?' ? S_BOGUS_COMMENT : S_DATA);
		break;
	case S_END_TAG_OPEN:
		if (is_alpha(c)) {
			html_tag_begin(h, 1);
			AGAIN(S_TAG_NAME);
		} else if (c == '>')
			NEXT(S_DATA);
		else
			AGAIN(S_BOGUS_COMMENT);
		break;
	case S_RAW_LT:
		if (c == '/')
			NEXT(S_RAW_END_OPEN);
		else if (c == '!' && h->raw == S_SCRIPT)
			NEXT(S_ESC_START);
		else if (is_alpha(c) && h->raw == S_ESC) {
			h->tmplen = 0;
			AGAIN(S_DESC_START);
		} else
			AGAIN(h->raw);
		break;
	case S_RAW_END_OPEN:
		h->tmplen = 0;
		AGAIN(is_alpha(c) ? S_RAW_END_NAME : h->raw);
		break;
	case S_RAW_END_NAME:
		/* Only the element's own end tag ends raw text. */
		if (is_alpha(c)) {
			html_name_put(h->tmp, &h->tmplen, c);
			i++;
		} else if ((is_ws(c) || c == '/' || c == '>') &&
		    html_tag_lookup(h->tmp, h->tmplen) == h->rawtag) {
			html_tag_begin(h, 1);
			if (c == '>') {
				i++;
				html_tag_end(h);
			} else
				NEXT(c == '/' ? S_SELF_CLOSING
					      : S_BEFORE_ATTR_NAME);
		} else
			AGAIN(h->raw);
		break;
	case S_ESC_START:
		AGAIN(c == '-' ? S_ESC_START_DASH : S_SCRIPT);
		if (c == '-')
			i++;
		break;
	case S_ESC_START_DASH:
		AGAIN(c == '-' ? S_ESC_DASH_DASH : S_SCRIPT);
		if (c == '-')
			i++;
		break;
	case S_ESC:
	case S_ESC_DASH:
	case S_ESC_DASH_DASH:
		if (c == '-')
			NEXT(h->state == S_ESC ? S_ESC_DASH : S_ESC_DASH_DASH);
		else if (c == '<') {
			h->raw = S_ESC;
			NEXT(S_RAW_LT);
		} else if (c == '>' && h->state == S_ESC_DASH_DASH)
			NEXT(S_SCRIPT);
		else
			NEXT(S_ESC);
		break;
	case S_DESC_START:
	case S_DESC_END:
		if (is_ws(c) || c == '/' || c == '>')
			NEXT((h->state == S_DESC_START) == temp_is(h, "script")
				? S_DESC
				: S_ESC);
		else if (is_alpha(c)) {
			html_name_put(h->tmp, &h->tmplen, c);
			i++;
		} else
			AGAIN(h->state == S_DESC_START ? S_ESC : S_DESC);
		break;
	case S_DESC:
	case S_DESC_DASH:
	case S_DESC_DASH_DASH:
		if (c == '-')
			NEXT(h->state == S_DESC ? S_DESC_DASH
						: S_DESC_DASH_DASH);
		else if (c == '<')
			NEXT(S_DESC_LT);
		else if (c == '>' && h->state == S_DESC_DASH_DASH)
			NEXT(S_SCRIPT);
		else
			NEXT(S_DESC);
		break;
	case S_DESC_LT:
		if (c == '/') {
			h->tmplen = 0;
			NEXT(S_DESC_END);
		} else
			AGAIN(S_DESC);
		break;
	default:
		i = step_comment(h, p, i, len);
		break;
	}
	return i;
}

/* Comments, bogus comments (DOCTYPE and <![CDATA[ among them). */
static size_t
step_comment(struct html *h, const unsigned char *p, size_t i, size_t len)
{
	int c = p[i];

	switch (h->state) {
	case S_MARKUP_DECL:
	case S_MARKUP_DASH:
		if (c == '-')
			NEXT(h->state == S_MARKUP_DECL ? S_MARKUP_DASH
						       : S_COMMENT_START);
		else
			AGAIN(S_BOGUS_COMMENT);
		break;
	case S_BOGUS_COMMENT:
		i += skip_to(p + i, len - i, '>');
		if (i < len)
			NEXT(S_DATA);
		break;
	case S_COMMENT_START:
	case S_COMMENT_START_DASH:
		/* "<!-->" and "<!--->" are whole (empty) comments. */
		if (c == '-')
			NEXT(h->state == S_COMMENT_START ? S_COMMENT_START_DASH
							 : S_COMMENT_END);
		else if (c == '>')
			NEXT(S_DATA);
		else
			AGAIN(S_COMMENT);
		break;
	case S_COMMENT:
		i += skip_to(p + i, len - i, '-');
		if (i < len)
			NEXT(S_COMMENT_END_DASH);
		break;
	case S_COMMENT_END_DASH:
		if (c == '-')
			NEXT(S_COMMENT_END);
		else
			AGAIN(S_COMMENT);
		break;
	case S_COMMENT_END:
	case S_COMMENT_END_BANG:
		/* "--!>" ends a comment too. */
		if (c == '>')
			NEXT(S_DATA);
		else if (c == '!' && h->state == S_COMMENT_END)
			NEXT(S_COMMENT_END_BANG);
		else if (c == '-')
			NEXT(h->state == S_COMMENT_END ? S_COMMENT_END
						       : S_COMMENT_END_DASH);
		else
			AGAIN(S_COMMENT);
		break;
	}
	return i;
}

struct html *
html_new(html_link_fn on_link, void *arg)
{
	struct html *h = calloc(1, sizeof(*h));
	int	     k;

	if (h == NULL)
		return NULL;
	h->on_link = on_link;
	h->arg = arg;
	h->state = S_DATA;
	h->cur = -1;
	for (k = 0; k < ATTR_N; k++)
		buf_init(&h->val[k], HTML_VALUE_MAX);
	return h;
}

enum crawl_err
html_feed(struct html *h, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	size_t		     i = 0;

	while (i < len && h->state != S_DONE) {
		if (h->state >= S_TAG_NAME && h->state <= S_SELF_CLOSING)
			i = html_step_tag(h, p, i, len);
		else if (h->state >= S_REF && h->state <= S_REF_DIGITS)
			i = html_step_ref(h, p, i);
		else
			i = step_text(h, p, i, len);
		if (h->oom)
			h->state = S_DONE;
	}
	return h->oom ? CRAWL_ERR_NOMEM : CRAWL_OK;
}

void
html_finish(struct html *h)
{
	h->state = S_DONE;
}

int
html_nofollow(const struct html *h)
{
	return h->nofollow;
}

void
html_free(struct html *h)
{
	int k;

	if (h == NULL)
		return;
	for (k = 0; k < ATTR_N; k++)
		buf_free(&h->val[k]);
	free(h);
}
