#ifndef ATOLL_HTTP_H
#define ATOLL_HTTP_H

#include <stddef.h>

#define HTTP_MAX_HEADERS	64
#define HTTP_MAX_RESPONSE_HEAD	(64 * 1024)	/* a response's status line and headers */

struct buf;

/* A run of bytes inside the caller's buffer; not NUL-terminated. */
struct http_slice {
	const char	*p;
	size_t		 len;
};

struct http_header {
	struct http_slice	name, value;	/* value has surrounding whitespace trimmed */
};

struct http_request {
	struct http_slice	method;		/* "POST" */
	struct http_slice	target;		/* "/RPC2?x=1" as sent */
	struct http_slice	path;		/* "/RPC2": target up to '?' */
	struct http_slice	query;		/* "x=1": after '?', empty when none */
	int			minor_version;	/* 0 or 1 (HTTP/1.0 or HTTP/1.1) */
	struct http_header	headers[HTTP_MAX_HEADERS];
	size_t			nheaders;
	long long		content_length;	/* -1 when there is no Content-Length header */
	int			keep_alive;	/* 1.1: unless "Connection: close"; 1.0: only with "keep-alive" */
	int			chunked;	/* Transfer-Encoding: chunked present */
};

/*
 * Parses the request line and headers in buf[0..len). Returns the number of bytes up to and
 * including the blank line, -2 when more bytes are needed, or -1 when the request is invalid
 * (then *why says what, a static string). Slices point into buf.
 */
int	http_parse_request(const char *buf, size_t len, struct http_request *req,
	    const char **why);

/* A response's head as the clients (the installer's fetch, the console) read it. */
struct http_response {
	int			minor_version;	/* any 1.x, read as 1.1 (RFC 7230 2.6) */
	int			status;		/* three digits: 000 to 999 */
	struct http_slice	reason;		/* "Not Found"; empty when none */
	struct http_header	headers[HTTP_MAX_HEADERS];
	size_t			nheaders;
	long long		content_length;	/* -1 when none: the body runs to the close */
};

/*
 * Parses the status line and headers of a response in buf[0..len), with the request
 * parser's contract: the number of bytes up to and including the blank line, -2 when more
 * bytes are needed, or -1 when the response is invalid (then *why says what, a static
 * string). Refused besides a bad status line or header: Content-Length given twice with
 * different values, not a decimal number or longer than 18 digits; any Transfer-Encoding
 * (neither client reads chunked, and the requests http_write_request writes are HTTP/1.0,
 * which a server answers without one); a head of HTTP_MAX_RESPONSE_HEAD bytes or more that
 * has not ended. Slices point into buf.
 */
int	http_parse_response(const char *buf, size_t len, struct http_response *resp,
	    const char **why);

/* A header to send: "name: value". */
struct http_field {
	const char	*name, *value;
};

/*
 * Appends an HTTP/1.0 request to out (one request per connection, its answer ended by its
 * Content-Length or the close): the request line, Host, the headers (up to the first with
 * a NULL name; headers may be NULL), then, when body is not NULL, Content-Length and the
 * bodylen bytes of body. Returns 0; -1 with *why naming what is refused (a method or header
 * name that is not a token, a target with a space or control byte, a CR, LF or other
 * control byte in Host or a header value); or -2 when out's cap (or memory) leaves no room
 * for it. On -1 and -2 out is as it was.
 */
int	http_write_request(struct buf *out, const char *method, const char *target,
	    const char *host, const struct http_field *headers, const char *body,
	    size_t bodylen, const char **why);

/* Returns the value of the first header named name (case-insensitive), or NULL. */
const struct http_slice *http_header(const struct http_request *req, const char *name);

/*
 * Parses a HAProxy PROXY protocol v1 line ("PROXY TCP4 1.2.3.4 5.6.7.8 111 222\r\n", also
 * TCP6 and "PROXY UNKNOWN ...\r\n") at the start of buf. Returns bytes consumed, -2 when
 * incomplete (no CRLF within the first 107 bytes yet), -1 when invalid. *client receives the
 * source address (empty for UNKNOWN).
 */
int	http_parse_proxy_v1(const char *buf, size_t len, struct http_slice *client);

/*
 * Finds the value of parameter name in a query string ("a=1&session_id=x"), or in a Cookie
 * header value when sep is ';' (then spaces after ';' are skipped). Returns 1 and sets *out
 * (empty for a bare "name"), or 0. No percent-decoding (the caller decodes).
 */
int	http_param(struct http_slice s, char sep, const char *name, struct http_slice *out);

/*
 * Percent-decodes src into dst (dstlen bytes, NUL-terminated); '+' stays '+'. Returns the
 * decoded length, or -1 when a %XX escape is bad (including %00) or dst is too small.
 */
int	http_percent_decode(struct http_slice src, char *dst, size_t dstlen);

/*
 * Parameter name of a request as XAPI's HTTP handlers take it: from the query string, or
 * else from the Cookie header (session_id), percent-decoded into out. Returns 1, 0 when it
 * is absent, or -1 when it is badly escaped or does not fit.
 */
int	http_request_param(const struct http_request *req, const char *name, char *out,
	    size_t len);

/* Returns the standard reason phrase for a status code ("OK", ...), or "Unknown". */
const char *http_reason(int status);

#endif
