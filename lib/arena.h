#ifndef ATOLL_ARENA_H
#define ATOLL_ARENA_H

#include <stddef.h>

/*
 * A bump allocator for everything one request needs: parse trees, copies of strings,
 * temporary buffers. Nothing allocated from it outlives arena_reset() or arena_free().
 */
struct arena {
	struct arena_block	*head;	/* newest block first */
	size_t			 used;	/* bytes handed out since the last reset */
	size_t			 limit;	/* arena_alloc fails past this many bytes; 0: no limit */
};

/* Sets up an empty arena that hands out at most limit bytes (0: unlimited). */
void	arena_init(struct arena *a, size_t limit);

/* Returns size bytes aligned for any type, or NULL (limit reached or out of memory). */
void	*arena_alloc(struct arena *a, size_t size);

/* Returns a NUL-terminated copy of s[0..len), or NULL. */
char	*arena_strndup(struct arena *a, const char *s, size_t len);

/* Returns a new array of room for twice *cap (at least 4) elements of size bytes holding a
   copy of old[0..n), and updates *cap; or NULL. For arrays that grow in an arena. */
void	*arena_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size);

/* Forgets every allocation; keeps the first block for reuse. */
void	arena_reset(struct arena *a);

/* Releases all memory; the arena may be initialised again. */
void	arena_free(struct arena *a);

#endif
