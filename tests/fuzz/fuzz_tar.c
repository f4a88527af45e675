/*
 * libFuzzer target: lib/tar_read.c reads any header block without reading past it; what
 * it accepts has a NUL-terminated name of at most 100 bytes and a size below 2^62, only
 * an all-zero block is the archive's end, and every refusal says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char		*h;
	struct tar_member	 m;
	const char		*why = NULL;
	size_t			 i, zero = 1;
	int			 r;

	if (size < TAR_BLOCK)
		return 0;
	/* A block of exactly its size: ASan sees any read past it. */
	if ((h = malloc(TAR_BLOCK)) == NULL)
		return 0;
	memcpy(h, data, TAR_BLOCK);
	for (i = 0; i < TAR_BLOCK; i++)
		if (h[i] != 0)
			zero = 0;
	memset(&m, 0x5a, sizeof(m));
	r = tar_parse_header(h, &m, &why);
	if ((r == 0) != zero)
		__builtin_trap();
	if (r == 1 && (memchr(m.name, '\0', sizeof(m.name)) == NULL || m.name[0] == '\0' ||
	    m.size >= 1ULL << 62))
		__builtin_trap();
	if (r == -1 && (why == NULL || why[0] == '\0'))
		__builtin_trap();
	if (r < -1 || r > 1)
		__builtin_trap();
	free(h);
	return 0;
}
