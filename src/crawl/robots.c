/*
 * robots: RFC 9309 robots.txt, parsed as it streams and matched per path.
 *
 * Only the groups that can apply to afetch are kept while parsing (those
 * naming "afetch" and those naming "*"), so memory is the size of the
 * rules that matter, bounded by ROBOTS_MAX_RULES, plus one line buffer
 * that robots_finish gives back.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawl.h"
#include "robots.h"
#include "urlnorm.h"

/* Longest a Crawl-delay may ask: a day between requests is already none. */
#define DELAY_MAX 86400.0

struct rule {
	char  *pat; /* normalised, without a final "$" */
	size_t len; /* its normalised length with any "$": its priority */
	size_t plen;
	int    allow;
	int    anchored; /* ended in "$": must match the whole path */
};

struct rules {
	struct rule *v;
	size_t	     n, cap;
	double	     delay; /* < 0: none */
};

enum mode { PARSING, ALLOW_ALL, DENY_ALL };

struct robots {
	enum mode    mode;
	int	     finished;
	int	     cut;  /* bytes past CRAWL_ROBOTS_MAX were dropped */
	size_t	     fed;  /* bytes taken so far */
	char	    *line; /* the line being read; NULL once finished */
	size_t	     linelen;
	int	     overlong; /* this line passed ROBOTS_LINE_MAX */
	int	     after_cr; /* the last byte was CR: a LF now ends nothing */
	int	     first;    /* the first line, which may start with a BOM */
	int	     ua_run;   /* the last group line was a user-agent line */
	int	     cur_ours; /* the current group names afetch */
	int	     cur_star; /* the current group names "*" */
	int	     seen_ours; /* some group names afetch: "*" is not used */
	size_t	     nrules;
	struct rules ours, star;
	char	   **sitemaps;
	size_t	     nsitemaps;
};

static struct robots *
alloc_mode(enum mode mode)
{
	struct robots *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->mode = mode;
	r->first = 1;
	r->ours.delay = r->star.delay = -1;
	return r;
}

struct robots *
robots_new(void)
{
	struct robots *r;

	if ((r = alloc_mode(PARSING)) == NULL)
		return NULL;
	if ((r->line = malloc(ROBOTS_LINE_MAX)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

struct robots *
robots_allow_all(void)
{
	return alloc_mode(ALLOW_ALL);
}

struct robots *
robots_deny_all(void)
{
	return alloc_mode(DENY_ALL);
}

struct robots *
robots_for_status(long status)
{
	if (status >= 200 && status <= 299)
		return robots_new();
	/* RFC 9309 2.3.1.3 and .4, as the contract words them. */
	if (status >= 400 && status <= 499 && status != 429)
		return robots_allow_all();
	return robots_deny_all();
}

static void
rules_free(struct rules *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		free(rs->v[i].pat);
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}

/* Memory ran out: from now on nothing is allowed, which is always safe. */
static enum crawl_err
fail(struct robots *r)
{
	r->mode = DENY_ALL;
	return CRAWL_ERR_NOMEM;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/* True when the n bytes at s are the word w, whatever the case. */
static int
word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static int
rules_add(struct rules *rs, const struct rule *ru)
{
	struct rule *v;
	size_t	     cap;

	if (rs->n == rs->cap) {
		cap = rs->cap ? rs->cap * 2 : 8;
		if ((v = realloc(rs->v, cap * sizeof(*v))) == NULL)
			return -1;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *ru;
	return 0;
}

/* Adds an Allow or Disallow of the current group to the sets it is for. */
static int
add_rule(struct robots *r, int allow, const char *val, size_t n)
{
	struct rule ru = { 0 };
	char	   *p;
	int	    to_star = r->cur_star && !r->seen_ours;

	if (n == 0 || (!r->cur_ours && !to_star) ||
	    r->nrules >= ROBOTS_MAX_RULES)
		return 0;
	if ((p = malloc(3 * n + 2)) == NULL)
		return -1;
	ru.allow = allow;
	if (val[0] != '/' && val[0] != '*') {
		p[0] = '/';
		ru.plen = 1 + urlnorm_percent(val, n, p + 1);
	} else {
		ru.plen = urlnorm_percent(val, n, p);
	}
	ru.len = ru.plen;
	if (ru.plen > 0 && p[ru.plen - 1] == '$') {
		ru.anchored = 1;
		p[--ru.plen] = '\0';
	}
	ru.pat = p;
	if (r->cur_ours && to_star) {
		/* Both sets get a rule; the second its own copy. */
		struct rule two = ru;

		if ((two.pat = malloc(ru.plen + 1)) == NULL) {
			free(p);
			return -1;
		}
		memcpy(two.pat, p, ru.plen + 1);
		if (rules_add(&r->star, &two) != 0) {
			free(two.pat);
			free(p);
			return -1;
		}
		r->nrules++;
	}
	if (rules_add(r->cur_ours ? &r->ours : &r->star, &ru) != 0) {
		free(p);
		return -1;
	}
	r->nrules++;
	return 0;
}

/*
 * Reads "12", "0.5", ".5" or "3." as seconds into *out. Returns 0, or -1
 * when the value is not such a number.
 */
static int
parse_delay(const char *s, size_t n, double *out)
{
	double v = 0, scale = 1;
	size_t i = 0, digits = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
		if (v < DELAY_MAX)
			v = v * 10 + (s[i] - '0');
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
			v += (s[i] - '0') * (scale /= 10);
	if (digits == 0 || i != n)
		return -1;
	*out = v > DELAY_MAX ? DELAY_MAX : v;
	return 0;
}

static int
add_sitemap(struct robots *r, const char *val, size_t n)
{
	char **v;
	size_t i;

	if (!((n > 7 && strncasecmp(val, "http://", 7) == 0) ||
		(n > 8 && strncasecmp(val, "https://", 8) == 0)))
		return 0;
	if (r->nsitemaps >= ROBOTS_MAX_SITEMAPS)
		return 0;
	for (i = 0; i < r->nsitemaps; i++)
		if (strlen(r->sitemaps[i]) == n &&
		    memcmp(r->sitemaps[i], val, n) == 0)
			return 0;
	v = realloc(r->sitemaps, (r->nsitemaps + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	r->sitemaps = v;
	if ((v[r->nsitemaps] = malloc(n + 1)) == NULL)
		return -1;
	memcpy(v[r->nsitemaps], val, n);
	v[r->nsitemaps++][n] = '\0';
	return 0;
}

/* A user-agent line: its product token is the leading [A-Za-z_-] run. */
static void
user_agent(struct robots *r, const char *val, size_t n)
{
	size_t t = 0;

	if (!r->ua_run) {
		r->cur_ours = r->cur_star = 0;
		r->ua_run = 1;
	}
	if (n > 0 && val[0] == '*') {
		r->cur_star = 1;
		return;
	}
	while (t < n &&
	    ((val[t] >= 'a' && val[t] <= 'z') ||
		(val[t] >= 'A' && val[t] <= 'Z') || val[t] == '-' ||
		val[t] == '_'))
		t++;
	if (word_is(val, t, crawl_product_token())) {
		r->cur_ours = 1;
		r->seen_ours = 1;
	}
}

/* One line, without its line end: "key: value # comment". */
static int
parse_line(struct robots *r, const char *s, size_t n)
{
	const char *colon, *hash, *val;
	size_t	    kn, vn;
	double	    d;

	if (r->first) {
		r->first = 0;
		if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, n -= 3;
	}
	if ((hash = memchr(s, '#', n)) != NULL)
		n = (size_t)(hash - s);
	if ((colon = memchr(s, ':', n)) == NULL)
		return 0;
	while (n > 0 && is_space((unsigned char)s[0]))
		s++, n--;
	kn = (size_t)(colon - s);
	while (kn > 0 && is_space((unsigned char)s[kn - 1]))
		kn--;
	val = colon + 1;
	vn = n - (size_t)(val - s);
	while (vn > 0 && is_space((unsigned char)val[0]))
		val++, vn--;
	while (vn > 0 && is_space((unsigned char)val[vn - 1]))
		vn--;

	if (word_is(s, kn, "user-agent")) {
		user_agent(r, val, vn);
	} else if (word_is(s, kn, "allow") || word_is(s, kn, "disallow")) {
		r->ua_run = 0;
		return add_rule(r, word_is(s, kn, "allow"), val, vn);
	} else if (word_is(s, kn, "crawl-delay")) {
		r->ua_run = 0;
		if (parse_delay(val, vn, &d) == 0) {
			/* Merged groups: the largest delay, the politest. */
			if (r->cur_ours && d > r->ours.delay)
				r->ours.delay = d;
			if (r->cur_star && d > r->star.delay)
				r->star.delay = d;
		}
	} else if (word_is(s, kn, "sitemap")) {
		return add_sitemap(r, val, vn);
	}
	return 0;
}

static int
end_line(struct robots *r)
{
	int rc = 0;

	if (!r->overlong)
		rc = parse_line(r, r->line, r->linelen);
	else
		r->first = 0;
	r->linelen = 0;
	r->overlong = 0;
	return rc;
}

enum crawl_err
robots_feed(struct robots *r, const char *bytes, size_t len)
{
	size_t i;
	char   c;

	if (r->mode != PARSING || r->finished)
		return CRAWL_OK;
	if (len > CRAWL_ROBOTS_MAX - r->fed) {
		len = CRAWL_ROBOTS_MAX - r->fed;
		r->cut = 1;
	}
	r->fed += len;
	for (i = 0; i < len; i++) {
		c = bytes[i];
		if (c == '\n' && r->after_cr) {
			r->after_cr = 0;
			continue;
		}
		r->after_cr = c == '\r';
		if (c == '\n' || c == '\r') {
			if (end_line(r) != 0)
				return fail(r);
		} else if (r->linelen < ROBOTS_LINE_MAX) {
			r->line[r->linelen++] = c;
		} else {
			r->overlong = 1;
		}
	}
	return CRAWL_OK;
}

enum crawl_err
robots_finish(struct robots *r)
{
	enum crawl_err rc = CRAWL_OK;

	if (r->mode == PARSING && !r->finished) {
		/* A line cut by the size limit may be a shortened rule. */
		if (!r->cut && r->linelen > 0 && end_line(r) != 0)
			rc = fail(r);
		if (r->seen_ours)
			rules_free(&r->star);
	}
	r->finished = 1;
	free(r->line);
	r->line = NULL;
	return rc;
}

/*
 * True when the pattern matches the start of s (all of s when anchored).
 * "*" matches any run; on a mismatch the last "*" takes one more byte,
 * which is enough for glob patterns: O(pattern * path) at worst.
 */
static int
match(const struct rule *ru, const char *s, size_t sn)
{
	const char *p = ru->pat;
	size_t	    pn = ru->plen, pi = 0, si = 0, star_p = 0, star_s = 0;
	int	    star = 0;

	for (;;) {
		if (pi == pn) {
			if (!ru->anchored || si == sn)
				return 1;
		} else if (p[pi] == '*') {
			star = 1;
			star_p = ++pi;
			star_s = si;
			continue;
		} else if (si < sn && p[pi] == s[si]) {
			pi++;
			si++;
			continue;
		}
		if (!star || star_s >= sn)
			return 0;
		pi = star_p;
		si = ++star_s;
	}
}

int
robots_allowed(const struct robots *r, const char *path_and_query)
{
	const struct rules *rs;
	char		    stack[3 * 1024 + 1], *s = stack;
	size_t		    n = strlen(path_and_query), sn, i, best = 0;
	int		    found = 0, allow = 1;

	if (n == 0)
		path_and_query = "/", n = 1;
	if (n > 1024 && (s = malloc(3 * n + 1)) == NULL)
		return 0;
	sn = urlnorm_percent(path_and_query, n, s);
	if ((sn == 11 || (sn > 11 && s[11] == '?')) &&
	    memcmp(s, "/robots.txt", 11) == 0)
		allow = 1;
	else if (r->mode != PARSING)
		allow = r->mode == ALLOW_ALL;
	else {
		rs = r->seen_ours ? &r->ours : &r->star;
		for (i = 0; i < rs->n; i++) {
			const struct rule *ru = &rs->v[i];

			if (found && ru->len < best)
				continue;
			if (!match(ru, s, sn))
				continue;
			if (!found || ru->len > best) {
				allow = ru->allow;
				best = ru->len;
				found = 1;
			} else if (ru->allow) {
				allow = 1; /* a tie: Allow wins */
			}
		}
	}
	if (s != stack)
		free(s);
	return allow;
}

double
robots_crawl_delay(const struct robots *r)
{
	if (r->mode != PARSING)
		return -1;
	return r->seen_ours ? r->ours.delay : r->star.delay;
}

const char *const *
robots_sitemaps(const struct robots *r, size_t *n)
{
	*n = r->nsitemaps;
	return (const char *const *)r->sitemaps;
}

void
robots_free(struct robots *r)
{
	size_t i;

	if (r == NULL)
		return;
	rules_free(&r->ours);
	rules_free(&r->star);
	for (i = 0; i < r->nsitemaps; i++)
		free(r->sitemaps[i]);
	free(r->sitemaps);
	free(r->line);
	free(r);
}
