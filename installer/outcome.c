/*
 * The install's outcome for atoll.report= (see outcome.h): JSON written with lib/json's
 * string escaping and POSTed by fetch.c.
 */
#include <stdio.h>
#include <string.h>

#include "fetch.h"
#include "json.h"
#include "outcome.h"
#include "report.h"

/* "key":"value" with a comma before all but the first. */
static int
field(struct buf *b, const char *key, const char *val)
{
	return buf_printf(b, "%s\"%s\":", b->len > 1 ? "," : "", key) |
	    json_write_string(b, val, strlen(val));
}

int
outcome_json(struct buf *b, const struct outcome *o)
{
	int	e;

	e = buf_lit(b, "{");
	e |= field(b, "mac", o->mac);
	e |= field(b, "hostname", o->hostname);
	e |= field(b, "status", o->success ? "success" : "failure");
	e |= buf_printf(b, ",\"seconds\":%ld", o->seconds);
	e |= field(b, "error", o->error);
	e |= field(b, "log", o->log);
	e |= buf_lit(b, "}");
	return e ? -1 : 0;
}

void
outcome_send(struct report *r, const char *url, const struct outcome *o)
{
	struct outcome	cut = *o;
	struct buf	b;
	char		err[1024];

	/* An HTTPS request goes through a pipe of PIPE_BUF bytes: the log's tail is cut
	   until the whole report fits. */
	buf_init(&b, 3700);
	while (outcome_json(&b, &cut) == -1) {
		buf_reset(&b);
		if (cut.log[0] == '\0') {
			report_say(r, "atoll-install: the report to %s is too long to send", url);
			buf_free(&b);
			return;
		}
		cut.log += (strlen(cut.log) + 1) / 2;
	}
	report_say(r, "atoll-install: reporting %s to %s", o->success ? "success" : "failure",
	    url);
	if (fetch_post(r, url, "application/json", b.p, err, sizeof(err)) == -1)
		report_say(r, "atoll-install: could not report to %s", err);
	buf_free(&b);
}
