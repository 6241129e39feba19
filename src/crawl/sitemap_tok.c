/*
 * sitemap_tok: the byte-at-a-time XML tokenizer of the sitemap reader.
 * It knows where tags, comments, CDATA sections, processing instructions
 * and declarations start and end, keeps only the text of the <loc>
 * elements that matter (sitemap.h), and hands each one to the callback.
 * Every state survives between bytes, so a file split anywhere reads the
 * same.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawl.h"
#include "sitemap_int.h"

static int
is_xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
loc_add(struct sitemap *sm, const char *s, size_t n)
{
	if (!sm->inloc)
		return;
	if (sm->locover || n > SITEMAP_LOC_MAX - sm->loclen) {
		sm->locover = 1;
		return;
	}
	memcpy(sm->loc + sm->loclen, s, n);
	sm->loclen += n;
}

/* Writes code point cp as UTF-8; invalid ones are dropped. */
static void
loc_add_cp(struct sitemap *sm, unsigned long cp)
{
	char   u[4];
	size_t n;

	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return;
	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	loc_add(sm, u, n);
}

/* A complete reference "&ref;": decoded, or kept as written. */
static void
ref_end(struct sitemap *sm)
{
	static const struct {
		const char *name;
		char	    c;
	} named[] = { { "amp", '&' }, { "lt", '<' }, { "gt", '>' },
		{ "quot", '"' }, { "apos", '\'' } };
	unsigned long cp = 0;
	size_t	      i;
	int	      hex;

	sm->ref[sm->reflen] = '\0';
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(sm->ref, named[i].name) == 0) {
			loc_add(sm, &named[i].c, 1);
			return;
		}
	if (sm->ref[0] == '#' && sm->reflen > 1) {
		hex = sm->ref[1] == 'x' || sm->ref[1] == 'X';
		for (i = hex ? 2 : 1; i < sm->reflen; i++) {
			char c = sm->ref[i];
			int  d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				break;
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (i == sm->reflen && i > (size_t)(hex ? 2 : 1)) {
			loc_add_cp(sm, cp);
			return;
		}
	}
	loc_add(sm, "&", 1);
	loc_add(sm, sm->ref, sm->reflen);
	loc_add(sm, ";", 1);
}

/* The local part of the tag name just read, compared without case. */
static int
name_is(const struct sitemap *sm, const char *want)
{
	const char *local = strrchr(sm->name, ':');

	local = local != NULL ? local + 1 : sm->name;
	return strcasecmp(local, want) == 0;
}

static void
loc_end(struct sitemap *sm)
{
	const char *s = sm->loc;
	size_t	    n = sm->loclen;

	sm->inloc = 0;
	while (n > 0 && is_xml_space((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_xml_space((unsigned char)s[n - 1]))
		n--;
	if (sm->locover || n == 0)
		return;
	if (sm->count >= CRAWL_SITEMAP_MAX_URLS) {
		sm->truncated = 1;
		sm->stopped = 1;
		return;
	}
	sm->count++;
	memmove(sm->loc, s, n);
	sm->loc[n] = '\0';
	sm->on_url(sm->arg, sm->loc, n, sm->in == C_SITEMAP);
}

/*
 * Only a <loc> that is a child of <url> or <sitemap> counts: extensions
 * nest their own (<image:image><image:loc>), which are not pages.
 */
static void
tag_open(struct sitemap *sm)
{
	sm->name[sm->namelen] = '\0';
	if (name_is(sm, "url") || name_is(sm, "sitemap")) {
		sm->in = name_is(sm, "url") ? C_URL : C_SITEMAP;
		sm->nest = 0;
	} else if (sm->in == C_NONE || sm->selfclose)
		return;
	else if (name_is(sm, "loc") && sm->nest == 0 && !sm->inloc) {
		sm->inloc = 1;
		sm->loclen = 0;
		sm->locover = 0;
	} else
		sm->nest++;
}

static void
tag_close(struct sitemap *sm)
{
	sm->name[sm->namelen] = '\0';
	if (name_is(sm, "url") || name_is(sm, "sitemap")) {
		sm->in = C_NONE;
		sm->inloc = 0;
	} else if (name_is(sm, "loc") && sm->inloc)
		loc_end(sm);
	else if (sm->nest > 0)
		sm->nest--;
}

static void
name_add(struct sitemap *sm, char c)
{
	/* A name too long to be ours is spoiled with a byte no name has. */
	if (sm->namelen < NAME_MAX_LEN)
		sm->name[sm->namelen++] = c;
	else
		sm->name[0] = '<';
}

/* One byte of XML; returns with the state for the next. */
void
sitemap_step(struct sitemap *sm, char c)
{
	unsigned char u = (unsigned char)c;

	switch (sm->st) {
	case S_TEXT:
		if (c == '<')
			sm->st = S_LT;
		else if (c == '&' && sm->inloc) {
			sm->reflen = 0;
			sm->st = S_REF;
		} else
			loc_add(sm, &c, 1);
		return;
	case S_REF:
		if (c == ';') {
			ref_end(sm);
			sm->st = S_TEXT;
		} else if (sm->reflen < REF_MAX && c != '<' && c != '&' &&
		    !is_xml_space(u)) {
			sm->ref[sm->reflen++] = c;
		} else {
			/* Not a reference after all: keep it as written. */
			loc_add(sm, "&", 1);
			loc_add(sm, sm->ref, sm->reflen);
			sm->st = S_TEXT;
			sitemap_step(sm, c);
		}
		return;
	case S_LT:
		sm->namelen = 0;
		sm->selfclose = 0;
		if (c == '/')
			sm->st = S_END;
		else if (c == '!') {
			sm->banglen = 0;
			sm->st = S_BANG;
		} else if (c == '?') {
			sm->match = 0;
			sm->st = S_PI;
		} else if (is_xml_space(u) || c == '<' || c == '>') {
			sm->st = S_TEXT; /* a stray '<' */
			sitemap_step(sm, c);
		} else {
			name_add(sm, c);
			sm->st = S_NAME;
		}
		return;
	case S_NAME:
		if (c == '>') {
			tag_open(sm);
			sm->st = S_TEXT;
		} else if (c == '/' || is_xml_space(u)) {
			sm->selfclose = c == '/';
			sm->st = S_ATTRS;
		} else
			name_add(sm, c);
		return;
	case S_ATTRS:
		if (c == '>') {
			tag_open(sm);
			sm->st = S_TEXT;
		} else if (c == '"' || c == '\'') {
			sm->quote = c;
			sm->selfclose = 0;
			sm->st = S_QUOTED;
		} else if (!is_xml_space(u))
			sm->selfclose = c == '/';
		return;
	case S_QUOTED:
		if (c == sm->quote)
			sm->st = S_ATTRS;
		return;
	case S_END:
		if (c == '>') {
			tag_close(sm);
			sm->st = S_TEXT;
		} else if (!is_xml_space(u))
			name_add(sm, c);
		return;
	case S_BANG:
		sm->bang[sm->banglen++] = c;
		if (sm->banglen == 2 && memcmp(sm->bang, "--", 2) == 0) {
			sm->match = 0;
			sm->st = S_COMMENT;
		} else if (sm->banglen == 7 &&
		    memcmp(sm->bang, "[CDATA[", 7) == 0) {
			sm->match = 0;
			sm->st = S_CDATA;
		} else if (memcmp(sm->bang, "--",
			       sm->banglen < 2 ? sm->banglen : 2) != 0 &&
		    memcmp(sm->bang, "[CDATA[",
			sm->banglen < 7 ? sm->banglen : 7) != 0) {
			/* A declaration (<!DOCTYPE ...>): this byte is its. */
			sm->depth = 0;
			sm->st = S_DECL;
			sitemap_step(sm, c);
		}
		return;
	case S_COMMENT:
		if (c == '>' && sm->match >= 2)
			sm->st = S_TEXT;
		else
			sm->match = c == '-' ? sm->match + 1 : 0;
		return;
	case S_CDATA:
		if (c == ']') {
			if (sm->match == 2)
				loc_add(sm, "]", 1);
			else
				sm->match++;
		} else if (c == '>' && sm->match == 2)
			sm->st = S_TEXT;
		else {
			loc_add(sm, "]]", (size_t)sm->match);
			sm->match = 0;
			loc_add(sm, &c, 1);
		}
		return;
	case S_PI:
		if (c == '>' && sm->match)
			sm->st = S_TEXT;
		else
			sm->match = c == '?';
		return;
	case S_DECL:
		if (c == '[')
			sm->depth++;
		else if (c == ']' && sm->depth > 0)
			sm->depth--;
		else if (c == '>' && sm->depth == 0)
			sm->st = S_TEXT;
		return;
	}
}
