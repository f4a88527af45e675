/* libFuzzer target: installer/sums.c's SHA256SUMS parser reads any bytes without reading
   past them or past err, and what it accepts is what sums.h promises: at most SUMS_MAX
   lines, each a lowercase 64-digit digest and a plain file name listed once. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sums.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sums	s;
	char			err[200], tiny[4];
	size_t			i, j;

	if (sums_parse((const char *)data, size, &s, err, sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		(void)sums_parse((const char *)data, size, &s, tiny, sizeof(tiny));
		return 0;
	}
	if (s.n == 0 || s.n > SUMS_MAX)
		__builtin_trap();
	for (i = 0; i < s.n; i++) {
		if (strlen(s.e[i].hex) != 64 ||
		    strspn(s.e[i].hex, "0123456789abcdef") != 64 ||
		    s.e[i].name[0] == '\0' || strchr(s.e[i].name, '/') != NULL ||
		    strlen(s.e[i].name) > SUMS_NAME_MAX)
			__builtin_trap();
		for (j = 0; j < i; j++)
			if (strcmp(s.e[i].name, s.e[j].name) == 0)
				__builtin_trap();
	}
	return 0;
}
