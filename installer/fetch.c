/*
 * Fetching by URL for the installer (see fetch.h). TLS is openssl's: s_client makes the
 * connection and checks the certificate; this file only splits the URL and the response.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "fetch.h"
#include "report.h"

#define TRIES		45		/* 2 s apart: the network has 90 s to come up */
#define CA_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"
#define SERVER_PEM	"/tmp/atoll-fetch-server.pem"

/* https://host[:port]/path split up; host may be a [v6] literal. */
struct url {
	char	host[256], port[8], path[768];
};

static int
split_url(const char *url, const char *scheme, const char *defport, struct url *u)
{
	const char	*h = url + strlen(scheme), *end, *colon;
	size_t		 hl;

	if ((end = strchr(h, '/')) == NULL)
		end = h + strlen(h);
	if (*h == '[') {
		if ((colon = memchr(h, ']', (size_t)(end - h))) == NULL)
			return -1;
		colon = colon[1] == ':' ? colon + 1 : NULL;
	} else
		colon = memchr(h, ':', (size_t)(end - h));
	hl = (size_t)((colon ? colon : end) - h);
	if (hl == 0 || hl >= sizeof(u->host))
		return -1;
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	if (colon != NULL) {
		if ((size_t)(end - colon - 1) == 0 || (size_t)(end - colon - 1) >= sizeof(u->port))
			return -1;
		memcpy(u->port, colon + 1, (size_t)(end - colon - 1));
		u->port[end - colon - 1] = '\0';
	} else
		snprintf(u->port, sizeof(u->port), "%s", defport);
	if (snprintf(u->path, sizeof(u->path), "%s", *end ? end : "/") >= (int)sizeof(u->path))
		return -1;
	return 0;
}

/* A "Content-Length:" header line [p, eol) into *n. Returns 1 when it is one, 0 when it is
   another header, -1 when its value is not a number. */
static int
content_length(const char *p, const char *eol, long long *n)
{
	static const char	 name[] = "content-length:";
	size_t			 i;
	long long		 v = 0;

	if ((size_t)(eol - p) < sizeof(name) - 1)
		return 0;
	for (i = 0; i < sizeof(name) - 1; i++)
		if (tolower((unsigned char)p[i]) != name[i])
			return 0;
	for (p += i; p < eol && (*p == ' ' || *p == '\t'); p++)
		;
	if (p == eol || !isdigit((unsigned char)*p))
		return -1;
	for (; p < eol && isdigit((unsigned char)*p); p++) {
		if (v > (LLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	for (; p < eol && (*p == ' ' || *p == '\t' || *p == '\r'); p++)
		;
	if (p != eol)
		return -1;
	*n = v;
	return 1;
}

int
fetch_response(const char *text, size_t len, int *status, size_t *body,
    long long *clen)
{
	const char	*end = text + len, *p, *eol;
	long long	 n;
	int		 r;

	*clen = -1;
	/* "HTTP/1.1 200 OK": the version, a space, three digits. */
	if (len < 12 || memcmp(text, "HTTP/1.", 7) != 0 || !isdigit((unsigned char)text[7]) ||
	    text[8] != ' ' || !isdigit((unsigned char)text[9]) ||
	    !isdigit((unsigned char)text[10]) || !isdigit((unsigned char)text[11]) ||
	    (len > 12 && text[12] != ' ' && text[12] != '\r' && text[12] != '\n'))
		return -1;
	*status = (text[9] - '0') * 100 + (text[10] - '0') * 10 + (text[11] - '0');
	/* Header lines up to the first empty one (CRLF or a bare LF). */
	if ((p = memchr(text, '\n', len)) == NULL)
		return -1;
	for (p++; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return -1;
		if (eol == p || (eol == p + 1 && *p == '\r')) {
			*body = (size_t)(eol + 1 - text);
			return 0;
		}
		if ((r = content_length(p, eol, &n)) == -1 || (r == 1 && *clen != -1))
			return -1;	/* not a number, or two of them */
		if (r == 1)
			*clen = n;
	}
	return -1;
}

static int
fetch_file(const char *url, struct buf *out, char *err, size_t errlen)
{
	FILE	*f;
	char	 chunk[4096];
	size_t	 n;

	if ((f = fopen(url + 7, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", url, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(out, chunk, n) == -1) {
			fclose(f);
			snprintf(err, errlen, "%s: larger than %zu bytes", url, out->max);
			return -1;
		}
	fclose(f);
	return 0;
}

/* One try over HTTP. Returns 0, 1 to try again, or -1 with err. */
static int
try_http(struct report *rep, const char *url, struct buf *out, char *err, size_t errlen)
{
	const char	*why;

	buf_reset(out);
	/* busybox 1.35's wget crashes with its own -T: time it out from outside. */
	if (exec_run_input((const char *const[]){ "timeout", "60", "wget", "-q", "-O", "-",
	    url, NULL }, NULL, out, rep->log) == 0)
		return 0;
	/* An HTTP error will not mend itself; no route or no answer yet may. */
	if (out->p != NULL && (why = strstr(out->p, "server returned error: ")) != NULL) {
		snprintf(err, errlen, "%s: %.*s", url, (int)strcspn(why + 23, "\r\n"), why + 23);
		return -1;
	}
	return 1;
}

/* The first certificate s_client printed, into SERVER_PEM. Returns 0 or -1. */
static int
save_server_cert(const struct buf *b)
{
	const char	*begin, *end;
	FILE		*f;

	if (b->p == NULL || (begin = strstr(b->p, "-----BEGIN CERTIFICATE-----")) == NULL ||
	    (end = strstr(begin, "-----END CERTIFICATE-----")) == NULL)
		return -1;
	end += strlen("-----END CERTIFICATE-----");
	if ((f = fopen(SERVER_PEM, "w")) == NULL)
		return -1;
	fprintf(f, "%.*s\n", (int)(end - begin), begin);
	return fclose(f) == 0 ? 0 : -1;
}

/* The SHA-256 fingerprint of SERVER_PEM as 64 lower-case hex digits. Returns 0 or -1. */
static int
server_fingerprint(struct report *rep, char out[65])
{
	struct buf	b;
	const char	*p;
	int		n = 0;

	buf_init(&b, 4096);
	if (exec_run((const char *const[]){ "openssl", "x509", "-in", SERVER_PEM, "-noout",
	    "-fingerprint", "-sha256", NULL }, &b, rep->log) != 0 || b.p == NULL ||
	    (p = strchr(b.p, '=')) == NULL) {
		buf_free(&b);
		return -1;
	}
	for (p++; *p && *p != '\n' && n < 64; p++)
		if (isxdigit((unsigned char)*p))
			out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
	buf_free(&b);
	return n == 64 ? 0 : -1;
}

/* One try over HTTPS. Returns 0, 1 to try again, or -1 with err. */
static int
try_https(struct report *rep, const char *url, const struct url *u,
    const char *fingerprint, const char *request, struct buf *out, char *err, size_t errlen)
{
	char		 connect[300], seen[65];
	const char	*why;
	size_t		 body, have;
	long long	 clen;
	int		 rc, status;

	snprintf(connect, sizeof(connect), strchr(u->host, ':') ? "[%s]:%s" : "%s:%s",
	    u->host, u->port);
	buf_reset(out);
	if (fingerprint[0] != '\0') {
		/* The server's certificate first: it must be the pinned one. */
		if (exec_run_input((const char *const[]){ "timeout", "30", "openssl", "s_client",
		    "-connect", connect, "-servername", u->host, NULL }, "",
		    out, rep->log) != 0 || save_server_cert(out) == -1)
			return 1;
		if (server_fingerprint(rep, seen) == -1) {
			snprintf(err, errlen, "%s: cannot read the server's certificate", url);
			return -1;
		}
		if (strcmp(seen, fingerprint) != 0) {
			snprintf(err, errlen, "%s: the server's certificate has the fingerprint "
			    "sha256:%s, not the pinned sha256:%s", url, seen, fingerprint);
			return -1;
		}
		buf_reset(out);
	}
	/* Then the request, over a connection that verifies the same certificate (pinned:
	   trusted as it is) or the CA bundle and the host name. */
	if (fingerprint[0] != '\0')
		rc = exec_run_input((const char *const[]){ "timeout", "60", "openssl", "s_client",
		    "-quiet", "-verify_quiet", "-verify_return_error", "-connect", connect,
		    "-servername", u->host, "-CAfile", SERVER_PEM,
		    "-partial_chain", NULL }, request, out, rep->log);
	else
		rc = exec_run_input((const char *const[]){ "timeout", "60", "openssl", "s_client",
		    "-quiet", "-verify_quiet", "-verify_return_error", "-connect", connect,
		    "-servername", u->host, "-verify_hostname",
		    u->host, "-CAfile", CA_BUNDLE, NULL }, request, out,
		    rep->log);
	if (out->p != NULL && (why = strstr(out->p, "verify error:")) != NULL) {
		snprintf(err, errlen, "%s: the server's certificate does not verify: %.*s%s", url,
		    (int)strcspn(why, "\r\n"), why, fingerprint[0] ? "" :
		    " (pin it with answerfile_fingerprint=sha256:...)");
		return -1;
	}
	if (rc != 0 && (out->p == NULL || strstr(out->p, "HTTP/1.") == NULL))
		return 1;
	/* s_client may print a line of its own before the response. */
	why = out->p == NULL ? NULL : strstr(out->p, "HTTP/1.");
	if (why == NULL || fetch_response(why, out->len - (size_t)(why - out->p), &status,
	    &body, &clen) == -1) {
		snprintf(err, errlen, "%s: the server's answer is not an HTTP response", url);
		return -1;
	}
	if (status < 200 || status > 299) {
		snprintf(err, errlen, "%s: HTTP %.*s", url, (int)strcspn(why + 9, "\r\n"),
		    why + 9);
		return -1;
	}
	/* s_client's own complaints follow the body on the same pipe (a server that closes
	   without TLS's close_notify, say): the body is Content-Length bytes. Without one,
	   only the server's close ends it, and an openssl error line is not part of it. */
	buf_consume(out, (size_t)(why - out->p) + body);
	have = out->len;
	if (clen == -1 && rc != 0) {
		snprintf(err, errlen, "%s: the server gave no Content-Length and openssl saw "
		    "the connection end badly (see the log)", url);
		return -1;
	}
	if (clen != -1 && (unsigned long long)clen > have) {
		snprintf(err, errlen, "%s: the answer is cut short: %zu of its %lld bytes", url,
		    have, clen);
		return -1;
	}
	if (clen != -1) {
		out->len = (size_t)clen;
		out->p[out->len] = '\0';
	}
	return 0;
}

int
fetch_url(struct report *rep, const char *url, const char *fingerprint, struct buf *out,
    char *err, size_t errlen)
{
	struct url	u;
	char		request[1200];
	int		i, r = 1;

	if (strncmp(url, "file://", 7) == 0)
		return fetch_file(url, out, err, errlen);
	if (strncmp(url, "https://", 8) == 0 && split_url(url, "https://", "443", &u) == -1) {
		snprintf(err, errlen, "%s: not a URL this installer can read", url);
		return -1;
	} else if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "%s: expected file:///PATH, http://URL or https://URL", url);
		return -1;
	}
	if (strncmp(url, "https://", 8) == 0)
		snprintf(request, sizeof(request), "GET %s HTTP/1.0\r\nHost: %s\r\n"
		    "User-Agent: atoll-install\r\nConnection: close\r\n\r\n", u.path, u.host);
	report_say(rep, "atoll-install: fetching %s", url);
	/* The network may still be getting its address: try for a while. */
	for (i = 0; i < TRIES && r == 1; i++) {
		if (i > 0)
			sleep(2);
		r = strncmp(url, "https://", 8) == 0 ?
		    try_https(rep, url, &u, fingerprint, request, out, err, errlen) :
		    try_http(rep, url, out, err, errlen);
	}
	if (r == 1)
		snprintf(err, errlen, "%s: cannot fetch it in %d tries (see the log)", url, TRIES);
	return r == 0 ? 0 : -1;
}

int
fetch_post(struct report *rep, const char *url, const char *type, const char *body,
    char *err, size_t errlen)
{
	struct url	 u;
	struct buf	 out;
	char		 request[PIPE_BUF], header[128];
	int		 i, r = 1, n;

	buf_init(&out, 64 * 1024);
	if (strncmp(url, "https://", 8) == 0) {
		if (split_url(url, "https://", "443", &u) == -1) {
			snprintf(err, errlen, "%s: not a URL this installer can read", url);
			return -1;
		}
		n = snprintf(request, sizeof(request), "POST %s HTTP/1.0\r\nHost: %s\r\n"
		    "User-Agent: atoll-install\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n%s", u.path, u.host, type, strlen(body), body);
		if (n < 0 || (size_t)n >= sizeof(request)) {
			snprintf(err, errlen, "%s: the report is too long", url);
			return -1;
		}
	}
	snprintf(header, sizeof(header), "Content-Type: %s", type);
	/* The network is up by now (or never will be): a few tries only. */
	for (i = 0; i < 3 && r == 1; i++) {
		if (i > 0)
			sleep(2);
		if (strncmp(url, "https://", 8) == 0)
			r = try_https(rep, url, &u, "", request, &out, err, errlen);
		else if (exec_run_input((const char *const[]){ "timeout", "30", "wget", "-q", "-O",
		    "/dev/null", "--header", header, "--post-data", body,
		    url, NULL }, NULL, &out, rep->log) == 0)
			r = 0;
		else
			snprintf(err, errlen, "%s: %s", url, out.p != NULL && out.len > 0 ?
			    out.p : "no answer");
	}
	buf_free(&out);
	if (r == 1 && strncmp(url, "https://", 8) == 0)
		snprintf(err, errlen, "%s: no answer in 3 tries (see the log)", url);
	if (r != 0)
		err[strcspn(err, "\n")] = '\0';
	return r == 0 ? 0 : -1;
}
