/*
 * baseerr: the one error type of the base layer (src/base/).
 *
 * Every base function that can fail returns an enum base_err, and its
 * header names the values it may return. Success is 0 and every failure
 * is negative; BASE_ERR_NOROOM, by far the most common, is -1.
 */
#ifndef AFETCH_BASEERR_H
#define AFETCH_BASEERR_H

enum base_err {
	BASE_OK = 0,
	BASE_ERR_NOROOM = -1,	 /* memory ran out, or a limit was reached */
	BASE_ERR_ABSENT = -2,	 /* a lookup found nothing */
	BASE_ERR_MALFORMED = -3, /* the bytes given are not well formed */
};

#endif
