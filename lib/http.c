/*
 * HTTP/1.x parsing in the manner of picohttpparser: a request's or a response's first line
 * and headers are parsed in place into slices of the caller's buffer, and the parser
 * returns the bytes consumed, -2 while the head is still incomplete or -1 as soon as a byte
 * makes it invalid. Also the writer of a client's request, the PROXY protocol v1 line,
 * query string and cookie parameters, percent-decoding and reason phrases. Nothing is
 * allocated (but the request written into a struct buf); no locale is consulted.
 */
#include <limits.h>
#include <string.h>

#include "buf.h"
#include "hex.h"
#include "http.h"
#include "inet.h"
#include "nitems.h"

#define METHOD_MAX	16
#define TARGET_MAX	4096
#define CL_DIGITS_MAX	18
#define PROXY_LINE_MAX	107	/* including the CRLF */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Returns 1 when s equals the NUL-terminated word, ignoring ASCII case. */
static int
slice_ieq(struct http_slice s, const char *word)
{
	size_t	 i;

	for (i = 0; i < s.len; i++)
		if (word[i] == '\0' || lower((unsigned char)s.p[i]) != lower((unsigned char)word[i]))
			return 0;
	return word[i] == '\0';
}

/* Returns 1 for an RFC 7230 tchar. */
static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Returns 1 for a byte allowed inside a header value (VCHAR, obs-text, SP, HT). */
static int
is_value_char(unsigned char c)
{
	return (c >= 0x20 && c != 0x7f) || c == '\t';
}

/* Returns 1 for a byte of a request target: visible ASCII, no space. */
static int
is_target_char(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e;
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Consumes a line end (CRLF or a bare LF) at *pp. Returns 0 and advances, -2 when the buffer
 * ends first, or -1 when a CR is not followed by LF. The caller checks *pp is at CR or LF.
 */
static int
eat_eol(const char **pp, const char *end, const char **why)
{
	const char	*p = *pp;

	if (*p == '\r') {
		if (++p == end)
			return -2;
		if (*p != '\n') {
			*why = "CR not followed by LF";
			return -1;
		}
	}
	*pp = p + 1;
	return 0;
}

/*
 * Reads the next element of a comma-separated list (RFC 7230 #rule) from *pp, skipping
 * empty elements and whitespace. Returns 1 and sets *tok, or 0 at the end.
 */
static int
next_token(const char **pp, const char *end, struct http_slice *tok)
{
	const char	*p = *pp, *s, *e;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
			p++;
		if (p == end) {
			*pp = p;
			return 0;
		}
		s = p;
		while (p < end && *p != ',')
			p++;
		for (e = p; e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		if (e > s) {
			tok->p = s;
			tok->len = (size_t)(e - s);
			*pp = p;
			return 1;
		}
	}
}

/*
 * Reads the header fields up to and including the blank line that ends them, from *pp into
 * headers[] (HTTP_MAX_HEADERS of them). Returns 0 and advances *pp past the blank line, -2
 * when the buffer ends first, or -1 with *why set.
 */
static int
parse_fields(const char **pp, const char *end, struct http_header *headers, size_t *nheaders,
    const char **why)
{
	const char		*p = *pp, *s, *vend;
	struct http_header	*hd;
	int			 r;

	/* *( field-name ":" OWS field-value OWS line-end ) line-end */
	for (;;) {
		if (p == end)
			return -2;
		if (*p == '\r' || *p == '\n') {
			if ((r = eat_eol(&p, end, why)) != 0)
				return r;
			*pp = p;
			return 0;
		}
		if (*p == ' ' || *p == '\t') {
			*why = *nheaders ? "obsolete line folding" :
			    "whitespace before the first header";
			return -1;
		}
		if (*nheaders == HTTP_MAX_HEADERS) {
			*why = "too many headers";
			return -1;
		}
		for (s = p; p < end && is_tchar((unsigned char)*p); p++)
			;
		if (p == end)
			return -2;
		if (p == s || *p != ':') {
			*why = "bad header name";
			return -1;
		}
		hd = &headers[*nheaders];
		hd->name.p = s;
		hd->name.len = (size_t)(p - s);
		for (p++; p < end && (*p == ' ' || *p == '\t'); p++)
			;
		for (s = vend = p; p < end && *p != '\r' && *p != '\n'; p++) {
			if (!is_value_char((unsigned char)*p)) {
				*why = "control byte in header value";
				return -1;
			}
			if (*p != ' ' && *p != '\t')
				vend = p + 1;
		}
		if (p == end)
			return -2;
		if ((r = eat_eol(&p, end, why)) != 0)
			return r;
		hd->value.p = s;
		hd->value.len = (size_t)(vend - s);
		(*nheaders)++;
	}
}

/*
 * Reads the Content-Length headers into *out (left alone when there is none): digits only,
 * at most CL_DIGITS_MAX of them, and every copy the same. Returns 0, or -1 with *why set.
 */
static int
content_length(const struct http_header *headers, size_t nheaders, long long *out,
    const char **why)
{
	long long	 n;
	size_t		 h, i;

	for (h = 0; h < nheaders; h++) {
		const struct http_slice	*v = &headers[h].value;

		if (!slice_ieq(headers[h].name, "content-length"))
			continue;
		if (v->len == 0 || v->len > CL_DIGITS_MAX) {
			*why = "bad Content-Length";
			return -1;
		}
		for (n = 0, i = 0; i < v->len; i++) {
			if (!is_digit((unsigned char)v->p[i])) {
				*why = "bad Content-Length";
				return -1;
			}
			n = n * 10 + (v->p[i] - '0');
		}
		if (*out >= 0 && *out != n) {
			*why = "conflicting Content-Length headers";
			return -1;
		}
		*out = n;
	}
	return 0;
}

/*
 * Reads Content-Length, Transfer-Encoding and Connection from the parsed headers. Returns 0,
 * or -1 with *why set when the message framing is invalid.
 */
static int
framing(struct http_request *req, const char **why)
{
	struct http_slice	 tok;
	const char		*p, *end;
	size_t			 h;
	int			 te = 0, last_chunked = 0, nchunked = 0, cls = 0, ka = 0;

	if (content_length(req->headers, req->nheaders, &req->content_length, why) == -1)
		return -1;
	for (h = 0; h < req->nheaders; h++) {
		const struct http_header *hd = &req->headers[h];

		p = hd->value.p;
		end = p + hd->value.len;
		if (slice_ieq(hd->name, "transfer-encoding")) {
			te = 1;
			while (next_token(&p, end, &tok)) {
				last_chunked = slice_ieq(tok, "chunked");
				nchunked += last_chunked;
			}
		} else if (slice_ieq(hd->name, "connection")) {
			while (next_token(&p, end, &tok)) {
				if (slice_ieq(tok, "close"))
					cls = 1;
				else if (slice_ieq(tok, "keep-alive"))
					ka = 1;
			}
		}
	}
	if (te && (!last_chunked || nchunked != 1)) {
		*why = "unsupported Transfer-Encoding (chunked must be last, once)";
		return -1;
	}
	req->chunked = te;
	if (req->chunked && req->content_length >= 0) {
		*why = "both Content-Length and chunked";
		return -1;
	}
	if (req->minor_version == 1)
		req->keep_alive = !cls;
	else
		req->keep_alive = ka && !cls;
	return 0;
}

int
http_parse_request(const char *buf, size_t len, struct http_request *req, const char **why)
{
	static const char	 version[] = "HTTP/1.";
	const char		*p = buf, *end = buf + len, *s, *q;
	size_t			 i;
	int			 r;

	*why = "";
	memset(req, 0, sizeof(*req));
	req->content_length = -1;

	/* RFC 7230 3.5: empty lines before the request line are ignored. */
	while (p < end && (*p == '\r' || *p == '\n'))
		if ((r = eat_eol(&p, end, why)) != 0)
			return r;

	/* method SP */
	for (s = p; p < end && *p >= 'A' && *p <= 'Z'; p++)
		if (p - s == METHOD_MAX) {
			*why = "method too long";
			return -1;
		}
	if (p == end)
		return -2;
	if (p == s || *p != ' ') {
		*why = "bad method";
		return -1;
	}
	req->method.p = s;
	req->method.len = (size_t)(p - s);
	p++;

	/* request-target SP */
	for (s = p; p < end && is_target_char((unsigned char)*p); p++)
		if (p - s == TARGET_MAX) {
			*why = "request target too long";
			return -1;
		}
	if (p == end)
		return -2;
	if (p == s) {
		*why = "empty request target";
		return -1;
	}
	if (*p != ' ') {
		*why = "bad byte in request target";
		return -1;
	}
	req->target.p = req->path.p = s;
	req->target.len = req->path.len = (size_t)(p - s);
	req->query.p = p;
	if ((q = memchr(s, '?', (size_t)(p - s))) != NULL) {
		req->path.len = (size_t)(q - s);
		req->query.p = q + 1;
		req->query.len = (size_t)(p - q - 1);
	}
	p++;

	/* HTTP-version line-end */
	for (i = 0; i < sizeof(version) - 1; i++, p++) {
		if (p == end)
			return -2;
		if (*p != version[i]) {
			*why = "bad HTTP version";
			return -1;
		}
	}
	if (p == end)
		return -2;
	if (*p != '0' && *p != '1') {
		*why = "unsupported HTTP version";
		return -1;
	}
	req->minor_version = *p++ - '0';
	if (p == end)
		return -2;
	if (*p != '\r' && *p != '\n') {
		*why = "bad HTTP version";
		return -1;
	}
	if ((r = eat_eol(&p, end, why)) != 0)
		return r;

	if ((r = parse_fields(&p, end, req->headers, &req->nheaders, why)) != 0)
		return r;
	if (p - buf > INT_MAX) {
		*why = "request too large";
		return -1;
	}
	if (framing(req, why) == -1)
		return -1;
	return (int)(p - buf);
}

/* http_parse_response within buf[0..len), len at most HTTP_MAX_RESPONSE_HEAD. */
static int
parse_response(const char *buf, size_t len, struct http_response *resp, const char **why)
{
	static const char	 version[] = "HTTP/1.";
	const char		*p = buf, *end = buf + len, *s;
	size_t			 i;
	int			 r;

	/* HTTP-version SP: any 1.x, read as the 1.1 it extends (RFC 7230 2.6). */
	for (i = 0; i < sizeof(version) - 1; i++, p++) {
		if (p == end)
			return -2;
		if (*p != version[i]) {
			*why = "not an HTTP/1.x status line";
			return -1;
		}
	}
	if (p == end)
		return -2;
	if (!is_digit((unsigned char)*p)) {
		*why = "bad HTTP version";
		return -1;
	}
	resp->minor_version = *p++ - '0';
	if (p == end)
		return -2;
	if (*p++ != ' ') {
		*why = "bad HTTP version";
		return -1;
	}

	/* status-code: three digits, then SP reason-phrase or (as servers write) the line end */
	for (i = 0; i < 3; i++, p++) {
		if (p == end)
			return -2;
		if (!is_digit((unsigned char)*p)) {
			*why = "bad status code";
			return -1;
		}
		resp->status = resp->status * 10 + (*p - '0');
	}
	if (p == end)
		return -2;
	if (*p == ' ')
		p++;
	else if (*p != '\r' && *p != '\n') {
		*why = "bad status code";
		return -1;
	}
	for (s = p; p < end && *p != '\r' && *p != '\n'; p++)
		if (!is_value_char((unsigned char)*p)) {
			*why = "control byte in reason phrase";
			return -1;
		}
	if (p == end)
		return -2;
	resp->reason.p = s;
	resp->reason.len = (size_t)(p - s);
	if ((r = eat_eol(&p, end, why)) != 0)
		return r;

	if ((r = parse_fields(&p, end, resp->headers, &resp->nheaders, why)) != 0)
		return r;
	if (content_length(resp->headers, resp->nheaders, &resp->content_length, why) == -1)
		return -1;
	for (i = 0; i < resp->nheaders; i++)
		if (slice_ieq(resp->headers[i].name, "transfer-encoding")) {
			*why = "Transfer-Encoding in a response (the body is read by "
			    "Content-Length or to the close)";
			return -1;
		}
	return (int)(p - buf);
}

int
http_parse_response(const char *buf, size_t len, struct http_response *resp,
    const char **why)
{
	int	r;

	*why = "";
	memset(resp, 0, sizeof(*resp));
	resp->content_length = -1;
	r = parse_response(buf, len < HTTP_MAX_RESPONSE_HEAD ? len : HTTP_MAX_RESPONSE_HEAD,
	    resp, why);
	if (r == -2 && len >= HTTP_MAX_RESPONSE_HEAD) {
		*why = "response head too long";
		return -1;
	}
	return r;
}

const struct http_slice *
http_header(const struct http_request *req, const char *name)
{
	size_t	 i;

	for (i = 0; i < req->nheaders; i++)
		if (slice_ieq(req->headers[i].name, name))
			return &req->headers[i].value;
	return NULL;
}

/* Returns 1 when s is not empty (or may be, with empty_ok) and every byte passes is(). */
static int
all_bytes(const char *s, int empty_ok, int (*is)(unsigned char))
{
	if (*s == '\0')
		return empty_ok;
	for (; *s != '\0'; s++)
		if (!is((unsigned char)*s))
			return 0;
	return 1;
}

int
http_write_request(struct buf *out, const char *method, const char *target,
    const char *host, const struct http_field *headers, const char *body, size_t bodylen,
    const char **why)
{
	const struct http_field	*f;
	size_t			 start = out->len;
	int			 fails;

	*why = "";
	if (!all_bytes(method, 0, is_tchar)) {
		*why = "bad method";
		return -1;
	}
	if (!all_bytes(target, 0, is_target_char)) {
		*why = "bad byte in request target";
		return -1;
	}
	if (!all_bytes(host, 1, is_value_char)) {
		*why = "control byte in Host";
		return -1;
	}
	for (f = headers; f != NULL && f->name != NULL; f++) {
		if (!all_bytes(f->name, 0, is_tchar)) {
			*why = "bad header name";
			return -1;
		}
		if (!all_bytes(f->value, 1, is_value_char)) {
			*why = "control byte in header value";
			return -1;
		}
	}
	fails = buf_printf(out, "%s %s HTTP/1.0\r\nHost: %s\r\n", method, target, host);
	for (f = headers; f != NULL && f->name != NULL && !fails; f++)
		fails |= buf_printf(out, "%s: %s\r\n", f->name, f->value);
	if (body != NULL && !fails)
		fails |= buf_printf(out, "Content-Length: %zu\r\n", bodylen);
	if (!fails)
		fails |= buf_lit(out, "\r\n");
	if (body != NULL && !fails)
		fails |= buf_append(out, body, bodylen);
	if (fails) {
		/* Nothing half-written: out holds what it held before. */
		out->len = start;
		if (out->p != NULL)
			out->p[start] = '\0';
		*why = "the request does not fit";
		return -2;
	}
	return 0;
}

/* Returns 1 when s is a dotted-quad IPv4 address (lib/inet.c's rule). */
static int
valid_ipv4(struct http_slice s)
{
	uint32_t	ip;

	return inet_ipv4(s.p, s.len, &ip);
}

/* Returns 1 when s is a textual IPv6 address (RFC 4291 2.2, dotted-quad tail allowed). */
static int
valid_ipv6(struct http_slice s)
{
	const char		*p = s.p, *end = s.p + s.len, *g;
	struct http_slice	 tail;
	int			 groups = 0, dcolon = 0;

	if (end - p >= 2 && p[0] == ':' && p[1] == ':') {
		dcolon = 1;
		if ((p += 2) == end)
			return 1;
	}
	for (;;) {
		for (g = p; p < end && hexval((unsigned char)*p) >= 0; p++)
			;
		if (p < end && *p == '.') {
			tail.p = g;
			tail.len = (size_t)(end - g);
			if (groups > 6 || !valid_ipv4(tail))
				return 0;
			groups += 2;
			break;
		}
		if (p == g || p - g > 4 || ++groups > 8)
			return 0;
		if (p == end)
			break;
		if (*p++ != ':' || p == end)
			return 0;
		if (*p == ':') {
			if (dcolon)
				return 0;
			dcolon = 1;
			if (++p == end)
				break;
		}
	}
	return dcolon ? groups <= 7 : groups == 8;
}

/* Returns 1 when s is a decimal port number 0..65535 (no leading zeros). */
static int
valid_port(struct http_slice s)
{
	size_t	 i;
	long	 v = 0;

	if (s.len == 0 || s.len > 5 || (s.p[0] == '0' && s.len > 1))
		return 0;
	for (i = 0; i < s.len; i++) {
		if (!is_digit((unsigned char)s.p[i]))
			return 0;
		v = v * 10 + (s.p[i] - '0');
	}
	return v <= 65535;
}

int
http_parse_proxy_v1(const char *buf, size_t len, struct http_slice *client)
{
	static const char	 sig[] = "PROXY ";
	struct http_slice	 w[6];
	const char		*p, *end;
	size_t			 i, nw;

	client->p = buf;
	client->len = 0;
	for (i = 0; i < sizeof(sig) - 1; i++) {
		if (i == len)
			return -2;
		if (buf[i] != sig[i])
			return -1;
	}
	/* Find the CRLF; everything before it must be printable. */
	for (; i < len && i < PROXY_LINE_MAX; i++) {
		if (buf[i] == '\r')
			break;
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] > 0x7e)
			return -1;
	}
	if (i == PROXY_LINE_MAX || i + 1 == PROXY_LINE_MAX)
		return -1;
	if (i == len || i + 1 == len)
		return -2;
	if (buf[i + 1] != '\n')
		return -1;

	/* Split "PROTO SRC DST SPORT DPORT" on single spaces. */
	p = buf + sizeof(sig) - 1;
	end = buf + i;
	for (nw = 0; nw < 6; p++) {
		w[nw].p = p;
		while (p < end && *p != ' ')
			p++;
		w[nw].len = (size_t)(p - w[nw].p);
		nw++;
		if (p == end)
			break;
	}
	if (w[0].len == 7 && memcmp(w[0].p, "UNKNOWN", 7) == 0)
		return (int)i + 2;	/* the rest of the line is ignored */
	if (nw != 5 || !valid_port(w[3]) || !valid_port(w[4]))
		return -1;
	if (w[0].len == 4 && memcmp(w[0].p, "TCP4", 4) == 0) {
		if (!valid_ipv4(w[1]) || !valid_ipv4(w[2]))
			return -1;
	} else if (w[0].len == 4 && memcmp(w[0].p, "TCP6", 4) == 0) {
		if (!valid_ipv6(w[1]) || !valid_ipv6(w[2]))
			return -1;
	} else
		return -1;
	*client = w[1];
	return (int)i + 2;
}

int
http_param(struct http_slice s, char sep, const char *name, struct http_slice *out)
{
	const char	*p = s.p, *end = s.p + s.len, *e, *eq;
	size_t		 nlen = strlen(name);

	while (p < end) {
		if (sep == ';')
			while (p < end && *p == ' ')
				p++;
		if ((e = memchr(p, sep, (size_t)(end - p))) == NULL)
			e = end;
		if ((eq = memchr(p, '=', (size_t)(e - p))) == NULL)
			eq = e;
		if ((size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
			out->p = eq < e ? eq + 1 : e;
			out->len = (size_t)(e - out->p);
			return 1;
		}
		p = e < end ? e + 1 : end;
	}
	return 0;
}

int
http_percent_decode(struct http_slice src, char *dst, size_t dstlen)
{
	size_t	 i, n = 0;
	int	 hi, lo, c;

	for (i = 0; i < src.len; i++) {
		c = (unsigned char)src.p[i];
		if (c == '%') {
			if (src.len - i < 3 || (hi = hexval((unsigned char)src.p[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)src.p[i + 2])) < 0 ||
			    (c = hi * 16 + lo) == 0)
				return -1;
			i += 2;
		}
		if (n + 1 >= dstlen || n == INT_MAX)
			return -1;
		dst[n++] = (char)c;
	}
	if (dstlen == 0)
		return -1;
	dst[n] = '\0';
	return (int)n;
}

int
http_request_param(const struct http_request *req, const char *name, char *out, size_t len)
{
	const struct http_slice	*cookie;
	struct http_slice	 v;

	if (!http_param(req->query, '&', name, &v) &&
	    ((cookie = http_header(req, "cookie")) == NULL || !http_param(*cookie, ';', name, &v)))
		return 0;
	return http_percent_decode(v, out, len) < 0 ? -1 : 1;
}

const char *
http_reason(int status)
{
	static const struct {
		int		 code;
		const char	*reason;
	} reasons[] = {
		{ 100, "Continue" },
		{ 101, "Switching Protocols" },
		{ 200, "OK" },
		{ 201, "Created" },
		{ 202, "Accepted" },
		{ 203, "Non-Authoritative Information" },
		{ 204, "No Content" },
		{ 205, "Reset Content" },
		{ 206, "Partial Content" },
		{ 300, "Multiple Choices" },
		{ 301, "Moved Permanently" },
		{ 302, "Found" },
		{ 303, "See Other" },
		{ 304, "Not Modified" },
		{ 307, "Temporary Redirect" },
		{ 308, "Permanent Redirect" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 402, "Payment Required" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 406, "Not Acceptable" },
		{ 407, "Proxy Authentication Required" },
		{ 408, "Request Timeout" },
		{ 409, "Conflict" },
		{ 410, "Gone" },
		{ 411, "Length Required" },
		{ 412, "Precondition Failed" },
		{ 413, "Request Entity Too Large" },
		{ 414, "Request-URI Too Long" },
		{ 415, "Unsupported Media Type" },
		{ 416, "Requested Range Not Satisfiable" },
		{ 417, "Expectation Failed" },
		{ 426, "Upgrade Required" },
		{ 428, "Precondition Required" },
		{ 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
	};
	size_t	 i;

	for (i = 0; i < nitems(reasons); i++)
		if (reasons[i].code == status)
			return reasons[i].reason;
	return "Unknown";
}
