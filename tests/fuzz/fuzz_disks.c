/* libFuzzer target: xapi-lite/disks.c parses any bytes without reading past them. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "disks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct disk	d[DISKS_MAX];
	char		err[64];
	int		n, i;

	n = disks_parse((const char *)data, size, d, err, sizeof(err));
	for (i = 0; i < n; i++)
		if (d[i].size < 0 || strlen(d[i].device) == 0)
			__builtin_trap();
	return 0;
}
