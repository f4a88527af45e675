/* Unit tests of installer/validate.c: the values an answerfile and the screens accept. */
#include <string.h>

#include "tap.h"
#include "validate.h"

int
main(void)
{
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
