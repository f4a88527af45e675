/*
 * The shape of a sha512-crypt hash (see sha512crypt.h).
 */
#include <string.h>

#include "sha512crypt.h"

static int
is_b64(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '/';
}

const char *
sha512_crypt_invalid(const char *v, size_t len)
{
	const char	*end = v + len, *p;
	size_t		 n;

	if (len < 3 || memcmp(v, "$6$", 3) != 0)
		return "does not start with $6$";
	p = v + 3;
	if ((size_t)(end - p) > 7 && memcmp(p, "rounds=", 7) == 0) {
		for (p += 7, n = 0; p < end && *p >= '0' && *p <= '9'; p++, n++)
			;
		if (n == 0 || n > 9 || p == end || *p != '$')
			return "has a bad rounds= field";
		p++;
	}
	for (n = 0; p < end && *p != '$'; p++, n++)
		if (!is_b64(*p))
			return "has a bad character in its salt";
	if (n == 0 || n > 16 || p == end)
		return "has no salt of 1 to 16 characters";
	for (p++, n = 0; p < end; p++, n++)
		if (!is_b64(*p))
			return "has a bad character in its hash";
	if (n != 86)
		return "has a hash that is not 86 characters long";
	return NULL;
}
