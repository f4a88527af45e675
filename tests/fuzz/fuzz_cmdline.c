/* libFuzzer target: lib/cmdline.c splits any bytes without reading past them. */
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*pos = (const char *)data, *end = pos + size;
	size_t			 left = size;
	struct cmdline_arg	 a;

	while (cmdline_next(&pos, &left, &a) == 1) {
		if (a.key < (const char *)data || a.key + a.keylen > end)
			__builtin_trap();
		if (a.val != NULL && (a.val < (const char *)data || a.val + a.vallen > end))
			__builtin_trap();
	}
	return 0;
}
