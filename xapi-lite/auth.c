/*
 * Password checks without hand-written cryptography: this file reads root's sha512-crypt
 * hash and its salt; a proven crypt implementation run as a helper (openssl passwd -6, or
 * busybox mkpasswd) hashes the offered password with that salt (session.c runs it as a
 * job of the event loop), and the two are compared here.
 */
#include <stdio.h>
#include <string.h>

#include "xapi.h"

int
auth_hash(const char *file, const char *user, char *hash, size_t size)
{
	FILE	*f;
	char	 line[1024];
	size_t	 ulen = strlen(user);
	int	 found = 0;

	if ((f = fopen(file, "r")) == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char	*start = line + ulen + 1, *end;

		if (strncmp(line, user, ulen) != 0 || line[ulen] != ':')
			continue;
		if ((end = strchr(start, ':')) == NULL)
			end = start + strcspn(start, "\n");
		if ((size_t)(end - start) >= size)
			break;
		memcpy(hash, start, end - start);
		hash[end - start] = '\0';
		found = 1;
	}
	fclose(f);
	/* Only sha512-crypt ($6$salt$hash, default rounds): a locked or empty entry never
	   matches, and a hash we cannot reproduce is as good as none. */
	return found && strncmp(hash, "$6$", 3) == 0 && strncmp(hash + 3, "rounds=", 7) != 0;
}

int
auth_salt(const char *hash, char *salt, size_t size)
{
	const char	*s = hash + 3, *e;

	if (strncmp(hash, "$6$", 3) != 0 || (e = strchr(s, '$')) == NULL ||
	    (size_t)(e - s) >= size || e == s)
		return -1;
	memcpy(salt, s, e - s);
	salt[e - s] = '\0';
	return 0;
}

int
auth_same(const char *stored, const char *made)
{
	size_t		i, len = strlen(stored);
	unsigned char	diff = 0;

	if (len != strlen(made))
		return 0;
	for (i = 0; i < len; i++)
		diff |= (unsigned char)(stored[i] ^ made[i]);
	return diff == 0;
}
