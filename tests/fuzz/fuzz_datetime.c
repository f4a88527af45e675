/* libFuzzer target: xapi-lite/datetime.c reads any bytes as a DateTime or refuses them,
   without reading past them or overflowing. */
#include <stddef.h>
#include <stdint.h>

#include "datetime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long long	t;

	(void)datetime_parse((const char *)data, size, &t);
	return 0;
}
