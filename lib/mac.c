/*
 * MAC addresses as XAPI, xl and the network tools write them (six pairs of hex digits
 * separated by colons), read also in the forms people paste: dashes or no separator.
 */
#include <string.h>

#include "hex.h"
#include "mac.h"

int
mac_valid(const char *m)
{
	int	i;

	for (i = 0; i < 17; i++) {
		char	c = m[i];

		if (i % 3 == 2 ? c != ':' : hexval((unsigned char)c) == -1)
			return 0;
	}
	return m[17] == '\0';
}

int
mac_parse(const char *s, unsigned char out[MAC_LEN])
{
	unsigned char	m[MAC_LEN];
	size_t		len, step;
	int		i, hi, lo;
	char		sep;

	/* strnlen: a long string is rejected without reading all of it. */
	len = strnlen(s, MAC_STRLEN);
	if (len == 12) {
		sep = '\0';
		step = 2;
	} else if (len == 17 && (s[2] == ':' || s[2] == '-')) {
		sep = s[2];
		step = 3;
	} else
		return -1;
	for (i = 0; i < MAC_LEN; i++, s += step) {
		if ((hi = hexval((unsigned char)s[0])) == -1 ||
		    (lo = hexval((unsigned char)s[1])) == -1)
			return -1;
		if (sep != '\0' && i < MAC_LEN - 1 && s[2] != sep)
			return -1;
		m[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(out, m, MAC_LEN);
	return 0;
}

char *
mac_format(char out[MAC_STRLEN], const unsigned char m[MAC_LEN], char sep)
{
	static const char	 hex[] = "0123456789abcdef";
	char			*p = out;
	int			 i;

	for (i = 0; i < MAC_LEN; i++) {
		if (i > 0 && sep != '\0')
			*p++ = sep;
		*p++ = hex[m[i] >> 4];
		*p++ = hex[m[i] & 0xf];
	}
	*p = '\0';
	return out;
}

int
mac_multicast(const unsigned char m[MAC_LEN])
{
	return m[0] & 1;
}

int
mac_zero(const unsigned char m[MAC_LEN])
{
	static const unsigned char	zero[MAC_LEN];

	return memcmp(m, zero, MAC_LEN) == 0;
}
