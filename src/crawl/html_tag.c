/*
 * html_tag: the tags and attributes that matter, and the contract's link
 * rules applied when a start tag ends (section 13, "Links").
 *
 * Attribute values are kept only for the attributes the current tag's
 * rule reads, each in a buffer bounded by HTML_VALUE_MAX: a page of any
 * size costs at most ATTR_N such buffers.
 */
#include <string.h>

#include "html_int.h"

static const char *const tag_names[] = {
	[TAG_A] = "a",
	[TAG_AREA] = "area",
	[TAG_LINK] = "link",
	[TAG_FRAME] = "frame",
	[TAG_IFRAME] = "iframe",
	[TAG_BASE] = "base",
	[TAG_META] = "meta",
	[TAG_SCRIPT] = "script",
	[TAG_STYLE] = "style",
	[TAG_XMP] = "xmp",
	[TAG_NOEMBED] = "noembed",
	[TAG_NOFRAMES] = "noframes",
	[TAG_TITLE] = "title",
	[TAG_TEXTAREA] = "textarea",
	[TAG_PLAINTEXT] = "plaintext",
};

static const char *const attr_names[ATTR_N] = {
	[ATTR_HREF] = "href",
	[ATTR_SRC] = "src",
	[ATTR_REL] = "rel",
	[ATTR_NAME] = "name",
	[ATTR_CONTENT] = "content",
};

#define BIT(a) (1u << (a))

/* The attributes whose values a start tag's rule reads. */
static unsigned
wanted(enum html_tag tag)
{
	switch (tag) {
	case TAG_A:
	case TAG_AREA:
	case TAG_LINK:
		return BIT(ATTR_HREF) | BIT(ATTR_REL);
	case TAG_FRAME:
	case TAG_IFRAME:
		return BIT(ATTR_SRC);
	case TAG_BASE:
		return BIT(ATTR_HREF);
	case TAG_META:
		return BIT(ATTR_NAME) | BIT(ATTR_CONTENT);
	default:
		return 0;
	}
}

/* Every tag looks through the table: the first byte turns most away
 * before strlen. */
static int
name_is(const char *name, size_t len, const char *want)
{
	return want != NULL && (len == 0 || want[0] == name[0]) &&
	    strlen(want) == len && memcmp(name, want, len) == 0;
}

enum html_tag
html_tag_lookup(const char *name, size_t len)
{
	size_t t;

	for (t = 1; t < sizeof(tag_names) / sizeof(tag_names[0]); t++)
		if (name_is(name, len, tag_names[t]))
			return (enum html_tag)t;
	return TAG_OTHER;
}

void
html_name_put(char *name, unsigned char *len, int c)
{
	if (*len < HTML_NAME_CAP)
		name[(*len)++] = (char)lower(c);
	else
		*len = HTML_NAME_CAP + 1;
}

void
html_tag_begin(struct html *h, int end)
{
	int a;

	h->endtag = end;
	h->tag = TAG_OTHER;
	h->tnlen = 0;
	h->cur = -1;
	for (a = 0; a < ATTR_N; a++)
		if (h->seen & BIT(a))
			buf_clear(&h->val[a]);
	h->seen = 0;
	h->over = 0;
}

void
html_attr_begin(struct html *h)
{
	h->anlen = 0;
	h->cur = -1;
}

void
html_attr_name_end(struct html *h)
{
	int a;

	h->cur = -1;
	if (h->endtag)
		return;
	for (a = 0; a < ATTR_N; a++)
		if (name_is(h->aname, h->anlen, attr_names[a]))
			break;
	/* A duplicate attribute is dropped: the first one wins. */
	if (a == ATTR_N || (h->seen & BIT(a)))
		return;
	h->seen |= BIT(a);
	if (wanted(h->tag) & BIT(a))
		h->cur = a;
}

void
html_value_put(struct html *h, const char *s, size_t n)
{
	struct buf *b;

	if (h->cur < 0 || n == 0 || (h->over & BIT(h->cur)))
		return;
	b = &h->val[h->cur];
	if (buf_append(b, s, n) == 0)
		return;
	if (b->len + n > b->limit) {
		/* Too long to be a link we could use: dropped, not grown. */
		h->over |= BIT(h->cur);
		buf_free(b);
	} else
		h->oom = 1;
}

/* The value of attribute a when the tag has it (and it was kept whole). */
static const char *
value(struct html *h, int a, size_t *len)
{
	const char *s;

	if (!(h->seen & BIT(a)) || (h->over & BIT(a)))
		return NULL;
	s = buf_cstr(&h->val[a]);
	if (s == NULL)
		h->oom = 1;
	*len = h->val[a].len;
	return s;
}

/*
 * Returns 1 when the token list s (separated by ASCII whitespace, and by
 * commas when commas) holds tok, compared ASCII case-insensitively.
 */
static int
has_token(const char *s, size_t len, const char *tok, int commas)
{
	size_t i = 0, j, n = strlen(tok), k;

	while (i < len) {
		while (i < len && (is_ws(s[i]) || (commas && s[i] == ',')))
			i++;
		j = i;
		while (j < len && !is_ws(s[j]) && !(commas && s[j] == ','))
			j++;
		if (j - i == n) {
			for (k = 0; k < n && lower(s[i + k]) == tok[k]; k++)
				;
			if (k == n)
				return 1;
		}
		i = j;
	}
	return 0;
}

/* Reports attribute a's value, without its surrounding whitespace. */
static void
report(struct html *h, enum html_link_kind kind, int a, int nofollow)
{
	size_t	    len;
	const char *s = value(h, a, &len);

	if (s == NULL)
		return;
	while (len > 0 && is_ws(s[0]))
		s++, len--;
	while (len > 0 && is_ws(s[len - 1]))
		len--;
	/* The value is the buffer's own: trimming the end needs a copy. */
	if (s[len] != '\0')
		h->val[a].data[s - h->val[a].data + len] = '\0';
	h->on_link(h->arg, kind, s, len, nofollow);
}

static void
start_tag_end(struct html *h)
{
	size_t	    rlen = 0, nlen = 0, clen = 0;
	const char *rel = value(h, ATTR_REL, &rlen);
	const char *name, *content;
	int nofollow = rel != NULL && has_token(rel, rlen, "nofollow", 0);

	switch (h->tag) {
	case TAG_A:
		report(h, HTML_LINK_A, ATTR_HREF, nofollow);
		break;
	case TAG_AREA:
		report(h, HTML_LINK_AREA, ATTR_HREF, nofollow);
		break;
	case TAG_LINK:
		if (rel != NULL &&
		    (has_token(rel, rlen, "alternate", 0) ||
			has_token(rel, rlen, "canonical", 0) ||
			has_token(rel, rlen, "next", 0) ||
			has_token(rel, rlen, "prev", 0)))
			report(h, HTML_LINK_LINK, ATTR_HREF, nofollow);
		break;
	case TAG_FRAME:
		report(h, HTML_LINK_FRAME, ATTR_SRC, 0);
		break;
	case TAG_IFRAME:
		report(h, HTML_LINK_IFRAME, ATTR_SRC, 0);
		break;
	case TAG_BASE:
		/* The standard's frozen base URL: the first base with href. */
		if (!h->base && value(h, ATTR_HREF, &nlen) != NULL) {
			h->base = 1;
			report(h, HTML_LINK_BASE, ATTR_HREF, 0);
		}
		break;
	case TAG_META:
		name = value(h, ATTR_NAME, &nlen);
		content = value(h, ATTR_CONTENT, &clen);
		if (name != NULL && content != NULL &&
		    has_token(name, nlen, "robots", 0) && nlen == 6 &&
		    (has_token(content, clen, "nofollow", 1) ||
			has_token(content, clen, "none", 1)))
			h->nofollow = 1;
		break;
	default:
		break;
	}
}

/* The state after a start tag: the text its element holds. */
static int
text_state(enum html_tag tag)
{
	switch (tag) {
	case TAG_SCRIPT:
		return S_SCRIPT;
	case TAG_STYLE:
	case TAG_XMP:
	case TAG_IFRAME:
	case TAG_NOEMBED:
	case TAG_NOFRAMES:
		return S_RAWTEXT;
	case TAG_TITLE:
	case TAG_TEXTAREA:
		return S_RCDATA;
	case TAG_PLAINTEXT:
		return S_PLAINTEXT;
	default:
		return S_DATA;
	}
}

void
html_tag_end(struct html *h)
{
	if (h->endtag) {
		h->state = S_DATA;
		return;
	}
	start_tag_end(h);
	h->rawtag = h->tag;
	h->state = text_state(h->tag);
}
