#ifndef ATOLL_GUARD_H
#define ATOLL_GUARD_H
/*
 * A parser's test input placed at the end of fresh pages followed by an unmapped one, so
 * reading even one byte past the input faults (with mapped bytes after it, ASan may not
 * see such a read). For the unit tests, as tap.h is.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct guarded {
	char	*map;		/* NULL when nothing is mapped */
	size_t	 maplen;
};

/* Unmaps what guard() mapped in g, if anything. */
static inline void
guard_free(struct guarded *g)
{
	if (g->map != NULL)
		(void)munmap(g->map, g->maplen);
	g->map = NULL;
}

/* A copy of s[0..len) whose next byte is unmapped, valid until guard_free(g) (which this
   calls first, so one g can be reused). Aborts when the pages cannot be had. */
static inline const char *
guard(struct guarded *g, const char *s, size_t len)
{
	size_t	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	size_t	data = len == 0 ? pagesz : (len + pagesz - 1) / pagesz * pagesz;

	guard_free(g);
	g->maplen = data + pagesz;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (g->map == MAP_FAILED || mprotect(g->map + data, pagesz, PROT_NONE) == -1)
		abort();
	return memcpy(g->map + data - len, s, len);
}

#endif
