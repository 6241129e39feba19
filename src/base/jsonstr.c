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
#include <stdint.h>
#include <string.h>

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

/*
 * Bodies are checked whole before they are written, and are mostly ASCII,
 * so 8 bytes without a high bit are taken at once.
 */
int
jsonstr_valid_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t	     w;
	size_t		     i = 0, n;

	while (i < len) {
		if (len - i >= sizeof(w)) {
			memcpy(&w, p + i, sizeof(w));
			if ((w & 0x8080808080808080u) == 0) {
				i += sizeof(w);
				continue;
			}
		}
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
 * Whether one of the 8 bytes in w is not plain printable ASCII: below 0x20,
 * 0x7f or above, '"' or '\'. These are the "has zero byte" and "has byte
 * less than" word tests (Bit Twiddling Hacks): a borrow may flag a byte
 * wrongly once an earlier one is flagged, so the answer is exact for the
 * word as a whole, which is all the caller asks.
 */
static int
has_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
	const uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	const uint64_t d = w ^ (ones * 0x7f);

	return ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
		    ((b - ones) & ~b) | ((d - ones) & ~d) | w) &
		   high) != 0;
}

/* Whether byte c is copied as it is, with no escape and no UTF-8 check. */
static int
is_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/*
 * Returns how many of the len bytes at s are plain from the start. Most
 * strings (URLs, header values, content types) are plain throughout, so
 * they are looked at 8 bytes at a time, the last 8 overlapping the word
 * before when len is not a multiple of 8.
 */
static size_t
plain_run(const unsigned char *s, size_t len)
{
	uint64_t w;
	size_t	 i = 0;

	while (len - i >= sizeof(w)) {
		memcpy(&w, s + i, sizeof(w));
		if (has_special(w))
			break;
		i += sizeof(w);
	}
	if (len - i < sizeof(w) && len >= sizeof(w)) {
		memcpy(&w, s + len - sizeof(w), sizeof(w));
		if (!has_special(w))
			return len;
	}
	while (i < len && is_plain(s[i]))
		i++;
	return i;
}

/*
 * The output is never shorter than len + 2 (each byte yields one or more),
 * so that much is reserved at once: a string that is plain throughout,
 * the common case, is then written in place with one copy. Otherwise runs
 * of bytes that need no change (plain bytes and valid multi-byte
 * sequences) are still copied with one buf_append each.
 */
enum base_err
jsonstr_append(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     oldlen = out->len, run, i, n, e;
	char		     esc[6], *d;

	if (len > SIZE_MAX - 2 || buf_reserve(out, len + 2) < len + 2)
		goto fail;
	i = plain_run(p, len);
	d = out->data + out->len;
	*d++ = '"';
	if (i > 0)
		memcpy(d, s, i);
	d += i;
	if (i == len) {
		*d++ = '"';
		*d = '\0';
		out->len += len + 2;
		return BASE_OK;
	}
	*d = '\0';
	out->len += i + 1;
	run = i;
	while (i < len) {
		i += plain_run(p + i, len - i);
		if (i == len)
			break;
		if (p[i] >= 0x80 && (n = seqlen(p + i, len - i)) > 0) {
			i += n;
			continue;
		}
		if (i > run && buf_append(out, s + run, i - run) == -1)
			goto fail;
		if (p[i] >= 0x80) {
			if (buf_append(out, replacement, 3) == -1)
				goto fail;
		} else {
			e = escape(p[i], esc);
			if (buf_append(out, esc, e) == -1)
				goto fail;
		}
		run = ++i;
	}
	if ((i > run && buf_append(out, s + run, i - run) == -1) ||
	    buf_putc(out, '"') == -1)
		goto fail;
	return BASE_OK;

fail:
	/*
	 * Leave out as it was; its storage may have grown, which is harmless,
	 * but new storage holds no NUL yet.
	 */
	out->len = oldlen;
	if (out->data != NULL)
		out->data[oldlen] = '\0';
	return BASE_ERR_NOROOM;
}
