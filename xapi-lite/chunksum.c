/*
 * The checksum members of an XVA's disk chunks (chunksum.h): XXH64 from the xxhash
 * library's header, printed as XAPI's "%016LX"; SHA-1 by an openssl helper process fed the
 * chunk on its stdin, printed as XAPI's Sha1.to_hex (lower case), for hosts before 8.1.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "chunksum.h"
#include "exec.h"

#define SHA1_BYTES	20
#define XXH_SEED	0

void
chunk_xxhash(const void *p, size_t n, char out[CHUNK_XXHASH_LEN + 1])
{
	snprintf(out, CHUNK_XXHASH_LEN + 1, "%016llX", (unsigned long long)XXH64(p, n, XXH_SEED));
}

/* Reads up to n bytes from fd until its end; the count, or -1 (errno). */
static ssize_t
get_all(int fd, unsigned char *p, size_t n)
{
	size_t	got = 0;
	ssize_t	r;

	while (got < n) {
		if ((r = read(fd, p + got, n - got)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

int
chunk_sha1(const void *p, size_t n, char out[CHUNK_SHA1_LEN + 1])
{
	static const char *const argv[] = { "openssl", "dgst", "-sha1", "-binary", NULL };
	struct sigaction	 ign, old;
	unsigned char		 md[SHA1_BYTES + 1];
	FILE			*f;
	int			 in[2], res[2], st, e = 0, wrote;
	ssize_t			 got = -1;
	pid_t			 pid;
	size_t			 i;

	if (pipe2(in, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(res, O_CLOEXEC) == -1) {
		e = errno;
		close(in[0]);
		close(in[1]);
		errno = e;
		return -1;
	}
	pid = exec_spawn(argv, in[0], res[1], 0);
	e = errno;
	close(in[0]);
	close(res[1]);
	if (pid == -1) {
		close(in[1]);
		close(res[0]);
		errno = e;
		return -1;
	}
	/* An openssl that dies early must fail this call, not kill the caller. openssl
	   prints its digest only once its input has ended: writing it all first cannot
	   deadlock. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if ((f = fdopen(in[1], "w")) == NULL) {
		e = errno;
		close(in[1]);
		wrote = -1;
	} else {
		/* stdio writes it all, short writes and all; fclose closes the pipe. */
		wrote = fwrite(p, 1, n, f) == n ? 0 : -1;
		e = errno;
		if (fclose(f) == EOF && wrote == 0) {
			e = errno;
			wrote = -1;
		}
	}
	sigaction(SIGPIPE, &old, NULL);
	if (wrote == 0 && (got = get_all(res[0], md, sizeof(md))) == -1)
		e = errno;
	close(res[0]);
	st = exec_wait(pid);
	if (wrote == -1 || got == -1) {
		errno = e;
		return -1;
	}
	/* Exactly the digest, from an openssl that succeeded. */
	if (st != 0 || got != SHA1_BYTES) {
		errno = st == 127 ? ENOENT : EIO;
		return -1;
	}
	for (i = 0; i < SHA1_BYTES; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}
