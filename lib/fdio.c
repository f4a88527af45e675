/*
 * Whole-buffer writes to a descriptor, the one loop every writer of a file, pipe or blocking
 * socket shares (see fdio.h).
 */
#include <errno.h>
#include <unistd.h>

#include "fdio.h"

int
write_all(int fd, const void *p, size_t n)
{
	const char	*q = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, q, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {		/* no progress and no error: never spin on it */
			errno = EIO;
			return -1;
		}
		q += w;
		n -= (size_t)w;
	}
	return 0;
}
