/* Unit tests of installer/options.c: the installer's kernel command line options. */
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "tap.h"

static struct install_options	o;

/*
 * Parses line, copied to a heap block of exactly its length (no NUL after it), so the
 * sanitizers catch any read past the end.
 */
static int
parse(const char *line, char *err, size_t errlen)
{
	size_t	 len = strlen(line);
	char	*copy = malloc(len + 1);
	int	 r;

	memcpy(copy, line, len);
	r = options_parse(copy, len, &o, err, errlen);
	free(copy);
	return r;
}

/* line parses, err empty afterwards. */
#define GOOD(line, why) do {							\
	char	e_[256] = "junk";						\
	int	r_ = parse(line, e_, sizeof(e_));				\
	ok(r_ == 0 && e_[0] == '\0', "%s: %s", why, e_);			\
} while (0)

/* line fails, err starting with opt (the option it names) and holding what. */
#define BAD(line, opt, what, why) do {						\
	char	e_[256] = "";							\
	int	r_ = parse(line, e_, sizeof(e_));				\
	ok(r_ == -1 && strncmp(e_, opt, strlen(opt)) == 0 && strstr(e_, what) != NULL, \
	    "%s: %s", why, e_);							\
} while (0)

#define HEX64	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX64UP	"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define PAIRS	"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:" \
		"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF"

static void
defaults(void)
{
	GOOD("", "an empty line");
	ok(o.answerfile[0] == '\0' && o.interactive == 0 && o.fingerprint[0] == '\0',
	    "no answerfile, not interactive, no fingerprint");
	ok(strcmp(o.atexit, "reboot") == 0, "atexit defaults to reboot");
	ok(strcmp(o.net_proto, "dhcp") == 0, "network_config defaults to dhcp");
	ok(o.net_device[0] == '\0' && o.net_ip[0] == '\0' && o.net_netmask[0] == '\0' &&
	    o.net_gateway[0] == '\0' && o.net_ndns == 0, "no device, no static fields");

	GOOD("BOOT_IMAGE=/vmlinuz console=ttyS0,115200 quiet xen-pciback.hide=(01:00.0) "
	    "answerfiles=x Answerfile=y network_config_x=z atexit.x=halt atoll.installer --",
	    "words that are not ours, some close to ours, are ignored");
	ok(o.answerfile[0] == '\0' && !o.interactive && strcmp(o.atexit, "reboot") == 0,
	    "and change nothing");
	GOOD("  \t\n  ", "blanks only");
}

static void
answerfile(void)
{
	static char	line[1200], want[1100];
	char		e[256];

	GOOD("answerfile=file:///tmp/answers.xml", "file:///");
	ok(strcmp(o.answerfile, "file:///tmp/answers.xml") == 0, "stored whole: %s", o.answerfile);
	GOOD("console=tty0 answerfile=http://pxe.example.com/atoll/answers.xml quiet", "http://");
	ok(strcmp(o.answerfile, "http://pxe.example.com/atoll/answers.xml") == 0, "stored");
	GOOD("answerfile=https://10.0.0.1:8443/a?host=$mac&x=1#f", "https:// with a port, a query");
	ok(strcmp(o.answerfile, "https://10.0.0.1:8443/a?host=$mac&x=1#f") == 0, "stored");
	GOOD("answerfile=http://user:pw@host/a", "user@host");
	GOOD("answerfile=http://host", "a host and no path");
	GOOD("answerfile=\"http://host/quoted\"", "a quoted value");
	ok(strcmp(o.answerfile, "http://host/quoted") == 0, "without its quotes: %s",
	    o.answerfile);
	GOOD("\"answerfile=http://host/whole\"", "a quoted word");
	ok(strcmp(o.answerfile, "http://host/whole") == 0, "without its quotes: %s", o.answerfile);
	GOOD("answerfile=http://a/1 answerfile=http://b/2", "given twice");
	ok(strcmp(o.answerfile, "http://b/2") == 0, "the later wins");
	ok(o.interactive == 0, "and it is not interactive");

	ok(parse("answerfile=ftp://x", e, sizeof(e)) == -1 &&
	    strcmp(e, "answerfile=ftp://x: expected file:///PATH, http://URL or https://URL") == 0,
	    "ftp://: %s", e);
	BAD("answerfile=HTTP://host/a", "answerfile=HTTP://host/a:", "expected file:///",
	    "an upper-case scheme");
	BAD("answerfile=file://tmp/a", "answerfile=file://tmp/a:", "expected", "file:// and "
	    "no third slash");
	BAD("answerfile=/tmp/a.xml", "answerfile=/tmp/a.xml:", "expected", "a bare path");
	BAD("answerfile=file:///", "answerfile=file:///:", "no file", "file:/// alone");
	BAD("answerfile=http://", "answerfile=http://:", "no host", "http:// alone");
	BAD("answerfile=https://", "answerfile=https://:", "no host", "https:// alone");
	BAD("answerfile=http:///a.xml", "answerfile=http:///a.xml:", "no host", "no host");
	BAD("answerfile=http://:80/a", "answerfile=http://:80/a:", "no host", "a port, no host");
	BAD("answerfile=https://user@/a", "answerfile=", "no host", "a user, no host");
	BAD("answerfile=http://?x", "answerfile=", "no host", "a query, no host");
	BAD("answerfile=\"http://host/a b.xml\"", "answerfile=http://host/a b.xml:",
	    "printable ASCII", "a space inside quotes");
	BAD("answerfile=\"http://host/a\tb\"", "answerfile=http://host/a?b:", "printable",
	    "a tab inside quotes, shown as ?");
	BAD("answerfile=http://host/\x7f", "answerfile=", "printable", "DEL");
	BAD("answerfile=http://host/caf\xc3\xa9", "answerfile=http://host/caf??:", "printable",
	    "UTF-8");
	BAD("answerfile=", "answerfile=:", "expected file:///", "an empty value");
	BAD("answerfile=\"\"", "answerfile=:", "expected file:///", "an empty quoted value");
	BAD("answerfile", "answerfile", "needs a value", "no value");
	BAD("answerfile=http://a/1 answerfile", "answerfile", "needs a value",
	    "no value the second time");

	/* 1023 bytes fit, 1024 do not. */
	memcpy(line, "answerfile=", 11);
	memcpy(want, "http://h/", 9);
	memset(want + 9, 'a', 1023 - 9);
	want[1023] = '\0';
	memcpy(line + 11, want, 1024);
	GOOD(line, "a URL of 1023 bytes");
	ok(strcmp(o.answerfile, want) == 0, "stored whole");
	memcpy(line + 11 + 1023, "b", 2);
	BAD(line, "answerfile=http://h/aaa", "longer than 1023 bytes", "1024 bytes");
	ok(parse(line, e, sizeof(e)) == -1 && strlen(e) < 160 && strstr(e, "...:") != NULL,
	    "the value is cut short in the message: %s", e);
}

static void
fingerprint(void)
{
	GOOD("answerfile_fingerprint=sha256:" HEX64, "64 lower-case hex digits");
	ok(strcmp(o.fingerprint, HEX64) == 0, "stored: %s", o.fingerprint);
	GOOD("answerfile_fingerprint=sha256:" HEX64UP, "upper case");
	ok(strcmp(o.fingerprint, HEX64) == 0, "stored lower-case: %s", o.fingerprint);
	GOOD("answerfile_fingerprint=SHA256:" HEX64, "SHA256: as openssl writes it");
	ok(strcmp(o.fingerprint, HEX64) == 0, "stored");
	GOOD("answerfile_fingerprint=sha256:" PAIRS, "pairs separated by colons");
	ok(strcmp(o.fingerprint, HEX64) == 0, "stored without colons, lower-case: %s",
	    o.fingerprint);
	GOOD("answerfile_fingerprint=\"sha256:" PAIRS "\"", "quoted");
	ok(strlen(o.fingerprint) == 64, "stored");
	GOOD("answerfile_fingerprint=sha256:" PAIRS " answerfile_fingerprint=sha256:"
	    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "given twice");
	ok(strspn(o.fingerprint, "f") == 64, "the later wins");

	BAD("answerfile_fingerprint=sha256:" HEX64 "0", "answerfile_fingerprint=sha256:",
	    "not 65 characters", "65 digits");
	BAD("answerfile_fingerprint=sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcde", "answerfile_fingerprint=", "not 63 characters", "63 digits");
	BAD("answerfile_fingerprint=sha256:g123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef", "answerfile_fingerprint=", "'g' is not a hex digit", "a g");
	BAD("answerfile_fingerprint=sha256:01-23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:"
	    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF", "answerfile_fingerprint=",
	    "separated by ':'", "a '-' among the colons");
	BAD("answerfile_fingerprint=sha256:0:123:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:"
	    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF", "answerfile_fingerprint=",
	    "separated by ':'", "a misplaced colon");
	BAD("answerfile_fingerprint=sha256:01:23" HEX64, "answerfile_fingerprint=",
	    "hex digits", "some colons, not all");
	BAD("answerfile_fingerprint=" HEX64, "answerfile_fingerprint=" HEX64,
	    "expected sha256:", "no sha256:");
	BAD("answerfile_fingerprint=sha1:0123456789abcdef0123456789abcdef01234567",
	    "answerfile_fingerprint=sha1:", "expected sha256:", "a SHA-1 fingerprint");
	BAD("answerfile_fingerprint=sha256:", "answerfile_fingerprint=sha256::",
	    "not 0 characters", "nothing after sha256:");
	BAD("answerfile_fingerprint=sha25", "answerfile_fingerprint=sha25:", "expected sha256:",
	    "a short prefix");
	BAD("answerfile_fingerprint", "answerfile_fingerprint", "needs a value", "no value");
}

static void
device(void)
{
	GOOD("network_device=eth0", "eth0");
	ok(strcmp(o.net_device, "eth0") == 0, "stored");
	GOOD("network_device=all", "all");
	ok(strcmp(o.net_device, "all") == 0, "stored");
	GOOD("network_device=enp0s31f6", "a predictable name");
	GOOD("network_device=br_0.100-x", "_ . -");
	GOOD("network_device=abcdefghijklmno", "15 characters");
	ok(strcmp(o.net_device, "abcdefghijklmno") == 0, "stored");
	GOOD("network_device=52:54:00:AB:cd:EF", "a MAC");
	ok(strcmp(o.net_device, "52:54:00:ab:cd:ef") == 0, "stored lower-case: %s", o.net_device);
	GOOD("network_device=eth0 network_device=eth1", "given twice");
	ok(strcmp(o.net_device, "eth1") == 0, "the later wins");

	BAD("network_device=abcdefghijklmnop", "network_device=abcdefghijklmnop:",
	    "an interface name", "16 characters");
	BAD("network_device=", "network_device=:", "expected all", "empty");
	BAD("network_device=\"eth 0\"", "network_device=eth 0:", "expected all", "a space");
	BAD("network_device=eth0/1", "network_device=eth0/1:", "expected all", "a slash");
	BAD("network_device=.", "network_device=.:", "expected all", ".");
	BAD("network_device=..", "network_device=..:", "expected all", "..");
	BAD("network_device=52:54:00:12:34:5g", "network_device=52:54:00:12:34:5g:",
	    "or a MAC", "a MAC with a g");
	BAD("network_device=52:54:00:12:34", "network_device=", "or a MAC", "a short MAC");
	BAD("network_device=52-54-00-12-34-56", "network_device=", "or a MAC",
	    "a MAC with dashes");
	BAD("network_device", "network_device", "needs a value", "no value");
}

static void
config(void)
{
	char	e[256];

	GOOD("network_config=dhcp", "dhcp");
	ok(strcmp(o.net_proto, "dhcp") == 0 && o.net_ip[0] == '\0', "stored");

	GOOD("network_config=static:ip=192.168.1.10;netmask=255.255.255.0;gateway=192.168.1.1;"
	    "dns=192.168.1.2,8.8.8.8", "static with every field");
	ok(strcmp(o.net_proto, "static") == 0, "static");
	ok(strcmp(o.net_ip, "192.168.1.10") == 0, "ip %s", o.net_ip);
	ok(strcmp(o.net_netmask, "255.255.255.0") == 0, "netmask %s", o.net_netmask);
	ok(strcmp(o.net_gateway, "192.168.1.1") == 0, "gateway %s", o.net_gateway);
	ok(o.net_ndns == 2 && strcmp(o.net_dns[0], "192.168.1.2") == 0 &&
	    strcmp(o.net_dns[1], "8.8.8.8") == 0, "two DNS servers, in order");

	GOOD("network_config=static:dns=1.1.1.1,9.9.9.9,8.8.4.4;gateway=0.0.0.0;"
	    "netmask=255.255.255.255;ip=255.255.255.254", "fields in another order, 3 DNS");
	ok(strcmp(o.net_ip, "255.255.255.254") == 0 && strcmp(o.net_netmask,
	    "255.255.255.255") == 0 && strcmp(o.net_gateway, "0.0.0.0") == 0, "stored");
	ok(o.net_ndns == 3 && strcmp(o.net_dns[2], "8.8.4.4") == 0, "three DNS servers");

	GOOD("network_config=static:ip=10.0.0.5;netmask=255.0.0.0", "ip and netmask only");
	ok(o.net_gateway[0] == '\0' && o.net_ndns == 0, "no gateway, no DNS");
	GOOD("network_config=static:netmask=128.0.0.0;ip=1.2.3.4", "/1");
	GOOD("network_config=\"static:ip=10.0.0.5;netmask=255.255.252.0;gateway=10.0.0.1\"",
	    "quoted, as GRUB needs for ';'");
	ok(strcmp(o.net_gateway, "10.0.0.1") == 0 && strcmp(o.net_netmask, "255.255.252.0") == 0,
	    "stored without its quotes");

	/* A later network_config replaces the earlier one whole. */
	GOOD("network_config=static:ip=10.0.0.5;netmask=255.0.0.0;gateway=10.0.0.1;dns=1.1.1.1,"
	    "2.2.2.2 network_config=dhcp", "static, then dhcp");
	ok(strcmp(o.net_proto, "dhcp") == 0 && o.net_ip[0] == '\0' && o.net_netmask[0] == '\0' &&
	    o.net_gateway[0] == '\0' && o.net_ndns == 0 && o.net_dns[0][0] == '\0',
	    "the static fields are gone");
	GOOD("network_config=static:ip=10.0.0.5;netmask=255.0.0.0;gateway=10.0.0.1;dns=1.1.1.1,"
	    "2.2.2.2,3.3.3.3 network_config=static:ip=10.1.0.9;netmask=255.255.0.0;dns=4.4.4.4",
	    "static, then static again");
	ok(strcmp(o.net_ip, "10.1.0.9") == 0 && strcmp(o.net_netmask, "255.255.0.0") == 0 &&
	    o.net_gateway[0] == '\0', "the second's fields, no gateway left over");
	ok(o.net_ndns == 1 && strcmp(o.net_dns[0], "4.4.4.4") == 0 && o.net_dns[1][0] == '\0',
	    "one DNS server, none left over");
	GOOD("network_config=dhcp network_config=static:ip=1.2.3.4;netmask=255.255.255.0",
	    "dhcp, then static");
	ok(strcmp(o.net_proto, "static") == 0, "static");

	ok(parse("network_config=static:ip=10.0.0.300;netmask=255.0.0.0", e, sizeof(e)) == -1 &&
	    strcmp(e, "network_config=static:ip=10.0.0.300;netmask=255.0.0.0: ip is not an "
	    "IPv4 address") == 0, "an octet of 300: %s", e);
	BAD("network_config=static:ip=10.0.0.1", "network_config=static:ip=10.0.0.1:",
	    "netmask is required", "no netmask");
	BAD("network_config=static:netmask=255.0.0.0;gateway=10.0.0.1", "network_config=",
	    "ip is required", "no ip");
	BAD("network_config=static:", "network_config=static::", "ip is required", "no fields");
	BAD("network_config=static:ip=10.0.0.1;netmask=255.0.255.0", "network_config=",
	    "netmask is not a netmask", "255.0.255.0");
	BAD("network_config=static:ip=10.0.0.1;netmask=0.0.0.0", "network_config=",
	    "netmask is not a netmask", "0.0.0.0");
	BAD("network_config=static:ip=10.0.0.1;netmask=255.255.255.1", "network_config=",
	    "netmask is not a netmask", "255.255.255.1");
	BAD("network_config=static:ip=10.0.0.1;netmask=24", "network_config=",
	    "netmask is not an IPv4 address", "a prefix length");
	BAD("network_config=static:ip=010.0.0.1;netmask=255.0.0.0", "network_config=",
	    "ip is not an IPv4 address", "a leading zero");
	BAD("network_config=static:ip=10.0.0;netmask=255.0.0.0", "network_config=",
	    "ip is not", "three octets");
	BAD("network_config=static:ip=10.0.0.1.2;netmask=255.0.0.0", "network_config=",
	    "ip is not", "five octets");
	BAD("network_config=static:ip=+10.0.0.1;netmask=255.0.0.0", "network_config=",
	    "ip is not", "a leading +");
	BAD("network_config=static:ip=\" 10.0.0.1\";netmask=255.0.0.0", "network_config=",
	    "ip is not", "a leading quote");
	BAD("network_config=static:ip=10.0.0.1x;netmask=255.0.0.0", "network_config=",
	    "ip is not", "trailing garbage");
	BAD("network_config=static:ip=10..0.1;netmask=255.0.0.0", "network_config=",
	    "ip is not", "an empty octet");
	BAD("network_config=static:ip=10.0.0.1000;netmask=255.0.0.0", "network_config=",
	    "ip is not", "four digits");
	BAD("network_config=static:ip=;netmask=255.0.0.0", "network_config=",
	    "ip is not", "an empty ip");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;gateway=1.2.3.256",
	    "network_config=", "gateway is not an IPv4 address", "a bad gateway");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;dns=1.1.1.1,2.2.2.2,3.3.3.3,"
	    "4.4.4.4", "network_config=", "dns has more than 3 servers", "4 DNS servers");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;dns=1.1.1.1,dns.example",
	    "network_config=", "dns server \"dns.example\" is not an IPv4 address",
	    "a DNS name");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;dns=", "network_config=",
	    "dns is empty", "an empty dns");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;dns=1.1.1.1,", "network_config=",
	    "dns server \"\"", "a trailing comma");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;mtu=9000", "network_config=",
	    "unknown field \"mtu\"", "an unknown field");
	BAD("network_config=static:ip=1.2.3.4;IP=1.2.3.5;netmask=255.0.0.0", "network_config=",
	    "unknown field \"IP\"", "an upper-case field");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;ip=1.2.3.5", "network_config=",
	    "ip is given twice", "ip twice");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;dns=1.1.1.1;dns=2.2.2.2",
	    "network_config=", "dns is given twice", "dns twice");
	BAD("network_config=static:ip=1.2.3.4;;netmask=255.0.0.0", "network_config=",
	    "an empty field", ";;");
	BAD("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;", "network_config=",
	    "an empty field", "a trailing ;");
	BAD("network_config=static:ip=1.2.3.4;netmask", "network_config=",
	    "field \"netmask\" has no value", "a field without =");
	BAD("network_config=static:ip=1.2.3.4,netmask=255.0.0.0", "network_config=",
	    "ip is not", "',' between fields");
	BAD("network_config=static", "network_config=static:", "expected dhcp or static:",
	    "static without a colon");
	BAD("network_config=STATIC:ip=1.2.3.4;netmask=255.0.0.0", "network_config=",
	    "expected dhcp or static:", "upper case");
	BAD("network_config=dhcp6", "network_config=dhcp6:", "expected dhcp", "dhcp6");
	BAD("network_config=", "network_config=:", "expected dhcp", "empty");
	BAD("network_config", "network_config", "needs a value", "no value");
}

static void
report(void)
{
	GOOD("atoll.report=http://10.0.2.100/report", "an HTTP report URL");
	ok(strcmp(o.report, "http://10.0.2.100/report") == 0, "stored");
	GOOD("atoll.report=https://deploy.example/hosts?done=1", "HTTPS with a query");
	ok(strcmp(o.report, "https://deploy.example/hosts?done=1") == 0, "stored");
	GOOD("quiet", "none given");
	ok(o.report[0] == '\0', "empty by default");
	BAD("atoll.report=file:///tmp/x", "atoll.report=file:///tmp/x",
	    "expected http://URL or https://URL", "a file is not a place to report to");
	BAD("atoll.report=http://", "atoll.report=http://", "no host", "no host");
	BAD("atoll.report", "atoll.report", "needs a value", "no value");
	GOOD("atoll.source=http://10.0.2.100/atoll", "a PXE tree's boot files");
	ok(strcmp(o.source, "http://10.0.2.100/atoll") == 0, "stored");
	BAD("atoll.source=file:///boot", "atoll.source=file:///boot",
	    "expected http://URL or https://URL", "a file path");
}

static void
atexit_(void)
{
	GOOD("atexit=poweroff", "poweroff");
	ok(strcmp(o.atexit, "poweroff") == 0, "stored");
	GOOD("atexit=shell", "shell");
	ok(strcmp(o.atexit, "shell") == 0, "stored");
	GOOD("atexit=shell atexit=reboot", "given twice");
	ok(strcmp(o.atexit, "reboot") == 0, "the later wins");
	GOOD("atexit=\"poweroff\"", "quoted");
	ok(strcmp(o.atexit, "poweroff") == 0, "stored");

	BAD("atexit=halt", "atexit=halt: ", "expected reboot, poweroff or shell", "halt");
	BAD("atexit=Reboot", "atexit=Reboot:", "expected reboot", "upper case");
	BAD("atexit=rebootx", "atexit=rebootx:", "expected reboot", "a longer word");
	BAD("atexit=reboo", "atexit=reboo:", "expected reboot", "a shorter word");
	BAD("atexit=", "atexit=:", "expected reboot", "empty");
	BAD("atexit", "atexit", "needs a value", "no value");
}

static void
install(void)
{
	GOOD("atoll.install", "atoll.install");
	ok(o.interactive == 1, "interactive");
	GOOD("quiet atoll.install=1 console=ttyS0", "atoll.install=1");
	ok(o.interactive == 1, "interactive");
	GOOD("atoll.install=", "atoll.install=");
	ok(o.interactive == 1, "interactive");
	GOOD("atoll.install answerfile=http://h/a", "both");
	ok(o.interactive == 1 && strcmp(o.answerfile, "http://h/a") == 0, "both are kept");
}

static void
errors(void)
{
	char	e[256], small[8 + 4];
	size_t	i;

	ok(parse("answerfile=http://h/a \"atexit=shell", e, sizeof(e)) == -1 &&
	    strcmp(e, "the command line has an unclosed double quote") == 0,
	    "an unclosed quote: %s", e);
	ok(parse("console=ttyS0 atexit=\"shell", e, sizeof(e)) == -1 &&
	    strstr(e, "unclosed double quote") != NULL, "an unclosed quote in a value: %s", e);
	ok(parse("\"", e, sizeof(e)) == -1 && strstr(e, "unclosed") != NULL, "a lone quote");
	GOOD("atexit=\"shell\" x=\"a b\"", "quotes that close");
	ok(strcmp(o.atexit, "shell") == 0, "stored");

	/* The first error stops the reading. */
	BAD("atexit=halt answerfile=ftp://x", "atexit=halt:", "expected reboot", "two errors");

	/* err never overflows, and is always terminated. */
	memset(small, 'X', sizeof(small));
	ok(parse("answerfile=ftp://a-long-value", small, 8) == -1 && small[7] == '\0' &&
	    strcmp(small, "answerf") == 0, "an err of 8 bytes: %s", small);
	for (i = 8; i < sizeof(small); i++)
		if (small[i] != 'X')
			break;
	ok(i == sizeof(small), "nothing written past it");
	memset(small, 'X', sizeof(small));
	ok(parse("answerfile", small, 1) == -1 && small[0] == '\0' && small[1] == 'X',
	    "an err of 1 byte holds the NUL");
	memset(small, 'X', sizeof(small));
	ok(parse("\"", small, 1) == -1 && small[0] == '\0' && small[1] == 'X',
	    "likewise for the quote");
	memset(small, 'X', sizeof(small));
	ok(parse("atexit=halt", small, 0) == -1 && small[0] == 'X', "an err of 0 is not written");
	memset(small, 'X', sizeof(small));
	ok(parse("atexit=shell", small, 0) == 0 && small[0] == 'X' &&
	    strcmp(o.atexit, "shell") == 0, "nor on success");
	ok(parse("network_config=static:ip=1.2.3.4;netmask=255.0.0.0;mtu=9000", small, 5) == -1 &&
	    strcmp(small, "netw") == 0, "a field error cut short: %s", small);

	/* A NUL is a blank to the splitter: it ends a word, nothing reads past len. */
	ok(options_parse("atexit=shell\0atexit=poweroff", 28, &o, e, sizeof(e)) == 0 &&
	    strcmp(o.atexit, "poweroff") == 0, "a NUL between words");
	ok(options_parse("atexit=shell atexit=poweroff", 12, &o, e, sizeof(e)) == 0 &&
	    strcmp(o.atexit, "shell") == 0, "len stops the reading");
	ok(options_parse("atexit=shellfish", 12, &o, e, sizeof(e)) == 0 &&
	    strcmp(o.atexit, "shell") == 0, "even inside a word");
	ok(options_parse("atexit=shell", 0, &o, e, sizeof(e)) == 0 &&
	    strcmp(o.atexit, "reboot") == 0, "a len of 0");
}

int
main(void)
{
	defaults();
	answerfile();
	fingerprint();
	device();
	config();
	atexit_();
	report();
	install();
	errors();
	return done_testing();
}
