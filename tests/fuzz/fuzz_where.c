/*
 * libFuzzer target: xapi-lite/where.c parses any bytes without reading past them, and
 * whatever it accepts evaluates (on a row whose fields are named by their first byte)
 * without crashing.
 */
#include <stddef.h>
#include <stdint.h>

#include "where.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
row(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	if (len == 0 || name[0] == 'x')
		return NULL;		/* unknown */
	return name[0] == 'a' ? "a" : "";
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct where	 w;
	const char		*unknown;
	size_t			 ulen;
	char			 err[128];

	if (where_parse((const char *)data, size, &w, err, sizeof(err)) == 0)
		(void)where_eval(&w, row, NULL, &unknown, &ulen);
	return 0;
}
