/*
 * The reader of corpus.txt (see its head for the format), shared by the
 * unit test of src/crawl/html and bench/html_compare, so that both score
 * the same cases the same way. Test code: it exits on malformed files.
 */
#ifndef AFETCH_TESTS_HTML_CORPUS_H
#define AFETCH_TESTS_HTML_CORPUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct corpus_case {
	char  *name;
	char  *input;
	size_t len;
	char  *want; /* expected lines, each ending in LF */
};

/* A growable string of results; test code, so allocation failure exits. */
struct corpus_out {
	char  *s;
	size_t len, cap;
};

static void
corpus_out_put(struct corpus_out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->s = realloc(o->s, o->cap);
		if (o->s == NULL)
			abort();
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

/* Appends one result line: "KIND[!] VALUE\n". */
static void
corpus_out_link(struct corpus_out *o, const char *kind, const char *value,
    size_t len, int nofollow)
{
	corpus_out_put(o, kind, strlen(kind));
	corpus_out_put(o, nofollow ? "! " : " ", nofollow ? 2 : 1);
	corpus_out_put(o, value, len);
	corpus_out_put(o, "\n", 1);
}

static char *
corpus_strdup(const char *s)
{
	char *d = malloc(strlen(s) + 1);

	if (d == NULL)
		abort();
	return strcpy(d, s);
}

/* Decodes \xHH escapes of s in place; returns the new length. */
static size_t
corpus_unescape(char *s, size_t n)
{
	size_t i, j = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char hex[3] = { s[i + 2], s[i + 3], 0 };

			s[j++] = (char)strtol(hex, NULL, 16);
			i += 3;
		} else
			s[j++] = s[i];
	}
	s[j] = '\0';
	return j;
}

/* Reads the corpus; returns the number of cases, in *cases (corpus_free). */
static size_t
corpus_load(const char *path, struct corpus_case **cases)
{
	FILE		   *f = fopen(path, "r");
	char		    line[4096];
	struct corpus_case *c = NULL, *cur = NULL;
	struct corpus_out   in = { 0 }, want = { 0 };
	size_t		    n = 0;
	int		    part = 0; /* 0 none, 1 input, 2 expected */

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	for (;;) {
		char *got = fgets(line, sizeof(line), f);

		if (got == NULL || strncmp(line, "=== ", 4) == 0) {
			if (cur != NULL) {
				cur->input = in.s ? in.s : corpus_strdup("");
				cur->len = corpus_unescape(cur->input, in.len);
				cur->want = want.s ? want.s : corpus_strdup("");
				corpus_unescape(cur->want, want.len);
			}
			if (got == NULL)
				break;
			c = realloc(c, (n + 1) * sizeof(*c));
			if (c == NULL)
				abort();
			cur = &c[n++];
			line[strcspn(line, "\n")] = '\0';
			cur->name = corpus_strdup(line + 4);
			memset(&in, 0, sizeof(in));
			memset(&want, 0, sizeof(want));
			part = 1;
		} else if (part == 1 && strcmp(line, "---\n") == 0) {
			/* The input's last LF belongs to the separator. */
			if (in.len > 0)
				in.s[--in.len] = '\0';
			part = 2;
		} else if (part == 1)
			corpus_out_put(&in, line, strlen(line));
		else if (part == 2)
			corpus_out_put(&want, line, strlen(line));
	}
	fclose(f);
	*cases = c;
	return n;
}

static void
corpus_free(struct corpus_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(cases[i].name);
		free(cases[i].input);
		free(cases[i].want);
	}
	free(cases);
}

#endif
