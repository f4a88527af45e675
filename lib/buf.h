#ifndef ATOLL_BUF_H
#define ATOLL_BUF_H

#include <stddef.h>
#include <string.h>

/* A growable byte buffer with a hard cap: appends fail rather than truncate. */
struct buf {
	char	*p;		/* malloc'd, NUL-terminated after every append; NULL when empty */
	size_t	 len, cap;
	size_t	 max;		/* appends fail once len would pass it; 0: no cap */
};

/* Initialises an empty buffer that may grow to max bytes (0: no cap). */
void	buf_init(struct buf *b, size_t max);

/* Appends len bytes when they need more room (buf_append's slow path). Returns 0 or -1. */
int	buf_append_grow(struct buf *b, const void *data, size_t len);

/* Appends len bytes. Returns 0, or -1 (cap reached or out of memory; b unchanged).
   Inline: the writers call it for every tag and value. */
static inline int
buf_append(struct buf *b, const void *data, size_t len)
{
	if (len >= b->cap - b->len || (b->max && len > b->max - b->len))
		return buf_append_grow(b, data, len);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

/* Appends a NUL-terminated string. Returns 0 or -1 as buf_append. */
int	buf_puts(struct buf *b, const char *s);

/* Appends a string literal (its length known at compile time). Returns 0 or -1. */
#define buf_lit(b, lit)	buf_append((b), "" lit "", sizeof(lit) - 1)	/* literals only */

/* Appends printf-formatted text. Returns 0 or -1 as buf_append. */
int	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Drops the first n bytes (n <= len), keeping the rest. */
void	buf_consume(struct buf *b, size_t n);

/* Empties the buffer, keeping its memory. */
void	buf_reset(struct buf *b);

/* Frees the memory; the buffer is empty and usable again. */
void	buf_free(struct buf *b);

#endif
