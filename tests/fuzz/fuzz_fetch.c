/* libFuzzer target: installer/fetch.c's response splitter reads any bytes without reading
   past them, and what it accepts is a status of three digits and a body inside them. */
#include <stddef.h>
#include <stdint.h>

#include "fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int		 status;
	size_t		 body;
	long long	 clen;
	const char	*why = NULL;

	if (fetch_response((const char *)data, size, &status, &body, &clen, &why) == -1) {
		if (why == NULL || why[0] == '\0')
			__builtin_trap();
		return 0;
	}
	if (status < 0 || status > 999 || body > size || body < 14 || clen < -1)
		__builtin_trap();
	return 0;
}
