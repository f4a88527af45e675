/*
 * The checksums of an XVA's disk chunks (chunksum.h): XXH64 from the xxhash library's
 * header, printed as XAPI's "%016LX"; SHA-1, for XVAs of hosts older than 8.1, by an
 * openssl helper process (no hash is written here).
 */
#define _GNU_SOURCE		/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "chunksum.h"

#define SHA1_OUTPUT_MAX	256	/* openssl dgst -r prints "HEX *stdin\n" */

void
chunk_xxhash(const void *p, size_t n, char out[CHUNK_XXHASH_LEN + 1])
{
	snprintf(out, CHUNK_XXHASH_LEN + 1, "%016llX", (unsigned long long)XXH64(p, n, 0));
}

/* Writes p[0..n) to fd, then closes it. Returns 0 or -1. */
static int
feed(int fd, const unsigned char *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return close(fd);
}

int
chunk_sha1(const void *p, size_t n, char out[CHUNK_SHA1_LEN + 1])
{
	char			 buf[SHA1_OUTPUT_MAX];
	struct sigaction	 ign, old;
	size_t			 got = 0, i;
	ssize_t			 r;
	pid_t			 pid;
	int			 in[2], res[2], status, fails;

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(res, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if ((pid = fork()) == -1) {
		close(in[0]);
		close(in[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (pid == 0) {
		/* dup2 clears close-on-exec on the copies; the originals close at exec. */
		if (dup2(in[0], 0) == -1 || dup2(res[1], 1) == -1)
			_exit(127);
		execlp("openssl", "openssl", "dgst", "-sha1", "-r", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(res[1]);
	/* An openssl that dies early must not take this process with it. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	fails = feed(in[1], p, n) == -1;
	sigaction(SIGPIPE, &old, NULL);
	while (got < sizeof(buf) && ((r = read(res[0], buf + got, sizeof(buf) - got)) > 0 ||
	    (r == -1 && errno == EINTR)))
		if (r > 0)
			got += (size_t)r;
	close(res[0]);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (fails || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || got < CHUNK_SHA1_LEN) {
		errno = EIO;
		return -1;
	}
	for (i = 0; i < CHUNK_SHA1_LEN; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') || (buf[i] >= 'a' && buf[i] <= 'f'))) {
			errno = EIO;
			return -1;
		}
	memcpy(out, buf, CHUNK_SHA1_LEN);
	out[CHUNK_SHA1_LEN] = '\0';
	return 0;
}
