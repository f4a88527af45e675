/* Unit tests of xapi-lite/disks.c: templates' provisioning lists, good and bad. */
#include <string.h>

#include "disks.h"
#include "tap.h"

#define PARSE(text, want, why) do {						\
	struct disk	 d_[DISKS_MAX];						\
	char		 e_[128] = "";						\
	int		 n_ = disks_parse(text, strlen(text), d_, e_, sizeof(e_)); \
	ok(n_ == (want), "%s: got %d %s", why, n_, e_);			\
} while (0)

int
main(void)
{
	struct disk	 d[DISKS_MAX];
	char		 err[128];
	const char	*two = "<provision><disk device=\"0\" size=\"8589934592\" sr=\"\" "
	    "bootable=\"true\" type=\"system\"/>\n <disk device=\"1\" size=\"1024\" "
	    "sr=\"0f0e0d0c-0b0a-0908-0706-050403020100\" bootable=\"false\" ionice=\"4\"/>"
	    "</provision>";

	ok(disks_parse(two, strlen(two), d, err, sizeof(err)) == 2, "two disks");
	ok(strcmp(d[0].device, "0") == 0 && d[0].size == 8589934592LL && d[0].bootable &&
	    d[0].sr[0] == '\0' && strcmp(d[0].type, "system") == 0, "the first disk's fields");
	ok(strcmp(d[1].sr, "0f0e0d0c-0b0a-0908-0706-050403020100") == 0 && !d[1].bootable &&
	    strcmp(d[1].type, "system") == 0, "the second disk, default type");

	PARSE("<provision></provision>", 0, "no disks");
	PARSE("<?xml version=\"1.0\" ?>\n<provision>\n  <disk device=\"0\" size=\"1\"/>\n"
	    "</provision>\n", 1, "an XML declaration first, as minidom writes");
	PARSE("<?xml version=\"1.0\" <provision></provision>", -1, "unterminated declaration");
	PARSE("<?xml?><?xml?><provision></provision>", -1, "two declarations");
	PARSE("", -1, "empty");
	PARSE("<provision>", -1, "unterminated");
	PARSE("<provision><disk device=\"0\"/></provision>", -1, "no size");
	PARSE("<provision><disk size=\"1\"/></provision>", -1, "no device");
	PARSE("<provision><disk device=\"x\" size=\"1\"/></provision>", -1, "device not digits");
	PARSE("<provision><disk device=\"0\" size=\"-1\"/></provision>", -1, "negative size");
	PARSE("<provision><disk device=\"0\" size=\"1234567890123456789\"/></provision>", -1,
	    "size too long");
	PARSE("<provision><disk device=\"0\" size=\"1\" sr=\"abc\"/></provision>", -1, "bad sr");
	PARSE("<provision><disk device=\"0\" size=\"1\" bootable=\"yes\"/></provision>", -1,
	    "bootable not a boolean");
	PARSE("<provision><disk device=\"0\" size=\"1\" colour=\"red\"/></provision>", -1,
	    "unknown attribute");
	PARSE("<provision><disk device=\"0\" size=\"1/></provision>", -1, "unterminated value");
	PARSE("<provision><disk device=\"0\" size=\"1\"/></provision>junk", -1, "trailing text");
	PARSE("<provision><disk device=\"0\" size=\"1\" type=\"a<b\"/></provision>", -1,
	    "markup in a value");
	ok(disks_parse("<provision><disk/>", 18, d, err, sizeof(err)) == -1 &&
	    strstr(err, "byte") != NULL, "errors say where");
	return done_testing();
}
