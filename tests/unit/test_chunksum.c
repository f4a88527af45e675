/* Unit tests of xapi-lite/chunksum.c: XXH64 and SHA-1 of known vectors as XAPI prints them
   in .xxhash (upper case) and .checksum (lower case) members, a whole 1 MiB chunk, and an
   openssl that cannot run. */
#include <stdlib.h>
#include <string.h>

#include "chunksum.h"
#include "tap.h"

#define MIB	(1024 * 1024)

static void
xxhash(void)
{
	char	h[CHUNK_XXHASH_LEN + 1];

	chunk_xxhash("", 0, h);
	ok(strcmp(h, "EF46DB3751D8E999") == 0, "XXH64 of nothing (a keep-alive chunk): %s", h);
	chunk_xxhash("a", 1, h);
	ok(strcmp(h, "D24EC4F1A98C6E5B") == 0, "XXH64 of \"a\": %s", h);
	chunk_xxhash("abc", 3, h);
	ok(strcmp(h, "44BC2CF5AD770999") == 0, "XXH64 of \"abc\": %s", h);
	ok(strlen(h) == CHUNK_XXHASH_LEN, "16 digits");
}

static void
sha1(void)
{
	char		 h[CHUNK_SHA1_LEN + 1], again[CHUNK_SHA1_LEN + 1];
	unsigned char	*mib = calloc(1, MIB);
	const char	*path = getenv("PATH");
	char		*saved = path != NULL ? strdup(path) : NULL;

	ok(chunk_sha1("abc", 3, h) == 0 &&
	    strcmp(h, "a9993e364706816aba3e25717850c26c9cd0d89d") == 0, "SHA-1 of \"abc\": %s", h);
	ok(chunk_sha1("", 0, h) == 0 &&
	    strcmp(h, "da39a3ee5e6b4b0d3255bfef95601890afd80709") == 0, "SHA-1 of nothing: %s", h);
	/* A whole chunk goes through the pipe (more than a pipe holds at once). */
	ok(mib != NULL && chunk_sha1(mib, MIB, h) == 0 &&
	    strcmp(h, "3b71f43ff30f4b15b5cd85dd9e95ebc7e84eb5a3") == 0, "SHA-1 of 1 MiB of zeros: %s", h);
	mib[MIB - 1] = 1;
	ok(chunk_sha1(mib, MIB, again) == 0 && strcmp(h, again) != 0, "its last byte counts");
	free(mib);
	/* No openssl on PATH: a failure, nothing written. */
	setenv("PATH", "/nonexistent", 1);
	strcpy(h, "untouched");
	ok(chunk_sha1("abc", 3, h) == -1 && strcmp(h, "untouched") == 0,
	    "no openssl: -1, the output left alone");
	if (saved != NULL) {
		setenv("PATH", saved, 1);
		free(saved);
	}
	ok(chunk_sha1("abc", 3, h) == 0, "with openssl back, it works again");
}

int
main(void)
{
	xxhash();
	sha1();
	return done_testing();
}
