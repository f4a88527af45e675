/* Unit tests of xapi-lite/log.c: a field is printable, one field, and at most
   XAPI_LOG_FIELD_MAX bytes; a line is one line whatever the client sent. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tap.h"

static void
field(const char *s, const char *want, const char *why)
{
	char	out[LOG_FIELD_SIZE];

	log_field(out, s);
	ok(strcmp(out, want) == 0, "%s: got \"%s\"", why, out);
}

/* Every byte of out is printable and no space; at most the limit. */
static int
clean(const char *out)
{
	size_t	i;

	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] <= ' ' || (unsigned char)out[i] >= 0x7f)
			return 0;
	return i <= XAPI_LOG_FIELD_MAX;
}

static void
fields(void)
{
	char	big[100 * 1024], out[LOG_FIELD_SIZE];
	int	c;

	field("VM.start", "VM.start", "a method name as it is");
	field("", "-", "an empty field still takes its place");
	field("a\nb", "a\\x0ab", "a newline escaped");
	field("a\r\n2026-01-01T00:00:00Z local session.logout Success",
	    "a\\x0d\\x0a2026-01-01T00:00:00Z\\x20local\\x20session.logout\\x20Success",
	    "a forged line stays inside its field");
	field("a b\tc", "a\\x20b\\x09c", "spaces and tabs escaped: one field");
	field("back\\slash", "back\\\\slash", "a backslash doubled, so escapes are unambiguous");
	field("\x7f\x80\xff", "\\x7f\\x80\\xff", "DEL and bytes past ASCII escaped");
	field("caf\xc3\xa9", "caf\\xc3\\xa9", "UTF-8 escaped byte by byte");

	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_field(out, big);
	ok(strlen(out) == XAPI_LOG_FIELD_MAX && clean(out),
	    "100 KiB cut to %d bytes (got %zu)", XAPI_LOG_FIELD_MAX, strlen(out));
	ok(strcmp(out + XAPI_LOG_FIELD_MAX - 3, "...") == 0, "a cut field ends in ...");
	memset(big, '\n', sizeof(big) - 1);
	log_field(out, big);
	ok(strlen(out) <= XAPI_LOG_FIELD_MAX && clean(out) &&
	    strcmp(out + strlen(out) - 3, "...") == 0,
	    "100 KiB of newlines: escaped, cut, marked (%zu bytes)", strlen(out));
	memset(big, 'a', XAPI_LOG_FIELD_MAX);
	big[XAPI_LOG_FIELD_MAX] = '\0';
	log_field(out, big);
	ok(strcmp(out, big) == 0, "exactly the limit: kept whole");
	big[XAPI_LOG_FIELD_MAX] = 'a';
	big[XAPI_LOG_FIELD_MAX + 1] = '\0';
	log_field(out, big);
	ok(strlen(out) == XAPI_LOG_FIELD_MAX && strcmp(out + XAPI_LOG_FIELD_MAX - 3, "...") == 0,
	    "one byte over: cut and marked");
	/* Every byte value, alone and at every length near the limit. */
	for (c = 1; c < 256; c++) {
		size_t	len;

		for (len = XAPI_LOG_FIELD_MAX - 6; len < XAPI_LOG_FIELD_MAX + 6; len++) {
			memset(big, c, len);
			big[len] = '\0';
			log_field(out, big);
			if (!clean(out))
				break;
		}
		if (len != XAPI_LOG_FIELD_MAX + 6)
			break;
	}
	ok(c == 256, "every byte near the limit gives a clean field (stopped at %d)", c);
}

static void
lines(void)
{
	char	method[4096], buf[8192], *p;
	FILE	*f;
	size_t	n, nl = 0;

	memset(method, '\n', sizeof(method) - 1);
	method[sizeof(method) - 1] = '\0';
	if ((f = tmpfile()) == NULL)
		abort();
	log_call(f, "192.0.2.1", method, "MESSAGE_METHOD_UNKNOWN");
	log_login(f, "192.0.2.1", "root\n2026-01-01T00:00:00Z x login root", "failure");
	log_call(NULL, "192.0.2.1", method, "ignored");
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	for (p = buf; (p = strchr(p, '\n')) != NULL; p++)
		nl++;
	ok(nl == 2, "two calls, two lines (got %zu)", nl);
	ok(strstr(buf, " 192.0.2.1 login root\\x0a2026") != NULL &&
	    strstr(buf, " failure\n") != NULL, "the login line: client, login, user, outcome");
	ok(n < 2 * (32 + 5 * XAPI_LOG_FIELD_MAX), "lines stay short (%zu bytes)", n);
}

int
main(void)
{
	fields();
	lines();
	return done_testing();
}
