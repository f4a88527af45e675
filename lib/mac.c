/*
 * MAC addresses as XAPI, xl and the network tools write them: six pairs of hex digits
 * separated by colons.
 */
#include "mac.h"

int
mac_valid(const char *m)
{
	int	i;

	for (i = 0; i < 17; i++) {
		char	c = m[i];

		if (i % 3 == 2 ? c != ':' : !((c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return m[17] == '\0';
}
