/*
 * jsonstr: turns arbitrary bytes into a JSON string literal in valid UTF-8.
 *
 * cJSON neither checks UTF-8 nor carries NUL bytes, so every string that
 * comes from outside (URLs, headers, server text, error messages) passes
 * through here and reaches cJSON as a ready-made raw literal.
 */
#ifndef AFETCH_JSONSTR_H
#define AFETCH_JSONSTR_H

#include <stddef.h>

#include "buf.h"

/*
 * Appends to out the JSON string literal, with its quotes, for the len bytes
 * at s. Valid UTF-8 sequences are copied; each byte that does not start a
 * valid sequence (bad lead or continuation bytes, overlong forms, surrogates,
 * code points above U+10FFFF, a sequence cut off at the end) becomes U+FFFD.
 * '"' and '\' are escaped, \b \f \n \r \t use their short escapes, and every
 * other byte below 0x20 (NUL included) and 0x7f is written as \u00XX.
 * Returns BASE_OK, or BASE_ERR_NOROOM if out cannot take it (out is then
 * unchanged).
 */
enum base_err jsonstr_append(struct buf *out, const char *s, size_t len);

/*
 * Returns 1 when the len bytes at s are valid UTF-8 (as defined above, NUL
 * bytes allowed), else 0.
 */
int jsonstr_valid_utf8(const char *s, size_t len);

#endif
