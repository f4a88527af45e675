/* Unit tests of installer/validate.c: the values an answerfile and the screens accept. */
#include <string.h>

#include "tap.h"
#include "validate.h"

int
main(void)
{
	unsigned long	ip;

	ok(validate_hostname("rack7-node3", 63), "a host name");
	ok(validate_hostname("xen1.example.com", 63), "a dotted host name");
	ok(!validate_hostname("bad_name", 63), "'_' refused");
	ok(!validate_hostname("-lead", 63) && !validate_hostname("trail-", 63),
	    "'-' first or last refused");
	ok(!validate_hostname("", 63) && !validate_hostname("a..b", 63), "empty labels refused");
	ok(!validate_hostname("abcdefgh", 7), "longer than max refused");

	ok(validate_ipv4("192.0.2.10", &ip) && ip == 0xc000020aUL, "an address and its value");
	ok(!validate_ipv4("192.0.2", &ip) && !validate_ipv4("192.0.2.256", &ip) &&
	    !validate_ipv4("192.0.2.010", &ip) && !validate_ipv4("192.0.2.1 ", &ip),
	    "short, too big, leading zero, trailing blank refused");
	ok(validate_ipv4("255.255.255.0", &ip) && validate_netmask(ip), "a netmask");
	ok(validate_ipv4("255.0.255.0", &ip) && !validate_netmask(ip), "a netmask with a hole");
	ok(!validate_netmask(0), "no netmask of zeros");

	ok(validate_timezone("UTC") && validate_timezone("Europe/Paris") &&
	    validate_timezone("America/Argentina/Buenos_Aires") &&
	    validate_timezone("Etc/GMT+5"), "time zones");
	ok(!validate_timezone("/etc/passwd") && !validate_timezone("Europe/../Paris") &&
	    !validate_timezone("Europe//Paris") && !validate_timezone("Europe/") &&
	    !validate_timezone(""), "paths refused");

	ok(validate_keymap("us") && validate_keymap("de-latin1") && validate_keymap("fr_CH") &&
	    validate_keymap("us-intl.iso15") && validate_keymap("ANSI-dvorak"),
	    "console-data's keymap names");
	ok(!validate_keymap("../us") && !validate_keymap(".hidden") &&
	    !validate_keymap("a..b") && !validate_keymap("us english") &&
	    !validate_keymap("qwerty/us") && !validate_keymap(""), "paths and blanks refused");

	ok(validate_password("secret-one") == NULL, "a password");
	ok(validate_password("pâssword") == NULL, "a UTF-8 password");
	ok(validate_password("") != NULL && strstr(validate_password(""), "empty") != NULL,
	    "an empty password refused");
	ok(validate_password("tab\there") != NULL, "a control character refused");
	ok(validate_password("\xff\xfe") != NULL &&
	    strstr(validate_password("\xff\xfe"), "UTF-8") != NULL, "bad UTF-8 refused");
	return done_testing();
}
