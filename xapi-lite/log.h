#ifndef XAPI_LOG_H
#define XAPI_LOG_H

#include <stdio.h>

#include "xapi_limits.h"

#define LOG_FIELD_SIZE	(XAPI_LOG_FIELD_MAX + 1)

/* One line per call: time, client address, method, outcome. log NULL: no log. Lines are
   buffered; the loop flushes them once a turn (log_flush). */
void	log_call(FILE *log, const char *client, const char *method, const char *outcome);
/* One line per login attempt: time, client address, "login", user name, outcome
   ("success", "failure", "delayed"...). Never given the password. */
void	log_login(FILE *log, const char *client, const char *user, const char *outcome);
void	log_flush(FILE *log);
/* The --log PATH: "-" is stderr, else the file appended to. NULL with errno set. */
FILE	*log_open(const char *path);
/* Once log (opened from path) holds XAPI_LOG_MAX_BYTES: closes it, renames path to
   path.1 (replacing it) and returns a new log at path (NULL when it cannot be opened);
   else returns log. */
FILE	*log_rotate(FILE *log, const char *path);
/* s as one log field in out (LOG_FIELD_SIZE bytes): bytes outside '!'..'~' as \xHH, '\'
   as \\, at most XAPI_LOG_FIELD_MAX bytes ending in "..." when cut, "-" when empty. */
void	log_field(char *out, const char *s);

#endif
