/*
 * cli: the command line. Options come from one table that drives both
 * getopt_long and --help, so the two cannot disagree.
 */
#ifndef AFETCH_CLI_H
#define AFETCH_CLI_H

#include "config.h"

enum cli_result {
	CLI_RUN,  /* cfg is filled: go on */
	CLI_EXIT, /* --help or --version was printed: exit 0 */
	CLI_USAGE /* one line was printed on stderr: exit 2 */
};

/*
 * Parses argv into cfg (defaults first). Prints --help and --version on
 * stdout and usage errors, one line, on stderr.
 */
enum cli_result cli_parse(int argc, char *argv[], struct config *cfg);

#endif
