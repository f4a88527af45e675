#ifndef ATOLL_BUF_H
#define ATOLL_BUF_H

#include <stddef.h>

/* A growable byte buffer with a hard cap: appends fail rather than truncate. */
struct buf {
	char	*p;		/* malloc'd, NUL-terminated after every append; NULL when empty */
	size_t	 len, cap;
	size_t	 max;		/* appends fail once len would pass it; 0: no cap */
};

/* Initialises an empty buffer that may grow to max bytes (0: no cap). */
void	buf_init(struct buf *b, size_t max);

/* Appends len bytes. Returns 0, or -1 (cap reached or out of memory; b unchanged). */
int	buf_append(struct buf *b, const void *data, size_t len);

/* Appends a NUL-terminated string. Returns 0 or -1 as buf_append. */
int	buf_puts(struct buf *b, const char *s);

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
