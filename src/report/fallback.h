/*
 * fallback: the record that stands in for one that output could not
 * format for lack of memory, so that every URL read still gets its line.
 *
 * The line is built by hand, without cJSON's nodes or output's scratch
 * space: a run short of memory needs only room in its output buffer.
 */
#ifndef AFETCH_FALLBACK_H
#define AFETCH_FALLBACK_H

#include "buf.h"
#include "record.h"
#include "reporterr.h"

/*
 * Appends rec's stand-in: its index, url and the keys of its extras
 * ("links" aside), every other field null, as an "internal" error (so a
 * file it saved is no longer named: the caller removes it). It allocates
 * nothing but out's growth. Returns REPORT_OK, or REPORT_ERR_NOMEM with out
 * unchanged.
 */
enum report_err output_fallback(struct buf *out, const struct record *rec);

#endif
