/*
 * Checks of what the host-settings calls take from a client before any of it reaches the
 * host-config program: host names (XAPI's rules and reason texts), IPv4 addresses and
 * netmasks, NTP servers and time zone names.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "netcheck.h"

static int
alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

const char *
net_hostname_invalid(const char *s)
{
	const char	*p;
	size_t		 len = strlen(s), i, n;

	/* XAPI's order: empty, too long, then letters, digits, '-' and '.' with no hyphen
	   first or last. Beyond XAPI, what a resolver takes: at most 253 characters, labels
	   of 1 to 63 with no hyphen at either end (XAPI's reason for that is its own). */
	if (len == 0)
		return "hostname empty";
	if (len > 253)
		return "hostname is too long";
	for (i = 0; i < len; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '.')
			return "hostname contains invalid characters";
	for (p = s;; p += n + 1) {
		n = strcspn(p, ".");
		if (n == 0)
			return "hostname contains an empty label";
		if (n > 63)
			return "hostname label is too long";
		if (p[0] == '-' || p[n - 1] == '-')
			return "hostname contains invalid characters";
		if (p[n] == '\0')
			return NULL;
	}
}

int
net_ipv4(const char *s)
{
	struct in_addr	a;

	return inet_pton(AF_INET, s, &a) == 1;
}

int
net_netmask(const char *s)
{
	struct in_addr	a;
	uint32_t	m, inv;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0;
	/* Ones, then zeros: the inverse plus one is a power of two. */
	m = ntohl(a.s_addr);
	inv = ~m;
	return m != 0 && (inv & (inv + 1)) == 0;
}

int
net_server(const char *s)
{
	const char	*p;
	size_t		 len = strlen(s), n, i;
	int		 numeric = 1;

	if (net_ipv4(s))
		return 1;
	if (len == 0 || len > 253)
		return 0;
	/* Labels of 1 to 63 characters, no hyphen at either end, none empty. */
	for (p = s;; p += n + 1) {
		n = strcspn(p, ".");
		if (n == 0 || n > 63 || p[0] == '-' || p[n - 1] == '-')
			return 0;
		for (i = 0; i < n; i++) {
			if (!alnum(p[i]) && p[i] != '-')
				return 0;
			if (p[i] < '0' || p[i] > '9')
				numeric = 0;
		}
		if (p[n] == '\0')
			break;
	}
	/* Digits and dots that are no IPv4 address are a mistyped one. */
	return !numeric;
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
