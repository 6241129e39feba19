/*
 * fallback: a record's stand-in line when output_record() ran out of
 * memory; records.c (cli) is its only caller.
 */
#include <stdio.h>

#include "fallback.h"
#include "jsonstr.h"

/* Appends v in decimal. */
static int
put_number(struct buf *out, unsigned long long v)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", v);
	return buf_puts(out, text);
}

enum report_err
output_fallback(struct buf *out, const struct record *rec)
{
	size_t before = out->len;
	int    i, ok;

	ok = buf_puts(out, "{\"index\":") == 0 &&
	    put_number(out, rec->index) == 0 &&
	    buf_puts(out, ",\"url\":") == 0 &&
	    jsonstr_append(out, rec->url, rec->url_len) == 0 &&
	    buf_puts(out,
		",\"state\":\"error\",\"status\":null,\"final_url\":null,"
		"\"redirects\":0,\"http_version\":null,\"size\":0,"
		"\"content_type\":null,\"ip\":null,\"attempts\":") == 0 &&
	    put_number(out, (unsigned long long)rec->attempts) == 0 &&
	    buf_puts(out, ",\"time\":{") == 0;
	for (i = 0; ok && i < TIME_COUNT; i++)
		ok = buf_puts(out, i > 0 ? ",\"" : "\"") == 0 &&
		    buf_puts(out, record_time_name(i)) == 0 &&
		    buf_puts(out, "\":null") == 0;
	ok = ok &&
	    buf_puts(out,
		"},\"error\":{\"code\":\"internal\",\"message\":"
		"\"out of memory writing the record\"}") == 0;
	if (ok && (rec->extras & RECORD_CRAWL))
		ok = buf_puts(out, ",\"depth\":") == 0 &&
		    put_number(out, (unsigned long long)rec->depth) == 0 &&
		    buf_puts(out, ",\"parent\":") == 0 &&
		    (rec->parent < 0
			    ? buf_puts(out, "null")
			    : put_number(
				  out, (unsigned long long)rec->parent)) == 0;
	if (ok && (rec->extras & RECORD_HEADERS))
		ok = buf_puts(out, ",\"headers\":null") == 0;
	if (ok && (rec->extras & RECORD_BODY))
		ok = buf_puts(out, ",\"body\":null") == 0;
	if (ok && (rec->extras & RECORD_PATH))
		ok = buf_puts(out, ",\"path\":null") == 0;
	if (ok && buf_puts(out, "}\n") == 0)
		return REPORT_OK;
	/* Lines stay whole. */
	out->len = before;
	if (out->data != NULL)
		out->data[before] = '\0';
	return REPORT_ERR_NOMEM;
}
