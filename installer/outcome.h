#ifndef ATOLL_OUTCOME_H
#define ATOLL_OUTCOME_H

#include "buf.h"
#include "report.h"

/*
 * How an install went, for the operator of a fleet (atoll.report=URL): one JSON object,
 * POSTed when the install ends, whichever way.
 *   {"mac":"52:54:00:12:34:56","hostname":"rack7-node3","status":"success","seconds":41,
 *    "error":"","log":"...the install log's last lines..."}
 */
struct outcome {
	const char	*mac;		/* the management NIC's, or "" */
	const char	*hostname;	/* the answers', or "" when they were never read */
	int		 success;
	long		 seconds;	/* the installer's run time */
	const char	*error;		/* what failed, or "" */
	const char	*log;		/* the log's last lines */
};

/* Appends the outcome as JSON. Returns 0 or -1 (b's cap). */
int	outcome_json(struct buf *b, const struct outcome *o);

/* Reports to url; a failure is said on r, never fatal. */
void	outcome_send(struct report *r, const char *url, const struct outcome *o);

#endif
