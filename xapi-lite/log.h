#ifndef XAPI_LOG_H
#define XAPI_LOG_H

#include <stdio.h>

/* One line per call: time, client address, method, outcome. log NULL: no log. Lines are
   buffered; the loop flushes them once a turn (log_flush). */
void	log_call(FILE *log, const char *client, const char *method, const char *outcome);
void	log_flush(FILE *log);

#endif
