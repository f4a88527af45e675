/* Unit tests of installer/answerfile.c: XenServer answerfiles, good and bad. */
#include <stdlib.h>
#include <string.h>

#include "answerfile.h"
#include "xml.h"
#include "tap.h"

/* Counts warnings and keeps the last. */
struct warnings {
	int	n;
	char	last[256];
};

static void
count(void *ctx, const char *msg)
{
	struct warnings	*w = ctx;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static struct answers	a;	/* big; one is enough */

/* Every answerfile below starts with HEAD (lines 1-3), so what follows it is on line 4. */
#define HEAD	"<installation>\n<primary-disk>sda</primary-disk>\n" \
		"<root-password type=\"plaintext\">pw</root-password>\n"
#define TAIL	"</installation>\n"

/* text must fail, with err naming the line and holding what (the element, usually). */
#define BAD(text, line, what, why) do {						\
	char	e_[256] = "";							\
	int	r_ = answerfile_parse(text, strlen(text), &a, e_, sizeof(e_), NULL, NULL); \
	ok(r_ == -1 && strstr(e_, "line " #line ":") != NULL && strstr(e_, what) != NULL, \
	    "%s: %s", why, e_);							\
} while (0)

/* BAD for text holding a NUL: its length is the literal's. */
#define BAD_N(text, line, what, why) do {					\
	char	e_[256] = "";							\
	int	r_ = answerfile_parse(text, sizeof(text) - 1, &a, e_, sizeof(e_), NULL, \
		    NULL);							\
	ok(r_ == -1 && strstr(e_, "line " #line ":") != NULL && strstr(e_, what) != NULL, \
	    "%s: %s", why, e_);							\
} while (0)

/* text must fail with err exactly want. */
#define BAD_IS(text, want, why) do {						\
	char	e_[256] = "";							\
	int	r_ = answerfile_parse(text, strlen(text), &a, e_, sizeof(e_), NULL, NULL); \
	ok(r_ == -1 && strcmp(e_, want) == 0, "%s: %s", why, e_);		\
} while (0)

/* A label of 63 characters, the longest a host name may have. */
#define L63	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"

/* 86 characters, as sha512-crypt's hash always is. */
#define H86	"TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"

static const char xcp_example[] =
	"<?xml version=\"1.0\"?>\n"
	"<installation srtype=\"ext\">\n"
	"  <primary-disk>sda</primary-disk>\n"
	"  <guest-disk>sdb</guest-disk>\n"
	"  <keymap>us</keymap>\n"
	"  <root-password type=\"plaintext\">mypassword</root-password>\n"
	"  <source type=\"url\">http://pxehost.example.com/xcp-ng/</source>\n"
	"  <admin-interface name=\"eth0\" proto=\"dhcp\" />\n"
	"  <timezone>Europe/Paris</timezone>\n"
	"</installation>\n";

static const char static_net[] =
	"<?xml version='1.0' encoding='UTF-8'?>\n"
	"<!-- a host with a fixed address -->\n"
	"<installation mode=\"fresh\" sr-type=\"ext\">\n"
	"  <primary-disk guest-storage=\"true\" sr-at-end='yes'>"
	"/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456</primary-disk>\n"
	"  <guest-disks>\n"
	"    <guest-disk>/dev/sdb</guest-disk>\n"
	"    <!-- the second shelf -->\n"
	"    <guest-disk>\n      nvme1n1\n    </guest-disk>\n"
	"  </guest-disks>\n"
	"  <guest-disk>/dev/disk/by-path/pci-0000:00:1f.2-ata-3</guest-disk>\n"
	"  <root-password type=\"hash\">$6$rounds=5000$saltsalt$"
	H86 "</root-password>\n"
	"  <hostname>xen-01.lab.example.org</hostname>\n"
	"  <admin-interface hwaddr=\"52:54:00:AB:CD:EF\" proto=\"static\">\n"
	"    <ipaddr>192.0.2.10</ipaddr>\n"
	"    <subnet-mask>255.255.255.0</subnet-mask>\n"
	"    <gateway>192.0.2.1</gateway>\n"
	"  </admin-interface>\n"
	"  <name-server>192.0.2.53</name-server>\n"
	"  <nameserver>198.51.100.53</nameserver>\n"
	"  <timezone>America/Argentina/Buenos_Aires</timezone>\n"
	"  <ntp source=\"manual\"/>\n"
	"  <ntp-server>0.pool.ntp.org</ntp-server>\n"
	"  <ntp-server>192.0.2.123</ntp-server>\n"
	"  <keymap>de-latin1</keymap>\n"
	"  <script stage=\"installation-start\" type=\"url\">http://192.0.2.5/start.sh</script>\n"
	"  <script stage=\"filesystem-populated\" type=\"url\">"
	"https://deploy.example.org/fs?host=xen-01&amp;step=2</script>\n"
	"  <script stage='installation-complete' type='url'>file:///opt/done.sh</script>\n"
	"  <source type=\"local\"/>\n"
	"</installation>\n";

int
main(void)
{
	struct warnings	 w;
	char		 err[256];
	const char	*s;
	char		*copy;
	size_t		 i, len;
	int		 all, r, n;

	/* The XCP-ng documentation's example. */
	memset(&w, 0, sizeof(w));
	r = answerfile_parse(xcp_example, strlen(xcp_example), &a, err, sizeof(err), count,
	    &w);
	ok(r == 0, "XCP-ng's example: %s", err);
	ok(strcmp(a.mode, "fresh") == 0 && strcmp(a.primary_disk, "sda") == 0 &&
	    a.nguest_disks == 1 && strcmp(a.guest_disks[0], "sdb") == 0, "its disks");
	ok(strcmp(a.password, "mypassword") == 0 && !a.password_is_hash, "its password");
	ok(strcmp(a.source_type, "url") == 0 &&
	    strcmp(a.source_url, "http://pxehost.example.com/xcp-ng/") == 0, "its source");
	ok(strcmp(a.iface_name, "eth0") == 0 && a.iface_hwaddr[0] == '\0' &&
	    strcmp(a.proto, "dhcp") == 0 && a.ipaddr[0] == '\0', "its interface");
	ok(strcmp(a.timezone, "Europe/Paris") == 0 && strcmp(a.keymap, "us") == 0 &&
	    strcmp(a.hostname, "atoll") == 0, "its time zone, keymap and the default host name");
	ok(w.n == 0, "no warnings: %d %s", w.n, w.last);

	/* Static network, hwaddr, by-id disks, guest disks both ways, scripts. */
	memset(&w, 0, sizeof(w));
	r = answerfile_parse(static_net, strlen(static_net), &a, err, sizeof(err), count,
	    &w);
	ok(r == 0, "a static network: %s", err);
	ok(strcmp(a.primary_disk, "/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_1TB_S467NX0M123456")
	    == 0, "a by-id primary disk");
	ok(a.nguest_disks == 3 && strcmp(a.guest_disks[0], "sdb") == 0 &&
	    strcmp(a.guest_disks[1], "nvme1n1") == 0 &&
	    strcmp(a.guest_disks[2], "/dev/disk/by-path/pci-0000:00:1f.2-ata-3") == 0,
	    "guest disks: /dev/ removed, blanks trimmed, by-path kept");
	ok(a.password_is_hash && strncmp(a.password, "$6$rounds=5000$saltsalt$", 24) == 0,
	    "a crypt hash");
	ok(strcmp(a.hostname, "xen-01.lab.example.org") == 0, "the host name");
	ok(a.iface_name[0] == '\0' && strcmp(a.iface_hwaddr, "52:54:00:ab:cd:ef") == 0,
	    "hwaddr, lower-cased");
	ok(strcmp(a.proto, "static") == 0 && strcmp(a.ipaddr, "192.0.2.10") == 0 &&
	    strcmp(a.subnet, "255.255.255.0") == 0 && strcmp(a.gateway, "192.0.2.1") == 0,
	    "the static address, with the old <subnet-mask>");
	ok(a.ndns == 2 && strcmp(a.dns[0], "192.0.2.53") == 0 &&
	    strcmp(a.dns[1], "198.51.100.53") == 0, "name servers, the old name too");
	ok(strcmp(a.timezone, "America/Argentina/Buenos_Aires") == 0 &&
	    strcmp(a.keymap, "de-latin1") == 0, "time zone and keymap");
	ok(a.nntp == 2 && strcmp(a.ntp[0], "0.pool.ntp.org") == 0 &&
	    strcmp(a.ntp[1], "192.0.2.123") == 0, "NTP servers");
	ok(a.nscripts == 3 && strcmp(a.scripts[0].stage, "installation-start") == 0 &&
	    strcmp(a.scripts[1].url, "https://deploy.example.org/fs?host=xen-01&step=2") == 0 &&
	    strcmp(a.scripts[2].stage, "installation-complete") == 0 &&
	    strcmp(a.scripts[2].url, "file:///opt/done.sh") == 0, "scripts, &amp; decoded");
	ok(strcmp(a.source_type, "local") == 0 && a.source_url[0] == '\0', "a local source");
	ok(w.n == 0, "no warnings: %d %s", w.n, w.last);

	/* The least there can be, and the defaults. */
	s = "<installation><primary-disk>vda</primary-disk><root-password "
	    "type='plaintext'>&lt;&quot;p w&apos;&gt;</root-password></installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0, "minimal: %s", err);
	ok(strcmp(a.password, "<\"p w'>") == 0, "the five entities, a blank kept inside");
	ok(strcmp(a.hostname, "atoll") == 0 && strcmp(a.proto, "dhcp") == 0 &&
	    a.iface_name[0] == '\0' && a.iface_hwaddr[0] == '\0' && a.ndns == 0 &&
	    strcmp(a.timezone, "UTC") == 0 && a.nntp == 0 && strcmp(a.keymap, "us") == 0 &&
	    a.nscripts == 0 && strcmp(a.source_type, "local") == 0 && a.nguest_disks == 0,
	    "defaults: atoll, dhcp, UTC, us, local");
	/* The longest name XAPI and a resolver take (253), as the console may set it later. */
	s = "<installation><primary-disk>vda</primary-disk><root-password type='plaintext'>p"
	    "</root-password><hostname>" L63 "." L63 "." L63 "."
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghi</hostname>"
	    "</installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0 && strlen(a.hostname) == 253, "a host name of 253 characters: %s", err);
	s = "<installation><primary-disk>sda</primary-disk><root-password>"
	    "$6$saltsalt$" H86 "</root-password></installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0 && a.password_is_hash, "a sha512-crypt hash, type hash by default: %s", err);
	s = "<installation><primary-disk>sda</primary-disk><root-password type=\"plaintext\">"
	    "<![CDATA[a<b&c]]></root-password><admin-interface name=\"eth1\"/></installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0 && strcmp(a.password, "a<b&c") == 0 && strcmp(a.iface_name, "eth1") == 0 &&
	    strcmp(a.proto, "dhcp") == 0, "CDATA; an interface without proto is dhcp: %s", err);

	/* Blanks may come before the declaration (lib/xml.c's XML_BLANKS_BEFORE_DECL). */
	s = " \n<?xml version=\"1.0\"?>\n" HEAD TAIL;
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0 && strcmp(a.password, "pw") == 0, "blanks before <?xml: %s", err);

	/* Accepted and ignored, with a warning each. */
	memset(&w, 0, sizeof(w));
	s = HEAD "<frobnicate level=\"3\"><deeper><deepest/></deeper>text</frobnicate>\n"
	    "<bootloader location=\"mbr\">grub2</bootloader>\n"
	    "<network-backend>vswitch</network-backend>\n"
	    "<ui-confirmation-prompt>false</ui-confirmation-prompt>\n"
	    "<hostname colour=\"red\">h</hostname>\n"
	    "<admin-interface name=\"eth0\" proto=\"dhcp\" vlan=\"5\" protov6=\"dhcp\">"
	    "<ipaddr>192.0.2.1</ipaddr><ipv6>2001:db8::1/64</ipv6></admin-interface>\n"
	    "<ntp source=\"dhcp\"/>\n"
	    "<driver-source type=\"url\">http://x/</driver-source>\n" TAIL;
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), count, &w);
	ok(r == 0, "unknown elements are not errors: %s", err);
	ok(w.n == 11, "11 warnings (unknown, 3 ignored, attribute, vlan, protov6, ipaddr "
	    "with dhcp, ipv6, ntp source, another unknown): %d", w.n);
	ok(strcmp(w.last, "line 11: <driver-source> is not understood and is ignored") == 0,
	    "a warning names the element and its line: %s", w.last);
	ok(a.ipaddr[0] == '\0' && strcmp(a.hostname, "h") == 0, "<ipaddr> unused with dhcp");
	memset(&w, 0, sizeof(w));
	s = "<installation sr-type=\"lvm\" gpgcheck=\"false\">\n<primary-disk "
	    "guest-storage=\"no\" sr-at-end=\"false\" preserve-first-partition=\"true\">sda"
	    "</primary-disk><root-password type=\"plaintext\">pw</root-password></installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), count, &w);
	ok(r == 0 && w.n == 5,
	    "sr-type, an unknown attribute, guest-storage, sr-at-end, preserve-first-"
	    "partition: %d warnings %s", w.n, err);

	/* XenServer's upgrade form: the disk, the source; a fresh install's answers are
	   ignored with a warning each (the host keeps its own). */
	memset(&w, 0, sizeof(w));
	s = "<installation mode=\"upgrade\">\n"
	    "<existing-installation>/dev/sda</existing-installation>\n"
	    "<source type=\"url\">http://10.0.2.100/v2/</source>\n"
	    "<root-password type=\"plaintext\">pw</root-password>\n"
	    "<hostname>other</hostname>\n"
	    "<guest-disk>sdb</guest-disk>\n" TAIL;
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), count, &w);
	ok(r == 0 && strcmp(a.mode, "upgrade") == 0 && strcmp(a.primary_disk, "sda") == 0 &&
	    strcmp(a.source_type, "url") == 0 &&
	    strcmp(a.source_url, "http://10.0.2.100/v2/") == 0,
	    "an upgrade: mode, the installed disk, the source: %s", err);
	ok(w.n == 3 && strcmp(w.last, "line 6: <guest-disk> is ignored in an upgrade: the host "
	    "keeps its disks") == 0, "the password, host name and guest disk ignored, each "
	    "said: %d, %s", w.n, w.last);

	/* Each of these is refused; the error says where. */
	BAD("", 1, "<installation>", "empty");
	BAD("  \n\n  ", 3, "<installation>", "blanks only");
	BAD("<restore><backup-disk>sda</backup-disk></restore>", 1, "fresh", "<restore>");
	BAD("<upgrade/>", 1, "<upgrade>", "<upgrade>");
	BAD("<?xml version=\"1.0\"?>\n<installation mode=\"reinstall\"/>", 2, "fresh",
	    "mode reinstall");
	BAD("<installation mode=\"restore\"/>", 1, "atoll-upgrade --rollback", "mode restore");
	/* An upgrade names the installed disk, and only that. */
	BAD("<installation mode=\"upgrade\">\n" TAIL, 1, "needs <existing-installation>",
	    "an upgrade without its disk");
	BAD("<installation mode=\"upgrade\">\n<primary-disk>sda</primary-disk>\n"
	    "<existing-installation>sda</existing-installation>\n" TAIL, 2,
	    "<primary-disk> is for fresh installs", "an upgrade with a primary disk");
	BAD("<installation mode=\"upgrade\">\n<existing-installation>sda</existing-installation>"
	    "\n<existing-installation>sdb</existing-installation>\n" TAIL, 3, "given again",
	    "two installed disks");
	BAD("<installation mode=\"upgrade\">\n<existing-installation>../sda"
	    "</existing-installation>\n" TAIL, 2, "<existing-installation>",
	    "an installed disk that is no disk name");
	BAD("<installation mode=\"upgrade\">\n<existing-installation></existing-installation>"
	    "\n" TAIL, 2, "<existing-installation>", "an empty installed disk");
	BAD(HEAD "<existing-installation>sda</existing-installation>\n" TAIL, 4,
	    "<existing-installation> is for upgrades", "an installed disk in a fresh install");
	BAD("<answers/>", 1, "<answers>", "another root");
	BAD("<!DOCTYPE installation>\n<installation/>", 1, "<!DOCTYPE is not supported; the "
	    "answerfile starts with <installation>", "a DOCTYPE");
	BAD_IS(HEAD "<hostname>\n<!DOCTYPE x></hostname>" TAIL,
	    "line 5: <!DOCTYPE is not supported", "a DOCTYPE inside: nothing of the root");
	BAD_IS(HEAD TAIL "<!DOCTYPE x>", "line 5: <!DOCTYPE is not supported",
	    "a DOCTYPE after the root: nothing of the root");
	BAD("<installation>\n<root-password type=\"plaintext\">pw</root-password>\n" TAIL, 1,
	    "<primary-disk>", "no primary disk");
	BAD("<installation>\n<primary-disk>sda</primary-disk>\n" TAIL, 1, "<root-password>",
	    "no password");
	BAD(HEAD "<primary-disk>sdb</primary-disk>\n" TAIL, 4, "line 2", "two primary disks");
	BAD(HEAD "<hostname>bad name!</hostname>\n" TAIL, 4,
	    "<hostname>: \"bad name!\" is not a host name (letters, digits, '-', '.'): "
	    "hostname contains invalid characters",
	    "a host name with a space");
	BAD(HEAD "<hostname>-lead.example</hostname>\n" TAIL, 4, "<hostname>",
	    "a label starting with '-'");
	BAD(HEAD "<hostname>" L63 "." L63 "." L63 "." L63 "</hostname>\n" TAIL, 4,
	    "): hostname is too long", "a host name of 255 characters");
	BAD(HEAD "<hostname>" L63 "a.example</hostname>\n" TAIL, 4,
	    "): hostname label is too long", "a label of 64 characters");
	BAD(HEAD "<hostname>a</hostname>\n<hostname>b</hostname>\n" TAIL, 5, "<hostname>",
	    "two host names");
	BAD("<installation>\n<primary-disk>sda1!</primary-disk>\n" TAIL, 2, "<primary-disk>",
	    "a bad disk name");
	BAD("<installation>\n<primary-disk>/dev/disk/by-id/../../sda</primary-disk>\n" TAIL, 2,
	    "<primary-disk>", "'..' in a by-id path");
	BAD("<installation>\n<primary-disk>/dev/disk/by-id/ata QEMU</primary-disk>\n" TAIL, 2,
	    "<primary-disk>", "a space in a by-id path");
	BAD("<installation>\n<primary-disk>/dev/mapper/vg-lv</primary-disk>\n" TAIL, 2,
	    "<primary-disk>", "a path not under /dev/disk/by-");
	BAD("<installation>\n<primary-disk></primary-disk>\n" TAIL, 2, "<primary-disk>",
	    "an empty disk");
	BAD("<installation>\n<primary-disk guest-storage=\"maybe\">sda</primary-disk>\n" TAIL,
	    2, "guest-storage", "guest-storage not a boolean");
	BAD(HEAD "<guest-disk>/dev/sda</guest-disk>\n" TAIL, 4, "<guest-disk>",
	    "the primary disk as a guest disk");
	BAD(HEAD "<guest-disks><guest-disk>sdb</guest-disk>\n<guest-disk>sdb</guest-disk>"
	    "</guest-disks>\n" TAIL, 5, "<guest-disk>", "a guest disk twice");
	BAD(HEAD "<guest-disk>sdb</guest-disk><guest-disk>sdc</guest-disk><guest-disk>sdd"
	    "</guest-disk><guest-disk>sde</guest-disk><guest-disk>sdf</guest-disk><guest-disk>"
	    "sdg</guest-disk><guest-disk>sdh</guest-disk><guest-disk>sdi</guest-disk>\n"
	    "<guest-disk>sdj</guest-disk>\n" TAIL, 5, "<guest-disk>", "nine guest disks");
	BAD("<installation>\n<primary-disk>sda</primary-disk>\n<root-password>!!"
	    "</root-password>\n" TAIL, 3, "needs a password", "!! (a password at first boot)");
	BAD("<installation><primary-disk>sda</primary-disk>\n<root-password type=\"md5\">x"
	    "</root-password>\n" TAIL, 2, "<root-password>", "an unknown password type");
	BAD("<installation><primary-disk>sda</primary-disk>\n<root-password type=\"plaintext\">"
	    "</root-password>\n" TAIL, 2, "<root-password>", "an empty password");
	/* Only sha512-crypt: the one xapi-lite and the boot option check a password against. */
	BAD("<installation><primary-disk>sda</primary-disk>\n<root-password>"
	    "$y$j9T$abcdefghijklmnop$0123456789ABCDEFGHIJabcdefghij./0123456</root-password>\n"
	    TAIL, 2, "does not start with $6$", "a yescrypt hash");
	BAD("<installation><primary-disk>sda</primary-disk>\n<root-password>"
	    "$5$saltsalt$0123456789ABCDEFGHIJabcdefghij./0123456789ab</root-password>\n"
	    TAIL, 2, "openssl passwd -6", "a sha256-crypt hash");
	BAD("<installation><primary-disk>sda</primary-disk>\n<root-password>"
	    "$6$rounds=$saltsalt$" H86 "</root-password>\n"
	    TAIL, 2, "bad rounds= field", "rounds= without a number");
	BAD("<installation><primary-disk>sda</primary-disk>\n<root-password>"
	    "$6$saltsalt$tooshort</root-password>\n"
	    TAIL, 2, "not 86 characters", "a cut hash");
	s = "<installation><primary-disk>sda</primary-disk>\n<root-password>mypassword"
	    "</root-password></installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == -1 && strstr(err, "line 2: <root-password>") != NULL &&
	    strstr(err, "plaintext") != NULL && strstr(err, "mypassword") == NULL,
	    "a clear password as a hash: refused, says plaintext, is not quoted: %s", err);
	s = "<installation><primary-disk>sda</primary-disk>\n<root-password type=\"plaintext\">"
	    "secret\001</root-password></installation>";
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == -1 && strstr(err, "line 2: <root-password>") != NULL &&
	    strstr(err, "secret") == NULL,
	    "a control character in a password, not quoted: %s", err);
	BAD(HEAD "<admin-interface proto=\"dhcp\"/>\n" TAIL, 4, "<admin-interface>",
	    "neither name nor hwaddr");
	BAD(HEAD "<admin-interface name=\"eth0\" hwaddr=\"52:54:00:12:34:56\"/>\n" TAIL, 4,
	    "both", "both name and hwaddr");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"none\"/>\n" TAIL, 4,
	    "management network", "proto none");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"DHCP\"/>\n" TAIL, 4,
	    "<admin-interface>", "an unknown proto");
	BAD(HEAD "<admin-interface hwaddr=\"52:54:00:12:34\"/>\n" TAIL, 4, "hwaddr",
	    "a short MAC address");
	BAD(HEAD "<admin-interface name=\"eth0/1\"/>\n" TAIL, 4, "<admin-interface>",
	    "a '/' in an interface name");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"static\">\n<ipaddr>192.0.2.10</ipaddr>"
	    "\n<subnet>255.255.255.0</subnet>\n</admin-interface>\n" TAIL, 4, "<gateway>",
	    "static without a gateway");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"static\">\n<ip>300.1.2.3</ip>"
	    "</admin-interface>\n" TAIL, 5, "<ip>", "an octet over 255");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"static\">\n<ip>192.0.2.010</ip>"
	    "</admin-interface>\n" TAIL, 5, "<ip>", "a leading zero");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"static\"><ipaddr>192.0.2.10</ipaddr>"
	    "\n<subnet>255.0.255.0</subnet></admin-interface>\n" TAIL, 5, "<subnet>",
	    "a netmask with a hole");
	BAD(HEAD "<admin-interface name=\"eth0\" proto=\"static\"><ipaddr>192.0.2.10</ipaddr>"
	    "\n<ip>192.0.2.11</ip></admin-interface>\n" TAIL, 5, "<ip>", "<ip> after <ipaddr>");
	BAD(HEAD "<admin-interface name=\"eth0\"/>\n<admin-interface name=\"eth1\"/>\n" TAIL,
	    5, "<admin-interface>", "two interfaces");
	BAD(HEAD "<name-server>192.0.2</name-server>\n" TAIL, 4, "<name-server>",
	    "three octets");
	BAD(HEAD "<name-server>192.0.2.1</name-server><name-server>192.0.2.2</name-server>"
	    "<nameserver>192.0.2.3</nameserver>\n<name-server>192.0.2.4</name-server>\n" TAIL,
	    5, "<name-server>", "four name servers");
	BAD(HEAD "<timezone>/etc/passwd</timezone>\n" TAIL, 4, "<timezone>", "a path");
	BAD(HEAD "<timezone>Europe/../Paris</timezone>\n" TAIL, 4, "<timezone>", "'..'");
	BAD(HEAD "<keymap>US English</keymap>\n" TAIL, 4, "<keymap>", "a keymap with a space");
	BAD(HEAD "<keymap>../../etc/shadow</keymap>\n" TAIL, 4, "<keymap>", "a keymap path");
	s = HEAD "<keymap>fr_CH-latin1</keymap>\n" TAIL;
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0 && strcmp(a.keymap, "fr_CH-latin1") == 0, "a keymap with capitals: %s", err);
	BAD(HEAD "<keymap>abcdefghijklmnopqrstuvwxyz0123456</keymap>\n" TAIL, 4, "<keymap>",
	    "a keymap too long");
	BAD(HEAD "<ntp-server>bad_host</ntp-server>\n" TAIL, 4, "<ntp-server>",
	    "an NTP server with '_'");
	BAD(HEAD "<ntp-server>1.2.3.999</ntp-server>\n" TAIL, 4, "<ntp-server>",
	    "an NTP server, a bad address");
	BAD(HEAD "<ntp-server>a</ntp-server><ntp-server>b</ntp-server><ntp-server>c"
	    "</ntp-server><ntp-server>d</ntp-server>\n<ntp-servers>e</ntp-servers>\n" TAIL, 5,
	    "<ntp-servers>", "five NTP servers");
	BAD(HEAD "<ntp source=\"manual\"/>\n" TAIL, 4, "<ntp-server>",
	    "manual NTP without servers");
	BAD(HEAD "<ntp source=\"dhcp\"/>\n<ntp-server>a</ntp-server>\n" TAIL, 4, "<ntp>",
	    "NTP servers with source dhcp");
	BAD(HEAD "<ntp source=\"chrony\"/>\n" TAIL, 4, "<ntp>", "an unknown NTP source");
	BAD(HEAD "<ntp/>\n" TAIL, 4, "<ntp>", "<ntp> without source");
	BAD(HEAD "<script stage=\"packages-installed\" type=\"url\">http://x/s</script>\n"
	    TAIL, 4, "installation-start, filesystem-populated", "a stage we do not have");
	BAD(HEAD "<script stage=\"installation-start\" type=\"nfs\">srv:/s</script>\n" TAIL, 4,
	    "type=\"url\"", "an nfs script");
	BAD(HEAD "<script stage=\"installation-start\">http://x/s</script>\n" TAIL, 4,
	    "<script>", "a script without type");
	BAD(HEAD "<script stage=\"installation-start\" type=\"url\">ftp://x/s</script>\n" TAIL,
	    4, "<script>", "an ftp script");
	BAD(HEAD "<script stage=\"installation-start\" type=\"url\">http://x/a b</script>\n"
	    TAIL, 4, "<script>", "a space in a URL");
	BAD(HEAD "<source type=\"nfs\">server:/path/</source>\n" TAIL, 4, "<source>",
	    "an nfs source");
	BAD(HEAD "<source type=\"url\">file:///mnt/</source>\n" TAIL, 4, "<source>",
	    "a file:// source");
	BAD(HEAD "<source type=\"url\">http://</source>\n" TAIL, 4, "<source>",
	    "a URL without a host");
	BAD(HEAD "<source type=\"local\"/>\n<source type=\"local\"/>\n" TAIL, 5, "<source>",
	    "two sources");

	/* XML: each error names where. */
	BAD(HEAD "<hostname", 4, "<hostname>", "a tag never closed");
	BAD(HEAD "<hostname>name\n", 4, "<hostname>", "an element never closed");
	BAD(HEAD "<hostname>name</keymap>\n" TAIL, 4, "</hostname>", "a mismatched end tag");
	BAD(HEAD "<guest-disks>\n<guest-disk>sdb</guest-disk>\n" TAIL, 6, "</guest-disks>",
	    "a container's end tag missing");
	/* A NUL byte would cut a value short: refused in text, CDATA and attributes. */
	BAD_N("<installation>\n<primary-disk>sda</primary-disk>\n"
	    "<root-password type=\"plaintext\">ab\0;rm</root-password>\n" TAIL, 3, "<root-password>: holds a NUL byte",
	    "a NUL in a password");
	BAD_N(HEAD "<hostname>abc\0def</hostname>\n" TAIL, 4, "<hostname>: holds a NUL byte",
	    "a NUL in a host name");
	BAD_N(HEAD "<hostname><![CDATA[abc\0]]>def</hostname>\n" TAIL, 4,
	    "<hostname>: holds a NUL byte", "a NUL in CDATA");
	BAD_N(HEAD "<hostname>abc\0</hostname>\n" TAIL, 4, "<hostname>: holds a NUL byte",
	    "a NUL at the end");
	BAD_N(HEAD "<admin-interface name=\"eth0\0x\"/>\n" TAIL, 4,
	    "<admin-interface>: name holds a NUL byte", "a NUL in an attribute");
	BAD_N("<installation>\n<primary-disk>sda</primary-disk>\n<root-password type=\"plain"
	    "text\0\">pw</root-password>\n" TAIL, 3, "<root-password>: type holds a NUL byte",
	    "a NUL in the password's type");
	BAD(HEAD "<hostname>a&nbsp;b</hostname>\n" TAIL, 4, "<hostname>", "an unknown entity");
	/* lib/xml.c's entity policy: character references are read now, as XML-RPC reads
	   them; those to characters XML 1.0 forbids are refused. */
	s = HEAD "<hostname>a&#65;&#x42;c</hostname>\n" TAIL;
	r = answerfile_parse(s, strlen(s), &a, err, sizeof(err), NULL, NULL);
	ok(r == 0 && strcmp(a.hostname, "aABc") == 0, "character references: %s", err);
	BAD(HEAD "<hostname>a&#0;b</hostname>\n" TAIL, 4, "<hostname>: &#0; is not a character",
	    "a reference to NUL");
	BAD(HEAD "<hostname>\na&#xD800;b</hostname>\n" TAIL, 5, "&#xD800; is not a character",
	    "a reference to a surrogate");
	BAD(HEAD "<admin-interface name=\"eth&#x;\"/>\n" TAIL, 4, "<admin-interface>: a "
	    "character reference is", "a reference without digits in an attribute");
	BAD(HEAD "<hostname>\na & b</hostname>\n" TAIL, 5, "<hostname>", "a bare '&'");
	BAD(HEAD "<admin-interface name=\"a&b\"/>\n" TAIL, 4, "<admin-interface>",
	    "a bare '&' in an attribute");
	BAD(HEAD "<admin-interface name=\"eth0\" name=\"eth1\"/>\n" TAIL, 4, "twice",
	    "an attribute twice");
	BAD(HEAD "<admin-interface name=eth0/>\n" TAIL, 4, "quoted", "an unquoted attribute");
	BAD(HEAD "<admin-interface name=\"eth0\"proto=\"dhcp\"/>\n" TAIL, 4,
	    "<admin-interface>", "attributes without a space between");
	BAD(HEAD "<hostname>host<b>name</b></hostname>\n" TAIL, 4, "<hostname>",
	    "an element in a text element");
	BAD(HEAD "stray words\n" TAIL, 4, "<installation>: text \"stray words\" where only "
	    "elements may be", "text among elements");
	BAD("<installation>\n<![CDATA[x]]>" TAIL, 2, "<installation>: text \"x\" where only "
	    "elements may be", "CDATA among elements, its content quoted");
	BAD("<installation>\n<!-- c --> <![CDATA[\n y z\n]]>w" TAIL, 2,
	    "<installation>: text \"y z\" where", "CDATA among elements, blanks around dropped");
	BAD(HEAD "<guest-disks>\n<![CDATA[ ]]>\n</guest-disks>\n" TAIL, 5,
	    "<guest-disks>: text \" \" where only elements may be",
	    "a CDATA section of blanks among elements, as before lib/xml.c");
	BAD(HEAD TAIL "<![CDATA[ ]]>", 5, "text after </installation>",
	    "a CDATA section of blanks after the root");
	BAD(HEAD "<1abc/>\n" TAIL, 4, "expected an element's name after '<'",
	    "a name starting with a digit");
	BAD(HEAD TAIL "<hostname>late</hostname>\n", 5, "after", "an element after the root");
	BAD(HEAD "<!-- never closed\n" TAIL, 4, "comment", "a comment never closed");
	BAD(HEAD "<a><b><c><d><e><f><g><h><i><j>x</j></i></h></g></f></e></d></c></b></a>\n"
	    TAIL, 4, "<a>", "an unknown element nested too deep");
	BAD(HEAD "<a><b>x</c></a>\n" TAIL, 4, "</b>", "a mismatch inside an unknown element");
	s = HEAD "<hostname>";
	len = strlen(s);
	copy = malloc(len + 600 + sizeof("</hostname>" TAIL));
	memcpy(copy, s, len);
	memset(copy + len, 'a', 600);
	memcpy(copy + len + 600, "</hostname>" TAIL, sizeof("</hostname>" TAIL));
	r = answerfile_parse(copy, strlen(copy), &a, err, sizeof(err), NULL, NULL);
	ok(r == -1 && strstr(err, "line 4: <hostname>: longer than") != NULL,
	    "text longer than the buffer: %s", err);
	free(copy);

	/* XML_MAX_ATTRS attributes on a tag are read (each not understood, so warned of);
	   one more is refused. */
	for (n = XML_MAX_ATTRS; n <= XML_MAX_ATTRS + 1; n++) {
		char	doc[1024], want[128];
		int	k, at;

		at = snprintf(doc, sizeof(doc), "<installation>\n<primary-disk");
		for (k = 0; k < n; k++)
			at += snprintf(doc + at, sizeof(doc) - (size_t)at, " a%d='%d'", k, k);
		snprintf(doc + at, sizeof(doc) - (size_t)at, ">sda</primary-disk>\n"
		    "<root-password type=\"plaintext\">pw</root-password>\n" TAIL);
		memset(&w, 0, sizeof(w));
		r = answerfile_parse(doc, strlen(doc), &a, err, sizeof(err), count, &w);
		if (n == XML_MAX_ATTRS) {
			snprintf(want, sizeof(want), "line 2: <primary-disk>: attribute a%d is not "
			    "understood and is ignored", n - 1);
			ok(r == 0 && w.n == n && strcmp(w.last, want) == 0,
			    "%d attributes: %d warnings, the last %s; %s", n, w.n, w.last, err);
		} else {
			snprintf(want, sizeof(want), "line 2: <primary-disk>: more than %d "
			    "attributes", XML_MAX_ATTRS);
			ok(r == -1 && strcmp(err, want) == 0, "%d attributes are refused: %s", n,
			    err);
		}
	}

	/* Robust: no prefix of a good answerfile reads past its end; only the whole one is good. */
	len = strlen(static_net);
	for (all = 1, i = 0; i < len; i++) {
		copy = malloc(i > 0 ? i : 1);
		memcpy(copy, static_net, i);
		r = answerfile_parse(copy, i, &a, err, sizeof(err), NULL, NULL);
		if ((r == 0) != (i >= len - 1) || (r == -1 && (a.primary_disk[0] != '\0' ||
		    strncmp(err, "line ", 5) != 0)))
			all = 0;
		free(copy);
	}
	ok(all, "every prefix of an answerfile fails and clears the answers, except the whole");
	r = answerfile_parse(HEAD, strlen(HEAD), &a, NULL, 0, NULL, NULL);
	ok(r == -1, "no error buffer");
	r = answerfile_parse(HEAD TAIL, strlen(HEAD TAIL), &a, err, 1, NULL, NULL);
	ok(r == 0 && err[0] == '\0', "a one-byte error buffer");
	return done_testing();
}
