/*
 * Fetching by URL for the installer (see fetch.h). TLS is openssl's: s_client makes the
 * connection and checks the certificate; lib/http.c writes the request and reads the
 * response's head; this file splits the URL and decides what each answer means.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"
#include "fetch.h"
#include "hex.h"
#include "http.h"
#include "report.h"

#define TRIES		45		/* 2 s apart: the network has 90 s to come up */
#define CA_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"
#define SERVER_PEM	"/tmp/atoll-fetch-server.pem"
#define REQUEST_MAX	PIPE_BUF	/* s_client's stdin takes it in one write */

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

int
fetch_response(const char *text, size_t len, int *status, size_t *body,
    long long *clen, const char **why)
{
	struct http_response	 resp;
	int			 n;

	/* The whole answer is here: a head that has not ended (-2) is not a response. */
	if ((n = http_parse_response(text, len, &resp, why)) < 0) {
		if (n == -2)
			*why = "its head never ends";
		return -1;
	}
	*status = resp.status;
	*body = (size_t)n;
	*clen = resp.content_length;
	return 0;
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
	int		n = 0, v;

	buf_init(&b, 4096);
	if (exec_run((const char *const[]){ "openssl", "x509", "-in", SERVER_PEM, "-noout",
	    "-fingerprint", "-sha256", NULL }, &b, rep->log) != 0 || b.p == NULL ||
	    (p = strchr(b.p, '=')) == NULL) {
		buf_free(&b);
		return -1;
	}
	for (p++; *p && *p != '\n' && n < 64; p++)
		if ((v = hexval((unsigned char)*p)) != -1)
			out[n++] = "0123456789abcdef"[v];
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
	const char	*why, *bad;
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
	bad = why == NULL ? "no status line" : NULL;
	if (why == NULL || fetch_response(why, out->len - (size_t)(why - out->p), &status,
	    &body, &clen, &bad) == -1) {
		snprintf(err, errlen, "%s: the server's answer is not an HTTP response (%s)", url,
		    bad);
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
	struct url	 u;
	struct buf	 request;
	const char	*why;
	int		 i, r = 1;

	if (strncmp(url, "file://", 7) == 0)
		return fetch_file(url, out, err, errlen);
	if (strncmp(url, "https://", 8) == 0 && split_url(url, "https://", "443", &u) == -1) {
		snprintf(err, errlen, "%s: not a URL this installer can read", url);
		return -1;
	} else if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
		snprintf(err, errlen, "%s: expected file:///PATH, http://URL or https://URL", url);
		return -1;
	}
	buf_init(&request, REQUEST_MAX);
	if (strncmp(url, "https://", 8) == 0 && http_write_request(&request, "GET", u.path,
	    u.host, (const struct http_field[]){ { "User-Agent", "atoll-install" },
	    { "Connection", "close" }, { NULL, NULL } }, NULL, 0, &why) != 0) {
		/* A CR or LF in it would be a header of the URL's own making. */
		snprintf(err, errlen, "%s: not a URL this installer can read", url);
		buf_free(&request);
		return -1;
	}
	report_say(rep, "%s: fetching %s", rep->name, url);
	/* The network may still be getting its address: try for a while. */
	for (i = 0; i < TRIES && r == 1; i++) {
		if (i > 0)
			sleep(2);
		r = strncmp(url, "https://", 8) == 0 ?
		    try_https(rep, url, &u, fingerprint, request.p, out, err, errlen) :
		    try_http(rep, url, out, err, errlen);
	}
	buf_free(&request);
	if (r == 1)
		snprintf(err, errlen, "%s: cannot fetch it in %d tries (see the log)", url, TRIES);
	return r == 0 ? 0 : -1;
}

int
fetch_post(struct report *rep, const char *url, const char *type, const char *body,
    char *err, size_t errlen)
{
	struct url	 u;
	struct buf	 out, request;
	const char	*why;
	char		 header[128];
	int		 i, r = 1;

	buf_init(&out, 64 * 1024);
	buf_init(&request, REQUEST_MAX);
	if (strncmp(url, "https://", 8) == 0) {
		if (split_url(url, "https://", "443", &u) == -1 ||
		    (r = http_write_request(&request, "POST", u.path, u.host,
		    (const struct http_field[]){ { "User-Agent", "atoll-install" },
		    { "Content-Type", type }, { "Connection", "close" }, { NULL, NULL } }, body,
		    strlen(body), &why)) != 0) {
			snprintf(err, errlen, r == -2 ? "%s: the report is too long" :
			    "%s: not a URL this installer can read", url);
			buf_free(&request);
			return -1;
		}
		r = 1;
	}
	snprintf(header, sizeof(header), "Content-Type: %s", type);
	/* The network is up by now (or never will be): a few tries only. */
	for (i = 0; i < 3 && r == 1; i++) {
		if (i > 0)
			sleep(2);
		if (strncmp(url, "https://", 8) == 0)
			r = try_https(rep, url, &u, "", request.p, &out, err, errlen);
		else if (exec_run_input((const char *const[]){ "timeout", "30", "wget", "-q", "-O",
		    "/dev/null", "--header", header, "--post-data", body,
		    url, NULL }, NULL, &out, rep->log) == 0)
			r = 0;
		else
			snprintf(err, errlen, "%s: %s", url, out.p != NULL && out.len > 0 ?
			    out.p : "no answer");
	}
	buf_free(&out);
	buf_free(&request);
	if (r == 1 && strncmp(url, "https://", 8) == 0)
		snprintf(err, errlen, "%s: no answer in 3 tries (see the log)", url);
	if (r != 0)
		err[strcspn(err, "\n")] = '\0';
	return r == 0 ? 0 : -1;
}
