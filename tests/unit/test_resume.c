/* Unit tests for resume: which lines count, URL matching, bad files. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "harness.h"
#include "output.h"
#include "record.h"
#include "resume.h"

HARNESS_MAIN;

/* Each test's own directory, and the file in it that resume reads. */
struct fx {
	char dir[64];
	char path[128];
};

static void
fx_open(struct fx *fx)
{
	CHECK(snprintf(fx->dir, sizeof(fx->dir), "/tmp/afetch-resume-XXXXXX") >
	    0);
	CHECK(mkdtemp(fx->dir) != NULL);
	CHECK(
	    snprintf(fx->path, sizeof(fx->path), "%s/out.jsonl", fx->dir) > 0);
}

static void
fx_close(struct fx *fx)
{
	unlink(fx->path);
	CHECK_INT(rmdir(fx->dir), 0);
}

/* Writes len bytes as the file at fx->path, replacing it. */
static void
write_file(struct fx *fx, const char *data, size_t len)
{
	FILE *f = fopen(fx->path, "wb");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	CHECK(fwrite(data, 1, len, f) == len);
	CHECK(fclose(f) == 0);
}

static void
write_text(struct fx *fx, const char *text)
{
	write_file(fx, text, strlen(text));
}

/* Appends the JSON line output writes for a record with this URL. */
static void
add_record(
    struct buf *out, const char *url, size_t len, enum record_state state)
{
	struct record  rec;
	struct output *o;

	record_init(&rec);
	rec.index = 7;
	rec.url = malloc(len + 1);
	CHECK(rec.url != NULL);
	if (rec.url == NULL)
		return;
	memcpy(rec.url, url, len);
	rec.url[len] = '\0';
	rec.url_len = len;
	rec.state = state;
	if (state == RECORD_DONE)
		rec.status = 200;
	else
		CHECK_INT(
		    record_set_error(&rec, state,
			state == RECORD_ERROR ? ERROR_DNS : ERROR_CANCELLED,
			"why"),
		    0);
	o = output_new();
	CHECK(o != NULL);
	if (o != NULL)
		CHECK_INT(output_record(o, out, &rec), 0);
	output_free(o);
	record_clear(&rec);
}

static struct resume *
load(struct fx *fx)
{
	char	       err[256];
	struct resume *r;

	err[0] = 'x';
	r = resume_load(fx->path, err, sizeof(err));
	CHECK(r != NULL);
	if (r == NULL)
		fprintf(stderr, "resume_load: %s\n", err);
	return r;
}

static int
done_str(const struct resume *r, const char *url)
{
	return resume_done(r, url, strlen(url));
}

static void
test_missing_file(void)
{
	char	       err[64] = "untouched";
	struct resume *r;
	struct fx      fx;

	fx_open(&fx);
	/* Nothing was written to fx.path. */
	r = resume_load(fx.path, err, sizeof(err));
	CHECK(r != NULL);
	CHECK_STR(err, "");
	CHECK_INT(resume_count(r), 0);
	CHECK_INT(done_str(r, "http://a/"), 0);
	CHECK_INT(resume_unterminated(r), 0);
	resume_free(r);
	resume_free(NULL);
	CHECK_INT(resume_count(NULL), 0);
	CHECK_INT(resume_done(NULL, "x", 1), 0);
	fx_close(&fx);
}

static void
test_states(void)
{
	struct buf     out;
	struct resume *r;
	struct fx      fx;

	fx_open(&fx);
	buf_init(&out, 1 << 20);
	add_record(&out, "http://a/", 9, RECORD_DONE);
	add_record(&out, "http://b/", 9, RECORD_ERROR);
	add_record(&out, "http://c/", 9, RECORD_CANCELLED);
	add_record(&out, "example.com/x", 13, RECORD_DONE);
	/* Twice done is one URL. */
	add_record(&out, "http://a/", 9, RECORD_DONE);
	/* Error first, then done: done wins. */
	add_record(&out, "http://d/", 9, RECORD_ERROR);
	add_record(&out, "http://d/", 9, RECORD_DONE);
	write_file(&fx, out.data, out.len);
	r = load(&fx);
	CHECK_INT(resume_count(r), 3);
	CHECK_INT(done_str(r, "http://a/"), 1);
	CHECK_INT(done_str(r, "http://b/"), 0);
	CHECK_INT(done_str(r, "http://c/"), 0);
	CHECK_INT(done_str(r, "http://d/"), 1);
	CHECK_INT(done_str(r, "example.com/x"), 1);
	/* As read, not normalised: exact bytes only. */
	CHECK_INT(done_str(r, "http://example.com/x"), 0);
	CHECK_INT(done_str(r, "HTTP://a/"), 0);
	CHECK_INT(done_str(r, "http://a"), 0);
	CHECK_INT(done_str(r, ""), 0);
	CHECK_INT(resume_unterminated(r), 0);
	resume_free(r);
	buf_free(&out);
	fx_close(&fx);
}

static void
test_invalid_lines(void)
{
	static const char text[] =
	    "not json\n"
	    "\n"
	    "[\"url\", \"done\"]\n"
	    "\"just a string\"\n"
	    "{\"url\":\"http://nostate/\"}\n"
	    "{\"url\":\"http://badstate/\",\"state\":\"Done\"}\n"
	    "{\"url\":\"http://numstate/\",\"state\":1}\n"
	    "{\"url\":42,\"state\":\"done\"}\n"
	    "{\"url\":null,\"state\":\"done\"}\n"
	    "{\"URL\":\"http://upper/\",\"state\":\"done\"}\n"
	    "{\"url\":\"http://junk/\",\"state\":\"done\"} x\n"
	    "{\"url\":\"http://two/\",\"state\":\"done\"}{}\n"
	    "{\"url\":\"http://badesc/\\q\",\"state\":\"done\"}\n"
	    "{\"url\":\"http://ok1/\",\"state\":\"done\"}\r\n"
	    "  {\"state\" : \"done\" , \"url\" : \"http://ok2/\"}  \n"
	    "{\"url\":\"http://nul/\",\"state\":\"done\"}\0\n"
	    "{\"url\":\"http://ok3/\",\"state\":\"done\"}\n"
	    "{\"url\":\"http://cut/\",\"sta";
	struct resume *r;
	struct fx      fx;

	fx_open(&fx);
	/* sizeof, not strlen: one line holds a NUL. */
	write_file(&fx, text, sizeof(text) - 1);
	r = load(&fx);
	CHECK_INT(resume_count(r), 3);
	CHECK_INT(done_str(r, "http://ok1/"), 1);
	CHECK_INT(done_str(r, "http://ok2/"), 1);
	CHECK_INT(done_str(r, "http://ok3/"), 1);
	CHECK_INT(done_str(r, "http://nostate/"), 0);
	CHECK_INT(done_str(r, "http://badstate/"), 0);
	CHECK_INT(done_str(r, "http://upper/"), 0);
	CHECK_INT(done_str(r, "http://junk/"), 0);
	CHECK_INT(done_str(r, "http://two/"), 0);
	CHECK_INT(done_str(r, "http://nul/"), 0);
	CHECK_INT(done_str(r, "http://cut/"), 0);
	CHECK_INT(resume_unterminated(r), 1);
	resume_free(r);

	/* A whole last record without '\n' still counts. */
	write_text(&fx, "{\"url\":\"http://last/\",\"state\":\"done\"}");
	r = load(&fx);
	CHECK_INT(done_str(r, "http://last/"), 1);
	CHECK_INT(resume_unterminated(r), 1);
	resume_free(r);

	write_text(&fx, "");
	r = load(&fx);
	CHECK_INT(resume_count(r), 0);
	CHECK_INT(resume_unterminated(r), 0);
	resume_free(r);
	fx_close(&fx);
}

/* Escapes, member order and nesting: the url field is found as cJSON would. */
static void
test_json_forms(void)
{
	struct resume *r;
	struct fx      fx;

	fx_open(&fx);
	write_text(&fx,
	    "{\"\\u0075rl\":\"http:\\/\\/esc\\/\\u00e9\\ud83d\\ude00\","
	    "\"state\":\"done\"}\n"
	    "{\"time\":{\"a\":[1,{\"b\":\"}],\\\"url\\\":\"}],\"c\":[]},"
	    "\"x\":-1.5e3,\"y\":true,\"z\":null,\"url\":\"http://nested/\","
	    "\"state\":\"done\",\"url\":\"http://second/\"}\n"
	    "{\"url\":\"http://lone/\\ud800\",\"state\":\"done\"}\n"
	    "{\"url\":\"tab\\there\",\"state\":\"done\"}\n");
	r = load(&fx);
	CHECK_INT(resume_count(r), 3);
	CHECK_INT(done_str(r, "http://esc/\xc3\xa9\xf0\x9f\x98\x80"), 1);
	CHECK_INT(done_str(r, "http://nested/"), 1);
	CHECK_INT(done_str(r, "http://second/"), 0);
	/* cJSON refuses a lone surrogate: not a line output wrote. */
	CHECK_INT(done_str(r, "http://lone/\xef\xbf\xbd"), 0);
	CHECK_INT(done_str(r, "tab\there"), 1);
	resume_free(r);
	fx_close(&fx);
}

/* NUL bytes and invalid UTF-8 match as output writes them. */
static void
test_odd_bytes(void)
{
	struct buf     out;
	struct resume *r;
	struct fx      fx;

	fx_open(&fx);
	buf_init(&out, 1 << 20);
	add_record(&out, "http://n/a\0b", 12, RECORD_DONE);
	add_record(&out, "\0", 1, RECORD_DONE);
	add_record(&out, "http://bad/\xff", 12, RECORD_DONE);
	add_record(&out, "http://cut/\xe2\x82", 13, RECORD_DONE);
	write_file(&fx, out.data, out.len);
	CHECK(strstr(out.data, "\\u0000") != NULL);
	r = load(&fx);
	CHECK_INT(resume_count(r), 4);
	CHECK_INT(resume_done(r, "http://n/a\0b", 12), 1);
	CHECK_INT(resume_done(r, "http://n/a", 10), 0);
	CHECK_INT(resume_done(r, "http://n/a\0c", 12), 0);
	CHECK_INT(resume_done(r, "\0", 1), 1);
	CHECK_INT(resume_done(r, "", 0), 0);
	CHECK_INT(resume_done(r, "http://bad/\xff", 12), 1);
	/* Another invalid byte is the same U+FFFD in the output. */
	CHECK_INT(resume_done(r, "http://bad/\xfe", 12), 1);
	CHECK_INT(done_str(r, "http://bad/\xef\xbf\xbd"), 1);
	CHECK_INT(resume_done(r, "http://bad/", 11), 0);
	/* Each byte of a cut-off sequence is one U+FFFD. */
	CHECK_INT(resume_done(r, "http://cut/\xe2\x82", 13), 1);
	CHECK_INT(resume_done(r, "http://cut/\xe2", 12), 0);
	resume_free(r);
	buf_free(&out);
	fx_close(&fx);
}

/* Lines across read chunks, a line past the limit, many URLs. */
static void
test_long_and_many(void)
{
	struct buf     out;
	struct resume *r;
	char	      *big, url[64], chunk[1024];
	size_t	       biglen = 200 * 1024, i;
	int	       n, found = 0;
	struct fx      fx;

	big = malloc(biglen);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	fx_open(&fx);
	memcpy(big, "http://big/", 11);
	memset(big + 11, 'x', biglen - 11);
	buf_init(&out, (size_t)RESUME_MAX_LINE * 2);
	add_record(&out, big, biglen, RECORD_DONE);
	add_record(&out, "http://after/", 13, RECORD_DONE);
	write_file(&fx, out.data, out.len);
	r = load(&fx);
	CHECK_INT(resume_count(r), 2);
	CHECK_INT(resume_done(r, big, biglen), 1);
	CHECK_INT(resume_done(r, big, biglen - 1), 0);
	CHECK_INT(done_str(r, "http://after/"), 1);
	resume_free(r);
	free(big);

	/* Over RESUME_MAX_LINE: skipped whole, the next line still counts. */
	buf_clear(&out);
	CHECK_INT(buf_puts(&out, "{\"url\":\"http://huge/"), 0);
	memset(chunk, 'y', sizeof(chunk));
	for (i = 0; i < RESUME_MAX_LINE / sizeof(chunk); i++)
		CHECK_INT(buf_append(&out, chunk, sizeof(chunk)), 0);
	CHECK_INT(buf_puts(&out, "\",\"state\":\"done\"}\n"), 0);
	CHECK(out.len > RESUME_MAX_LINE);
	add_record(&out, "http://after/", 13, RECORD_DONE);
	write_file(&fx, out.data, out.len);
	r = load(&fx);
	CHECK_INT(resume_count(r), 1);
	CHECK_INT(done_str(r, "http://after/"), 1);
	resume_free(r);

	/* Enough URLs to grow the table several times. */
	buf_clear(&out);
	for (i = 0; i < 20000; i++) {
		n = snprintf(url, sizeof(url), "http://h%zu.example/p", i);
		add_record(
		    &out, url, (size_t)n, i % 2 ? RECORD_DONE : RECORD_ERROR);
	}
	write_file(&fx, out.data, out.len);
	r = load(&fx);
	CHECK_INT(resume_count(r), 10000);
	for (i = 0; i < 20000; i++) {
		n = snprintf(url, sizeof(url), "http://h%zu.example/p", i);
		if (resume_done(r, url, (size_t)n) == (int)(i % 2))
			found++;
	}
	CHECK_INT(found, 20000);
	resume_free(r);
	buf_free(&out);
	fx_close(&fx);
}

static void
test_unreadable(void)
{
	char	       err[256], sub[160];
	struct resume *r;
	struct fx      fx;

	fx_open(&fx);
	/* A directory opens but cannot be read. */
	err[0] = '\0';
	r = resume_load(fx.dir, err, sizeof(err));
	CHECK(r == NULL);
	CHECK(strncmp(err, fx.dir, strlen(fx.dir)) == 0);
	CHECK(strstr(err, ": ") != NULL);
	resume_free(r);

	/* Not a directory on the way: not "missing", an error. */
	write_text(&fx, "x\n");
	CHECK(snprintf(sub, sizeof(sub), "%s/sub", fx.path) > 0);
	r = resume_load(sub, err, 8);
	CHECK(r == NULL);
	CHECK_INT(strlen(err), 7);
	/* And with nowhere for the message. */
	CHECK(resume_load(sub, NULL, 0) == NULL);
	fx_close(&fx);
}

int
main(void)
{
	RUN(test_missing_file);
	RUN(test_states);
	RUN(test_invalid_lines);
	RUN(test_json_forms);
	RUN(test_odd_bytes);
	RUN(test_long_and_many);
	RUN(test_unreadable);
	return harness_result();
}
