/*
 * mergerec: reads the index, state and url of one output line for
 * --merge, after checking that the line is whole. merge calls it once per
 * line of every input, so it looks at each byte once and allocates
 * nothing.
 */
#include <string.h>

#include "jsonscan.h"
#include "mergerec.h"

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Whether the len bytes at s are one JSON object and blanks: brackets
 * balance outside strings and close at the end, strings end and hold no
 * raw control byte.
 */
static int
is_whole_object(const char *s, size_t len)
{
	size_t i = 0, depth = 0;
	int    in_string = 0;

	while (i < len && is_blank(s[i]))
		i++;
	if (i == len || s[i] != '{')
		return 0;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			else if (c < 0x20)
				return 0;
			continue;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (depth == 0)
				return 0;
			if (--depth == 0)
				break;
		}
	}
	if (i >= len || depth != 0)
		return 0;
	for (i++; i < len; i++)
		if (!is_blank(s[i]))
			return 0;
	return 1;
}

/* Parses digits only, below 2^63. Returns 0, or -1. */
static int
parse_index(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t	 i;

	if (len == 0 || len > 19)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return -1;
	*out = v;
	return 0;
}

enum mergerec_kind
mergerec_parse(const char *line, size_t len, struct mergerec *rec)
{
	const char *v;
	size_t	    vlen;

	if (!is_whole_object(line, len))
		return MERGEREC_CUT;
	if (jsonscan_find_value(line, len, "index", &v, &vlen) != BASE_OK ||
	    parse_index(v, vlen, &rec->index) == -1)
		return MERGEREC_NO_INDEX;
	rec->done =
	    jsonscan_find_value(line, len, "state", &v, &vlen) == BASE_OK &&
	    vlen == 6 && memcmp(v, "\"done\"", 6) == 0;
	if (jsonscan_find_string(line, len, "url", &rec->url, &rec->urllen) !=
	    BASE_OK) {
		rec->url = NULL;
		rec->urllen = 0;
	}
	return MERGEREC_OK;
}
