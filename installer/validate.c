/*
 * The checks an install's values pass (see validate.h): keymaps and passwords; host names
 * and addresses are lib/inet.c's, password hashes lib/sha512crypt.c's, time zones
 * lib/zonename.c's. The answerfile parser and the interactive installer both use them, so
 * both accept the same values.
 */
#include <string.h>

#include "utf8.h"
#include "validate.h"

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define KEYMAP_CHARS	LOWER UPPER DIGITS "_.-"

/* Whether all of s is made of chars, and there is some. */
static int
only(const char *s, const char *chars)
{
	return s[0] != '\0' && strspn(s, chars) == strlen(s);
}

int
validate_keymap(const char *s)
{
	return only(s, KEYMAP_CHARS) && strchr(LOWER UPPER DIGITS, s[0]) != NULL &&
	    strstr(s, "..") == NULL;
}

const char *
validate_password(const char *s)
{
	const char	*p;

	if (s[0] == '\0')
		return "the password is empty";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return "the password has a control character";
	if (!utf8_valid(s, strlen(s)))
		return "the password is not UTF-8";
	return NULL;
}
