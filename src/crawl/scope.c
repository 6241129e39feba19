/*
 * scope: --scope, --include and --exclude decided per link.
 *
 * A seed's key is computed once; a link costs one curl_url parse (host
 * and domain; none for a URL of the plain shape, urlnorm_host), one
 * libpsl lookup (domain) and one regexec per expression.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <libpsl.h>

#include "scope.h"
#include "urlnorm.h"

struct regex_list {
	regex_t *v;
	size_t	 n;
};

struct scope {
	enum scope_kind	  kind;
	psl_ctx_t	 *psl; /* SCOPE_DOMAIN only */
	struct regex_list include, exclude;
};

enum crawl_err
scope_kind_parse(const char *name, enum scope_kind *kind)
{
	static const char *const names[] = { "host", "domain", "prefix",
		"any" };
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*kind = (enum scope_kind)i;
			return CRAWL_OK;
		}
	}
	return CRAWL_ERR_UNKNOWN;
}

struct scope *
scope_new(enum scope_kind kind, const char **why)
{
	struct scope *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		*why = "out of memory";
		return NULL;
	}
	s->kind = kind;
	if (kind == SCOPE_DOMAIN) {
		/* The system's file when newer than the built-in list. */
		if ((s->psl = psl_latest(NULL)) == NULL &&
		    (s->psl = (psl_ctx_t *)psl_builtin()) == NULL) {
			free(s);
			*why = "no public suffix list";
			return NULL;
		}
	}
	return s;
}

static enum crawl_err
add_regex(struct regex_list *l, const char *regex, char *err, size_t errlen)
{
	regex_t	 re;
	regex_t *v;
	int	 rc;

	if ((rc = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB)) != 0) {
		if (errlen > 0)
			regerror(rc, &re, err, errlen);
		return rc == REG_ESPACE ? CRAWL_ERR_NOMEM : CRAWL_ERR_REGEX;
	}
	if ((v = realloc(l->v, (l->n + 1) * sizeof(*v))) == NULL) {
		regfree(&re);
		if (errlen > 0)
			snprintf(err, errlen, "out of memory");
		return CRAWL_ERR_NOMEM;
	}
	l->v = v;
	l->v[l->n++] = re;
	return CRAWL_OK;
}

enum crawl_err
scope_include(struct scope *s, const char *regex, char *err, size_t errlen)
{
	return add_regex(&s->include, regex, err, errlen);
}

enum crawl_err
scope_exclude(struct scope *s, const char *regex, char *err, size_t errlen)
{
	return add_regex(&s->exclude, regex, err, errlen);
}

/*
 * The host of url as section 5 of the contract has it (lower-cased, no
 * port, no brackets), in a new string, or NULL. *ip is set when it is an
 * IP literal.
 */
static char *
host_of(const char *url, int *ip)
{
	CURLU	     *h;
	char	     *hp = NULL, *res = NULL;
	const char   *span;
	size_t	      i, n;
	unsigned char a4[4];

	/* The plain shape, read where it stands. */
	if (urlnorm_host(url, &span, &n)) {
		if ((res = strndup(span, n)) != NULL)
			*ip = inet_pton(AF_INET, res, a4) == 1;
		return res;
	}
	if ((h = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
		CURLUE_OK &&
	    curl_url_get(h, CURLUPART_HOST, &hp, CURLU_PUNYCODE) == CURLUE_OK) {
		n = strlen(hp);
		*ip = n > 1 && hp[0] == '[';
		if (*ip)
			res = strndup(hp + 1, n - 2);
		else
			res = strdup(hp);
	}
	curl_free(hp);
	curl_url_cleanup(h);
	if (res == NULL)
		return NULL;
	for (i = 0; res[i] != '\0'; i++)
		if (res[i] >= 'A' && res[i] <= 'Z')
			res[i] = (char)(res[i] - 'A' + 'a');
	if (!*ip)
		*ip = inet_pton(AF_INET, res, a4) == 1;
	return res;
}

/*
 * The registrable domain of host (taken over, freed or returned): the
 * host itself for IP literals, single labels and public suffixes.
 */
static char *
domain_of(const struct scope *s, char *host, int ip)
{
	const char *d;
	size_t	    n = strlen(host);
	char	   *res;

	/* "example.com." names the same domain as "example.com". */
	if (n > 1 && host[n - 1] == '.')
		host[n - 1] = '\0';
	if (ip || strchr(host, '.') == NULL)
		return host;
	if ((d = psl_registrable_domain(s->psl, host)) == NULL || d == host)
		return host;
	res = strdup(d);
	free(host);
	return res;
}

/* The key of url for hosts and domains; a new string or NULL. */
static char *
site_key(const struct scope *s, const char *url)
{
	char *host;
	int   ip = 0;

	if ((host = host_of(url, &ip)) == NULL)
		return NULL;
	return s->kind == SCOPE_DOMAIN ? domain_of(s, host, ip) : host;
}

/* The normalised URL up to and including the last "/" of its path. */
static char *
prefix_key(const char *url)
{
	char	   *n = urlnorm(url, NULL);
	const char *p, *end, *slash = NULL;

	if (n == NULL || (p = strstr(n, "://")) == NULL) {
		free(n);
		return NULL;
	}
	/* urlnorm always gives a path, so the authority ends at a "/". */
	p = strchr(p + 3, '/');
	end = p + strcspn(p, "?");
	for (; p < end; p++)
		if (*p == '/')
			slash = p;
	n[slash - n + 1] = '\0';
	return n;
}

char *
scope_seed_key(const struct scope *s, const char *seed_url, const char **why)
{
	char *n, *key;

	if ((n = urlnorm(seed_url, why)) == NULL)
		return NULL;
	switch (s->kind) {
	case SCOPE_ANY:
		key = strdup("");
		break;
	case SCOPE_PREFIX:
		key = prefix_key(n);
		break;
	default:
		key = site_key(s, n);
		break;
	}
	free(n);
	if (key == NULL)
		*why = "out of memory";
	return key;
}

static int
any_match(const struct regex_list *l, const char *url)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (regexec(&l->v[i], url, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

int
scope_in(const struct scope *s, const char *seed_key, const char *url)
{
	const char *span;
	char	   *key;
	size_t	    n;
	int	    in;

	switch (s->kind) {
	case SCOPE_ANY:
		in = 1;
		break;
	case SCOPE_PREFIX:
		in = strncmp(url, seed_key, strlen(seed_key)) == 0;
		break;
	case SCOPE_HOST:
		/* Most links: the host compared where it stands. */
		if (urlnorm_host(url, &span, &n)) {
			in = strncmp(span, seed_key, n) == 0 &&
			    seed_key[n] == '\0';
			break;
		}
		/* FALLTHROUGH */
	default:
		key = site_key(s, url);
		in = key != NULL && strcmp(key, seed_key) == 0;
		free(key);
		break;
	}
	if (in && s->include.n > 0 && !any_match(&s->include, url))
		in = 0;
	if (in && any_match(&s->exclude, url))
		in = 0;
	return in;
}

static void
regex_list_free(struct regex_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		regfree(&l->v[i]);
	free(l->v);
}

void
scope_free(struct scope *s)
{
	if (s == NULL)
		return;
	/* psl_free leaves the built-in list alone. */
	psl_free(s->psl);
	regex_list_free(&s->include);
	regex_list_free(&s->exclude);
	free(s);
}
