#ifndef ATOLL_FDIO_H
#define ATOLL_FDIO_H

#include <stddef.h>

/* Writes all of p[0..n) to fd (a file, a pipe, a blocking socket), retrying short writes
   and EINTR. Returns 0, or -1 with errno (EPIPE when the reader went away; EAGAIN on a
   non-blocking descriptor that is full). */
int	write_all(int fd, const void *p, size_t n);

/* Writes p[0..n) as file path, whole or not at all: a temporary path.tmp (mode), fsync'd,
   renamed into place. Returns 0, or -1 with errno (nothing left behind). */
int	write_file_whole(const char *path, const void *p, size_t n, unsigned mode);

#endif
