/*
 * libFuzzer target: every parser of lib/http.c on any bytes. Slices must lie inside the
 * input, a request or response accepted at n bytes must be incomplete at every shorter
 * length tried, and decoding never writes past its buffer. The request writer, given the
 * input's NUL-separated pieces as its fields, writes what parses back as one request with
 * just its own headers (no CR or LF got through), or refuses and leaves its buffer alone.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "nitems.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
inside(struct http_slice s, const char *buf, size_t len)
{
	if (s.len > len || s.p < buf || s.p > buf + len - s.len)
		__builtin_trap();
}

/* Headers lie inside the input and have names. */
static void
headers(const struct http_header *h, size_t n, const char *buf, size_t len)
{
	size_t	i;

	if (n > HTTP_MAX_HEADERS)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		inside(h[i].name, buf, len);
		inside(h[i].value, buf, len);
		if (h[i].name.len == 0)
			__builtin_trap();
	}
}

/* Looks up name in s and decodes its value, checking everything stays inside s. */
static void
param(struct http_slice s, char sep, const char *name)
{
	struct http_slice	 v;
	char			 dst[64];
	int			 n;

	if (http_param(s, sep, name, &v) != 1)
		return;
	inside(v, s.p, s.len);
	n = http_percent_decode(v, dst, sizeof(dst));
	if (n >= (int)sizeof(dst) || (n >= 0 && dst[n] != '\0'))
		__builtin_trap();
	/* %00 is refused, so a NUL comes out only when one went in. */
	if (n > 0 && memchr(dst, '\0', (size_t)n) != NULL && memchr(v.p, '\0', v.len) == NULL)
		__builtin_trap();
}

/* Parses buf as a request and checks the result. */
static void
check_request(const char *buf, size_t size)
{
	static const char	*names[] = { "host", "content-length", "cookie", "x" };
	struct http_request	 req;
	const struct http_slice	*v;
	const char		*why = NULL;
	size_t			 i;
	int			 r;

	r = http_parse_request(buf, size, &req, &why);
	if (r == -1 && (why == NULL || why[0] == '\0'))
		__builtin_trap();
	if (r > 0) {
		if ((size_t)r > size || buf[r - 1] != '\n' || req.nheaders > HTTP_MAX_HEADERS)
			__builtin_trap();
		inside(req.method, buf, size);
		inside(req.target, buf, size);
		inside(req.path, buf, size);
		inside(req.query, buf, size);
		if (req.method.len < 1 || req.method.len > 16 || req.target.len < 1 ||
		    req.target.len > 4096 || req.path.p != req.target.p ||
		    req.path.len > req.target.len || (req.minor_version & ~1) != 0 ||
		    req.content_length < -1 || (req.chunked && req.content_length != -1))
			__builtin_trap();
		headers(req.headers, req.nheaders, buf, size);
		for (i = 0; i < nitems(names); i++)
			if ((v = http_header(&req, names[i])) != NULL)
				inside(*v, buf, size);
		param(req.query, '&', "session_id");
		param(req.query, '&', "ref");
		if ((v = http_header(&req, "cookie")) != NULL)
			param(*v, ';', "session_id");
		/* Every shorter length must be incomplete. */
		if (http_parse_request(buf, (size_t)r - 1, &req, &why) != -2 ||
		    http_parse_request(buf, (size_t)r / 2, &req, &why) != -2)
			__builtin_trap();
	} else if (r != -1 && r != -2)
		__builtin_trap();
}

/* Parses buf as a response and checks the result. */
static void
check_response(const char *buf, size_t size)
{
	struct http_response	 resp;
	const char		*why = NULL;
	int			 r;

	r = http_parse_response(buf, size, &resp, &why);
	if (r == -1 && (why == NULL || why[0] == '\0'))
		__builtin_trap();
	if (r > 0) {
		if ((size_t)r > size || r > HTTP_MAX_RESPONSE_HEAD || buf[r - 1] != '\n' ||
		    resp.nheaders > HTTP_MAX_HEADERS || resp.status < 0 || resp.status > 999 ||
		    resp.minor_version < 0 || resp.minor_version > 9 ||
		    resp.content_length < -1)
			__builtin_trap();
		inside(resp.reason, buf, size);
		headers(resp.headers, resp.nheaders, buf, size);
		if (http_parse_response(buf, (size_t)r - 1, &resp, &why) != -2 ||
		    http_parse_response(buf, (size_t)r / 2, &resp, &why) != -2)
			__builtin_trap();
	} else if (r != -1 && r != -2)
		__builtin_trap();
}

/* Takes the next NUL-terminated piece of buf[*off..size) into out (cut to outlen - 1). */
static const char *
piece(const char *buf, size_t size, size_t *off, char *out, size_t outlen)
{
	size_t	n = 0;

	while (*off < size && buf[*off] != '\0') {
		if (n + 1 < outlen)
			out[n++] = buf[*off];
		(*off)++;
	}
	if (*off < size)
		(*off)++;
	out[n] = '\0';
	return out;
}

/* Writes a request from the input's pieces: method, target, host, a header, the body. */
static void
check_writer(const char *buf, size_t size)
{
	char			 method[32], target[256], host[64], name[32], value[64];
	char			 body[64];
	struct http_field	 fields[2] = { { name, value }, { NULL, NULL } };
	struct http_request	 req;
	struct buf		 b;
	const char		*why = NULL, *p;
	size_t			 off = 0, i, head, lines;
	int			 r, upper = 1;

	piece(buf, size, &off, method, sizeof(method));
	piece(buf, size, &off, target, sizeof(target));
	piece(buf, size, &off, host, sizeof(host));
	piece(buf, size, &off, name, sizeof(name));
	piece(buf, size, &off, value, sizeof(value));
	piece(buf, size, &off, body, sizeof(body));
	buf_init(&b, 4096);
	buf_puts(&b, "x");
	r = http_write_request(&b, method, target, host, fields, off < size ? body : NULL,
	    strlen(body), &why);
	if (r != 0) {
		if (r != -1 || why == NULL || why[0] == '\0' || strcmp(b.p, "x") != 0)
			__builtin_trap();
		buf_free(&b);
		return;
	}
	for (p = method; *p != '\0'; p++)
		upper &= *p >= 'A' && *p <= 'Z';
	/* The server's parser takes upper-case methods of up to 16 letters only. */
	if (upper && strlen(method) <= 16) {
		r = http_parse_request(b.p + 1, b.len - 1, &req, &why);
		if (r <= 0 || req.nheaders != (off < size ? 3u : 2u) ||
		    req.target.len != strlen(target) ||
		    memcmp(req.target.p, target, req.target.len) != 0 ||
		    (off < size && req.content_length != (long long)strlen(body)) ||
		    b.len - 1 - (size_t)r != (off < size ? strlen(body) : 0))
			__builtin_trap();
	}
	/* The head has the writer's lines only (request, Host, the header, Content-Length
	   with a body, the blank one), each ended by CRLF, and no other CR or LF. */
	head = b.len - 1 - (off < size ? strlen(body) : 0);
	for (i = 1, lines = 0; i <= head; i++)
		if (b.p[i] == '\n')
			lines++;
		else if (b.p[i] == '\r' && (i == head || b.p[i + 1] != '\n'))
			__builtin_trap();
	if (lines != (off < size ? 5u : 4u) || b.p[head] != '\n')
		__builtin_trap();
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*buf = (const char *)data;
	struct http_slice	 client, s;
	char			 dst[16];
	int			 r;

	if ((r = http_parse_proxy_v1(buf, size, &client)) > 0) {
		if ((size_t)r > size || (size_t)r > 107 || buf[r - 1] != '\n')
			__builtin_trap();
		inside(client, buf, size);
		if (http_parse_proxy_v1(buf, (size_t)r - 1, &client) != -2)
			__builtin_trap();
	} else if (r != -1 && r != -2)
		__builtin_trap();

	check_request(buf, size);
	check_response(buf, size);
	check_writer(buf, size);
	if (r > 0)
		check_request(buf + r, size - (size_t)r);	/* the request after a PROXY line */

	/* The raw input as a query string and a cookie, and decoded whole. */
	s.p = buf;
	s.len = size;
	param(s, '&', "a");
	param(s, ';', "session_id");
	r = http_percent_decode(s, dst, sizeof(dst));
	if (r >= (int)sizeof(dst) || (r >= 0 && dst[r] != '\0'))
		__builtin_trap();
	if (size >= 2)
		(void)http_reason((int)data[0] << 8 | data[1]);
	return 0;
}
