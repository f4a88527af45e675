#ifndef ATOLL_VALIDATE_H
#define ATOLL_VALIDATE_H

#include <stddef.h>

/*
 * The checks an install's values pass, whether they come from an answerfile or from the
 * interactive installer's screens. Host names and IPv4 addresses are lib/inet.h's, password
 * hashes lib/sha512crypt.h's, time zones lib/zonename.h's.
 */

/* A console keymap's name: us, de-latin1, fr_CH, us-intl.iso15 (no path tricks): 1 or 0. */
int	validate_keymap(const char *s);
/* A root password in clear. Returns NULL when it is good, else why not ("the password is
   empty"); the reason never quotes it. */
const char *validate_password(const char *s);

#endif
