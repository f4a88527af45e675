/* libFuzzer target: lib/inet.c and lib/zonename.c read any string without reading past it,
   and what they accept holds no byte a program's argument or a path could misuse. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inet.h"
#include "zonename.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s;
	uint32_t	 ip;

	/* The address parser on the bytes alone, with no NUL after them. */
	if ((s = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	if (inet_ipv4(s, size, &ip) && (size < 7 || size > 15 || memchr(s, ' ', size) != NULL))
		abort();
	free(s);
	/* A string of exactly its size: ASan sees any read past the NUL. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (inet_hostname_invalid(s) == NULL &&
	    (s[0] == '\0' || s[0] == '-' || strcspn(s, " \n/;'\"$") != strlen(s)))
		abort();
	if (inet_server_ok(s) && (s[0] == '-' || strcspn(s, " \n/") != strlen(s)))
		abort();
	if (zone_name_ok(s) && (s[0] == '/' || strcmp(s, "..") == 0 ||
	    strncmp(s, "../", 3) == 0 || strstr(s, "/../") != NULL ||
	    (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0) ||
	    strcspn(s, " \n") != strlen(s)))
		abort();
	free(s);
	return 0;
}
