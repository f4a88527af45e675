/*
 * IPv4 addresses and host names (see inet.h).
 */
#include <string.h>

#include "inet.h"

static int
alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int
inet_ipv4(const char *s, size_t n, uint32_t *ip)
{
	const char	*end = s + n;
	uint32_t	 v, addr = 0;
	int		 i, digits;

	for (i = 0; i < 4; i++) {
		if (i > 0 && (s == end || *s++ != '.'))
			return 0;
		for (digits = 0, v = 0; s < end && *s >= '0' && *s <= '9' && digits < 4; digits++)
			v = v * 10 + (uint32_t)(*s++ - '0');
		if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[-digits] == '0'))
			return 0;
		addr = addr << 8 | v;
	}
	if (s != end)
		return 0;
	*ip = addr;
	return 1;
}

int
inet_netmask(uint32_t m)
{
	uint32_t	inv = ~m;

	/* Ones, then zeros: the inverse plus one is a power of two. */
	return m != 0 && (inv & (inv + 1)) == 0;
}

int
inet_is_ipv4(const char *s)
{
	uint32_t	ip;

	return inet_ipv4(s, strlen(s), &ip);
}

int
inet_is_netmask(const char *s)
{
	uint32_t	m;

	return inet_ipv4(s, strlen(s), &m) && inet_netmask(m);
}

const char *
inet_hostname_invalid(const char *s)
{
	const char	*p;
	size_t		 len = strlen(s), i, n;

	/* XAPI's order: empty, too long, then letters, digits, '-' and '.' with no hyphen
	   first or last. Beyond XAPI, what a resolver takes: labels of 1 to 63 with no
	   hyphen at either end (XAPI has no reason of its own for an empty or long label). */
	if (len == 0)
		return "hostname empty";
	if (len > INET_HOSTNAME_MAX)
		return "hostname is too long";
	for (i = 0; i < len; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '.')
			return "hostname contains invalid characters";
	for (p = s;; p += n + 1) {
		n = strcspn(p, ".");
		if (n == 0)
			return "hostname contains an empty label";
		if (n > INET_LABEL_MAX)
			return "hostname label is too long";
		if (p[0] == '-' || p[n - 1] == '-')
			return "hostname contains invalid characters";
		if (p[n] == '\0')
			return NULL;
	}
}

int
inet_server_ok(const char *s)
{
	size_t		n = strlen(s);
	uint32_t	ip;

	if (strspn(s, "0123456789.") == n)
		return inet_ipv4(s, n, &ip);
	return inet_hostname_invalid(s) == NULL;
}
