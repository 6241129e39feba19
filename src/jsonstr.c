/*
 * jsonstr: turns arbitrary bytes into a JSON string literal in valid UTF-8.
 *
 * On a bad sequence one U+FFFD replaces its first byte only and decoding
 * resumes at the next byte, so a cut-off three-byte sequence yields two or
 * three U+FFFD rather than the one of Unicode's "maximal subpart" practice.
 * It is simpler, loses nothing a reader could use, and keeps the output
 * length at most 6 times the input (a control byte becomes \u00XX).
 */
#include <stddef.h>

#include "buf.h"
#include "jsonstr.h"

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
static const char replacement[] = "\xef\xbf\xbd";

/*
 * Returns the length (1 to 4) of the valid UTF-8 sequence at s, or 0 when
 * the byte at s does not start one. The ranges are RFC 3629's, section 4:
 * the second byte's range is what excludes overlong forms (E0 80-9F,
 * F0 80-8F), surrogates (ED A0-BF) and code points past U+10FFFF (F4 90-).
 */
static size_t
seqlen(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t	      n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0; /* 80-C1 (continuation, overlong) or F5-FF */
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

int
jsonstr_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, n;

	while (i < len) {
		if ((n = seqlen(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* Returns the escape for byte c, written to esc, or 0 when c needs none. */
static size_t
escape(unsigned char c, char esc[6])
{
	static const char hex[] = "0123456789abcdef";

	esc[0] = '\\';
	switch (c) {
	case '"':
	case '\\':
		esc[1] = (char)c;
		return 2;
	case '\b':
		esc[1] = 'b';
		return 2;
	case '\f':
		esc[1] = 'f';
		return 2;
	case '\n':
		esc[1] = 'n';
		return 2;
	case '\r':
		esc[1] = 'r';
		return 2;
	case '\t':
		esc[1] = 't';
		return 2;
	}
	if (c >= 0x20 && c != 0x7f)
		return 0;
	esc[1] = 'u';
	esc[2] = '0';
	esc[3] = '0';
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 0xf];
	return 6;
}

/*
 * Copies runs of bytes that need no change with one buf_append each, so
 * the common all-ASCII string costs three appends.
 */
int
jsonstr_append(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     oldlen = out->len, run = 0, i = 0, n, e;
	char		     esc[6];

	if (buf_putc(out, '"') == -1)
		return -1;
	while (i < len) {
		n = seqlen(p + i, len - i);
		e = n == 1 ? escape(p[i], esc) : 0;
		if (n > 0 && e == 0) {
			i += n;
			continue;
		}
		if (i > run && buf_append(out, s + run, i - run) == -1)
			goto fail;
		if (n == 0) {
			if (buf_append(out, replacement, 3) == -1)
				goto fail;
		} else if (buf_append(out, esc, e) == -1)
			goto fail;
		run = ++i;
	}
	if ((i > run && buf_append(out, s + run, i - run) == -1) ||
	    buf_putc(out, '"') == -1)
		goto fail;
	return 0;

fail:
	/* Leave out as it was; its storage may have grown, which is harmless. */
	out->len = oldlen;
	if (out->data != NULL)
		out->data[oldlen] = '\0';
	return -1;
}
