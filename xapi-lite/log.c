/*
 * The call log: one line per call, written into stdio's buffer and flushed once per turn
 * of the loop, so a busy server pays one write for many calls. Every field a client can
 * choose is cut to XAPI_LOG_FIELD_MAX bytes and escaped, so no client forges a line. A
 * file past XAPI_LOG_MAX_BYTES becomes FILE.1 (the one before is dropped), so the log never
 * holds more than about twice that: dom0's /var/log is RAM.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "xapi_limits.h"

/* The bytes c takes in a field. */
static size_t
escaped_len(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '\\' ? 1 : c == '\\' ? 2 : 4;
}

void
log_field(char *out, const char *s)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			n = 0, i, len = strlen(s), whole = 0, room;

	for (i = 0; i < len && whole <= XAPI_LOG_FIELD_MAX; i++)
		whole += escaped_len((unsigned char)s[i]);
	/* Cut: what fits before the "..." that says so. */
	room = whole <= XAPI_LOG_FIELD_MAX ? XAPI_LOG_FIELD_MAX : XAPI_LOG_FIELD_MAX - 3;
	for (i = 0; i < len; i++) {
		unsigned char	c = (unsigned char)s[i];
		size_t		need = escaped_len(c);

		if (n + need > room) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		if (need == 1)
			out[n++] = (char)c;
		else if (need == 2) {
			out[n++] = '\\';
			out[n++] = '\\';
		} else {
			/* Spaces too: a field never looks like two. */
			out[n++] = '\\';
			out[n++] = 'x';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 0xf];
		}
	}
	if (n == 0)
		out[n++] = '-';		/* an empty field still takes its place */
	out[n] = '\0';
}

static void
log_line(FILE *log, const char *client, const char *what, const char *a, const char *b)
{
	char	now[32], f[3][LOG_FIELD_SIZE];
	time_t	t;

	t = time(NULL);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	log_field(f[0], client);
	log_field(f[1], what);
	log_field(f[2], a);
	if (b == NULL)
		fprintf(log, "%s %s %s %s\n", now, f[0], f[1], f[2]);
	else {
		char	g[LOG_FIELD_SIZE];

		log_field(g, b);
		fprintf(log, "%s %s %s %s %s\n", now, f[0], f[1], f[2], g);
	}
}

void
log_call(FILE *log, const char *client, const char *method, const char *outcome)
{
	if (log != NULL)
		log_line(log, client, method, outcome, NULL);
}

void
log_login(FILE *log, const char *client, const char *user, const char *outcome)
{
	if (log != NULL)
		log_line(log, client, "login", user, outcome);
}

void
log_flush(FILE *log)
{
	if (log != NULL)
		fflush(log);
}

FILE *
log_open(const char *path)
{
	FILE	*f;

	if (strcmp(path, "-") == 0)
		return stderr;
	/* Flushed once per turn of the loop, not once per line. */
	if ((f = fopen(path, "a")) != NULL)
		setvbuf(f, NULL, _IOFBF, 64 * 1024);
	return f;
}

FILE *
log_rotate(FILE *log, const char *path)
{
	char	old[4096];
	long	size = ftell(log);

	if (size < XAPI_LOG_MAX_BYTES ||
	    snprintf(old, sizeof(old), "%s.1", path) >= (int)sizeof(old))
		return log;
	fclose(log);
	(void)rename(path, old);
	/* Cannot open a new one: no log rather than a full disk's worth in RAM. */
	return log_open(path);
}
