#ifndef ATOLL_VALIDATE_H
#define ATOLL_VALIDATE_H

#include <stddef.h>

/*
 * The checks an install's values pass, whether they come from an answerfile or from the
 * interactive installer's screens. Each returns 1 when s is good, else 0.
 */

/* RFC 1123: labels of letters, digits and '-' (not first or last), 1 to 63 bytes each,
   max bytes in all. */
int	validate_hostname(const char *s, size_t max);
/* A dotted-quad IPv4 address without leading zeros; its value in *ip (host order). */
int	validate_ipv4(const char *s, unsigned long *ip);
/* Ones, then zeros: 255.255.255.0 and the like (m as validate_ipv4 gives it). */
int	validate_netmask(unsigned long m);
/* A tzdata name: UTC, Europe/Paris, America/Argentina/Buenos_Aires (no path tricks). */
int	validate_timezone(const char *s);
/* A console keymap's name: us, de-latin1, fr_CH, us-intl.iso15 (no path tricks). */
int	validate_keymap(const char *s);
/* A root password in clear. Returns NULL when it is good, else why not ("the password is
   empty"); the reason never quotes it. */
const char *validate_password(const char *s);
/* A root password hash: sha512-crypt, $6$[rounds=N$]salt$hash, the one scheme every part
   of Atoll checks a password against. Returns NULL when it is one, else what is wrong
   ("does not start with $6$"). */
const char *validate_sha512_crypt(const char *s);

#endif
