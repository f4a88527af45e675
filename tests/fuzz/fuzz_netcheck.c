/* libFuzzer target: xapi-lite/netcheck.c reads any string without reading past it, and
   what it accepts holds no byte a program's argument or a path could misuse. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	/* A string of exactly its size: ASan sees any read past the NUL. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (net_hostname_invalid(s) == NULL &&
	    (s[0] == '\0' || s[0] == '-' || strcspn(s, " \n/;'\"$") != strlen(s)))
		abort();
	if ((net_ipv4(s) || net_server(s)) && (s[0] == '-' || strcspn(s, " \n/") != strlen(s)))
		abort();
	if (net_zone_name(s) && (s[0] == '/' || strcmp(s, "..") == 0 ||
	    strncmp(s, "../", 3) == 0 || strstr(s, "/../") != NULL ||
	    (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0) ||
	    strcspn(s, " \n") != strlen(s)))
		abort();
	free(s);
	return 0;
}
