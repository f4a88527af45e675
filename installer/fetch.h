#ifndef ATOLL_FETCH_H
#define ATOLL_FETCH_H

#include <stddef.h>

#include "buf.h"

struct report;

/*
 * Fetching what an install needs by URL (the answerfile, its scripts): file:///PATH,
 * http://URL (busybox wget) or https://URL (openssl s_client). An HTTPS server's
 * certificate is checked against the pinned SHA-256 fingerprint when there is one, else
 * against the system's CA bundle and the URL's host name. While the network is coming up
 * (no route, refused, timed out) it tries again for about 90 s; an answer that cannot get
 * better (HTTP 404, a certificate that does not verify) fails at once.
 */

/* Fetches url into out (at most its cap), saying so and logging each try on rep.
   fingerprint is "" or 64 lower-case hex digits. Returns 0, or -1 with err naming the URL
   and what went wrong. */
int	fetch_url(struct report *rep, const char *url, const char *fingerprint,
	    struct buf *out, char *err, size_t errlen);

/* POSTs body (of MIME type type) to an http:// or https:// URL (the CA bundle verifies
   an HTTPS server), trying three times, each logged on rep. Returns 0 on a 2xx answer, or
   -1 with err. */
int	fetch_post(struct report *rep, const char *url, const char *type, const char *body,
	    char *err, size_t errlen);

/* Splits an HTTP/1.x response text[0..len) (http_parse_response): its status, where the
   body starts and its Content-Length (-1 when the headers give none). Returns 0, or -1 with
   *why saying why it is not one (no status line, headers not ended, a header line that is
   not "name: value", more than HTTP_MAX_HEADERS or a head of HTTP_MAX_RESPONSE_HEAD bytes,
   a Content-Length that is not a number or given twice with different values, a
   Transfer-Encoding). */
int	fetch_response(const char *text, size_t len, int *status, size_t *body,
	    long long *content_length, const char **why);

#endif
