/*
 * jsonscan: reads one member out of a line of JSON without parsing the
 * rest, byte-exact, for --resume's look at earlier output and --merge's
 * keys. It owns nothing; resume and merge call it once per line read.
 */
#include <string.h>

#include "hex.h"
#include "jsonscan.h"

/* Reads the 4 hex digits after "\u" at s (len bytes left). */
static long
read_u16(const char *s, size_t len)
{
	long v = 0;
	int  i, d;

	if (len < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (i = 2; i < 6; i++) {
		if ((d = hex_value((unsigned char)s[i])) == -1)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static int
put_utf8(struct buf *out, unsigned long cp)
{
	char   u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return buf_append(out, u, n);
}

enum base_err
jsonscan_decode_string(const char *lit, size_t len, struct buf *out)
{
	const char   *s, *end, *run;
	long	      hi, lo;
	unsigned long cp;
	int	      c;

	if (len < 2 || lit[0] != '"' || lit[len - 1] != '"')
		return BASE_ERR_MALFORMED;
	s = lit + 1;
	end = lit + len - 1;
	while (s < end) {
		/* Plain bytes are copied a run at a time. */
		for (run = s; s < end && *s != '\\'; s++)
			if ((unsigned char)*s < 0x20 || *s == '"')
				return BASE_ERR_MALFORMED;
		if (s > run && buf_append(out, run, (size_t)(s - run)) == -1)
			return BASE_ERR_NOROOM;
		if (s == end)
			break;
		if (end - s < 2)
			return BASE_ERR_MALFORMED;
		switch (c = (unsigned char)s[1]) {
		case '"':
		case '\\':
		case '/':
			if (buf_putc(out, (char)c) == -1)
				return BASE_ERR_NOROOM;
			s += 2;
			continue;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if ((hi = read_u16(s, (size_t)(end - s))) == -1)
				return BASE_ERR_MALFORMED;
			s += 6;
			cp = (unsigned long)hi;
			if (hi >= 0xd800 && hi <= 0xdbff &&
			    (lo = read_u16(s, (size_t)(end - s))) >= 0xdc00 &&
			    lo <= 0xdfff) {
				cp = 0x10000 +
				    (((unsigned long)hi - 0xd800) << 10) +
				    ((unsigned long)lo - 0xdc00);
				s += 6;
			} else if (hi >= 0xd800 && hi <= 0xdfff)
				cp = 0xfffd;
			if (put_utf8(out, cp) == -1)
				return BASE_ERR_NOROOM;
			continue;
		default:
			return BASE_ERR_MALFORMED;
		}
		if (buf_putc(out, (char)c) == -1)
			return BASE_ERR_NOROOM;
		s += 2;
	}
	return BASE_OK;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
skip_space(const char *s, size_t len, size_t i)
{
	while (i < len && is_space((unsigned char)s[i]))
		i++;
	return i;
}

/*
 * Returns the index just past the string literal starting at the quote at
 * s[i], or 0 when it does not end within len.
 */
static size_t
string_end(const char *s, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/*
 * Returns the index just past the JSON value starting at s[i], or 0 when
 * it does not end within len. Nested values are skipped by counting
 * brackets, without recursion; the line was already checked by cJSON.
 */
static size_t
value_end(const char *s, size_t len, size_t i)
{
	size_t depth = 0;

	if (i >= len)
		return 0;
	if (s[i] == '"')
		return string_end(s, len, i);
	if (s[i] != '{' && s[i] != '[') {
		while (i < len && s[i] != ',' && s[i] != '}' && s[i] != ']' &&
		    !is_space((unsigned char)s[i]))
			i++;
		return i;
	}
	for (; i < len; i++) {
		if (s[i] == '"') {
			if ((i = string_end(s, len, i)) == 0)
				return 0;
			i--;
		} else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			return i + 1;
	}
	return 0;
}

/* Whether the string literal of len bytes at lit decodes to key. */
static int
is_key(const char *lit, size_t len, const char *key)
{
	struct buf name;
	size_t	   klen = strlen(key);
	int	   yes;

	/* A literal longer than the key written all in \u escapes is not it. */
	if (len > klen * 6 + 2)
		return 0;
	/*
	 * Without escapes the literal is the name: no copy, so that looking
	 * a member up never fails for want of memory.
	 */
	if (memchr(lit, '\\', len) == NULL)
		return len == klen + 2 && memcmp(lit + 1, key, klen) == 0;
	buf_init(&name, klen + 1);
	yes = jsonscan_decode_string(lit, len, &name) == 0 &&
	    name.len == klen && memcmp(name.data, key, klen) == 0;
	buf_free(&name);
	return yes;
}

enum base_err
jsonscan_find_value(const char *s, size_t len, const char *key,
    const char **val, size_t *vallen)
{
	size_t i, kend, vend;
	int    found;

	i = skip_space(s, len, 0);
	if (i >= len || s[i++] != '{')
		return BASE_ERR_ABSENT;
	for (;;) {
		i = skip_space(s, len, i);
		if (i >= len || s[i] != '"')
			return BASE_ERR_ABSENT;
		if ((kend = string_end(s, len, i)) == 0)
			return BASE_ERR_ABSENT;
		found = is_key(s + i, kend - i, key);
		i = skip_space(s, len, kend);
		if (i >= len || s[i++] != ':')
			return BASE_ERR_ABSENT;
		i = skip_space(s, len, i);
		if ((vend = value_end(s, len, i)) == 0 || vend == i)
			return BASE_ERR_ABSENT;
		if (found) {
			*val = s + i;
			*vallen = vend - i;
			return BASE_OK;
		}
		i = skip_space(s, len, vend);
		if (i >= len || s[i++] != ',')
			return BASE_ERR_ABSENT;
	}
}

enum base_err
jsonscan_find_string(const char *s, size_t len, const char *key,
    const char **lit, size_t *litlen)
{
	if (jsonscan_find_value(s, len, key, lit, litlen) != BASE_OK ||
	    **lit != '"')
		return BASE_ERR_ABSENT;
	return BASE_OK;
}
