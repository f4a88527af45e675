/* libFuzzer target: lib/xs.c cuts any byte stream into messages without reading past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data;
	struct xs_msg	 m;
	char		 s[64];
	long		 n;
	int		 i;

	while ((n = xs_parse(p, size, &m)) > 0) {
		for (i = 0; i < 4; i++)
			(void)xs_string(&m, i, s, sizeof(s));
		p += n;
		size -= (size_t)n;
	}
	return 0;
}
