/*
 * hex: the value of a hexadecimal digit, for the decoders of escapes
 * (JSON's \uXXXX, a URL's %XX). Header-only: one small inline function.
 */
#ifndef AFETCH_HEX_H
#define AFETCH_HEX_H

/* Returns 0..15 for a hexadecimal digit of either case, else -1. */
static inline int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
