/*
 * The checks an install's values pass (see validate.h): host names, IPv4 addresses and
 * netmasks, time zones, keymaps, passwords and their hashes. The answerfile parser and the
 * interactive installer both use them, so both accept the same values.
 */
#include <string.h>

#include "utf8.h"
#include "validate.h"

#define LOWER		"abcdefghijklmnopqrstuvwxyz"
#define UPPER		"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS		"0123456789"
#define TZ_CHARS	LOWER UPPER DIGITS "_+/-"
#define KEYMAP_CHARS	LOWER UPPER DIGITS "_.-"

/* Whether all of s is made of chars, and there is some. */
static int
only(const char *s, const char *chars)
{
	return s[0] != '\0' && strspn(s, chars) == strlen(s);
}

/* sha512-crypt: $6$[rounds=N$]salt$hash, salt 1-16 and hash 86 characters of ./0-9A-Za-z,
   as the boot option atoll.password_hash= takes it (dom0-rootfs/bootopts.c) and
   xapi-lite checks a login against it (with openssl passwd -6 or mkpasswd). */
const char *
validate_sha512_crypt(const char *s)
{
	const char	*p;
	size_t		 n;

	if (strncmp(s, "$6$", 3) != 0)
		return "does not start with $6$";
	p = s + 3;
	if (strncmp(p, "rounds=", 7) == 0) {
		for (p += 7, n = 0; *p >= '0' && *p <= '9'; p++, n++)
			;
		if (n == 0 || n > 9 || *p != '$')
			return "has a bad rounds= field";
		p++;
	}
	for (n = 0; *p != '\0' && *p != '$'; p++, n++)
		if (strchr(LOWER UPPER DIGITS "./", *p) == NULL)
			return "has a bad character in its salt";
	if (n == 0 || n > 16 || *p == '\0')
		return "has no salt of 1 to 16 characters";
	for (p++, n = 0; *p != '\0'; p++, n++)
		if (strchr(LOWER UPPER DIGITS "./", *p) == NULL)
			return "has a bad character in its hash";
	if (n != 86)
		return "has a hash that is not 86 characters long";
	return NULL;
}

int
validate_hostname(const char *s, size_t max)
{
	const char	*p;
	size_t		 l = 0;

	if (strlen(s) > max)
		return 0;
	for (p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (l == 0 || l > 63 || p[-1] == '-')
				return 0;
			if (*p == '\0')
				return 1;
			l = 0;
		} else if (strchr(LOWER UPPER DIGITS "-", *p) != NULL && (*p != '-' || l > 0)) {
			l++;
		} else {
			return 0;
		}
	}
}

int
validate_ipv4(const char *s, unsigned long *ip)
{
	unsigned long	v;
	int		i, n;

	for (*ip = 0, i = 0; i < 4; i++) {
		if (i > 0 && *s++ != '.')
			return 0;
		for (n = 0, v = 0; n < 4 && *s >= '0' && *s <= '9'; n++)
			v = v * 10 + (unsigned long)(*s++ - '0');
		if (n == 0 || n > 3 || v > 255 || (n > 1 && s[-n] == '0'))
			return 0;
		*ip = *ip << 8 | v;
	}
	return *s == '\0';
}

int
validate_netmask(unsigned long m)
{
	unsigned long	inv = ~m & 0xffffffffUL;

	return m != 0 && (inv & (inv + 1)) == 0;
}

int
validate_timezone(const char *s)
{
	size_t	n = strlen(s);

	return only(s, TZ_CHARS) && s[0] != '/' && s[0] != '-' && s[n - 1] != '/' &&
	    strstr(s, "//") == NULL;
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
