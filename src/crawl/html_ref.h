/*
 * html_ref: character references in attribute values (HTML Living
 * Standard 13.2.5.72 to 13.2.5.80), the lookup half; the states that
 * gather a reference byte by byte live in html.c.
 *
 * Named references (365 names): the HTML 4 set (252 names), &apos; and
 * the upper-case AMP, COPY, GT, LT, QUOT, REG, each with its semicolon,
 * and the 106 legacy names that the standard also matches without one
 * (&amp, &lt, &copy, &eacute, ...). That covers the names
 * that occur in URLs in practice; a name outside it stays as written.
 * Numeric references are complete, replacements included.
 */
#ifndef AFETCH_HTML_REF_H
#define AFETCH_HTML_REF_H

#include <stddef.h>
#include <stdint.h>

/* The longest name in the table, its ';' included. */
#define HTML_REF_NAME_MAX 9

/*
 * Finds the longest name in the table that is a prefix of the len bytes
 * at name (alphanumerics, perhaps ending in ';'). Returns its length and
 * points *utf8 at its replacement (a NUL-terminated UTF-8 string), or
 * returns 0 when no name matches.
 */
size_t html_ref_named(const char *name, size_t len, const char **utf8);

/*
 * Writes the UTF-8 of the code point a numeric reference names into out,
 * after the standard's replacements (NUL, surrogates and values past
 * U+10FFFF become U+FFFD; 0x80 to 0x9F map as windows-1252). cp may be
 * any value (callers saturate it). Returns the number of bytes, 1 to 4.
 */
size_t html_ref_numeric(uint32_t cp, char out[4]);

/* Writes the UTF-8 of a Unicode scalar value; returns 1 to 4 bytes. */
size_t html_ref_utf8(uint32_t cp, char out[4]);

#endif
