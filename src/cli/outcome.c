/*
 * outcome: the one rule from how a run ended to afetch's exit status, in
 * the contract's order of precedence. main() calls it once, at the end.
 */
#include "outcome.h"

int
outcome_exit_status(const struct outcome *o)
{
	if (o->usage)
		return EXIT_USAGE;
	if (o->signal != 0)
		return 128 + o->signal;
	if (o->reader_gone)
		return EXIT_PIPE;
	if (o->output_failed || o->internal)
		return EXIT_SOME_FAILED;
	if (o->first)
		return o->first_reached ? EXIT_ALL_DONE : EXIT_SOME_FAILED;
	return o->not_done ? EXIT_SOME_FAILED : EXIT_ALL_DONE;
}
