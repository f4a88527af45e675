#ifndef ATOLL_CMDLINE_H
#define ATOLL_CMDLINE_H

#include <stddef.h>

/* One word of a kernel command line, split the way Linux splits it (kernel/params.c). */
struct cmdline_arg {
	const char	*key;		/* points into the line, not NUL-terminated */
	size_t		 keylen;
	const char	*val;		/* NULL when the word has no '=' */
	size_t		 vallen;	/* surrounding double quotes removed */
};

/*
 * Reads the next word of the line at *pos (len bytes left in *left) into *arg and advances.
 * Returns 1 when a word was read, 0 at the end of the line, -1 when a double quote is not
 * closed (the rest of the line is consumed). Nothing is allocated.
 */
int	cmdline_next(const char **pos, size_t *left, struct cmdline_arg *arg);

/* Returns 1 when the word's key is exactly the NUL-terminated name. */
int	cmdline_is(const struct cmdline_arg *arg, const char *name);

#endif
