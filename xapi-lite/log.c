/*
 * The call log: one line per call, written into stdio's buffer and flushed once per turn
 * of the loop, so a busy server pays one write for many calls.
 */
#include <stdio.h>
#include <time.h>

#include "log.h"

void
log_call(FILE *log, const char *client, const char *method, const char *outcome)
{
	char	now[32];
	time_t	t;

	if (log == NULL)
		return;
	t = time(NULL);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	fprintf(log, "%s %s %s %s\n", now, client, method, outcome);
}

void
log_flush(FILE *log)
{
	if (log != NULL)
		fflush(log);
}
