/* libFuzzer target: xapi-lite/xlparse.c reads any xl output without going past it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xlparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xl_info	 info;
	struct xl_dom	 doms[16];
	char		 err[64], *text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';		/* xl's output reaches the parsers as a C string */
	(void)xl_info_parse(text, &info, err, sizeof(err));
	(void)xl_list_parse(text, doms, 16, err, sizeof(err));
	free(text);
	return 0;
}
