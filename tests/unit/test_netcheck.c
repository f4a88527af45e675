/* Unit tests of xapi-lite/netcheck.c: IPv4 addresses and netmasks of a string, NTP servers
   and time zone names, good and bad (host names: test_inet.c). */
#include <stdlib.h>
#include <string.h>

#include "netcheck.h"
#include "tap.h"

/* A heap copy of exactly its size, so the sanitizers catch a read past it. */
static char *
copy(const char *s)
{
	char	*c = malloc(strlen(s) + 1);

	memcpy(c, s, strlen(s) + 1);
	return c;
}

#define CHECK(fn, s, want, why) do {						\
	char	*c_ = copy(s);							\
	ok(fn(c_) == (want), "%s: %s(\"%s\")", why, #fn, s);			\
	free(c_);								\
} while (0)

static void
addresses(void)
{
	CHECK(net_ipv4, "192.168.1.10", 1, "an address");
	CHECK(net_ipv4, "255.255.255.0", 1, "a netmask");
	CHECK(net_ipv4, "0.0.0.0", 1, "all zeros");
	CHECK(net_ipv4, "", 0, "empty");
	CHECK(net_ipv4, "1.2.3", 0, "three parts");
	CHECK(net_ipv4, "1.2.3.4.5", 0, "five parts");
	CHECK(net_ipv4, "1.2.3.256", 0, "a part over 255");
	CHECK(net_ipv4, "1.2.3.4 ", 0, "a trailing blank");
	CHECK(net_ipv4, " 1.2.3.4", 0, "a leading blank");
	CHECK(net_ipv4, "1.2.3.-4", 0, "a sign");
	CHECK(net_ipv4, "::1", 0, "IPv6");
	CHECK(net_ipv4, "a.b.c.d", 0, "letters");
	CHECK(net_netmask, "255.255.255.0", 1, "/24");
	CHECK(net_netmask, "255.255.255.255", 1, "/32");
	CHECK(net_netmask, "128.0.0.0", 1, "/1");
	CHECK(net_netmask, "255.255.254.0", 1, "/23");
	CHECK(net_netmask, "255.0.255.0", 0, "ones not contiguous");
	CHECK(net_netmask, "255.255.255.1", 0, "a one after the zeros");
	CHECK(net_netmask, "0.255.255.255", 0, "zeros first");
	CHECK(net_netmask, "0.0.0.0", 0, "no ones");
	CHECK(net_netmask, "255.255.255", 0, "three parts");
	CHECK(net_netmask, "", 0, "empty");
}

static void
servers(void)
{
	char	long_label[80];

	CHECK(net_server, "pool.ntp.org", 1, "a name");
	CHECK(net_server, "0.pool.ntp.org", 1, "a name with a numeric label");
	CHECK(net_server, "ntp-1", 1, "a name with a hyphen");
	CHECK(net_server, "10.0.0.1", 1, "an address");
	CHECK(net_server, "", 0, "empty");
	CHECK(net_server, "1.2.3.999", 0, "digits and dots, no address");
	CHECK(net_server, "123", 0, "digits only");
	CHECK(net_server, "pool..ntp.org", 0, "an empty label");
	CHECK(net_server, ".pool.ntp.org", 0, "a leading dot");
	CHECK(net_server, "pool.ntp.org.", 0, "a trailing dot");
	CHECK(net_server, "-pool.ntp.org", 0, "a label starting with a hyphen");
	CHECK(net_server, "pool-.ntp.org", 0, "a label ending with a hyphen");
	CHECK(net_server, "pool ntp", 0, "a blank");
	CHECK(net_server, "pool_ntp", 0, "an underscore");
	CHECK(net_server, "--option", 0, "an option");
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	CHECK(net_server, long_label, 0, "a 64-character label");
	long_label[63] = '\0';
	CHECK(net_server, long_label, 1, "a 63-character label");
}

static void
zones(void)
{
	CHECK(net_zone_name, "UTC", 1, "UTC");
	CHECK(net_zone_name, "Europe/Paris", 1, "an area and a city");
	CHECK(net_zone_name, "America/Argentina/Buenos_Aires", 1, "three parts");
	CHECK(net_zone_name, "Etc/GMT+5", 1, "a sign");
	CHECK(net_zone_name, "", 0, "empty");
	CHECK(net_zone_name, "/etc/passwd", 0, "absolute");
	CHECK(net_zone_name, "../../etc/passwd", 0, "up");
	CHECK(net_zone_name, "Europe/../../x", 0, "up in the middle");
	CHECK(net_zone_name, "Europe/./Paris", 0, "a dot component");
	CHECK(net_zone_name, "Europe//Paris", 0, "an empty component");
	CHECK(net_zone_name, "Europe/", 0, "a trailing slash");
	CHECK(net_zone_name, "Europe/Paris\n", 0, "a newline");
	CHECK(net_zone_name, "Europe Paris", 0, "a blank");
}

int
main(void)
{
	addresses();
	servers();
	zones();
	return done_testing();
}
