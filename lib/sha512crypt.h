#ifndef ATOLL_SHA512CRYPT_H
#define ATOLL_SHA512CRYPT_H

#include <stddef.h>

/*
 * The shape of a root password hash: sha512-crypt, $6$[rounds=N$]salt$hash, the one scheme
 * every part of Atoll checks a password against (made by 'openssl passwd -6' or mkpasswd;
 * nothing here hashes). The boot option atoll.password_hash= and the answerfile's
 * <root-password type="hash"> both take it.
 */

/* Why s[0..n) is no sha512-crypt hash ("does not start with $6$", "has a bad character in
   its salt"...), or NULL when it is one: salt of 1 to 16 and hash of 86 characters of
   ./0-9A-Za-z, rounds= of 1 to 9 digits. */
const char *sha512_crypt_invalid(const char *s, size_t n);

#endif
