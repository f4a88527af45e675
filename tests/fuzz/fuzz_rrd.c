/* libFuzzer target: xapi-lite/rrd_file.c's parser takes any bytes without reading past
   them; what it accepts writes out (dump, export) and takes updates. Inputs of odd length
   get their checksum set right first, so the checks behind it are reached too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "rrd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		*p = malloc(size ? size : 1);
	const char	*why = NULL, *name = "cpu0";
	struct rrd	*r;
	double		 v = 1;

	if (p == NULL)
		return 0;
	if (size)
		memcpy(p, data, size);
	if (size >= 4 && size % 2 == 1) {
		uint32_t	c = crc32_update(0, p, size - 4);
		int		i;

		for (i = 0; i < 4; i++)
			p[size - 4 + (size_t)i] = (uint8_t)(c >> (8 * i));
	}
	r = rrd_parse(p, size, &why);
	if (r == NULL && why == NULL)
		abort();	/* a refusal always says why */
	if (r != NULL) {
		struct buf	b;
		struct rrd	*one[1] = { r };

		buf_init(&b, 0);
		rrd_dump(r, &b);
		buf_reset(&b);
		rrd_xport(one, 1, -600, 5, RRD_AVERAGE, 1, &b, &why);
		rrd_update(r, rrd_last_updated(r) + 7, &name, &v, 1);
		buf_free(&b);
		rrd_free(r);
	}
	free(p);
	return 0;
}
