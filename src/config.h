/*
 * config: everything the command line decides, as plain data. cli fills
 * it; app reads it. Nothing else touches argv.
 */
#ifndef AFETCH_CONFIG_H
#define AFETCH_CONFIG_H

#include <stddef.h>

enum order {
	ORDER_COMPLETED,	/* as each task finishes */
	ORDER_INPUT		/* in input order, streamed */
};

struct config {
	size_t		 jobs;
	const char	*input_file;	/* NULL: stdin, or the arguments */
	char *const	*urls;		/* URLs given as arguments */
	int		 nurls;
	enum order	 order;
	size_t		 window;	/* 0: 4 x jobs */
	double		 timeout;	/* seconds; 0: none */
	double		 connect_timeout;
	double		 deadline;	/* seconds; 0: none */
	long		 first;		/* 0: off */
	int		 follow_redirects;
	long		 max_redirects;
	const char	*user_agent;
	long long	 max_size;	/* < 0: none */
	int		 http1_only;
	int		 fail;		/* --fail: status >= 400 fails the run */
};

#endif
