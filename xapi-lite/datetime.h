#ifndef XAPI_DATETIME_H
#define XAPI_DATETIME_H

#include <stddef.h>

/*
 * A XenAPI DateTime as clients send it: 20260821T02:00:23Z (XML-RPC's dateTime.iso8601,
 * XAPI's own form) or 2026-08-21T02:00:23Z, the time also as 020023, with an optional
 * fraction of a second (dropped), and Z, +HH:MM, -HHMM or nothing (UTC, as XAPI assumes).
 */
/* The unix time text (len bytes) names into *out. Returns 0, or -1 (not a DateTime). */
int	datetime_parse(const char *text, size_t len, long long *out);

#endif
