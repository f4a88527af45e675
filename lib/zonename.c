/*
 * Time zone names (see zonename.h).
 */
#include <string.h>

#include "zonename.h"

#define ALNUM	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

int
zone_name_ok(const char *s)
{
	size_t	n = strlen(s);

	return n > 0 && n <= ZONE_NAME_MAX && strspn(s, ALNUM "_+-/") == n &&
	    strchr(ALNUM, s[0]) != NULL && s[n - 1] != '/' && strstr(s, "//") == NULL;
}
