/*
 * Checks of what the host-settings calls take from a client before any of it reaches the
 * host-config program: IPv4 addresses and netmasks of a string (lib/inet.c's rule), NTP
 * servers and time zone names. Host names are lib/inet.c's inet_hostname_invalid.
 */
#include <stdint.h>
#include <string.h>

#include "inet.h"
#include "netcheck.h"

static int
alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
net_ipv4(const char *s)
{
	uint32_t	ip;

	return inet_ipv4(s, strlen(s), &ip);
}

int
net_netmask(const char *s)
{
	uint32_t	m;

	return inet_ipv4(s, strlen(s), &m) && inet_netmask(m);
}

int
net_server(const char *s)
{
	if (net_ipv4(s))
		return 1;
	/* Digits and dots that are no IPv4 address are a mistyped one. */
	return inet_hostname_invalid(s) == NULL && strspn(s, "0123456789.") != strlen(s);
}

int
net_zone_name(const char *s)
{
	const char	*p;
	size_t		 len = strlen(s);

	if (len == 0 || len > 200 || s[0] == '/' || s[len - 1] == '/')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!alnum(*p) && strchr("_-+/", *p) == NULL && *p != '.')
			return 0;
	/* No empty, "." or ".." component. */
	for (p = s; *p != '\0';) {
		size_t	n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n + (p[n] == '/');
	}
	return 1;
}
