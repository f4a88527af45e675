/* libFuzzer target: xapi-lite/lsblk.c turns any lsblk output into JSON or an error, never
   reading past it, and an error leaves the answer's buffer as it was. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lsblk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 out;
	char		 err[160];

	buf_init(&out, LSBLK_OUTPUT_MAX);
	if (lsblk_to_json((const char *)data, size, &out, err, sizeof(err)) == -1 && out.len)
		abort();
	buf_free(&out);
	return 0;
}
