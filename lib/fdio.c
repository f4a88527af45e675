/*
 * Whole-buffer writes to a descriptor, the one loop every writer of a file, pipe or blocking
 * socket shares, and a file written whole or not at all (see fdio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

int
write_file_whole(const char *path, const void *p, size_t n, unsigned mode)
{
	char	tmp[512];
	int	fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) == -1)
		return -1;
	if (write_all(fd, p, n) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}
