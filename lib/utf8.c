/*
 * UTF-8, as RFC 3629 has it: well-formed sequences only (no overlong forms, no surrogates,
 * nothing past U+10FFFF), encoding of a code point, and a whole-string check.
 */
#include "utf8.h"

size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char	c = s[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (n < 2 || (s[1] & 0xc0) != 0x80)
		return 0;
	if (c < 0xe0)
		return 2;
	if (n < 3 || (s[2] & 0xc0) != 0x80 ||
	    (c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))
		return 0;
	if (c < 0xf0)
		return 3;
	if (n < 4 || (s[3] & 0xc0) != 0x80 ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
		return 0;
	return 4;
}

size_t
utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < len) {
		if ((k = utf8_seq(u + i, len - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}
