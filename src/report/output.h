/*
 * output: turns a record into one line of JSON. The only writer of
 * records with cJSON (summary writes its --summary-json object with it,
 * resume parses records back, and cli prints cJSON's version).
 *
 * Strings from outside reach cJSON already escaped into valid UTF-8 (see
 * jsonstr.h), as raw values, so every line is valid JSON in valid UTF-8
 * whatever bytes the input or the server sent.
 */
#ifndef AFETCH_OUTPUT_H
#define AFETCH_OUTPUT_H

#include "buf.h"
#include "record.h"
#include "reporterr.h"

struct output;

/*
 * Returns a record writer, or NULL when out of memory. It keeps its scratch
 * space from one record to the next, so that an ordinary record costs no
 * allocation besides cJSON's nodes. The caller owns it and frees it with
 * output_free(); one writer serves one record at a time.
 */
struct output *output_new(void);

/* Frees o and its scratch space. NULL is allowed. */
void output_free(struct output *o);

/*
 * Appends the record's JSON text and a '\n' to out. Returns REPORT_OK, or
 * REPORT_ERR_NOMEM when out of memory or past out's limit (out is then
 * unchanged). o's scratch
 * space grows no larger than the room out had left, and at most 256 KiB of
 * it is kept afterwards. rec stays the caller's and is not changed.
 */
enum report_err output_record(
    struct output *o, struct buf *out, const struct record *rec);

#endif
