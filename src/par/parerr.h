/*
 * parerr: the one error type of the par layer (src/par/), the hand-off
 * between the main loop and the worker threads.
 *
 * Every par function that can fail returns an enum par_err, and its header
 * names the values it may return; a function par implements for a layer
 * below (fetch_delegate's start) returns that layer's type. Success is 0
 * and every failure is negative.
 */
#ifndef AFETCH_PARERR_H
#define AFETCH_PARERR_H

enum par_err {
	PAR_OK = 0,
	PAR_ERR_WAKE = -1, /* the consumer's eventfd could not be written */
};

#endif
