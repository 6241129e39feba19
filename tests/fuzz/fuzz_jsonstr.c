/*
 * Fuzz target: JSON string escaping (src/jsonstr.c).
 *
 * For any bytes, jsonstr_append() must give one JSON string literal in
 * valid UTF-8 with no raw control byte, that cJSON reads as a string and
 * that jsonscan decodes back to the input with each invalid byte made
 * U+FFFD (exactly the input when it was valid UTF-8). The validity rules
 * are written out again here (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) and jsonstr_valid_utf8() must agree with them.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "fuzz.h"
#include "jsonscan.h"
#include "jsonstr.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if none. */
static size_t
seq_len(const unsigned char *s, size_t n)
{
	unsigned long cp;
	size_t	      len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* The input with each byte that starts no valid sequence made U+FFFD. */
static int
ref_repair(const unsigned char *s, size_t n, struct buf *out, int *valid)
{
	size_t i = 0, l;

	*valid = 1;
	while (i < n) {
		if ((l = seq_len(s + i, n - i)) == 0) {
			*valid = 0;
			if (buf_append(out, "\xef\xbf\xbd", 3) == -1)
				return -1;
			i++;
			continue;
		}
		if (buf_append(out, s + i, l) == -1)
			return -1;
		i += l;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	     lit, dec, want;
	const unsigned char *o;
	size_t		     i, l;
	cJSON		    *v;
	int		     valid;

	buf_init(&lit, size * 6 + 2);
	buf_init(&dec, size * 3 + 1);
	buf_init(&want, size * 3 + 1);
	if (jsonstr_append(&lit, (const char *)data, size) == -1 ||
	    ref_repair(data, size, &want, &valid) == -1)
		goto out;
	FUZZ_CHECK(jsonstr_valid_utf8((const char *)data, size) == valid);

	o = (const unsigned char *)lit.data;
	FUZZ_CHECK(lit.len >= 2 && o[0] == '"' && o[lit.len - 1] == '"');
	for (i = 0; i < lit.len; i += l) {
		FUZZ_CHECK((l = seq_len(o + i, lit.len - i)) > 0);
		FUZZ_CHECK(o[i] >= 0x20 && o[i] != 0x7f);
	}
	FUZZ_CHECK(jsonstr_valid_utf8(lit.data, lit.len));

	FUZZ_CHECK(jsonscan_decode_string(lit.data, lit.len, &dec) == BASE_OK);
	FUZZ_CHECK(dec.len == want.len &&
	    (dec.len == 0 || memcmp(dec.data, want.data, dec.len) == 0));
	if (valid)
		FUZZ_CHECK(dec.len == size &&
		    (size == 0 || memcmp(dec.data, data, size) == 0));

	/* cJSON reads it as one string: up to the first NUL, the same. */
	v = cJSON_ParseWithLength(lit.data, lit.len);
	FUZZ_CHECK(cJSON_IsString(v));
	l = strlen(v->valuestring);
	FUZZ_CHECK(l <= dec.len &&
	    memcmp(v->valuestring, dec.len ? dec.data : "", l) == 0);
	FUZZ_CHECK(l == dec.len || dec.data[l] == '\0');
	cJSON_Delete(v);
out:
	buf_free(&lit);
	buf_free(&dec);
	buf_free(&want);
	return 0;
}
