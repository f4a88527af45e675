/* libFuzzer target: lib/kvline.c reads any bytes without reading past them or past its
   out buffer, and a value it returns is printable ASCII without a '"'. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kvline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char	*keys[] = { "slot", "version", "reason", "" };
	char			out[32];
	size_t			i, j;
	int			r;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		r = kvline_get((const char *)data, size, keys[i], out, sizeof(out));
		if (r < -1 || r > 1 || memchr(out, '\0', sizeof(out)) == NULL)
			__builtin_trap();
		for (j = 0; r == 1 && out[j] != '\0'; j++)
			if (out[j] == '"' || (unsigned char)out[j] < ' ' ||
			    (unsigned char)out[j] >= 0x7f)
				__builtin_trap();
	}
	return 0;
}
