/*
 * Unit tests for --merge's modules: mergerec (whole lines, index, state,
 * url), mergerun and mergesrc (runs sorted in memory, spilled and merged
 * back), mergeout (one record per index: done wins, else the last;
 * missing and conflicting indexes) and merge_run (inputs in and out of
 * order, a budget small enough to spill many times, no temporary file
 * left behind).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "merge.h"
#include "mergeout.h"
#include "mergerec.h"
#include "mergerun.h"
#include "mergesrc.h"

HARNESS_MAIN;

/* Parses a string literal whole. */
#define PARSE(s) mergerec_parse(s, strlen(s), &r)

static char tmpdir[] = "/tmp/afetch-test-merge-XXXXXX";

static void
test_rec(void)
{
	struct mergerec r;
	const char     *ok = "{\"index\":42,\"url\":\"http://a/\","
			     "\"state\":\"done\",\"time\":{\"total\":1}}";

	CHECK_INT(mergerec_parse(ok, strlen(ok), &r), MERGEREC_OK);
	CHECK_INT(r.index, 42);
	CHECK_INT(r.done, 1);
	CHECK_INT(r.urllen, strlen("\"http://a/\""));
	/* Every cut of a whole record is cut. */
	for (size_t n = 0; n < strlen(ok); n++)
		CHECK_INT(mergerec_parse(ok, n, &r), MERGEREC_CUT);
	CHECK_INT(PARSE("{\"index\":1,\"url\":\"a}\""), MERGEREC_CUT);
	CHECK_INT(PARSE("{\"url\":\"a\"}"), MERGEREC_NO_INDEX);
	CHECK_INT(PARSE("{\"index\":-1}"), MERGEREC_NO_INDEX);
	CHECK_INT(PARSE("{\"index\":1.5}"), MERGEREC_NO_INDEX);
	CHECK_INT(PARSE("{\"index\":7,\"state\":\"error\"} "), MERGEREC_OK);
	CHECK_INT(r.done, 0);
	CHECK_INT(r.urllen, 0);
	CHECK_INT(PARSE("{\"index\":7} x"), MERGEREC_CUT);
}

static unsigned
next_rand(unsigned *state)
{
	*state = *state * 1103515245U + 12345U;
	return (*state >> 16) & 0x7fff;
}

struct collect {
	uint64_t n, last_index, last_seq;
	int	 sorted;
};

static int
collect(const struct merge_item *it, void *arg)
{
	struct collect *c = arg;

	if (c->n > 0 &&
	    (it->index < c->last_index ||
		(it->index == c->last_index && it->seq <= c->last_seq)))
		c->sorted = 0;
	c->last_index = it->index;
	c->last_seq = it->seq;
	c->n++;
	return 0;
}

/* Runs spilled under a small budget come back merged in order. */
static void
test_runs(void)
{
	struct mergerun	 *run = mergerun_new(4096);
	struct mergesrc	 *srcs[64];
	struct merge_item it;
	struct collect	  c = { 0, 0, 0, 1 };
	char		  line[64];
	size_t		  n = 0;
	unsigned	  seed = 7;
	int		  i, r;

	for (i = 0; i < 2000; i++) {
		it.index = next_rand(&seed);
		it.seq = (uint64_t)i;
		it.done = 1;
		it.len = (size_t)snprintf(line, sizeof(line),
		    "{\"index\":%llu}", (unsigned long long)it.index);
		it.data = line;
		if ((r = mergerun_add(run, &it)) == 1) {
			CHECK(n < 63);
			srcs[n] = mergerun_spill(run, 1024);
			CHECK(srcs[n] != NULL);
			n++;
			r = mergerun_add(run, &it);
		}
		CHECK_INT(r, 0);
	}
	CHECK(n > 10);
	srcs[n++] = mergesrc_memory(run);
	CHECK_INT(mergesrc_merge(srcs, n, collect, &c), 0);
	CHECK_INT(c.n, 2000);
	CHECK(c.sorted);
}

static const char *
out_of(struct mergeout *mo, char *buf, size_t size)
{
	ssize_t got;

	(void)mo;
	lseek(mo->out.fd, 0, SEEK_SET);
	got = read(mo->out.fd, buf, size - 1);
	buf[got < 0 ? 0 : got] = '\0';
	return buf;
}

static void
put(struct mergeout *mo, uint64_t index, uint64_t seq, const char *line)
{
	struct merge_item it;

	it.index = index;
	it.seq = seq;
	it.done = strstr(line, "\"done\"") != NULL;
	it.data = line;
	it.len = strlen(line);
	CHECK_INT(mergeout_put(&it, mo), 0);
}

/* Done wins, else the last; gaps and different urls are counted. */
static void
test_out(void)
{
	struct merge_stats st;
	struct mergeout	   mo;
	char		   buf[1024];
	FILE		  *f = tmpfile();

	memset(&st, 0, sizeof(st));
	mergeout_init(&mo, fileno(f), &st);
	put(&mo, 0, 0, "{\"index\":0,\"url\":\"a\",\"state\":\"done\"}");
	put(&mo, 0, 5, "{\"index\":0,\"url\":\"a\",\"state\":\"cancelled\"}");
	put(&mo, 2, 1, "{\"index\":2,\"url\":\"b\",\"state\":\"error\"}");
	put(&mo, 2, 3, "{\"index\":2,\"url\":\"b\",\"state\":\"cancelled\"}");
	put(&mo, 3, 2, "{\"index\":3,\"url\":\"c\",\"state\":\"done\"}");
	put(&mo, 3, 4, "{\"index\":3,\"url\":\"x\",\"state\":\"done\"}");
	put(&mo, 20, 6, "{\"index\":20,\"url\":\"d\",\"state\":\"done\"}");
	CHECK_INT(mergeout_finish(&mo), 0);
	CHECK_STR(out_of(&mo, buf, sizeof(buf)),
	    "{\"index\":0,\"url\":\"a\",\"state\":\"done\"}\n"
	    "{\"index\":2,\"url\":\"b\",\"state\":\"cancelled\"}\n"
	    "{\"index\":3,\"url\":\"x\",\"state\":\"done\"}\n"
	    "{\"index\":20,\"url\":\"d\",\"state\":\"done\"}\n");
	CHECK_INT(st.written, 4);
	CHECK_INT(st.duplicates, 3);
	CHECK_INT(st.conflicts, 1);
	CHECK_INT(st.conflict_list[0], 3);
	CHECK_INT(st.missing, 17);
	CHECK_INT(st.missing_list[0], 1);
	CHECK_INT(st.missing_list[1], 4);
	CHECK_INT(st.missing_list[9], 12);
	mergeout_free(&mo);
	fclose(f);
}

static int
count_tmp_files(void)
{
	DIR	      *d = opendir(tmpdir);
	struct dirent *e;
	int	       n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

/*
 * Two inputs: one in order (kept apart), one shuffled with a duplicate
 * and a cut last line; a budget so small that it spills many times and
 * cascades; the output is every index once, and no file is left.
 */
static void
test_run_whole(void)
{
	struct merge_options o;
	struct merge_stats   st;
	char		     a[256], b[256], line[128], *text, *p;
	char		    *files[2] = { a, b };
	FILE		    *fa, *fb, *out = tmpfile();
	int		     i, j, ok = 1;
	unsigned	     seed = 3, order[3000];

	snprintf(a, sizeof(a), "%s/a.jsonl", tmpdir);
	snprintf(b, sizeof(b), "%s/b.jsonl", tmpdir);
	fa = fopen(a, "w");
	fb = fopen(b, "w");
	for (i = 0; i < 3000; i++)
		order[i] = (unsigned)i;
	for (i = 2999; i > 0; i--) {
		unsigned t;

		j = (int)(next_rand(&seed) % (unsigned)(i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < 3000; i++)
		if (i % 2 == 0)
			fprintf(fa,
			    "{\"index\":%d,\"url\":\"u%d\",\"state\":\"done\"}"
			    "\n",
			    i, i);
	for (i = 0; i < 3000; i++)
		if (order[i] % 2 == 1)
			fprintf(fb,
			    "{\"index\":%u,\"url\":\"u%u\",\"state\":\"done\"}"
			    "\n",
			    order[i], order[i]);
	fprintf(fb, "{\"index\":4,\"url\":\"u4\",\"state\":\"cancelled\"}\n");
	fprintf(fb, "{\"index\":9,\"url\":\"u9\",\"sta");
	fclose(fa);
	fclose(fb);

	memset(&o, 0, sizeof(o));
	o.files = files;
	o.nfiles = 2;
	o.budget = 2048;
	o.out_fd = fileno(out);
	CHECK_INT(merge_run(&o, &st), MERGE_COMPLETE);
	CHECK_INT(st.read, 3001);
	CHECK_INT(st.written, 3000);
	CHECK_INT(st.duplicates, 1);
	CHECK_INT(st.cut, 1);
	CHECK_INT(st.in_order, 1500);
	CHECK(st.spills > MERGE_FANIN);
	CHECK_INT(count_tmp_files(), 2);

	text = calloc(1, 3000 * 64);
	fseek(out, 0, SEEK_SET);
	CHECK(fread(text, 1, 3000 * 64 - 1, out) > 0);
	for (i = 0, p = text; i < 3000 && ok; i++) {
		snprintf(line, sizeof(line),
		    "{\"index\":%d,\"url\":\"u%d\",\"state\":\"done\"}\n", i,
		    i);
		ok = strncmp(p, line, strlen(line)) == 0;
		p += strlen(line);
	}
	CHECK(ok);
	CHECK_INT(*p, '\0');
	free(text);
	fclose(out);

	/* An input that cannot be read: nothing written, exit 2's case. */
	files[1] = tmpdir;
	out = tmpfile();
	o.out_fd = fileno(out);
	CHECK_INT(merge_run(&o, &st), MERGE_UNREADABLE);
	CHECK_INT(ftell(out), 0);
	CHECK_INT(lseek(fileno(out), 0, SEEK_END), 0);
	fclose(out);
	CHECK_INT(count_tmp_files(), 2);
	unlink(a);
	unlink(b);
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL || setenv("TMPDIR", tmpdir, 1) == -1) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_rec);
	RUN(test_runs);
	RUN(test_out);
	RUN(test_run_whole);
	rmdir(tmpdir);
	return harness_result();
}
