/*
 * reqdata: the request body given with -d, as text or, with a leading
 * '@', the named file's bytes, loaded once and sent byte for byte.
 */
#ifndef AFETCH_REQDATA_H
#define AFETCH_REQDATA_H

#include "buf.h"
#include "runerr.h"

/* The largest body -d @FILE loads. */
#define REQDATA_LIMIT (1024LL * 1024 * 1024)

/*
 * Initialises out and loads arg into it (nothing when arg is NULL).
 * Returns RUN_OK, or RUN_ERR_INPUT after a message on stderr (the file
 * cannot be read or is over REQDATA_LIMIT, or memory ran out); out is the
 * caller's to buf_free() either way.
 */
enum run_err reqdata_load(const char *arg, struct buf *out);

#endif
