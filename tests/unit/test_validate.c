/* Unit tests of installer/validate.c: the values an answerfile and the screens accept. */
#include <string.h>

#include "tap.h"
#include "validate.h"

/* 86 characters, as sha512-crypt's hash always is. */
#define H86	"TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1"

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

	/* sha512-crypt, rounds= or not, as bootopts.c and xapi-lite take it. */
	ok(validate_sha512_crypt("$6$saltsalt$" H86) == NULL, "a sha512-crypt hash");
	ok(validate_sha512_crypt("$6$rounds=5000$saltsalt$" H86) == NULL, "with rounds=5000");
	ok(validate_sha512_crypt("$6$rounds=999999999$s$" H86) == NULL, "nine digits of rounds");
	ok(validate_sha512_crypt("$6$rounds=1000000000$s$" H86) != NULL, "ten digits refused");
	ok(validate_sha512_crypt("$6$rounds=$s$" H86) != NULL, "rounds= without a number");
	ok(validate_sha512_crypt("$6$rounds=5x$s$" H86) != NULL, "rounds= not a number");
	ok(validate_sha512_crypt("$5$saltsalt$" H86) != NULL &&
	    strstr(validate_sha512_crypt("$5$saltsalt$" H86), "$6$") != NULL,
	    "sha256-crypt refused, saying $6$");
	ok(validate_sha512_crypt("$y$j9T$saltsalt$" H86) != NULL, "yescrypt refused");
	ok(validate_sha512_crypt("$6$$" H86) != NULL, "an empty salt");
	ok(validate_sha512_crypt("$6$saltsaltsaltsalts$" H86) != NULL, "a salt of 17");
	ok(validate_sha512_crypt("$6$sa_lt$" H86) != NULL, "a bad character in the salt");
	ok(validate_sha512_crypt("$6$saltsalt$" H86 "x") != NULL, "a hash of 87");
	ok(validate_sha512_crypt("$6$saltsalt") != NULL, "no hash");
	ok(validate_sha512_crypt("!") != NULL && validate_sha512_crypt("") != NULL,
	    "locked and empty");
	return done_testing();
}
