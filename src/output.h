/*
 * output: turns a record into one line of JSON. The only user of cJSON.
 *
 * Strings from outside reach cJSON already escaped into valid UTF-8 (see
 * jsonstr.h), as raw values, so every line is valid JSON in valid UTF-8
 * whatever bytes the input or the server sent.
 */
#ifndef AFETCH_OUTPUT_H
#define AFETCH_OUTPUT_H

#include "buf.h"
#include "record.h"

/*
 * Appends the record's JSON text and a '\n' to out. Returns 0, or -1 when
 * out of memory or past out's limit (out is then unchanged).
 */
int output_record(struct buf *out, const struct record *rec);

#endif
