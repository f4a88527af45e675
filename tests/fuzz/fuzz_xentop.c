/* libFuzzer target: xapi-lite/xentop.c reads any bytes on xentop's pipe without going past
   them, and a frame it accepts fits its limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xentop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xentop_dom	doms[8];
	const char			*p = (const char *)data, *why;
	size_t				end = xentop_frame_end(p, size);
	int				n;

	if (end > size)
		abort();
	n = xentop_parse(p, end ? end : size, doms, 8, &why);
	if (n > 8 || (n >= 0 && doms[0].nvcpu > XENTOP_MAX_VCPUS))
		abort();
	return 0;
}
