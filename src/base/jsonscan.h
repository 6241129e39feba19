/*
 * jsonscan: finds and decodes one string member in a line of JSON, byte
 * exact. cJSON stops strings at a NUL byte, so a URL written with \u0000
 * is read back here instead; cJSON still checks that the line is JSON.
 */
#ifndef AFETCH_JSONSCAN_H
#define AFETCH_JSONSCAN_H

#include <stddef.h>

#include "baseerr.h"
#include "buf.h"

/*
 * Finds the value of the first member named key of the JSON object in the
 * len bytes at s, as cJSON's lookup does (escapes in member names are
 * decoded first). Returns BASE_OK with *val and *vallen set to the value's
 * text as it stands (a string literal with its quotes, a number, an object
 * ...), or BASE_ERR_ABSENT when s is not an object or has no such member. Assumes s is valid
 * JSON up to the member found; nothing after it is looked at.
 */
enum base_err jsonscan_find_value(const char *s, size_t len, const char *key,
    const char **val, size_t *vallen);

/*
 * Finds the value of the first member named key of the JSON object in the
 * len bytes at s, as cJSON's lookup does (escapes in member names are
 * decoded first). Returns BASE_OK with *lit and *litlen set to the value's
 * string literal, quotes included, or BASE_ERR_ABSENT when s is not an
 * object, has no such member, or its value is not a string. Assumes s is valid JSON.
 */
enum base_err jsonscan_find_string(const char *s, size_t len, const char *key,
    const char **lit, size_t *litlen);

/*
 * Appends to out the bytes of the JSON string literal of len bytes at lit
 * (quotes included), NUL bytes kept; a lone surrogate becomes U+FFFD.
 * Returns BASE_OK, BASE_ERR_MALFORMED when the literal is malformed (an
 * unknown escape, a raw control byte), or BASE_ERR_NOROOM when out cannot
 * take it.
 */
enum base_err jsonscan_decode_string(
    const char *lit, size_t len, struct buf *out);

#endif
