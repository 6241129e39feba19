/*
 * scope: which links a crawl follows (the contract's section 13, --scope,
 * --include, --exclude).
 *
 * Each seed gets a key once (scope_seed_key); each link of a page that
 * descends from it is then tested against that key (scope_in):
 *
 *   host    the same host: lower-cased, without port or IPv6 brackets;
 *   domain  the same registrable domain by the Public Suffix List (libpsl,
 *           the whole list, private section included, so a.github.io and
 *           b.github.io differ); an IP literal, a single-label host and a
 *           host that is itself a public suffix are their own domain;
 *   prefix  the same scheme, host and port, and a path that starts with
 *           the seed's path up to its last "/" (a prefix of the
 *           normalised URL, so both are compared in urlnorm's form);
 *   any     every link.
 *
 * --include and --exclude are POSIX extended regular expressions on the
 * link's absolute URL: with any include, one must match; any exclude that
 * matches excludes.
 */
#ifndef AFETCH_SCOPE_H
#define AFETCH_SCOPE_H

#include <stddef.h>

#include "crawlerr.h"

enum scope_kind { SCOPE_HOST, SCOPE_DOMAIN, SCOPE_PREFIX, SCOPE_ANY };

struct scope;

/*
 * Reads "host", "domain", "prefix" or "any" into *kind. Returns CRAWL_OK,
 * or CRAWL_ERR_UNKNOWN (and *kind untouched) for any other name.
 */
enum crawl_err scope_kind_parse(const char *name, enum scope_kind *kind);

/*
 * A new scope of the given kind with no regular expressions. For
 * SCOPE_DOMAIN it loads the Public Suffix List (the newest of libpsl's
 * built-in list and the system's file). Returns NULL with *why set to a
 * static phrase ("out of memory", "no public suffix list") on failure.
 * The caller frees it with scope_free.
 */
struct scope *scope_new(enum scope_kind kind, const char **why);

/*
 * Adds a --include (scope_include) or --exclude (scope_exclude) regular
 * expression, compiled with REG_EXTENDED | REG_NOSUB. Returns CRAWL_OK, or
 * CRAWL_ERR_REGEX or CRAWL_ERR_NOMEM with regerror's message (or "out of
 * memory") in err, errlen bytes at most, NUL-terminated when errlen > 0;
 * the scope is then unchanged.
 */
enum crawl_err scope_include(
    struct scope *s, const char *regex, char *err, size_t errlen);
enum crawl_err scope_exclude(
    struct scope *s, const char *regex, char *err, size_t errlen);

/*
 * The key of the seed at the absolute URL seed_url (any spelling; it is
 * normalised first): its host, domain, URL prefix or "" as the kind says.
 * Returns a new string the caller frees with free(), or NULL with *why
 * set when the URL is not one afetch could fetch or memory ran out.
 */
char *scope_seed_key(
    const struct scope *s, const char *seed_url, const char **why);

/*
 * Returns 1 when the link at url (absolute, as urlnorm gives it) is in
 * the scope of the seed whose key is seed_key and passes the include and
 * exclude lists, else 0 (a URL that does not parse, or memory running
 * out, counts as out of scope).
 */
int scope_in(const struct scope *s, const char *seed_key, const char *url);

/* Frees s and its expressions. NULL is allowed. */
void scope_free(struct scope *s);

#endif
