/* Unit tests of lib/sha512crypt.c: the password hashes the boot options and the answerfile
   take. */
#include <stdlib.h>
#include <string.h>

#include "sha512crypt.h"
#include "tap.h"

/* 86 characters, as sha512-crypt's hash always is. */
#define H86	"TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQ" \
		"SpT0Y77vwPZN.Pq.H91p5hVO1"

/* The check of s as a heap copy of exactly its length, with no NUL: ASan sees a read past. */
static const char *
V(const char *s)
{
	const char	*why;
	size_t		 n = strlen(s);
	char		*c = malloc(n ? n : 1);

	memcpy(c, s, n);
	why = sha512_crypt_invalid(c, n);
	free(c);
	return why;
}

int
main(void)
{
	/* sha512-crypt, rounds= or not, as bootopts.c and xapi-lite take it. */
	ok(V("$6$saltsalt$" H86) == NULL, "a sha512-crypt hash");
	ok(V("$6$rounds=5000$saltsalt$" H86) == NULL, "with rounds=5000");
	ok(V("$6$rounds=999999999$s$" H86) == NULL, "nine digits of rounds");
	ok(V("$6$rounds=1000000000$s$" H86) != NULL, "ten digits refused");
	ok(V("$6$rounds=$s$" H86) != NULL, "rounds= without a number");
	ok(V("$6$rounds=5x$s$" H86) != NULL, "rounds= not a number");
	ok(V("$5$saltsalt$" H86) != NULL &&
	    strstr(V("$5$saltsalt$" H86), "$6$") != NULL,
	    "sha256-crypt refused, saying $6$");
	ok(V("$y$j9T$saltsalt$" H86) != NULL, "yescrypt refused");
	ok(V("$6$$" H86) != NULL, "an empty salt");
	ok(V("$6$saltsaltsaltsalts$" H86) != NULL, "a salt of 17");
	ok(V("$6$sa_lt$" H86) != NULL, "a bad character in the salt");
	ok(V("$6$saltsalt$" H86 "x") != NULL, "a hash of 87");
	ok(V("$6$saltsalt") != NULL, "no hash");
	ok(V("!") != NULL && V("") != NULL,
	    "locked and empty");
	return done_testing();
}
