/* Unit tests for output (and record): every field of a JSON line. */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "harness.h"
#include "hdrs.h"
#include "jsonstr.h"
#include "fallback.h"
#include "output.h"
#include "record.h"

HARNESS_MAIN;

#define FFFD "\xef\xbf\xbd"

/* The top-level keys, in the order output writes them. */
static const char *const keys[] = { "index", "url", "state", "status",
	"final_url", "redirects", "http_version", "size", "content_type", "ip",
	"attempts", "time", "error" };
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const time_keys[] = { "queue", "dns", "connect", "tls",
	"ttfb", "total" };

/* Copies n bytes into a new NUL-terminated string, as the fetch would. */
static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Set: records are written by output_fallback() instead. */
static int use_fallback;

/* Writes rec to out with a writer of its own, as a first record. */
static int
write_record(struct buf *out, const struct record *rec)
{
	struct output *o;
	int	       rc;

	if (use_fallback)
		return output_fallback(out, rec);
	o = output_new();

	CHECK(o != NULL);
	if (o == NULL)
		return -1;
	rc = output_record(o, out, rec);
	output_free(o);
	return rc;
}

/*
 * Writes rec, checks the line's shape (one '\n', at the end, no NUL, valid
 * UTF-8, valid JSON and nothing after it) and that its keys are the
 * contract's, then exactly the nextra extra ones given, in that order.
 * Returns the parsed line (the caller deletes it), or NULL; the raw line is
 * copied to raw (may be NULL).
 */
static cJSON *
write_extras(const struct record *rec, const char *const *extra, size_t nextra,
    char *raw, size_t rawsize)
{
	struct buf  out;
	const char *line, *end = NULL;
	cJSON	   *root, *item;
	size_t	    i, n;

	buf_init(&out, 1 << 22);
	CHECK_INT(write_record(&out, rec), 0);
	line = buf_cstr(&out);
	if (line == NULL || out.len == 0) {
		CHECK(0);
		buf_free(&out);
		return NULL;
	}
	CHECK(line[out.len - 1] == '\n');
	CHECK(memchr(line, '\n', out.len - 1) == NULL);
	CHECK(memchr(line, '\0', out.len) == NULL);
	CHECK(jsonstr_valid_utf8(line, out.len));
	if (raw != NULL) {
		n = out.len < rawsize ? out.len : rawsize - 1;
		memcpy(raw, line, n);
		raw[n] = '\0';
	}
	/*
	 * The length counts the terminating NUL: cJSON's "null terminated"
	 * check wants to find it inside the buffer after the trailing '\n'.
	 */
	root = cJSON_ParseWithLengthOpts(line, out.len + 1, &end, 1);
	CHECK(root != NULL);
	CHECK(end == line + out.len);
	buf_free(&out);
	if (root == NULL)
		return NULL;
	CHECK(cJSON_IsObject(root));
	CHECK_INT(cJSON_GetArraySize(root), NKEYS + nextra);
	for (i = 0, item = root->child; item != NULL; i++, item = item->next)
		if (i < NKEYS)
			CHECK_STR(item->string, keys[i]);
		else if (i < NKEYS + nextra)
			CHECK_STR(item->string, extra[i - NKEYS]);
	return root;
}

/* write_extras() for a record with no optional fields. */
static cJSON *
write_and_parse(const struct record *rec, char *raw, size_t rawsize)
{
	return write_extras(rec, NULL, 0, raw, rawsize);
}

static const cJSON *
get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Checks obj[key] is a number equal to want (to 1e-9). */
#define CHECK_NUM(obj, key, want)                                              \
	do {                                                                   \
		const cJSON *n_ = get(obj, key);                               \
		int	     ok_ = cJSON_IsNumber(n_) &&                       \
		    fabs(n_->valuedouble - (double)(want)) <= 1e-9;            \
		CHECK(ok_);                                                    \
		if (!ok_)                                                      \
			fprintf(stderr, "  %s is %.9g, want %.9g\n", key,      \
			    cJSON_IsNumber(n_) ? n_->valuedouble : -1.0,       \
			    (double)(want));                                   \
	} while (0)

#define CHECK_JSTR(obj, key, want)                                             \
	do {                                                                   \
		const cJSON *s_ = get(obj, key);                               \
		CHECK(cJSON_IsString(s_));                                     \
		CHECK_STR(cJSON_IsString(s_) ? s_->valuestring : NULL, want);  \
	} while (0)

#define CHECK_NULL(obj, key) CHECK(cJSON_IsNull(get(obj, key)))

static void
test_names(void)
{
	CHECK_STR(record_state_name(RECORD_DONE), "done");
	CHECK_STR(record_state_name(RECORD_ERROR), "error");
	CHECK_STR(record_state_name(RECORD_CANCELLED), "cancelled");
	CHECK_STR(record_time_name(TIME_QUEUE), "queue");
	CHECK_STR(record_time_name(TIME_TOTAL), "total");
}

static void
test_init(void)
{
	struct record rec;
	int	      i;

	memset(&rec, 0x5a, sizeof(rec));
	record_init(&rec);
	CHECK(rec.url == NULL);
	CHECK(rec.final_url == NULL);
	CHECK(rec.error_message == NULL);
	CHECK_INT(rec.status, 0);
	CHECK_INT(rec.error, ERROR_NONE);
	for (i = 0; i < TIME_COUNT; i++)
		CHECK(rec.time[i] < 0);
}

static void
test_full_record(void)
{
	struct record rec;
	cJSON	     *root;
	const cJSON  *time, *item;
	size_t	      i;

	record_init(&rec);
	rec.index = 42;
	rec.url = strdup("https://example.com/a");
	rec.url_len = strlen(rec.url);
	rec.state = RECORD_DONE;
	rec.status = 200;
	rec.final_url = strdup("https://example.com/b");
	rec.redirects = 1;
	rec.http_version = "1.1";
	rec.size = 12345;
	rec.content_type = strdup("text/html; charset=utf-8");
	rec.ip = strdup("127.0.0.1");
	rec.attempts = 2;
	rec.time[TIME_QUEUE] = 0.5;
	rec.time[TIME_DNS] = 0.001;
	rec.time[TIME_CONNECT] = 0;
	rec.time[TIME_TLS] = -1;
	rec.time[TIME_TTFB] = 0.1234567;
	rec.time[TIME_TOTAL] = 1.25;

	root = write_and_parse(&rec, NULL, 0);
	if (root == NULL) {
		record_clear(&rec);
		return;
	}
	CHECK_NUM(root, "index", 42);
	CHECK_JSTR(root, "url", "https://example.com/a");
	CHECK_JSTR(root, "state", "done");
	CHECK_NUM(root, "status", 200);
	CHECK_JSTR(root, "final_url", "https://example.com/b");
	CHECK_NUM(root, "redirects", 1);
	CHECK_JSTR(root, "http_version", "1.1");
	CHECK_NUM(root, "size", 12345);
	CHECK_JSTR(root, "content_type", "text/html; charset=utf-8");
	CHECK_JSTR(root, "ip", "127.0.0.1");
	CHECK_NUM(root, "attempts", 2);
	CHECK_NULL(root, "error");

	time = get(root, "time");
	CHECK(cJSON_IsObject(time));
	CHECK_INT(cJSON_GetArraySize(time), 6);
	for (i = 0, item = time != NULL ? time->child : NULL;
	     i < 6 && item != NULL; i++, item = item->next)
		CHECK_STR(item->string, time_keys[i]);
	CHECK_NUM(time, "queue", 0.5);
	CHECK_NUM(time, "dns", 0.001);
	/* Zero was measured: a number, not null. */
	CHECK_NUM(time, "connect", 0);
	CHECK_NULL(time, "tls");
	/* Rounded to the microsecond. */
	CHECK_NUM(time, "ttfb", 0.123457);
	CHECK_NUM(time, "total", 1.25);
	cJSON_Delete(root);

	record_clear(&rec);
	CHECK(rec.url == NULL);
	CHECK(rec.content_type == NULL);
}

/* Integers print as integers, large ones too. */
static void
test_integers(void)
{
	struct record rec;
	char	      raw[4096];
	cJSON	     *root;

	record_init(&rec);
	rec.index = 3000000000u;
	rec.url = strdup("http://x/");
	rec.url_len = strlen(rec.url);
	rec.status = 404;
	rec.size = 5000000000LL;
	rec.redirects = 0;
	rec.attempts = 0;
	root = write_and_parse(&rec, raw, sizeof(raw));
	CHECK(strstr(raw, "\"index\":3000000000,") != NULL);
	CHECK(strstr(raw, "\"size\":5000000000,") != NULL);
	CHECK(strstr(raw, "\"status\":404,") != NULL);
	CHECK(strstr(raw, "\"redirects\":0,") != NULL);
	CHECK(strstr(raw, "\"attempts\":0,") != NULL);
	if (root != NULL) {
		CHECK_NUM(root, "index", 3000000000.0);
		CHECK_NUM(root, "size", 5000000000.0);
	}
	cJSON_Delete(root);
	record_clear(&rec);
}

/* Seconds are fixed decimals to the microsecond, no exponent, no zeros. */
static void
test_seconds_text(void)
{
	static const struct {
		double	    t;
		const char *text;
	} cases[] = {
		{ 0, "\"queue\":0," },
		{ 0.000123, "\"queue\":0.000123," },
		{ 0.0000004, "\"queue\":0," },
		{ 0.0000006, "\"queue\":0.000001," },
		{ 1.5, "\"queue\":1.5," },
		{ 2, "\"queue\":2," },
		{ 12.345678, "\"queue\":12.345678," },
		{ 3.05, "\"queue\":3.05," },
		{ -1, "\"queue\":null," },
	};
	struct record rec;
	char	      raw[4096];
	cJSON	     *root;
	size_t	      i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		record_init(&rec);
		rec.time[TIME_QUEUE] = cases[i].t;
		root = write_and_parse(&rec, raw, sizeof(raw));
		CHECK(root != NULL);
		if (strstr(raw, cases[i].text) == NULL)
			fprintf(stderr, "want %s in %s\n", cases[i].text, raw);
		CHECK(strstr(raw, cases[i].text) != NULL);
		if (root != NULL && cases[i].t >= 0) {
			const cJSON *q = cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(root, "time"),
			    "queue");

			CHECK(cJSON_IsNumber(q) &&
			    fabs(q->valuedouble - cases[i].t) < 0.5e-6 + 1e-12);
		}
		cJSON_Delete(root);
	}
}

static void
test_error_record(void)
{
	struct record rec;
	cJSON	     *root;
	const cJSON  *err, *time;
	int	      i;

	record_init(&rec);
	rec.index = 7;
	rec.url = strdup("http://nowhere.invalid/");
	rec.url_len = strlen(rec.url);
	CHECK_INT(record_set_error(&rec, RECORD_ERROR, ERROR_DNS,
		      "Could not resolve host: nowhere.invalid"),
	    0);
	rec.attempts = 1;
	root = write_and_parse(&rec, NULL, 0);
	if (root == NULL) {
		record_clear(&rec);
		return;
	}
	CHECK_JSTR(root, "state", "error");
	/* No response: status and the response's strings are null. */
	CHECK_NULL(root, "status");
	CHECK_NULL(root, "final_url");
	CHECK_NULL(root, "http_version");
	CHECK_NULL(root, "content_type");
	CHECK_NULL(root, "ip");
	CHECK_NUM(root, "size", 0);
	CHECK_NUM(root, "redirects", 0);
	time = get(root, "time");
	CHECK_INT(cJSON_GetArraySize(time), 6);
	for (i = 0; i < 6; i++)
		CHECK_NULL(time, time_keys[i]);
	err = get(root, "error");
	CHECK(cJSON_IsObject(err));
	CHECK_INT(cJSON_GetArraySize(err), 2);
	CHECK_JSTR(err, "code", "dns");
	CHECK_JSTR(err, "message", "Could not resolve host: nowhere.invalid");
	cJSON_Delete(root);
	record_clear(&rec);
}

static void
test_cancelled_record(void)
{
	struct record rec;
	cJSON	     *root;
	const cJSON  *err;

	record_init(&rec);
	rec.url = strdup("http://slow/");
	rec.url_len = strlen(rec.url);
	record_set_error(&rec, RECORD_CANCELLED, ERROR_CANCELLED, "deadline");
	/* A second call replaces the first message (no leak either). */
	record_set_error(&rec, RECORD_CANCELLED, ERROR_CANCELLED, "signal");
	root = write_and_parse(&rec, NULL, 0);
	if (root != NULL) {
		CHECK_JSTR(root, "state", "cancelled");
		CHECK_NUM(root, "attempts", 0);
		err = get(root, "error");
		CHECK_JSTR(err, "code", "cancelled");
		CHECK_JSTR(err, "message", "signal");
	}
	cJSON_Delete(root);
	record_clear(&rec);
}

/* Crawl fields: depth, parent, and links only for a parsed page. */
static void
test_crawl_fields(void)
{
	static const char *const with_links[] = { "depth", "parent", "links" };
	struct record		 rec;
	cJSON			*root;
	const cJSON		*links;

	record_init(&rec);
	rec.url = strdup("http://a/");
	rec.url_len = strlen(rec.url);
	rec.extras = RECORD_CRAWL;
	root = write_extras(&rec, with_links, 2, NULL, 0);
	if (root != NULL) {
		CHECK_NUM(root, "depth", 0);
		CHECK_NULL(root, "parent");
		CHECK(get(root, "links") == NULL);
	}
	cJSON_Delete(root);
	rec.depth = 2;
	rec.parent = 7;
	rec.parsed = 1;
	root = write_extras(&rec, with_links, 3, NULL, 0);
	if (root != NULL) {
		CHECK_NUM(root, "parent", 7);
		CHECK(cJSON_IsArray(get(root, "links")));
		CHECK_INT(cJSON_GetArraySize(get(root, "links")), 0);
	}
	cJSON_Delete(root);
	CHECK_INT(record_add_link(&rec, "http://a/x"), 0);
	CHECK_INT(record_add_link(&rec, "http://a/\"q\""), 0);
	root = write_extras(&rec, with_links, 3, NULL, 0);
	if (root != NULL) {
		links = get(root, "links");
		CHECK_INT(cJSON_GetArraySize(links), 2);
		CHECK_STR(
		    cJSON_GetArrayItem(links, 0)->valuestring, "http://a/x");
		CHECK_STR(cJSON_GetArrayItem(links, 1)->valuestring,
		    "http://a/\"q\"");
	}
	cJSON_Delete(root);
	record_clear(&rec);
}

/*
 * The fallback for a record output_record() had no memory for: the same
 * keys (links aside), its index and URL, the rest null, an internal error.
 */
static void
test_fallback(void)
{
	static const char *const extras[] = { "depth", "parent", "headers",
		"body", "path" };
	struct record		 rec;
	cJSON			*root;
	const cJSON		*err, *times, *t;

	record_init(&rec);
	rec.index = 12345678901ULL;
	rec.url = strdup("http://a/\"q\"\x01");
	rec.url_len = strlen(rec.url);
	rec.state = RECORD_DONE;
	rec.status = 200;
	rec.attempts = 2;
	rec.depth = 3;
	rec.parent = 9;
	rec.parsed = 1;
	rec.extras = RECORD_CRAWL | RECORD_HEADERS | RECORD_BODY | RECORD_PATH;
	use_fallback = 1;
	root = write_extras(&rec, extras, 5, NULL, 0);
	use_fallback = 0;
	if (root != NULL) {
		CHECK_NUM(root, "index", 12345678901.0);
		CHECK_JSTR(root, "url", "http://a/\"q\"\x01");
		CHECK_JSTR(root, "state", "error");
		CHECK_NULL(root, "status");
		CHECK_NUM(root, "attempts", 2);
		CHECK_NUM(root, "depth", 3);
		CHECK_NUM(root, "parent", 9);
		CHECK_NULL(root, "headers");
		CHECK_NULL(root, "body");
		CHECK_NULL(root, "path");
		times = get(root, "time");
		CHECK_INT(cJSON_GetArraySize(times), TIME_COUNT);
		cJSON_ArrayForEach(t, times) CHECK(cJSON_IsNull(t));
		err = get(root, "error");
		CHECK_JSTR(err, "code", "internal");
		CHECK_JSTR(err, "message", "out of memory writing the record");
	}
	cJSON_Delete(root);
	/* A seed: parent null. */
	rec.parent = -1;
	rec.extras = RECORD_CRAWL;
	use_fallback = 1;
	root = write_extras(&rec, extras, 2, NULL, 0);
	use_fallback = 0;
	if (root != NULL)
		CHECK_NULL(root, "parent");
	cJSON_Delete(root);
	record_clear(&rec);
}

/* An error without a message still says something. */
static void
test_error_without_message(void)
{
	struct record rec;
	cJSON	     *root;

	record_init(&rec);
	rec.state = RECORD_ERROR;
	rec.error = ERROR_TIMEOUT;
	root = write_and_parse(&rec, NULL, 0);
	if (root != NULL) {
		/* A NULL url is null, not a crash. */
		CHECK_NULL(root, "url");
		CHECK_JSTR(get(root, "error"), "code", "timeout");
		CHECK_JSTR(get(root, "error"), "message", "out of memory");
	}
	cJSON_Delete(root);
}

static void
test_url_with_nul(void)
{
	static const char url[] = "http://a.example/x\0y?z=1";
	struct record	  rec;
	char		  raw[4096];
	cJSON		 *root;
	const cJSON	 *u;

	record_init(&rec);
	rec.url_len = sizeof(url) - 1;
	rec.url = dup_n(url, rec.url_len);
	root = write_and_parse(&rec, raw, sizeof(raw));
	CHECK(
	    strstr(raw, "\"url\":\"http://a.example/x\\u0000y?z=1\"") != NULL);
	u = root != NULL ? get(root, "url") : NULL;
	CHECK(cJSON_IsString(u));
	/* cJSON keeps the NUL; everything after it is there too. */
	if (cJSON_IsString(u))
		CHECK(memcmp(u->valuestring, url, sizeof(url)) == 0);
	cJSON_Delete(root);
	record_clear(&rec);
}

static void
test_invalid_utf8(void)
{
	static const char url[] = "http://a/\xff\xfe"
				  "ok";
	struct record	  rec;
	cJSON		 *root;

	record_init(&rec);
	rec.url_len = sizeof(url) - 1;
	rec.url = dup_n(url, rec.url_len);
	rec.status = 200;
	rec.content_type = strdup("text/plain; x=\xc3");
	rec.final_url = strdup("http://a/\xed\xa0\x80"); /* a surrogate */
	record_set_error(&rec, RECORD_ERROR, ERROR_PROTOCOL,
	    "bad \x80 byte and \xc0\xaf overlong");
	root = write_and_parse(&rec, NULL, 0);
	if (root != NULL) {
		CHECK_JSTR(root, "url", "http://a/" FFFD FFFD "ok");
		CHECK_JSTR(root, "content_type", "text/plain; x=" FFFD);
		CHECK_JSTR(root, "final_url", "http://a/" FFFD FFFD FFFD);
		CHECK_JSTR(get(root, "error"), "message",
		    "bad " FFFD " byte and " FFFD FFFD " overlong");
	}
	cJSON_Delete(root);
	record_clear(&rec);
}

/* Valid UTF-8 and escapes come through unchanged. */
static void
test_escapes(void)
{
	struct record rec;
	cJSON	     *root;

	record_init(&rec);
	rec.url = strdup("http://h/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\\");
	rec.url_len = strlen(rec.url);
	record_set_error(
	    &rec, RECORD_ERROR, ERROR_RESET, "line one\nline two\r\n\ttab");
	root = write_and_parse(&rec, NULL, 0);
	if (root != NULL) {
		CHECK_JSTR(root, "url",
		    "http://h/\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"\\");
		CHECK_JSTR(get(root, "error"), "message",
		    "line one\nline two\r\n\ttab");
	}
	cJSON_Delete(root);
	record_clear(&rec);
}

/* Records append: two calls, two whole lines. */
static void
test_appends(void)
{
	struct record  rec;
	struct buf     out;
	struct output *o;
	const char    *s, *nl;

	if ((o = output_new()) == NULL) {
		CHECK(0);
		return;
	}
	record_init(&rec);
	rec.url = strdup("http://x/");
	rec.url_len = strlen(rec.url);
	buf_init(&out, 1 << 16);
	rec.index = 0;
	CHECK_INT(output_record(o, &out, &rec), 0);
	rec.index = 1;
	CHECK_INT(output_record(o, &out, &rec), 0);
	s = buf_cstr(&out);
	CHECK(s != NULL && strncmp(s, "{\"index\":0,", 11) == 0);
	nl = s != NULL ? strchr(s, '\n') : NULL;
	CHECK(nl != NULL && strncmp(nl + 1, "{\"index\":1,", 11) == 0);
	CHECK(nl != NULL && strchr(nl + 1, '\n') == s + out.len - 1);
	buf_free(&out);
	record_clear(&rec);
	output_free(o);
}

/* Past the buffer's limit: -1, and what was there is left whole. */
static void
test_limit(void)
{
	struct record  rec;
	struct buf     out;
	struct output *o;
	size_t	       n;

	/* One writer throughout: each record gets its own out's limit. */
	if ((o = output_new()) == NULL) {
		CHECK(0);
		return;
	}
	record_init(&rec);
	rec.url = strdup("http://x/");
	rec.url_len = strlen(rec.url);

	buf_init(&out, 1 << 16);
	CHECK_INT(output_record(o, &out, &rec), 0);
	n = out.len; /* the line and its '\n' */
	buf_free(&out);

	buf_init(&out, 10);
	CHECK_INT(output_record(o, &out, &rec), REPORT_ERR_NOMEM);
	CHECK_INT(out.len, 0);
	buf_free(&out);

	/* Room for the text but not its '\n': taken back, not half-written. */
	buf_init(&out, 2 + n - 1);
	CHECK_INT(buf_puts(&out, "x\n"), 0);
	CHECK_INT(output_record(o, &out, &rec), REPORT_ERR_NOMEM);
	CHECK_INT(out.len, 2);
	CHECK_STR(buf_cstr(&out), "x\n");
	buf_free(&out);

	/* Exactly enough room. */
	buf_init(&out, 2 + n);
	CHECK_INT(buf_puts(&out, "x\n"), 0);
	CHECK_INT(output_record(o, &out, &rec), 0);
	CHECK_INT(out.len, 2 + n);
	buf_free(&out);
	record_clear(&rec);
	output_free(o);
}

/*
 * Strings other than the URL may be long too: a redirect's Location can
 * make final_url far longer than the URL read.
 */
static void
test_long_strings(void)
{
	enum { LONG = 70000 };
	struct record rec;
	cJSON	     *root;
	char	     *ct;

	record_init(&rec);
	rec.url = strdup("http://x/");
	rec.url_len = strlen(rec.url);
	rec.status = 200;
	rec.final_url = malloc(LONG + 1);
	memset(rec.final_url, 'a', LONG);
	memcpy(rec.final_url, "http://x/", 9);
	rec.final_url[LONG] = '\0';
	/* Control bytes escape to six bytes each. */
	ct = malloc(LONG + 1);
	memset(ct, '\x01', LONG);
	ct[LONG] = '\0';
	rec.content_type = ct;
	root = write_and_parse(&rec, NULL, 0);
	if (root != NULL) {
		const cJSON *f = get(root, "final_url");
		const cJSON *c = get(root, "content_type");

		CHECK(cJSON_IsString(f) && strlen(f->valuestring) == LONG);
		CHECK(cJSON_IsString(c) && strlen(c->valuestring) == LONG);
	}
	cJSON_Delete(root);
	record_clear(&rec);
}

static void
init_done(struct record *rec)
{
	record_init(rec);
	rec->url = strdup("http://h/");
	rec->url_len = strlen(rec->url);
	rec->state = RECORD_DONE;
	rec->status = 200;
}

static void
test_extras_null(void)
{
	static const char *const extra[] = { "headers", "body", "path" };
	struct record		 rec;
	char			 raw[4096];
	cJSON			*root;

	/* Asked for, with nothing to show: present, and null. */
	init_done(&rec);
	rec.extras = RECORD_HEADERS | RECORD_BODY | RECORD_PATH;
	if ((root = write_extras(&rec, extra, 3, raw, sizeof(raw))) != NULL) {
		CHECK_NULL(root, "headers");
		CHECK_NULL(root, "body");
		CHECK_NULL(root, "path");
		CHECK(get(root, "body_base64") == NULL);
		cJSON_Delete(root);
	}
	/* Not asked for: absent, whatever the record holds. */
	rec.extras = 0;
	rec.path = strdup("out/x");
	root = write_and_parse(&rec, NULL, 0);
	cJSON_Delete(root);
	/* One alone. */
	rec.extras = RECORD_PATH;
	if ((root = write_extras(&rec, extra + 2, 1, raw, sizeof(raw))) !=
	    NULL) {
		CHECK_JSTR(root, "path", "out/x");
		cJSON_Delete(root);
	}
	record_clear(&rec);
}

static void
test_extras_values(void)
{
	static const char *const extra[] = { "headers", "body", "path" };
	static const char	 body[] = "h\xc3\xa9llo\0world\n";
	static const char	 nulhdr[] = "X-Nul: a\0b\r\n";
	struct record		 rec;
	char			 raw[4096];
	cJSON			*root;
	const cJSON		*h;

	init_done(&rec);
	rec.extras = RECORD_HEADERS | RECORD_BODY | RECORD_PATH;
	if ((rec.headers = hdrs_new(4096)) == NULL) {
		CHECK(0);
		record_clear(&rec);
		return;
	}
	hdrs_feed(rec.headers, "HTTP/1.1 200 OK\r\n", 17);
	hdrs_feed(rec.headers, "Content-Type: text/plain\r\n", 26);
	hdrs_feed(rec.headers, "X-Bad: \xff\"q\"\r\n", 13);
	hdrs_feed(rec.headers, "Set-Cookie: a\r\n", 15);
	hdrs_feed(rec.headers, "set-cookie: b\r\n", 15);
	hdrs_feed(rec.headers, nulhdr, sizeof(nulhdr) - 1);
	rec.body_len = sizeof(body) - 1;
	rec.body = malloc(rec.body_len);
	memcpy(rec.body, body, rec.body_len);
	rec.path = strdup("dir/000000-h_");
	if ((root = write_extras(&rec, extra, 3, raw, sizeof(raw))) == NULL) {
		record_clear(&rec);
		return;
	}
	h = get(root, "headers");
	CHECK(cJSON_IsObject(h));
	CHECK_INT(cJSON_GetArraySize(h), 4);
	CHECK_JSTR(h, "content-type", "text/plain");
	CHECK_JSTR(h, "x-bad", FFFD "\"q\"");
	CHECK_JSTR(h, "set-cookie", "a, b");
	/* NUL bytes survive as \u0000, in headers and body alike. */
	CHECK(strstr(raw, "\"x-nul\":\"a\\u0000b\"") != NULL);
	CHECK(strstr(raw, "\"body\":\"h\xc3\xa9llo\\u0000world\\n\"") != NULL);
	CHECK(get(root, "body_base64") == NULL);
	CHECK_JSTR(root, "path", "dir/000000-h_");
	cJSON_Delete(root);
	record_clear(&rec);
}

static void
test_body_base64(void)
{
	static const char *const extra[] = { "body_base64" };
	static const struct {
		const char *body;
		size_t	    len;
		const char *want;
	} table[] = {
		{ "\xff", 1, "/w==" },
		{ "\xff\xfe", 2, "//4=" },
		{ "\xff\xfe\xfd", 3, "//79" },
		{ "\xfb\xff", 2, "+/8=" },
		{ "\x80", 1, "gA==" },
		{ "foob\xe2\x82", 6, "Zm9vYuKC" },
		{ "\0\0\0\xc0", 4, "AAAAwA==" },
	};
	struct record rec;
	char	      raw[4096];
	cJSON	     *root;
	size_t	      i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		init_done(&rec);
		rec.extras = RECORD_BODY;
		rec.body_len = table[i].len;
		rec.body = malloc(rec.body_len);
		memcpy(rec.body, table[i].body, rec.body_len);
		root = write_extras(&rec, extra, 1, raw, sizeof(raw));
		if (root != NULL) {
			CHECK_JSTR(root, "body_base64", table[i].want);
			CHECK(get(root, "body") == NULL);
			cJSON_Delete(root);
		}
		record_clear(&rec);
	}
	/* An empty body is valid UTF-8: "body": "". */
	init_done(&rec);
	rec.extras = RECORD_BODY;
	rec.body = strdup("");
	root = write_extras(
	    &rec, (const char *const[]){ "body" }, 1, raw, sizeof(raw));
	if (root != NULL) {
		CHECK_JSTR(root, "body", "");
		cJSON_Delete(root);
	}
	record_clear(&rec);
}

/* A body far longer than the other strings still fits its scratch room. */
static void
test_big_body(void)
{
	struct record  rec;
	struct buf     out;
	struct output *o;
	size_t	       n = 3 * 1024 * 1024;

	if ((o = output_new()) == NULL) {
		CHECK(0);
		return;
	}
	init_done(&rec);
	rec.extras = RECORD_BODY;
	rec.body_len = n;
	rec.body = malloc(n);
	if (rec.body == NULL) {
		CHECK(0);
		return;
	}
	/* Control bytes: the escaping is at its longest, 6 bytes each. */
	memset(rec.body, 0x01, n);
	buf_init(&out, 64 << 20);
	CHECK_INT(output_record(o, &out, &rec), 0);
	CHECK(out.len > 6 * n);
	buf_clear(&out);
	rec.body[0] = (char)0xff;
	CHECK_INT(output_record(o, &out, &rec), 0);
	CHECK(out.len > n * 4 / 3 && out.len < 6 * n);
	buf_free(&out);
	record_clear(&rec);
	output_free(o);
}

/*
 * A record with every field that has a value (the most raw values one
 * record has), for the tests below. The caller clears it.
 */
static int
init_full(struct record *rec)
{
	static const char   url[] = "http://h/a b\"\\\x01\xff\0z";
	static const char   status[] = "HTTP/2 302\r\n";
	static const char   location[] = "Location: /\xc3\xa9\r\n";
	static const char   bad[] = "X-Bad: \xff\x7f\r\n";
	static const double times[TIME_COUNT] = { 0, 0.000001, 0.5, 1.25,
		12.345678, 1e13 };
	int		    i;

	record_init(rec);
	rec->index = 12;
	rec->url_len = sizeof(url) - 1;
	rec->url = dup_n(url, rec->url_len);
	rec->status = 302;
	rec->final_url = strdup("http://h/\xc3\xa9");
	rec->redirects = 3;
	rec->http_version = "2";
	rec->size = 1234567890123LL;
	rec->content_type = strdup("text/html; charset=\"x\"");
	rec->ip = strdup("::1");
	rec->attempts = 4;
	for (i = 0; i < TIME_COUNT; i++)
		rec->time[i] = times[i];
	rec->extras = RECORD_HEADERS | RECORD_BODY | RECORD_PATH;
	rec->headers = hdrs_new(4096);
	rec->body = strdup("ok\n\t");
	rec->body_len = 4;
	rec->path = strdup("out/000012-h_");
	if (rec->url == NULL || rec->final_url == NULL ||
	    rec->content_type == NULL || rec->ip == NULL ||
	    rec->headers == NULL || rec->body == NULL || rec->path == NULL ||
	    record_set_error(rec, RECORD_ERROR, ERROR_TIMEOUT,
		"timed out after 5000 ms\n") == -1)
		return -1;
	hdrs_feed(rec->headers, status, sizeof(status) - 1);
	hdrs_feed(rec->headers, location, sizeof(location) - 1);
	hdrs_feed(rec->headers, bad, sizeof(bad) - 1);
	return 0;
}

/* The whole line, byte for byte, for a record that fills every field. */
static void
test_exact_line(void)
{
	static const char want[] =
	    "{\"index\":12,"
	    "\"url\":\"http://h/a b\\\"\\\\\\u0001\xef\xbf\xbd\\u0000z\","
	    "\"state\":\"error\",\"status\":302,"
	    "\"final_url\":\"http://h/\xc3\xa9\",\"redirects\":3,"
	    "\"http_version\":\"2\",\"size\":1234567890123,"
	    "\"content_type\":\"text/html; charset=\\\"x\\\"\","
	    "\"ip\":\"::1\",\"attempts\":4,\"time\":{\"queue\":0,"
	    "\"dns\":0.000001,\"connect\":0.5,\"tls\":1.25,"
	    "\"ttfb\":12.345678,\"total\":1000000000000},"
	    "\"error\":{\"code\":\"timeout\","
	    "\"message\":\"timed out after 5000 ms\\n\"},"
	    "\"headers\":{\"location\":\"/\xc3\xa9\","
	    "\"x-bad\":\"\xef\xbf\xbd\\u007f\"},\"body\":\"ok\\n\\t\","
	    "\"path\":\"out/000012-h_\"}\n";
	struct record rec;
	struct buf    out;

	buf_init(&out, 1 << 16);
	if (init_full(&rec) == 0) {
		CHECK_INT(write_record(&out, &rec), 0);
		CHECK_STR(buf_cstr(&out), want);
	} else
		CHECK(0);
	buf_free(&out);
	record_clear(&rec);
}

/*
 * One writer for many records keeps its scratch space: a record after a
 * far bigger one (past what is kept) and after a failed one comes out
 * exactly as from a new writer.
 */
static void
test_writer_reuse(void)
{
	enum { LONG = 300 * 1024 };
	struct record  full, big;
	struct output *o;
	struct buf     out, fresh;
	char	      *first = NULL;
	int	       round;

	if ((o = output_new()) == NULL) {
		CHECK(0);
		return;
	}
	buf_init(&out, 8 << 20);
	buf_init(&fresh, 1 << 16);
	init_done(&big);
	big.final_url = malloc(LONG + 1);
	if (init_full(&full) == -1 || big.final_url == NULL ||
	    write_record(&fresh, &full) == -1) {
		CHECK(0);
		goto out;
	}
	memset(big.final_url, 'a', LONG);
	big.final_url[LONG] = '\0';
	for (round = 0; round < 3; round++) {
		buf_clear(&out);
		CHECK_INT(output_record(o, &out, &full), 0);
		CHECK_STR(buf_cstr(&out), buf_cstr(&fresh));
		CHECK_INT(output_record(o, &out, &big), 0);
		CHECK(out.len > fresh.len + LONG);
		/* Too big for what is left: refused, and nothing is lost. */
		out.limit = out.len + fresh.len - 1;
		CHECK_INT(output_record(o, &out, &full), REPORT_ERR_NOMEM);
		out.limit = 8 << 20;
		first = strchr(buf_cstr(&out), '\n');
		CHECK(first != NULL && first[1] == '{');
		CHECK(strchr(first + 1, '\n') == out.data + out.len - 1);
	}
	buf_clear(&out);
	CHECK_INT(output_record(o, &out, &full), 0);
	CHECK_STR(buf_cstr(&out), buf_cstr(&fresh));
out:
	buf_free(&out);
	buf_free(&fresh);
	record_clear(&full);
	record_clear(&big);
	output_free(o);
}

int
main(void)
{
	RUN(test_names);
	RUN(test_init);
	RUN(test_full_record);
	RUN(test_integers);
	RUN(test_seconds_text);
	RUN(test_error_record);
	RUN(test_cancelled_record);
	RUN(test_crawl_fields);
	RUN(test_error_without_message);
	RUN(test_url_with_nul);
	RUN(test_invalid_utf8);
	RUN(test_escapes);
	RUN(test_appends);
	RUN(test_limit);
	RUN(test_long_strings);
	RUN(test_extras_null);
	RUN(test_extras_values);
	RUN(test_body_base64);
	RUN(test_big_body);
	RUN(test_exact_line);
	RUN(test_writer_reuse);
	RUN(test_fallback);
	return harness_result();
}
