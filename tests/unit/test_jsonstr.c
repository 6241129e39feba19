/* Unit tests for jsonstr. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "harness.h"
#include "jsonstr.h"

HARNESS_MAIN;

#define FFFD "\xef\xbf\xbd"

/*
 * Returns jsonstr_append's output for the n bytes at s, in a static buffer
 * (tests only), or "(failed)".
 */
static const char *
enc(const char *s, size_t n)
{
	static char out[4096];
	struct buf  b;

	buf_init(&b, sizeof(out) - 1);
	if (jsonstr_append(&b, s, n) != 0) {
		buf_free(&b);
		return "(failed)";
	}
	memcpy(out, buf_cstr(&b), b.len + 1);
	buf_free(&b);
	return out;
}

#define ENC(lit) enc(lit, sizeof(lit) - 1)

static void
test_ascii(void)
{
	CHECK_STR(ENC(""), "\"\"");
	CHECK_STR(ENC("hello"), "\"hello\"");
	CHECK_STR(ENC("https://example.com/a?b=c&d=e#f"),
	    "\"https://example.com/a?b=c&d=e#f\"");
	CHECK_STR(ENC(" ~/'"), "\" ~/'\"");
	CHECK_STR(enc(NULL, 0), "\"\"");
}

static void
test_escapes(void)
{
	CHECK_STR(ENC("a\"b"), "\"a\\\"b\"");
	CHECK_STR(ENC("a\\b"), "\"a\\\\b\"");
	CHECK_STR(ENC("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
	CHECK_STR(ENC("\x7f"), "\"\\u007f\"");
	CHECK_STR(ENC("x\x7fy"), "\"x\\u007fy\"");
	CHECK_STR(ENC("\"\"\\"), "\"\\\"\\\"\\\\\"");
	/* '/' needs no escape and gets none. */
	CHECK_STR(ENC("/"), "\"/\"");
}

static void
test_controls(void)
{
	char	 in[1], want[16];
	unsigned c;

	for (c = 0; c < 0x20; c++) {
		in[0] = (char)c;
		switch (c) {
		case '\b':
			snprintf(want, sizeof(want), "\"\\b\"");
			break;
		case '\f':
			snprintf(want, sizeof(want), "\"\\f\"");
			break;
		case '\n':
			snprintf(want, sizeof(want), "\"\\n\"");
			break;
		case '\r':
			snprintf(want, sizeof(want), "\"\\r\"");
			break;
		case '\t':
			snprintf(want, sizeof(want), "\"\\t\"");
			break;
		default:
			snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		}
		CHECK_STR(enc(in, 1), want);
	}
}

static void
test_nul(void)
{
	CHECK_STR(ENC("a\0b"), "\"a\\u0000b\"");
	CHECK_STR(ENC("\0"), "\"\\u0000\"");
	CHECK_STR(ENC("http://x/\0after"), "\"http://x/\\u0000after\"");
	CHECK_INT(jsonstr_valid_utf8("a\0b", 3), 1);
}

static void
test_valid_multibyte(void)
{
	/* U+00E9, U+20AC, U+1F600, and the range edges. */
	CHECK_STR(ENC("\xc3\xa9"), "\"\xc3\xa9\"");
	CHECK_STR(ENC("\xe2\x82\xac"), "\"\xe2\x82\xac\"");
	CHECK_STR(ENC("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
	CHECK_STR(ENC("\xc2\x80"), "\"\xc2\x80\"");	    /* U+0080 */
	CHECK_STR(ENC("\xdf\xbf"), "\"\xdf\xbf\"");	    /* U+07FF */
	CHECK_STR(ENC("\xe0\xa0\x80"), "\"\xe0\xa0\x80\""); /* U+0800 */
	CHECK_STR(ENC("\xed\x9f\xbf"), "\"\xed\x9f\xbf\""); /* U+D7FF */
	CHECK_STR(ENC("\xee\x80\x80"), "\"\xee\x80\x80\""); /* U+E000 */
	CHECK_STR(ENC("\xef\xbf\xbf"), "\"\xef\xbf\xbf\""); /* U+FFFF */
	CHECK_STR(ENC("\xf0\x90\x80\x80"), "\"\xf0\x90\x80\x80\"");
	CHECK_STR(ENC("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");
	CHECK_STR(ENC("a\xc3\xa9z"), "\"a\xc3\xa9z\"");
	CHECK_INT(jsonstr_valid_utf8("\xf0\x9f\x98\x80\xc3\xa9", 6), 1);
}

static void
test_invalid(void)
{
	/* Each bad byte is one U+FFFD; decoding resumes at the next byte. */
	CHECK_STR(ENC("\x80"), "\"" FFFD "\""); /* lone cont. */
	CHECK_STR(ENC("\xbf"), "\"" FFFD "\"");
	CHECK_STR(ENC("\xc0\xaf"), "\"" FFFD FFFD "\""); /* overlong */
	CHECK_STR(ENC("\xc1\xbf"), "\"" FFFD FFFD "\"");
	CHECK_STR(ENC("\xe0\x80\xaf"), "\"" FFFD FFFD FFFD "\"");
	CHECK_STR(ENC("\xe0\x9f\xbf"), "\"" FFFD FFFD FFFD "\"");
	CHECK_STR(ENC("\xf0\x80\x80\xaf"), "\"" FFFD FFFD FFFD FFFD "\"");
	CHECK_STR(ENC("\xf0\x8f\xbf\xbf"), "\"" FFFD FFFD FFFD FFFD "\"");
	CHECK_STR(ENC("\xed\xa0\x80"), "\"" FFFD FFFD FFFD "\""); /* D800 */
	CHECK_STR(ENC("\xed\xbf\xbf"), "\"" FFFD FFFD FFFD "\""); /* DFFF */
	CHECK_STR(ENC("\xf4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"");
	CHECK_STR(ENC("\xf5\x80\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"");
	CHECK_STR(ENC("\xfe"), "\"" FFFD "\"");
	CHECK_STR(ENC("\xff"), "\"" FFFD "\"");
	/* A bad continuation: the lead is replaced, the next byte kept. */
	CHECK_STR(ENC("\xc3"
		      "a"),
	    "\"" FFFD "a\"");
	CHECK_STR(ENC("\xe2\x82"
		      "a"),
	    "\"" FFFD FFFD "a\"");
	CHECK_STR(ENC("\xe2\x28\xa1"), "\"" FFFD "(" FFFD "\"");
	CHECK_STR(ENC("\xc3\xc3\xa9"), "\"" FFFD "\xc3\xa9\"");
	CHECK_STR(ENC("\xc3\n"), "\"" FFFD "\\n\"");
	CHECK_STR(ENC("\xc3\""), "\"" FFFD "\\\"\"");

	CHECK_INT(jsonstr_valid_utf8("\x80", 1), 0);
	CHECK_INT(jsonstr_valid_utf8("\xc0\xaf", 2), 0);
	CHECK_INT(jsonstr_valid_utf8("\xe0\x80\xaf", 3), 0);
	CHECK_INT(jsonstr_valid_utf8("\xed\xa0\x80", 3), 0);
	CHECK_INT(jsonstr_valid_utf8("\xf0\x8f\xbf\xbf", 4), 0);
	CHECK_INT(jsonstr_valid_utf8("\xf4\x90\x80\x80", 4), 0);
	CHECK_INT(jsonstr_valid_utf8("\xf8\x88\x80\x80\x80", 5), 0);
	CHECK_INT(jsonstr_valid_utf8("ok\xff", 3), 0);
}

static void
test_truncated(void)
{
	CHECK_STR(ENC("a\xc3"), "\"a" FFFD "\"");
	CHECK_STR(ENC("a\xe2\x82"), "\"a" FFFD FFFD "\"");
	CHECK_STR(ENC("a\xf0\x9f\x98"), "\"a" FFFD FFFD FFFD "\"");
	/* Only len bytes are looked at, even when more follow in memory. */
	CHECK_STR(enc("\xc3\xa9", 1), "\"" FFFD "\"");
	CHECK_INT(jsonstr_valid_utf8("\xc3\xa9", 1), 0);
	CHECK_INT(jsonstr_valid_utf8("\xf0\x9f\x98", 3), 0);
	CHECK_INT(jsonstr_valid_utf8("", 0), 1);
}

static uint32_t
xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

/*
 * Random bytes, biased towards the interesting ones (leads, continuations,
 * controls), must always come out as valid UTF-8 with no raw control byte,
 * and valid input must come out unchanged between the quotes.
 */
static void
test_random(void)
{
	static const unsigned char pick[] = { 0x00, 0x0a, 0x1f, 0x22, 0x5c,
		0x7f, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4,
		0xff };
	uint32_t		   seed = 0x2545f491;
	unsigned char		   in[64];
	struct buf		   b;
	size_t			   i, n;
	int round, valid = 1, noctl = 1, quoted = 1, same = 1;

	buf_init(&b, 64 * 6 + 2);
	for (round = 0; round < 20000; round++) {
		n = xorshift(&seed) % sizeof(in);
		for (i = 0; i < n; i++) {
			uint32_t r = xorshift(&seed);
			in[i] = r & 1 ? pick[(r >> 1) % sizeof(pick)]
				      : (unsigned char)(r >> 8);
		}
		buf_clear(&b);
		if (jsonstr_append(&b, (char *)in, n) != 0) {
			CHECK(!"jsonstr_append failed");
			break;
		}
		if (!jsonstr_valid_utf8(b.data, b.len))
			valid = 0;
		for (i = 0; i < b.len; i++)
			if ((unsigned char)b.data[i] < 0x20 ||
			    b.data[i] == 0x7f)
				noctl = 0;
		if (b.len < 2 || b.data[0] != '"' || b.data[b.len - 1] != '"')
			quoted = 0;
		/* Printable valid input is copied as it is. */
		if (jsonstr_valid_utf8((char *)in, n)) {
			int plain = 1;

			for (i = 0; i < n; i++)
				if (in[i] < 0x20 || in[i] == 0x7f ||
				    in[i] == '"' || in[i] == '\\')
					plain = 0;
			if (plain &&
			    (b.len != n + 2 || memcmp(b.data + 1, in, n) != 0))
				same = 0;
		}
	}
	CHECK(valid);
	CHECK(noctl);
	CHECK(quoted);
	CHECK(same);
	buf_free(&b);
}

/*
 * The contract, one byte at a time and as plainly as it can be written:
 * the reference the fast paths of jsonstr are held to. Writes the literal
 * for the n bytes at s to out (room for n * 6 + 3) and returns how many
 * bytes it replaced with U+FFFD (0: the input is valid UTF-8).
 */
static size_t
reference(const unsigned char *s, size_t n, char *out)
{
	size_t i = 0, o = 0, k, need, bad = 0;
	int    ok;

	out[o++] = '"';
	while (i < n) {
		unsigned char c = s[i], lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			if (c == '"' || c == '\\') {
				out[o++] = '\\';
				out[o++] = (char)c;
			} else if (c == '\b' || c == '\f' || c == '\n' ||
			    c == '\r' || c == '\t') {
				out[o++] = '\\';
				out[o++] = c == '\b' ? 'b'
				    : c == '\f'	     ? 'f'
				    : c == '\n'	     ? 'n'
				    : c == '\r'	     ? 'r'
						     : 't';
			} else if (c < 0x20 || c == 0x7f) {
				o += (size_t)sprintf(out + o, "\\u%04x", c);
			} else
				out[o++] = (char)c;
			i++;
			continue;
		}
		need = c >= 0xc2 && c <= 0xdf ? 2
		    : c >= 0xe0 && c <= 0xef  ? 3
		    : c >= 0xf0 && c <= 0xf4  ? 4
					      : 0;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
		ok = need > 0 && n - i >= need && s[i + 1] >= lo &&
		    s[i + 1] <= hi;
		for (k = 2; ok && k < need; k++)
			ok = s[i + k] >= 0x80 && s[i + k] <= 0xbf;
		if (ok) {
			memcpy(out + o, s + i, need);
			o += need;
			i += need;
		} else {
			memcpy(out + o, FFFD, 3);
			o += 3;
			i++;
			bad++;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return bad;
}

/*
 * Checks jsonstr_append and jsonstr_valid_utf8 against the reference for
 * the n bytes at s.
 */
static int
same_as_reference(const unsigned char *s, size_t n)
{
	static char want[256 * 6 + 3];
	const char *got;
	int	    valid;

	if (n > 256)
		return 0;
	valid = reference(s, n, want) == 0;
	got = enc((const char *)s, n);
	if (strcmp(got, want) == 0 &&
	    jsonstr_valid_utf8((const char *)s, n) == valid)
		return 1;
	fprintf(stderr, "  got  %s\n  want %s (valid %d)\n", got, want, valid);
	return 0;
}

/*
 * Plain bytes are looked at a word at a time: every run length 0..20 and
 * then some, with each kind of byte that ends a run right before and
 * right after it, at every offset into a word. jsonstr_valid_utf8 takes
 * ASCII a word at a time too, and is held to the same inputs.
 */
static void
test_run_boundaries(void)
{
	static const struct {
		const char *in, *out;
	} special[] = {
		{ "\"", "\\\"" },
		{ "\\", "\\\\" },
		{ "\n", "\\n" },
		{ "\x01", "\\u0001" },
		{ "\x1f", "\\u001f" },
		{ "\x7f", "\\u007f" },
		{ "\xc3\xa9", "\xc3\xa9" },
		{ "\xe2\x82\xac", "\xe2\x82\xac" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\x80", FFFD },
		{ "\xff", FFFD },
		{ "\xe2\x82", FFFD FFFD },
		{ "\xed\xa0\x80", FFFD FFFD FFFD },
	};
	/* Plain bytes, the edges of the plain range among them. */
	static const char plain[] = " !#[]~/az09AZ~ ";
	static const char across[] = "abcdefg\xc3\xa9"
				     "abcdefgh";
	char		  in[128], want[256], run1[48], run2[48];
	const char	 *got;
	size_t		  a, b, k, n, len;
	int		  ok = 1;

	for (a = 0; a < 40; a++) {
		for (k = 0; k < a; k++)
			run1[k] = plain[k % (sizeof(plain) - 1)];
		run1[a] = '\0';
		/* The plain run alone, and with its neighbours. */
		snprintf(want, sizeof(want), "\"%s\"", run1);
		if (strcmp(enc(run1, a), want) != 0)
			ok = 0;
		for (k = 0; k < sizeof(special) / sizeof(special[0]); k++) {
			for (b = 0; b < 21; b += a < 21 ? 1 : 7) {
				memset(run2, 'x', b);
				run2[b] = '\0';
				len = strlen(special[k].in);
				n = (size_t)snprintf(in, sizeof(in), "%s%s%s",
				    run1, special[k].in, run2);
				snprintf(want, sizeof(want), "\"%s%s%s\"", run1,
				    special[k].out, run2);
				got = enc(in, n);
				if (strcmp(got, want) != 0) {
					ok = 0;
					fprintf(stderr, "  %zu+%zu+%zu: %s\n",
					    a, len, b, got);
				}
				if (!same_as_reference((unsigned char *)in, n))
					ok = 0;
				/* The special byte twice, a run between. */
				n = (size_t)snprintf(in, sizeof(in), "%s%s%s%s",
				    special[k].in, run1, special[k].in, run2);
				snprintf(want, sizeof(want), "\"%s%s%s%s\"",
				    special[k].out, run1, special[k].out, run2);
				if (strcmp(enc(in, n), want) != 0 ||
				    !same_as_reference((unsigned char *)in, n))
					ok = 0;
			}
		}
	}
	CHECK(ok);
	/* A NUL ends no run early, and is escaped wherever it falls. */
	CHECK_STR(
	    ENC("abcdefg\0abcdefgh\0"), "\"abcdefg\\u0000abcdefgh\\u0000\"");
	CHECK_STR(ENC("abcdefgh\xc3"), "\"abcdefgh" FFFD "\"");
	CHECK_INT(jsonstr_valid_utf8("abcdefgh\xc3", 9), 0);
	/* A sequence across a word's edge, whole and cut off. */
	CHECK_INT(jsonstr_valid_utf8(across, sizeof(across) - 1), 1);
	CHECK_INT(jsonstr_valid_utf8(across, 8), 0);
	CHECK_STR(ENC("\xc3"
		      "abcdefgh"),
	    "\"" FFFD "abcdefgh\"");
}

/*
 * Random inputs made of long plain runs and the bytes between them, held
 * to the reference byte for byte.
 */
static void
test_against_reference(void)
{
	static const unsigned char pick[] = { 0x00, 0x09, 0x1f, 0x20, 0x22,
		0x5c, 0x7e, 0x7f, 0x80, 0xbf, 0xc2, 0xc3, 0xa9, 0xdf, 0xe0,
		0xe2, 0x82, 0xac, 0xed, 0xa0, 0xf0, 0x9f, 0x98, 0xf4, 0x8f,
		0xff };
	uint32_t		   seed = 0x9e3779b9;
	unsigned char		   in[200];
	size_t			   i, n, run;
	int			   round, ok = 1;

	for (round = 0; round < 20000 && ok; round++) {
		n = xorshift(&seed) % sizeof(in);
		for (i = 0; i < n;) {
			uint32_t r = xorshift(&seed);

			if (r & 1) {
				/* A plain run of 0..31 bytes. */
				for (run = (r >> 1) % 32; run > 0 && i < n;
				     run--)
					in[i++] = (unsigned char)(0x20 +
					    xorshift(&seed) % 0x5f);
			} else if (r & 2)
				in[i++] = pick[(r >> 2) % sizeof(pick)];
			else
				in[i++] = (unsigned char)(r >> 8);
		}
		ok = same_as_reference(in, n);
	}
	CHECK(ok);
}

static void
test_limit(void)
{
	struct buf b;

	/* "abc" takes 5 bytes with its quotes. */
	buf_init(&b, 5);
	CHECK_INT(jsonstr_append(&b, "abc", 3), 0);
	CHECK_STR(buf_cstr(&b), "\"abc\"");
	buf_free(&b);

	buf_init(&b, 4);
	CHECK_INT(jsonstr_append(&b, "abc", 3), -1);
	CHECK_INT(b.len, 0);
	CHECK_STR(buf_cstr(&b), "");
	buf_free(&b);

	/* Fails in the middle of an escape, after a prefix: unchanged. */
	buf_init(&b, 11);
	CHECK_INT(buf_puts(&b, "pre:"), 0);
	CHECK_INT(jsonstr_append(&b, "ab\x01", 3), -1);
	CHECK_INT(b.len, 4);
	CHECK_STR(buf_cstr(&b), "pre:");
	CHECK_INT(jsonstr_append(&b, "\xff\xff", 2), -1); /* 4 + 8 > 11 */
	CHECK_STR(buf_cstr(&b), "pre:");
	CHECK_INT(jsonstr_append(&b, "\xff", 1), 0); /* 4 + 5 */
	CHECK_STR(buf_cstr(&b), "pre:\"" FFFD "\"");
	CHECK_INT(jsonstr_append(&b, "", 0), 0);  /* 9 + 2 */
	CHECK_INT(jsonstr_append(&b, "", 0), -1); /* 11 + 2 > 11 */
	CHECK_STR(buf_cstr(&b), "pre:\"" FFFD "\"\"\"");
	buf_free(&b);
}

int
main(void)
{
	RUN(test_ascii);
	RUN(test_escapes);
	RUN(test_controls);
	RUN(test_nul);
	RUN(test_valid_multibyte);
	RUN(test_invalid);
	RUN(test_truncated);
	RUN(test_random);
	RUN(test_run_boundaries);
	RUN(test_against_reference);
	RUN(test_limit);
	return harness_result();
}
