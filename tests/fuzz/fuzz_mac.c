/* libFuzzer target: lib/mac.c reads any string without reading past it, and what it accepts
   is one of its three forms and survives writing and reading back. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	 m[MAC_LEN], back[MAC_LEN];
	char		*s, out[MAC_STRLEN];
	size_t		 len, i;
	int		 r;

	/* A string of exactly its size: ASan sees any read past the NUL. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	len = strlen(s);

	memset(m, 0xa5, sizeof(m));
	r = mac_parse(s, m);
	if (r == -1) {
		for (i = 0; i < MAC_LEN; i++)
			if (m[i] != 0xa5)
				__builtin_trap();	/* out changed on failure */
		if (mac_valid(s))
			__builtin_trap();	/* the colon form is always read */
		free(s);
		return 0;
	}
	if (r != 0 || (len != 12 && len != 17))
		__builtin_trap();
	/* Written back in the input's form, it is the input in lower case. */
	mac_format(out, m, len == 12 ? '\0' : s[2]);
	if (strlen(out) != len)
		__builtin_trap();
	for (i = 0; i < len; i++)
		if (out[i] != lower(s[i]))
			__builtin_trap();
	if (!mac_valid(mac_format(out, m, ':')) || mac_parse(out, back) != 0 ||
	    memcmp(m, back, MAC_LEN) != 0)
		__builtin_trap();
	if (mac_zero(m) != (memcmp(out, "00:00:00:00:00:00", 17) == 0))
		__builtin_trap();
	free(s);
	return 0;
}
