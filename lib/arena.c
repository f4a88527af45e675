/*
 * Bump allocator for per-request memory: blocks of at least ARENA_BLOCK bytes, each
 * allocation aligned to max_align_t; reset keeps one block so a steady server stops calling
 * malloc once warm.
 */
#include <stdlib.h>
#include <string.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define ARENA_BLOCK	(16 * 1024)
#define ARENA_ALIGN	(alignof(max_align_t))

struct arena_block {
	struct arena_block	*next;
	size_t			 size, used;
	alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *a, size_t limit)
{
	a->head = NULL;
	a->used = 0;
	a->limit = limit;
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_block	*b = a->head;
	size_t			 need = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	void			*p;

	if (need < size || (a->limit && (need > a->limit || a->used > a->limit - need)))
		return NULL;
	if (b == NULL || b->size - b->used < need) {
		size_t	bsize = need > ARENA_BLOCK ? need : ARENA_BLOCK;

		if ((b = malloc(sizeof(*b) + bsize)) == NULL)
			return NULL;
		b->size = bsize;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	a->used += need;
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char	*p;

	if (len == (size_t)-1 || (p = arena_alloc(a, len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *
arena_grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	size_t	 ncap = *cap ? *cap * 2 : 4;
	void	*nw;

	if (ncap > SIZE_MAX / size || (nw = arena_alloc(a, ncap * size)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(nw, old, n * size);
	*cap = ncap;
	return nw;
}

void
arena_reset(struct arena *a)
{
	struct arena_block	*b, *next;

	if (a->head == NULL)
		return;
	/* Keep the oldest block (the last in the list), free the rest. */
	for (b = a->head; b->next != NULL; b = next) {
		next = b->next;
		free(b);
	}
	b->used = 0;
	a->head = b;
	a->used = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->used = 0;
}
