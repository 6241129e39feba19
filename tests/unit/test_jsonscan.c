/* Unit tests for jsonscan: one string member found and decoded exactly. */
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "jsonscan.h"

HARNESS_MAIN;

/* Finds key in json and decodes its value into out. */
static enum base_err
find(const char *json, const char *key, struct buf *out)
{
	const char *lit;
	size_t	    litlen;

	buf_clear(out);
	if (jsonscan_find_string(json, strlen(json), key, &lit, &litlen) !=
	    BASE_OK)
		return BASE_ERR_ABSENT;
	return jsonscan_decode_string(lit, litlen, out);
}

static void
test_find(void)
{
	struct buf out;

	buf_init(&out, 1024);
	CHECK_INT(find("{\"index\":1,\"url\":\"http://a/\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "http://a/");
	/* Members before it are skipped whatever their values hold. */
	CHECK_INT(find("{ \"x\" : {\"url\":\"no\",\"y\":[1,\"]\"]} , "
		       "\"url\" : \"yes\" }",
		      "url", &out),
	    0);
	CHECK_STR(buf_cstr(&out), "yes");
	/* The first of two, as cJSON's lookup takes it. */
	CHECK_INT(find("{\"url\":\"one\",\"url\":\"two\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "one");
	/* A member name written with escapes is still the name. */
	CHECK_INT(find("{\"\\u0075rl\":\"esc\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "esc");
	/* Missing, not a string, not an object. */
	CHECK_INT(find("{\"urls\":\"x\"}", "url", &out), BASE_ERR_ABSENT);
	CHECK_INT(find("{\"url\":null}", "url", &out), BASE_ERR_ABSENT);
	CHECK_INT(find("[\"url\"]", "url", &out), BASE_ERR_ABSENT);
	buf_free(&out);
}

/* Any value's text, as it stands: --merge's index and state. */
static void
test_find_value(void)
{
	const char *line = "{\"index\": 42 ,\"time\":{\"a\":[1,2]},"
			   "\"state\":\"done\",\"ur\":null}";
	const char *v;
	size_t	    n;

	CHECK_INT(jsonscan_find_value(line, strlen(line), "index", &v, &n), 0);
	CHECK_INT(n, 2);
	CHECK(strncmp(v, "42", 2) == 0);
	CHECK_INT(jsonscan_find_value(line, strlen(line), "time", &v, &n), 0);
	CHECK_INT(n, strlen("{\"a\":[1,2]}"));
	CHECK_INT(jsonscan_find_value(line, strlen(line), "state", &v, &n), 0);
	CHECK_INT(n, strlen("\"done\""));
	CHECK_INT(jsonscan_find_value(line, strlen(line), "ur", &v, &n), 0);
	CHECK_INT(n, 4);
	CHECK_INT(jsonscan_find_value(line, strlen(line), "u", &v, &n),
	    BASE_ERR_ABSENT);
	CHECK_INT(jsonscan_find_value(line, strlen(line), "url", &v, &n),
	    BASE_ERR_ABSENT);
	/* A value cut off where the line ends is not found. */
	CHECK_INT(
	    jsonscan_find_value("{\"index\":{\"a\":", 14, "index", &v, &n),
	    BASE_ERR_ABSENT);
}

static void
test_decode(void)
{
	struct buf out;

	buf_init(&out, 1024);
	/* NUL bytes survive, unlike in cJSON's strings. */
	CHECK_INT(find("{\"url\":\"a\\u0000b\"}", "url", &out), 0);
	CHECK_INT(out.len, 3);
	CHECK(memcmp(out.data, "a\0b", 3) == 0);
	CHECK_INT(
	    find("{\"url\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "\"\\/\b\f\n\r\t");
	/* A surrogate pair is one character; a lone one is U+FFFD. */
	CHECK_INT(find("{\"url\":\"\\ud83d\\ude00\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "\xf0\x9f\x98\x80");
	CHECK_INT(find("{\"url\":\"\\ud83dx\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "\xef\xbf\xbdx");
	CHECK_INT(find("{\"url\":\"caf\\u00e9\"}", "url", &out), 0);
	CHECK_STR(buf_cstr(&out), "caf\xc3\xa9");
	/* Malformed: an unknown escape, a raw control byte. */
	CHECK_INT(find("{\"url\":\"\\q\"}", "url", &out), BASE_ERR_MALFORMED);
	CHECK_INT(find("{\"url\":\"a\tb\"}", "url", &out), BASE_ERR_MALFORMED);
	buf_free(&out);
}

int
main(void)
{
	RUN(test_find);
	RUN(test_find_value);
	RUN(test_decode);
	return harness_result();
}
