/* Unit tests of lib/inet.c and lib/zonename.c: IPv4 addresses, netmasks, host names (with
   XAPI's reason texts), server names and time zone names, good and bad. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inet.h"
#include "tap.h"
#include "zonename.h"

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

/* inet_ipv4 on a heap copy of s without its NUL: the parser must stop at n. */
static int
ipv4(const char *s, uint32_t *ip)
{
	size_t	n = strlen(s);
	char	*c = malloc(n ? n : 1);
	int	r;

	memcpy(c, s, n);
	r = inet_ipv4(c, n, ip);
	free(c);
	return r;
}

static void
hostname(const char *s, const char *want, const char *why)
{
	char		*c = copy(s);
	const char	*got = inet_hostname_invalid(c);

	ok(want == NULL ? got == NULL : got != NULL && strcmp(got, want) == 0,
	    "%s: \"%s\" -> %s", why, s, got ? got : "valid");
	free(c);
}

static void
hostnames(void)
{
	char	long_name[300];

	hostname("atoll", NULL, "a plain name");
	hostname("atoll-1.example.org", NULL, "a dotted name with a hyphen");
	hostname("A1", NULL, "upper case and digits");
	hostname("", "hostname empty", "empty");
	/* Labels of 63 and dots: 4 * 64 - 1 = 255 characters. */
	memset(long_name, 'a', 255);
	long_name[63] = long_name[127] = long_name[191] = '.';
	long_name[255] = '\0';
	hostname(long_name, "hostname is too long", "255 characters");
	long_name[254] = '\0';
	hostname(long_name, "hostname is too long", "254 characters");
	long_name[253] = '\0';
	hostname(long_name, NULL, "253 characters, labels of 63");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	hostname(long_name, "hostname label is too long", "a label of 64");
	long_name[63] = '\0';
	hostname(long_name, NULL, "a label of 63");
	memcpy(long_name, "x.", 2);
	memset(long_name + 2, 'a', 64);
	long_name[66] = '\0';
	hostname(long_name, "hostname label is too long", "a later label of 64");
	hostname("-atoll", "hostname contains invalid characters", "a hyphen first");
	hostname("atoll-", "hostname contains invalid characters", "a hyphen last");
	hostname("-a", "hostname contains invalid characters", "-a");
	hostname("a-", "hostname contains invalid characters", "a-");
	hostname("a.-b", "hostname contains invalid characters", "a label starting with a hyphen");
	hostname("a-.b", "hostname contains invalid characters", "a label ending with a hyphen");
	hostname("a..b", "hostname contains an empty label", "two dots");
	hostname(".a", "hostname contains an empty label", "a dot first");
	hostname("a.", "hostname contains an empty label", "a dot last");
	hostname(".", "hostname contains an empty label", "a dot alone");
	hostname("a.b-c.d", NULL, "an inner hyphen in an inner label");
	hostname("a", NULL, "one letter");
	hostname("at oll", "hostname contains invalid characters", "a blank");
	hostname("atoll_1", "hostname contains invalid characters", "an underscore");
	hostname("atoll\n", "hostname contains invalid characters", "a newline");
	hostname("h\xc3\xa9", "hostname contains invalid characters", "UTF-8");
	hostname("a;reboot", "hostname contains invalid characters", "shell text");
}

static void
addresses(void)
{
	uint32_t	ip = 7;

	ok(ipv4("192.0.2.10", &ip) && ip == 0xc000020aU, "an address and its value");
	ok(ipv4("0.0.0.0", &ip) && ip == 0, "all zeros");
	ok(ipv4("255.255.255.255", &ip) && ip == 0xffffffffU, "all ones");
	ip = 7;
	ok(!ipv4("", &ip) && ip == 7, "empty refused, *ip untouched");
	ok(!ipv4("192.0.2", &ip), "three parts");
	ok(!ipv4("1.2.3.4.5", &ip), "five parts");
	ok(!ipv4("192.0.2.256", &ip), "a part over 255");
	ok(!ipv4("192.0.2.010", &ip) && !ipv4("01.2.3.4", &ip),
	    "leading zeros (octal to inet_aton)");
	ok(!ipv4("1.2.3.4 ", &ip) && !ipv4(" 1.2.3.4", &ip), "blanks");
	ok(!ipv4("1.2.3.-4", &ip) && !ipv4("1.2.3.+4", &ip), "signs");
	ok(!ipv4("1.2.3.4444", &ip) && !ipv4("1.2.3.0004", &ip), "four digits");
	ok(!ipv4("1..2.3", &ip) && !ipv4("1.2.3.", &ip) && !ipv4(".1.2.3", &ip), "empty parts");
	ok(!ipv4("::1", &ip) && !ipv4("a.b.c.d", &ip) && !ipv4("0x7f.0.0.1", &ip), "other forms");
	ok(inet_ipv4("10.0.0.1,10.0.0.2", 8, &ip) && ip == 0x0a000001U, "the first n bytes only");

	ok(inet_netmask(0xffffff00U) && inet_netmask(0xffffffffU) && inet_netmask(0x80000000U) &&
	    inet_netmask(0xfffffe00U), "/24, /32, /1, /23");
	ok(!inet_netmask(0xff00ff00U) && !inet_netmask(0xffffff01U) &&
	    !inet_netmask(0x00ffffffU), "holes, a one after the zeros, zeros first");
	ok(!inet_netmask(0), "no netmask of zeros");
	CHECK(inet_is_ipv4, "192.0.2.10", 1, "a C string address");
	CHECK(inet_is_ipv4, "192.0.2.10 ", 0, "a C string with a blank");
	CHECK(inet_is_netmask, "255.255.252.0", 1, "a C string netmask");
	CHECK(inet_is_netmask, "255.0.255.0", 0, "a C string mask with a hole");
	CHECK(inet_is_netmask, "255.255.255", 0, "a C string mask of three parts");
}

static void
servers(void)
{
	char	long_label[80];

	CHECK(inet_server_ok, "pool.ntp.org", 1, "a name");
	CHECK(inet_server_ok, "0.pool.ntp.org", 1, "a name with a numeric label");
	CHECK(inet_server_ok, "ntp-1", 1, "a name with a hyphen");
	CHECK(inet_server_ok, "10.0.0.1", 1, "an address");
	CHECK(inet_server_ok, "", 0, "empty");
	CHECK(inet_server_ok, "1.2.3.999", 0, "digits and dots, no address");
	CHECK(inet_server_ok, "123", 0, "digits only");
	CHECK(inet_server_ok, "pool..ntp.org", 0, "an empty label");
	CHECK(inet_server_ok, ".pool.ntp.org", 0, "a leading dot");
	CHECK(inet_server_ok, "pool.ntp.org.", 0, "a trailing dot");
	CHECK(inet_server_ok, "-pool.ntp.org", 0, "a label starting with a hyphen");
	CHECK(inet_server_ok, "pool-.ntp.org", 0, "a label ending with a hyphen");
	CHECK(inet_server_ok, "pool ntp", 0, "a blank");
	CHECK(inet_server_ok, "pool_ntp", 0, "an underscore");
	CHECK(inet_server_ok, "--option", 0, "an option");
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	CHECK(inet_server_ok, long_label, 0, "a 64-character label");
	long_label[63] = '\0';
	CHECK(inet_server_ok, long_label, 1, "a 63-character label");
}

static void
zones(void)
{
	char	name[ZONE_NAME_MAX + 2];

	CHECK(zone_name_ok, "UTC", 1, "UTC");
	CHECK(zone_name_ok, "Europe/Paris", 1, "an area and a city");
	CHECK(zone_name_ok, "America/Argentina/Buenos_Aires", 1, "three parts");
	CHECK(zone_name_ok, "Etc/GMT+5", 1, "a sign");
	CHECK(zone_name_ok, "", 0, "empty");
	CHECK(zone_name_ok, "/etc/passwd", 0, "absolute");
	CHECK(zone_name_ok, "../../etc/passwd", 0, "up");
	CHECK(zone_name_ok, "Europe/../../x", 0, "up in the middle");
	CHECK(zone_name_ok, "Europe/./Paris", 0, "a dot component");
	CHECK(zone_name_ok, "Europe//Paris", 0, "an empty component");
	CHECK(zone_name_ok, "Europe/", 0, "a trailing slash");
	CHECK(zone_name_ok, "Europe/Paris\n", 0, "a newline");
	CHECK(zone_name_ok, "Europe Paris", 0, "a blank");
	memset(name, 'a', ZONE_NAME_MAX);
	name[ZONE_NAME_MAX] = '\0';
	ok(zone_name_ok(name), "ZONE_NAME_MAX characters");
	name[ZONE_NAME_MAX] = 'a';
	name[ZONE_NAME_MAX + 1] = '\0';
	ok(!zone_name_ok(name), "one more refused");
	CHECK(zone_name_ok, "-x", 0, "a hyphen first (an option to a program)");
	CHECK(zone_name_ok, "+x", 0, "a sign first");
}

int
main(void)
{
	hostnames();
	addresses();
	servers();
	zones();
	return done_testing();
}
