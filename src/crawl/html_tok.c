/*
 * html_tok: the tokenizer states of a tag (its name, attributes and
 * values) and of character references in attribute values.
 */
#include "html.h"

#include <string.h>

#include "html_int.h"
#include "html_ref.h"

/* Leaving the tag name state: the tag is known from here on. */
static void
end_tag_name(struct html *h)
{
	h->tag = html_tag_lookup(h->tname, h->tnlen);
}

/*
 * A named character reference has ended at c (not yet consumed, -1 when
 * it was the ';' that the buffer now ends with). The standard's rule for
 * attributes: a match without ';' followed by '=' or an alphanumeric is
 * left as written, for the query strings that gave it its name.
 */
static void
ref_named_end(struct html *h, int next)
{
	const char *utf8 = NULL;
	size_t	    m = html_ref_named(h->ref, h->reflen, &utf8);
	int	    after;

	if (m > 0 && h->ref[m - 1] != ';') {
		after = m < h->reflen ? (unsigned char)h->ref[m] : next;
		if (after == '=' || is_alpha(after) || is_digit(after))
			m = 0;
	}
	if (m > 0) {
		html_value_put(h, utf8, strlen(utf8));
		html_value_put(h, h->ref + m, h->reflen - m);
	} else {
		html_value_put(h, "&", 1);
		html_value_put(h, h->ref, h->reflen);
	}
	h->state = h->ret;
}

static void
ref_numeric_end(struct html *h)
{
	char   out[4];
	size_t n = html_ref_numeric(h->cp, out);

	html_value_put(h, out, n);
	h->state = h->ret;
}

/*
 * An attribute value state: copies the run of plain bytes up to the next
 * byte that means something, and returns how many bytes it consumed (0
 * when p[0] itself needs the state machine).
 */
static size_t
value_run(struct html *h, const unsigned char *p, size_t n)
{
	size_t i = 0;
	int    q = h->state == S_VALUE_DQ ? '"' : '\'';

	if (h->state == S_VALUE_UNQ) {
		while (i < n && !is_ws(p[i]) && p[i] != '&' && p[i] != '>' &&
		    p[i] != '\0')
			i++;
	} else {
		while (i < n && p[i] != q && p[i] != '&' && p[i] != '\0' &&
		    p[i] != '\r')
			i++;
	}
	html_value_put(h, (const char *)p, i);
	return i;
}

/* The states a tag is read in: its name, attributes and values. */
size_t
html_step_tag(struct html *h, const unsigned char *p, size_t i, size_t len)
{
	int c = p[i];

	switch (h->state) {
	case S_TAG_NAME:
		if (is_ws(c) || c == '/' || c == '>') {
			end_tag_name(h);
			if (c == '>') {
				i++;
				html_tag_end(h);
			} else
				NEXT(is_ws(c) ? S_BEFORE_ATTR_NAME
					      : S_SELF_CLOSING);
		} else {
			/* Take the name's bytes in one go: tags are frequent. */
			do {
				html_name_put(h->tname, &h->tnlen, c ? c : 1);
				c = ++i < len ? p[i] : '>';
			} while (i < len && !is_ws(c) && c != '/' && c != '>');
		}
		break;
	case S_BEFORE_ATTR_NAME:
		if (is_ws(c))
			i++;
		else if (c == '/' || c == '>')
			AGAIN(S_AFTER_ATTR_NAME);
		else {
			html_attr_begin(h);
			if (c == '=') {
				html_name_put(h->aname, &h->anlen, c);
				i++;
			}
			AGAIN(S_ATTR_NAME);
		}
		break;
	case S_ATTR_NAME:
		if (is_ws(c) || c == '/' || c == '>') {
			html_attr_name_end(h);
			AGAIN(S_AFTER_ATTR_NAME);
		} else if (c == '=') {
			html_attr_name_end(h);
			NEXT(S_BEFORE_VALUE);
		} else {
			do {
				html_name_put(h->aname, &h->anlen, c ? c : 1);
				c = ++i < len ? p[i] : '>';
			} while (i < len && !is_ws(c) && c != '/' && c != '>' &&
			    c != '=');
		}
		break;
	case S_AFTER_ATTR_NAME:
		if (is_ws(c))
			i++;
		else if (c == '/')
			NEXT(S_SELF_CLOSING);
		else if (c == '=')
			NEXT(S_BEFORE_VALUE);
		else if (c == '>') {
			i++;
			html_tag_end(h);
		} else {
			html_attr_begin(h);
			AGAIN(S_ATTR_NAME);
		}
		break;
	case S_BEFORE_VALUE:
		if (is_ws(c))
			i++;
		else if (c == '"')
			NEXT(S_VALUE_DQ);
		else if (c == '\'')
			NEXT(S_VALUE_SQ);
		else if (c == '>') {
			i++;
			html_tag_end(h);
		} else
			AGAIN(S_VALUE_UNQ);
		break;
	case S_VALUE_DQ:
	case S_VALUE_SQ:
	case S_VALUE_UNQ:
		if (h->cr) {
			h->cr = 0;
			if (c == '\n') {
				i++;
				break;
			}
		}
		if (h->state == S_VALUE_UNQ && is_ws(c))
			NEXT(S_BEFORE_ATTR_NAME);
		else if (h->state == S_VALUE_UNQ && c == '>') {
			i++;
			html_tag_end(h);
		} else if (c == (h->state == S_VALUE_DQ ? '"' : '\'') &&
		    h->state != S_VALUE_UNQ)
			NEXT(S_AFTER_VALUE_Q);
		else if (c == '&') {
			h->ret = h->state;
			NEXT(S_REF);
		} else if (c == '\0') {
			html_value_put(h, "\xEF\xBF\xBD", 3);
			i++;
		} else if (c == '\r') {
			html_value_put(h, "\n", 1);
			h->cr = 1;
			i++;
		} else
			i += value_run(h, p + i, len - i);
		break;
	case S_AFTER_VALUE_Q:
		if (is_ws(c))
			NEXT(S_BEFORE_ATTR_NAME);
		else if (c == '/')
			NEXT(S_SELF_CLOSING);
		else if (c == '>') {
			i++;
			html_tag_end(h);
		} else
			AGAIN(S_BEFORE_ATTR_NAME);
		break;
	case S_SELF_CLOSING:
		if (c == '>') {
			i++;
			html_tag_end(h);
		} else
			AGAIN(S_BEFORE_ATTR_NAME);
		break;
	}
	return i;
}

/* The character reference states, inside an attribute value. */
size_t
html_step_ref(struct html *h, const unsigned char *p, size_t i)
{
	int c = p[i];

	switch (h->state) {
	case S_REF:
		h->reflen = 0;
		if (is_alpha(c) || is_digit(c))
			AGAIN(S_REF_NAMED);
		else if (c == '#')
			NEXT(S_REF_NUM_START);
		else {
			html_value_put(h, "&", 1);
			AGAIN(h->ret);
		}
		break;
	case S_REF_NAMED:
		if ((is_alpha(c) || is_digit(c)) &&
		    h->reflen < sizeof(h->ref)) {
			h->ref[h->reflen++] = (char)c;
			i++;
		} else if (c == ';' && h->reflen < sizeof(h->ref)) {
			h->ref[h->reflen++] = ';';
			i++;
			ref_named_end(h, -1);
		} else
			ref_named_end(h, c);
		break;
	case S_REF_NUM_START:
		h->cp = 0;
		h->hex = 0;
		if (c == 'x' || c == 'X') {
			h->xchar = (char)c;
			NEXT(S_REF_HEX_START);
		} else if (is_digit(c))
			AGAIN(S_REF_DIGITS);
		else {
			html_value_put(h, "&#", 2);
			AGAIN(h->ret);
		}
		break;
	case S_REF_HEX_START:
		if (is_hex(c)) {
			h->hex = 1;
			AGAIN(S_REF_DIGITS);
		} else {
			html_value_put(h, "&#", 2);
			html_value_put(h, &h->xchar, 1);
			AGAIN(h->ret);
		}
		break;
	case S_REF_DIGITS:
		if (h->hex ? is_hex(c) : is_digit(c)) {
			/* Saturate: anything past U+10FFFF is U+FFFD anyway. */
			if (h->cp <= 0x10FFFF)
				h->cp = h->cp * (h->hex ? 16 : 10) +
				    (uint32_t)(is_digit(c)
					    ? c - '0'
					    : lower(c) - 'a' + 10);
			i++;
		} else {
			if (c == ';')
				i++;
			ref_numeric_end(h);
		}
		break;
	}
	return i;
}
