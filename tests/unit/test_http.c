/* Unit tests of lib/http.c: requests and responses, every incomplete prefix, bad input, the
   request writer, PROXY v1, params. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "guard.h"
#include "http.h"
#include "tap.h"

#define ALL		(-100)	/* PARSE's expected return: the whole input */

static struct http_request	 req;
static struct http_response	 resp;
static const char		*why;

/* s[0..len) placed against an unmapped page (guard.h), so any read past the input
   faults; valid until the next call. */
static const char *
place(const char *s, size_t len)
{
	static struct guarded	g;

	return guard(&g, s, len);
}

static int
parse(const char *s, size_t len)
{
	why = "";
	return http_parse_request(place(s, len), len, &req, &why);
}

static int
rparse(const char *s, size_t len)
{
	why = "";
	return http_parse_response(place(s, len), len, &resp, &why);
}

static int
proxy(const char *s, size_t len, struct http_slice *client)
{
	return http_parse_proxy_v1(place(s, len), len, client);
}

/* Returns 1 when the slice holds exactly the NUL-terminated s. */
static int
eq(struct http_slice sl, const char *s)
{
	return sl.p != NULL && sl.len == strlen(s) && memcmp(sl.p, s, sl.len) == 0;
}

/* Returns 1 when header name is present with exactly value. */
static int
hdr(const char *name, const char *value)
{
	const struct http_slice *v = http_header(&req, name);

	return v != NULL && eq(*v, value);
}

/* in must be a string literal (embedded NULs count); fn is parse or rparse. */
#define PARSE_WITH(fn, in, want, msg) do {					\
	int w_ = (want) == ALL ? (int)sizeof(in) - 1 : (want);			\
	int r_ = fn(in, sizeof(in) - 1);					\
	ok(r_ == w_, "%s: got %d, want %d (%s)", msg, r_, w_, why);		\
} while (0)
#define PARSE(in, want, msg)	PARSE_WITH(parse, in, want, msg)
#define RPARSE(in, want, msg)	PARSE_WITH(rparse, in, want, msg)

/* Every proper prefix of in must be incomplete, and the whole must parse. */
#define PREFIXES_WITH(fn, in, msg) do {						\
	size_t l_ = sizeof(in) - 1, i_;						\
	int r_ = -2;								\
	for (i_ = 0; i_ < l_ && (r_ = fn(in, i_)) == -2; i_++)			\
		;								\
	if (i_ == l_)								\
		r_ = fn(in, l_);						\
	ok(i_ == l_ && r_ == (int)l_, "%s: %zu prefixes give -2; stopped at %zu with %d (%s)", \
	    msg, l_, i_, r_, why);						\
} while (0)
#define PREFIXES(in, msg)	PREFIXES_WITH(parse, in, msg)
#define RPREFIXES(in, msg)	PREFIXES_WITH(rparse, in, msg)

#define PROXY(in, want, client, msg) do {					\
	struct http_slice c_;							\
	int w_ = (want) == ALL ? (int)sizeof(in) - 1 : (want);			\
	int r_ = proxy(in, sizeof(in) - 1, &c_);				\
	ok(r_ == w_ && (r_ < 0 || eq(c_, client)), "%s: got %d [%.*s], want %d", msg, r_, \
	    (int)c_.len, c_.p, w_);						\
} while (0)

#define PROXY_PREFIXES(in, msg) do {						\
	struct http_slice c_;							\
	size_t l_ = sizeof(in) - 1, i_;						\
	int r_ = -2;								\
	for (i_ = 0; i_ < l_ && (r_ = proxy(in, i_, &c_)) == -2; i_++)		\
		;								\
	ok(i_ == l_ && proxy(in, l_, &c_) == (int)l_, "%s: %zu prefixes give -2; stopped at %zu with %d", \
	    msg, l_, i_, r_);							\
} while (0)

#define PARAM(s, sep, name, want, msg) do {					\
	struct http_slice in_ = { s, sizeof(s) - 1 }, o_ = { NULL, 0 };	\
	int r_ = http_param(in_, sep, name, &o_);				\
	const char *w_ = (want);						\
	ok(w_ == NULL ? r_ == 0 : r_ == 1 && eq(o_, w_), "%s: got %d [%.*s]", msg, r_, \
	    (int)o_.len, o_.p ? o_.p : "");					\
} while (0)

#define DECODE(s, dstlen, want_r, want, msg) do {				\
	char d_[64];								\
	struct http_slice in_ = { s, sizeof(s) - 1 };				\
	int r_;									\
	memset(d_, 'Z', sizeof(d_));						\
	r_ = http_percent_decode(in_, d_, dstlen);				\
	ok(r_ == (want_r) && (r_ < 0 || (memcmp(d_, want, (size_t)r_ + 1) == 0)),	\
	    "%s: got %d", msg, r_);						\
} while (0)

static const char xmlrpc[] =
    "POST /RPC2 HTTP/1.1\r\n"
    "Host: 192.168.1.10\r\n"
    "User-Agent: xmlrpclib.py/1.0.1 (by www.pythonware.com)\r\n"
    "Content-Type: text/xml\r\n"
    "Content-Length: 218\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

static void
test_valid(void)
{
	note("valid requests and their fields");
	PARSE("GET / HTTP/1.1\r\n\r\n", ALL, "smallest request");
	ok(eq(req.method, "GET") && eq(req.target, "/") && eq(req.path, "/") &&
	    req.query.len == 0 && req.minor_version == 1 && req.nheaders == 0 &&
	    req.content_length == -1 && req.keep_alive && !req.chunked, "its fields");
	PARSE(xmlrpc, ALL, "XML-RPC POST");
	ok(eq(req.method, "POST") && eq(req.path, "/RPC2") && req.nheaders == 5 &&
	    req.content_length == 218 && req.keep_alive, "XML-RPC fields");
	ok(eq(req.headers[1].name, "User-Agent") &&
	    eq(req.headers[1].value, "xmlrpclib.py/1.0.1 (by www.pythonware.com)"),
	    "header with spaces in its value");
	ok(hdr("content-type", "text/xml") && hdr("HOST", "192.168.1.10") &&
	    http_header(&req, "Hos") == NULL && http_header(&req, "Hostx") == NULL &&
	    http_header(&req, "Cookie") == NULL, "http_header: case-insensitive, whole name");
	PARSE("POST /RPC2 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 42,
	    "the body is not consumed");
	PARSE("GET /RPC2?a=1&b=2 HTTP/1.0\r\n\r\n", ALL, "query string");
	ok(eq(req.target, "/RPC2?a=1&b=2") && eq(req.path, "/RPC2") && eq(req.query, "a=1&b=2") &&
	    req.minor_version == 0 && !req.keep_alive, "target, path, query; 1.0 closes");
	PARSE("GET /x? HTTP/1.1\r\n\r\n", ALL, "empty query");
	ok(eq(req.path, "/x") && req.query.len == 0, "path before an empty query");
	PARSE("GET /?a?b HTTP/1.1\r\n\r\n", ALL, "second '?' is part of the query");
	ok(eq(req.path, "/") && eq(req.query, "a?b"), "split at the first '?'");
	PARSE("OPTIONS * HTTP/1.1\r\n\r\n", ALL, "asterisk-form");
	PARSE("GET http://h/x HTTP/1.1\r\n\r\n", ALL, "absolute-form");
	PARSE("CONNECT /console?ref=OpaqueRef:1 HTTP/1.0\r\nCookie: session_id=OpaqueRef:2\r\n\r\n",
	    ALL, "console CONNECT");
	ok(eq(req.method, "CONNECT") && eq(req.query, "ref=OpaqueRef:1") &&
	    hdr("cookie", "session_id=OpaqueRef:2"), "CONNECT fields");
	PARSE("ABCDEFGHIJKLMNOP / HTTP/1.1\r\n\r\n", ALL, "16-char method");
	PARSE("GET / HTTP/1.1\nHost: a\n\n", ALL, "bare LF line ends");
	PARSE("GET / HTTP/1.1\r\nHost: a\n\r\n", ALL, "mixed line ends");
	PARSE("\r\n\r\nGET / HTTP/1.1\r\n\r\n", ALL, "leading empty lines are skipped");
	ok(eq(req.method, "GET"), "method after leading empty lines");
	PARSE("GET / HTTP/1.1\r\nX:\r\nY:   \t\r\nZ:  a b  \t\r\n\r\n", ALL, "empty and padded values");
	ok(req.nheaders == 3 && hdr("x", "") && hdr("y", "") && hdr("z", "a b"),
	    "values trimmed on both sides, inner space kept");
	PARSE("GET / HTTP/1.1\r\nX:\tv\r\n\r\n", ALL, "tab after colon");
	PARSE("GET / HTTP/1.1\r\nX: a\tb\r\n\r\n", ALL, "tab inside a value");
	PARSE("GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n", ALL, "obs-text in a value");
	PARSE("GET / HTTP/1.1\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n\r\n", ALL, "every tchar in a name");
	PARSE("GET / HTTP/1.1\r\nX: a\r\nx: b\r\n\r\n", ALL, "repeated header");
	ok(hdr("X", "a") && req.nheaders == 2, "http_header returns the first");
	PARSE("GET /~a/b-c_d.e!$&'()*+,;=:@%20 HTTP/1.1\r\n\r\n", ALL, "odd but visible target");
}

static void
test_framing(void)
{
	note("Content-Length, Transfer-Encoding, Connection");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", ALL, "Content-Length 0");
	ok(req.content_length == 0, "content_length 0");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 999999999999999999\r\n\r\n", ALL, "18 digits");
	ok(req.content_length == 999999999999999999LL, "content_length 18 nines");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 1000000000000000000\r\n\r\n", -1, "19 digits");
	PARSE("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", -1, "empty Content-Length");
	PARSE("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", -1, "negative Content-Length");
	PARSE("POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", -1, "signed Content-Length");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n", -1, "hex Content-Length");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", -1, "Content-Length with a space");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", -1, "Content-Length list");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n", ALL,
	    "two equal Content-Length");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 010\r\n\r\n", -1,
	    "two different Content-Length");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 010\r\n\r\n", ALL,
	    "same number, leading zero");
	ok(req.content_length == 10, "content_length 10");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", ALL, "chunked");
	ok(req.chunked && req.content_length == -1, "chunked set, no length");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n", ALL, "chunked, any case");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", ALL, "chunked last");
	ok(req.chunked, "chunked set after gzip");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
	    ALL, "chunked last across two headers");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", -1, "chunked not last");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", -1, "chunked twice");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", -1, "no chunked");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: chunkedx\r\n\r\n", -1, "not quite chunked");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n", -1, "empty Transfer-Encoding");
	PARSE("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", -1,
	    "Content-Length and chunked");
	PARSE("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", -1,
	    "chunked and Content-Length");

	PARSE("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", ALL, "1.1 close");
	ok(!req.keep_alive, "1.1 Connection: close closes");
	PARSE("GET / HTTP/1.1\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", ALL, "1.1 list");
	ok(!req.keep_alive, "1.1 close in a list closes");
	PARSE("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", ALL, "1.1 closed");
	ok(req.keep_alive, "1.1 'closed' is not 'close'");
	PARSE("GET / HTTP/1.1\r\nConnection: Upgrade\r\nConnection: close\r\n\r\n", ALL, "two");
	ok(!req.keep_alive, "1.1 close in a second Connection header");
	PARSE("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", ALL, "1.0 keep-alive");
	ok(req.keep_alive, "1.0 with keep-alive stays open");
	PARSE("GET / HTTP/1.0\r\nconnection: foo ,, KEEP-ALIVE \r\n\r\n", ALL, "1.0 list");
	ok(req.keep_alive, "1.0 keep-alive token in a list");
	PARSE("GET / HTTP/1.0\r\nConnection: keep-alives\r\n\r\n", ALL, "1.0 keep-alives");
	ok(!req.keep_alive, "1.0 'keep-alives' is not 'keep-alive'");
	PARSE("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", ALL, "1.0 both");
	ok(!req.keep_alive, "close wins over keep-alive");
	PARSE("GET / HTTP/1.0\r\nX-Connection: keep-alive\r\n\r\n", ALL, "1.0 other header");
	ok(!req.keep_alive, "only the Connection header counts");
}

static void
test_incomplete(void)
{
	note("every proper prefix of a valid request is incomplete");
	PREFIXES("GET / HTTP/1.1\r\n\r\n", "smallest");
	PREFIXES("GET / HTTP/1.0\n\n", "bare LFs");
	PREFIXES("\r\n\nGET /a?b=c HTTP/1.1\r\nHost: h\nX:\r\n\r\n", "leading blank lines, mixed");
	PREFIXES("POST /RPC2 HTTP/1.1\r\n"
	    "Host: 192.168.1.10\r\n"
	    "User-Agent: xmlrpclib.py/1.0.1 (by www.pythonware.com)\r\n"
	    "Content-Type: text/xml\r\n"
	    "Content-Length: 218\r\n"
	    "Connection: keep-alive\r\n"
	    "\r\n", "XML-RPC POST");
	PREFIXES("POST /jsonrpc HTTP/1.1\r\nContent-Type: application/json\r\n"
	    "Transfer-Encoding: chunked\r\nX-Pad:  \t a \t \r\n\r\n", "chunked JSON-RPC");
	PREFIXES("CONNECT /console?ref=OpaqueRef:1&session_id=OpaqueRef:2 HTTP/1.0\r\n"
	    "Cookie: session_id=OpaqueRef:2\r\n\r\n", "console CONNECT");
	PARSE("GET / HTTP/1.1\r\nHost: x\r\n", -2, "headers without the blank line");
	PARSE("GET / HTTP/1.1\r\nHost: x\r\n\r", -2, "blank line missing its LF");
	PARSE("\r\n\r\n\r\n", -2, "only empty lines");
	PARSE("GET / HTTP/1.1\r\nContent-Length: x\r\n", -2,
	    "framing is checked only once the headers are complete");
}

static void
test_invalid(void)
{
	note("invalid requests");
	PARSE("get / HTTP/1.1\r\n\r\n", -1, "lowercase method");
	PARSE("G3T / HTTP/1.1\r\n\r\n", -1, "digit in method");
	PARSE("M-SEARCH / HTTP/1.1\r\n\r\n", -1, "dash in method");
	PARSE("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\n\r\n", -1, "17-char method");
	PARSE("ABCDEFGHIJKLMNOPQ", -1, "17-char method, early");
	PARSE(" GET / HTTP/1.1\r\n\r\n", -1, "space before method");
	PARSE("GET\t/ HTTP/1.1\r\n\r\n", -1, "tab after method");
	PARSE("GET  / HTTP/1.1\r\n\r\n", -1, "two spaces after method");
	PARSE("GET /  HTTP/1.1\r\n\r\n", -1, "two spaces after target");
	PARSE("GET / HTTP/1.1 \r\n\r\n", -1, "space after version");
	PARSE("GET /\r\n\r\n", -1, "HTTP/0.9 request line");
	PARSE("GET / \r\n\r\n", -1, "missing version");
	PARSE("GET\r\n\r\n", -1, "method only");
	PARSE("GET / HTTP/1.2\r\n\r\n", -1, "HTTP/1.2");
	PARSE("GET / HTTP/2.0\r\n\r\n", -1, "HTTP/2.0");
	PARSE("GET / HTTP/1.10\r\n\r\n", -1, "HTTP/1.10");
	PARSE("GET / HTTP/1.\r\n\r\n", -1, "HTTP/1.");
	PARSE("GET / http/1.1\r\n\r\n", -1, "lowercase version");
	PARSE("GET / HTTP/1.1x", -1, "junk after version, early");
	PARSE("GET / XTTP", -1, "bad version, early");
	PARSE("GET /\x01 HTTP/1.1\r\n\r\n", -1, "control byte in target");
	PARSE("GET /\x7f HTTP/1.1\r\n\r\n", -1, "DEL in target");
	PARSE("GET /\x80 HTTP/1.1\r\n\r\n", -1, "high byte in target");
	PARSE("GET /\t HTTP/1.1\r\n\r\n", -1, "tab in target");
	PARSE("GET /\0 HTTP/1.1\r\n\r\n", -1, "NUL in target");
	PARSE("GE\0T / HTTP/1.1\r\n\r\n", -1, "NUL in method");
	PARSE("\0GET / HTTP/1.1\r\n\r\n", -1, "leading NUL");
	PARSE("GET / HTTP/1.1\0\r\n\r\n", -1, "NUL after version");
	PARSE("\rGET / HTTP/1.1\r\n\r\n", -1, "leading CR without LF");
	PARSE("GET / HTTP/1.1\rX: a\r\n\r\n", -1, "CR not followed by LF after version");
	PARSE("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", -1, "CR inside a value");
	PARSE("GET / HTTP/1.1\r\nX: a\r\r\n\r\n", -1, "CR CR LF");
	PARSE("GET / HTTP/1.1\r\nX: a\r\n\rX", -1, "CR not followed by LF in the blank line");
	PARSE("GET / HTTP/1.1\r\nHost\r\n\r\n", -1, "header without colon");
	PARSE("GET / HTTP/1.1\r\nHost : a\r\n\r\n", -1, "space before colon");
	PARSE("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", -1, "tab before colon");
	PARSE("GET / HTTP/1.1\r\n: a\r\n\r\n", -1, "empty header name");
	PARSE("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", -1, "'(' in header name");
	PARSE("GET / HTTP/1.1\r\nHo/st: a\r\n\r\n", -1, "'/' in header name");
	PARSE("GET / HTTP/1.1\r\nHo\"st: a\r\n\r\n", -1, "quote in header name");
	PARSE("GET / HTTP/1.1\r\nH\xc3\xa9: a\r\n\r\n", -1, "high byte in header name");
	PARSE("GET / HTTP/1.1\r\nH\0: a\r\n\r\n", -1, "NUL in header name");
	PARSE("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", -1, "NUL in header value");
	PARSE("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n", -1, "control byte in header value");
	PARSE("GET / HTTP/1.1\r\nHost: a\x1b[0m\r\n\r\n", -1, "escape in header value");
	PARSE("GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n", -1, "DEL in header value");
	PARSE("GET / HTTP/1.1\r\nHost: \x0b\r\n\r\n", -1, "vertical tab in header value");
	PARSE("GET / HTTP/1.1\r\nHost: \x0c\r\n\r\n", -1, "form feed in header value");
	PARSE("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", -1, "obs-fold with space");
	PARSE("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", -1, "obs-fold with tab");
	PARSE("GET / HTTP/1.1\r\n X: a\r\n\r\n", -1, "whitespace before the first header");
	PARSE("GET / HTTP/1.1\r\nX: a\r\n \r\n\r\n", -1, "whitespace-only line");
	PARSE("GET / HTTP/1.1\r\nX", -2, "partial header name is still incomplete");
	PARSE("GET / HTTP/1.1\r\nX y", -1, "space in header name, early");
}

static void
test_limits(void)
{
	static char	 buf[4 * 4096];
	char		*p;
	size_t		 n, i;
	int		 r;

	note("target length and header count limits");
	memcpy(buf, "GET /", 5);
	memset(buf + 5, 'a', 4095);
	memcpy(buf + 4100, " HTTP/1.1\r\n\r\n", 13);
	r = parse(buf, 4113);
	ok(r == 4113 && req.target.len == 4096, "4096-byte target: got %d", r);
	buf[4100] = 'a';
	r = parse(buf, 4114);
	ok(r == -1, "4097-byte target: got %d (%s)", r, why);
	ok(parse(buf, 4101) == -1, "4097-byte target, early");

	p = buf + 16;
	memcpy(buf, "GET / HTTP/1.1\r\n", 16);
	for (i = 0; i < HTTP_MAX_HEADERS; i++)
		p += snprintf(p, 32, "X-%02zu: v%zu\r\n", i, i);
	memcpy(p, "\r\n", 2);
	n = (size_t)(p + 2 - buf);
	r = parse(buf, n);
	ok(r == (int)n && req.nheaders == HTTP_MAX_HEADERS && hdr("x-63", "v63"),
	    "%d headers: got %d", HTTP_MAX_HEADERS, r);
	p += snprintf(p, 32, "X-64: v64\r\n\r\n");
	n = (size_t)(p - buf);
	r = parse(buf, n);
	ok(r == -1, "%d headers: got %d (%s)", HTTP_MAX_HEADERS + 1, r, why);
}

static void
test_proxy(void)
{
	static const char	 line107[] = "PROXY UNKNOWN "
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklm\r\n";
	static const char	 line108[] = "PROXY UNKNOWN "
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklmn\r\n";
	struct http_slice	 c;

	note("PROXY protocol v1");
	PROXY("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", ALL, "192.168.0.1", "TCP4");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 222\r\nGET / HTTP/1.1\r\n\r\n", 36, "1.2.3.4",
	    "TCP4 followed by a request");
	PROXY("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n", ALL, "0.0.0.0", "TCP4 extremes");
	PROXY("PROXY TCP6 ::1 ::1 1 2\r\n", ALL, "::1", "TCP6 loopback");
	PROXY("PROXY TCP6 2001:db8::ff00:42:8329 2001:db8:0:0:1:0:0:1 1 2\r\n", ALL,
	    "2001:db8::ff00:42:8329", "TCP6");
	PROXY("PROXY TCP6 1:2:3:4:5:6:7:8 :: 1 2\r\n", ALL, "1:2:3:4:5:6:7:8", "TCP6 full, ::");
	PROXY("PROXY TCP6 ::ffff:10.0.0.1 fe80:: 1 2\r\n", ALL, "::ffff:10.0.0.1",
	    "TCP6 with IPv4 tail");
	PROXY("PROXY UNKNOWN\r\n", ALL, "", "UNKNOWN alone");
	PROXY("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n", ALL, "",
	    "UNKNOWN ignores the rest");
	PROXY(line107, ALL, "", "107-byte line");
	PROXY(line108, -1, "", "108-byte line");
	PROXY("PROXY UNKNOWN aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    -1, "", "no CRLF within 107 bytes");
	PROXY("PROXY UNKNOWN aaaa", -2, "", "no CRLF yet");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 222\r", -2, "", "CR without LF yet");
	PROXY("PRO", -2, "", "partial signature");
	PROXY("", -2, "", "nothing");
	PROXY("GET / HTTP/1.1\r\n\r\n", -1, "", "not a PROXY line");
	PROXY("proxy TCP4 1.2.3.4 5.6.7.8 111 222\r\n", -1, "", "lowercase PROXY");
	PROXY("PROXY tcp4 1.2.3.4 5.6.7.8 111 222\r\n", -1, "", "lowercase tcp4");
	PROXY("PROXY TCP5 1.2.3.4 5.6.7.8 111 222\r\n", -1, "", "TCP5");
	PROXY("PROXY  TCP4 1.2.3.4 5.6.7.8 111 222\r\n", -1, "", "two spaces");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 222 \r\n", -1, "", "trailing space");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111\r\n", -1, "", "missing port");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 222 333\r\n", -1, "", "extra field");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 222\n", -1, "", "bare LF");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 222\rX", -1, "", "CR not followed by LF");
	PROXY("PROXY TCP4 1.2.3.4\t5.6.7.8 111 222\r\n", -1, "", "tab");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 111 22\0\r\n", -1, "", "NUL");
	PROXY("PROXY TCP4 1.2.3.256 5.6.7.8 111 222\r\n", -1, "", "octet 256");
	PROXY("PROXY TCP4 1.2.3.04 5.6.7.8 111 222\r\n", -1, "", "leading zero octet");
	PROXY("PROXY TCP4 1.2.3 5.6.7.8 111 222\r\n", -1, "", "three octets");
	PROXY("PROXY TCP4 1.2.3.4.5 5.6.7.8 111 222\r\n", -1, "", "five octets");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7. 111 222\r\n", -1, "", "empty octet");
	PROXY("PROXY TCP4 ::1 5.6.7.8 111 222\r\n", -1, "", "IPv6 address in TCP4");
	PROXY("PROXY TCP6 1.2.3.4 ::1 111 222\r\n", -1, "", "IPv4 address in TCP6");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 65536 222\r\n", -1, "", "port 65536");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 0111 222\r\n", -1, "", "port with leading zero");
	PROXY("PROXY TCP4 1.2.3.4 5.6.7.8 -1 222\r\n", -1, "", "negative port");
	PROXY("PROXY TCP6 1::2::3 ::1 1 2\r\n", -1, "", "two '::'");
	PROXY("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n", -1, "", "nine groups");
	PROXY("PROXY TCP6 1:2:3:4:5:6:7:8:: ::1 1 2\r\n", -1, "", "eight groups and '::'");
	PROXY("PROXY TCP6 1:2:3:4:5:6:7 ::1 1 2\r\n", -1, "", "seven groups");
	PROXY("PROXY TCP6 12345:: ::1 1 2\r\n", -1, "", "five hex digits");
	PROXY("PROXY TCP6 :1:2:3:4:5:6:7 ::1 1 2\r\n", -1, "", "leading single colon");
	PROXY("PROXY TCP6 1:2:3:4:5:6:7: ::1 1 2\r\n", -1, "", "trailing single colon");
	PROXY("PROXY TCP6 ::g ::1 1 2\r\n", -1, "", "non-hex digit");
	PROXY("PROXY TCP6 1:2:3:4:5:6:7:1.2.3.4 ::1 1 2\r\n", -1, "", "IPv4 tail too late");
	PROXY("PROXY TCP4  5.6.7.8 111 222\r\n", -1, "", "empty source");
	PROXY("PROXY \r\n", -1, "", "no protocol");
	PROXY_PREFIXES("PROXY TCP4 1.2.3.4 5.6.7.8 111 222\r\n", "TCP4");
	PROXY_PREFIXES("PROXY TCP6 ::ffff:10.0.0.1 fe80::1 1 2\r\n", "TCP6");
	PROXY_PREFIXES("PROXY UNKNOWN\r\n", "UNKNOWN");
	ok(http_parse_proxy_v1("PROXY UNKNOWN\r\n", 15, &c) == 15 && c.len == 0,
	    "client is empty for UNKNOWN");
}

static void
test_param(void)
{
	note("query and cookie parameters");
	PARAM("a=1&session_id=OpaqueRef:x", '&', "session_id", "OpaqueRef:x", "second param");
	PARAM("session_id=x&a=1", '&', "session_id", "x", "first param");
	PARAM("a=1&a=2", '&', "a", "1", "first of two");
	PARAM("a=b=c", '&', "a", "b=c", "value with '='");
	PARAM("a=&b=2", '&', "a", "", "empty value");
	PARAM("flag&b=2", '&', "flag", "", "bare name");
	PARAM("a=1&", '&', "a", "1", "trailing '&'");
	PARAM("&&a=1", '&', "a", "1", "empty elements");
	PARAM("session=1", '&', "session_id", NULL, "shorter name");
	PARAM("session_idx=1", '&', "session_id", NULL, "longer name");
	PARAM("xsession_id=1", '&', "session_id", NULL, "name suffix");
	PARAM("Session_id=1", '&', "session_id", NULL, "case-sensitive");
	PARAM("", '&', "a", NULL, "empty query");
	PARAM("a=1; b=2", '&', "b", NULL, "query does not split on ';'");
	PARAM("a=%41&b=+", '&', "a", "%41", "no decoding");
	PARAM("a=1; session_id=OpaqueRef:abc; b=2", ';', "session_id", "OpaqueRef:abc",
	    "cookie");
	PARAM("a=1;session_id=x", ';', "session_id", "x", "cookie without space");
	PARAM("a=1;   b=2", ';', "b", "2", "cookie, several spaces");
	PARAM("session_id=x", ';', "session_id", "x", "only cookie");
	PARAM("a=1&b=2", ';', "b", NULL, "cookie does not split on '&'");
	PARAM("a=1; b", ';', "b", "", "bare cookie name");
}

static void
test_decode(void)
{
	char			 d[4];
	struct http_slice	 s = { "", 0 };

	note("percent-decoding");
	DECODE("abc", 64, 3, "abc", "plain");
	DECODE("", 64, 0, "", "empty");
	DECODE("a%20b", 64, 3, "a b", "%20");
	DECODE("a+b", 64, 3, "a+b", "'+' stays");
	DECODE("%41%4a%4A%7e", 64, 4, "AJJ~", "hex either case");
	DECODE("%ff", 64, 1, "\xff", "high byte");
	DECODE("OpaqueRef%3Aabc", 64, 13, "OpaqueRef:abc", "colon");
	DECODE("%", 64, -1, "", "lone '%'");
	DECODE("a%4", 64, -1, "", "one hex digit at the end");
	DECODE("%zz", 64, -1, "", "non-hex");
	DECODE("%4g", 64, -1, "", "second digit non-hex");
	DECODE("% 41", 64, -1, "", "space in escape");
	DECODE("a%00b", 64, -1, "", "%00 would truncate a C string");
	DECODE("abcd", 5, 4, "abcd", "exact fit");
	DECODE("abcd", 4, -1, "", "no room for the NUL");
	DECODE("%41%42%43%44", 5, 4, "ABCD", "exact fit, escapes");
	DECODE("%41%42%43%44", 4, -1, "", "no room, escapes");
	DECODE("", 1, 0, "", "empty into one byte");
	ok(http_percent_decode(s, d, 0) == -1, "dstlen 0");
}

static void
test_reason(void)
{
	note("reason phrases");
	ok(strcmp(http_reason(200), "OK") == 0, "200");
	ok(strcmp(http_reason(400), "Bad Request") == 0, "400");
	ok(strcmp(http_reason(404), "Not Found") == 0, "404");
	ok(strcmp(http_reason(413), "Request Entity Too Large") == 0, "413");
	ok(strcmp(http_reason(500), "Internal Server Error") == 0, "500");
	ok(strcmp(http_reason(999), "Unknown") == 0, "999");
	ok(strcmp(http_reason(-1), "Unknown") == 0, "-1");
}

/* A handler's parameter: the query first, then the cookie; decoded, or refused. */
static void
test_request_param(void)
{
	static const char	 text[] = "PUT /import_raw_vdi?vdi=Opaque%3Ax&session_id=q&bad=%zz "
	    "HTTP/1.1\r\nCookie: session_id=c; task_id=OpaqueRef:t\r\n\r\n";
	struct http_request	 r;
	char			 out[16];

	ok(http_parse_request(text, sizeof(text) - 1, &r, &why) > 0, "the request parses");
	ok(http_request_param(&r, "vdi", out, sizeof(out)) == 1 &&
	    strcmp(out, "Opaque:x") == 0, "from the query, decoded: %s", out);
	ok(http_request_param(&r, "session_id", out, sizeof(out)) == 1 &&
	    strcmp(out, "q") == 0, "the query wins over the cookie: %s", out);
	ok(http_request_param(&r, "task_id", out, sizeof(out)) == 1 &&
	    strcmp(out, "OpaqueRef:t") == 0, "else the cookie: %s", out);
	ok(http_request_param(&r, "format", out, sizeof(out)) == 0, "absent");
	ok(http_request_param(&r, "bad", out, sizeof(out)) == -1, "a bad escape is refused");
	ok(http_request_param(&r, "task_id", out, 4) == -1, "too long for the caller");
}

/* Returns 1 when response header name is present with exactly value. */
static int
rhdr(const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < resp.nheaders; i++)
		if (eq(resp.headers[i].name, name))
			return eq(resp.headers[i].value, value);
	return 0;
}

static void
test_response(void)
{
	static const char	 xapi[] =
	    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
	    "content-length: 51\r\n\r\n";
	static char		 buf[HTTP_MAX_RESPONSE_HEAD + 64];
	size_t			 n, i;
	int			 r;

	note("responses: status line, headers, Content-Length");
	RPARSE(xapi, ALL, "xapi-lite's JSON-RPC answer");
	ok(resp.minor_version == 1 && resp.status == 200 && eq(resp.reason, "OK") &&
	    resp.nheaders == 3 && rhdr("connection", "close") && resp.content_length == 51,
	    "its version, status, reason, headers and length");
	RPARSE("HTTP/1.0 404 Not Found\nContent-type: text/html\n\n<p>", 48,
	    "bare LFs; the body is not part of the head");
	ok(resp.minor_version == 0 && resp.status == 404 && eq(resp.reason, "Not Found") &&
	    resp.content_length == -1, "no Content-Length: -1, the body runs to the close");
	RPARSE("HTTP/1.1 204\r\n\r\n", ALL, "no reason phrase, no space");
	ok(resp.status == 204 && resp.reason.len == 0, "status 204, empty reason");
	RPARSE("HTTP/1.1 500 \r\n\r\n", ALL, "an empty reason after the space");
	RPARSE("HTTP/1.1 200 It is\tall fine \xc3\xa9\r\n\r\n", ALL, "a reason with tab and UTF-8");
	ok(eq(resp.reason, "It is\tall fine \xc3\xa9"), "the reason as sent");
	RPARSE("HTTP/1.9 200 OK\r\n\r\n", ALL, "a later 1.x, read as 1.1 (RFC 7230 2.6)");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", ALL,
	    "Content-Length twice with the same value");
	ok(resp.content_length == 5, "its value: %lld", resp.content_length);
	RPARSE("HTTP/1.1 200 OK\r\ncontent-LENGTH:\t12 \r\n\r\n", ALL,
	    "Content-Length in any case, its whitespace trimmed");
	ok(resp.content_length == 12, "its value: %lld", resp.content_length);
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ALL, "a zero length");
	ok(resp.content_length == 0, "is 0, not none");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\n", ALL,
	    "an 18-digit length");
	RPARSE("HTTP/1.1 200 OK\r\nX-Content-Length: 3\r\n\r\n", ALL,
	    "another header that ends alike");
	ok(resp.content_length == -1, "is not the length");

	note("every proper prefix of a valid response is incomplete");
	RPREFIXES("HTTP/1.1 204\r\n\r\n", "smallest");
	RPREFIXES("HTTP/1.0 200 OK\n\n", "bare LFs");
	RPREFIXES("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
	    "content-length: 51\r\n\r\n", "xapi-lite's answer");
	RPREFIXES("HTTP/1.1 404 Not Found\r\nServer: nginx\r\nX-Pad:  \t a \t \r\n"
	    "Content-Length: 0\r\n\r\n", "a web server's 404");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: x\r\n", -2,
	    "framing is checked only once the headers are complete");

	note("invalid responses");
	RPARSE("", -2, "nothing yet");
	RPARSE("SSH-2.0-OpenSSH_9.2\r\n\r\n", -1, "not HTTP at all");
	RPARSE("HTTP/2 200\r\n\r\n", -1, "HTTP/2");
	RPARSE("HTTP/1.x 200 OK\r\n\r\n", -1, "a letter for the minor version");
	RPARSE("http/1.1 200 OK\r\n\r\n", -1, "lower-case HTTP");
	RPARSE("HTTP/1.1  200 OK\r\n\r\n", -1, "two spaces before the status");
	RPARSE("HTTP/1.1\t200 OK\r\n\r\n", -1, "a tab before the status");
	RPARSE("HTTP/1.1 20x OK\r\n\r\n", -1, "a status not numeric");
	RPARSE("HTTP/1.1 20 OK\r\n\r\n", -1, "two digits");
	RPARSE("HTTP/1.1 2000 OK\r\n\r\n", -1, "four digits");
	RPARSE("HTTP/1.1 -20 OK\r\n\r\n", -1, "a negative status");
	RPARSE("HTTP/1.1 200 O\x01K\r\n\r\n", -1, "a control byte in the reason");
	RPARSE("HTTP/1.1 200 O\0K\r\n\r\n", -1, "a NUL in the reason");
	RPARSE("HTTP/1.1 200 OK\rX: a\r\n\r\n", -1, "CR not followed by LF");
	RPARSE("HTTP/1.1 200 OK\r\nServer\r\n\r\n", -1, "a header without a colon");
	RPARSE("HTTP/1.1 200 OK\r\nServer : x\r\n\r\n", -1, "a space before the colon");
	RPARSE("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", -1, "obs-fold");
	RPARSE("HTTP/1.1 200 OK\r\nX: a\x7f\r\n\r\n", -1, "DEL in a value");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", -1, "a negative length");
	ok(strcmp(why, "bad Content-Length") == 0, "named: %s", why);
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n", -1, "a signed length");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", -1, "a length with letters");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", -1, "two numbers in one");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 1, 1\r\n\r\n", -1, "a list of lengths");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", -1, "an empty length");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\n", -1,
	    "a 19-digit length");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", -1,
	    "a length past long long");
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", -1,
	    "two different lengths");
	ok(strcmp(why, "conflicting Content-Length headers") == 0, "named: %s", why);
	RPARSE("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", -1,
	    "chunked, which neither client reads");
	ok(strstr(why, "Transfer-Encoding") != NULL, "named: %s", why);
	RPARSE("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", -1,
	    "chunked with a length");
	RPARSE("HTTP/1.1 200 OK\r\ntransfer-encoding: identity\r\n\r\n", -1,
	    "any Transfer-Encoding");

	note("response limits: HTTP_MAX_HEADERS headers, HTTP_MAX_RESPONSE_HEAD bytes");
	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%02zu: v\r\n", i);
	memcpy(buf + n, "\r\n", 2);
	r = rparse(buf, n + 2);
	ok(r == (int)n + 2 && resp.nheaders == HTTP_MAX_HEADERS, "%d headers: got %d",
	    HTTP_MAX_HEADERS, r);
	memcpy(buf + n, "X-64: v\r\n\r\n", 11);
	r = rparse(buf, n + 11);
	ok(r == -1 && strcmp(why, "too many headers") == 0, "%d headers: got %d (%s)",
	    HTTP_MAX_HEADERS + 1, r, why);

	/* One long header makes a head of exactly the limit, then one byte more. */
	n = (size_t)snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nX: ");
	memset(buf + n, 'a', HTTP_MAX_RESPONSE_HEAD - n - 4);
	memcpy(buf + HTTP_MAX_RESPONSE_HEAD - 4, "\r\n\r\n", 4);
	r = rparse(buf, HTTP_MAX_RESPONSE_HEAD);
	ok(r == HTTP_MAX_RESPONSE_HEAD, "a head of HTTP_MAX_RESPONSE_HEAD bytes: got %d (%s)",
	    r, why);
	r = rparse(buf, HTTP_MAX_RESPONSE_HEAD - 1);
	ok(r == -2, "one byte short of it is incomplete: got %d (%s)", r, why);
	buf[HTTP_MAX_RESPONSE_HEAD - 4] = 'a';
	memcpy(buf + HTTP_MAX_RESPONSE_HEAD - 3, "\r\n\r\n", 4);
	r = rparse(buf, HTTP_MAX_RESPONSE_HEAD + 1);
	ok(r == -1 && strcmp(why, "response head too long") == 0,
	    "one byte more: got %d (%s)", r, why);
	r = rparse(buf, HTTP_MAX_RESPONSE_HEAD);
	ok(r == -1 && strcmp(why, "response head too long") == 0,
	    "refused once HTTP_MAX_RESPONSE_HEAD bytes hold no end: got %d (%s)", r, why);
}

/* http_write_request into b, from what b held before (kept, to check it is unchanged). */
static int
write_req(struct buf *b, const char *method, const char *target, const char *host,
    const struct http_field *headers, const char *body)
{
	why = "";
	return http_write_request(b, method, target, host, headers, body,
	    body != NULL ? strlen(body) : 0, &why);
}

/* A refused request leaves b as it was. */
#define REFUSED(method, target, host, headers, msg) do {			\
	int r_ = write_req(&b, method, target, host, headers, NULL);		\
	ok(r_ == -1 && strcmp(b.p, "kept") == 0 && why[0] != '\0',		\
	    "refused, %s: got %d (%s) [%s]", msg, r_, why, b.p);		\
} while (0)

static void
test_write_request(void)
{
	struct buf	 b;
	size_t		 whole;
	int		 r;

	note("the request writer");
	buf_init(&b, 0);
	r = write_req(&b, "GET", "/answerfile.xml", "boot.example", (const struct http_field[]){
	    { "User-Agent", "atoll-install" }, { "Connection", "close" }, { NULL, NULL } }, NULL);
	ok(r == 0 && strcmp(b.p, "GET /answerfile.xml HTTP/1.0\r\nHost: boot.example\r\n"
	    "User-Agent: atoll-install\r\nConnection: close\r\n\r\n") == 0,
	    "a GET: no body, no Content-Length");
	ok(parse(b.p, b.len) == (int)b.len && eq(req.method, "GET") &&
	    eq(req.target, "/answerfile.xml") && hdr("host", "boot.example") &&
	    req.content_length == -1 && !req.keep_alive, "it parses back as written");

	buf_reset(&b);
	r = write_req(&b, "POST", "/jsonrpc", "localhost", (const struct http_field[]){
	    { "Content-Type", "application/json" }, { NULL, NULL } }, "{\"id\":1}");
	ok(r == 0 && strcmp(b.p, "POST /jsonrpc HTTP/1.0\r\nHost: localhost\r\n"
	    "Content-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"id\":1}") == 0,
	    "a POST: Content-Length and the body");
	buf_reset(&b);
	ok(write_req(&b, "POST", "/", "h", NULL, "") == 0 &&
	    strcmp(b.p, "POST / HTTP/1.0\r\nHost: h\r\nContent-Length: 0\r\n\r\n") == 0,
	    "an empty body still has its Content-Length, no headers: NULL");

	buf_reset(&b);
	buf_puts(&b, "kept");
	REFUSED("GET", "/a\r\nX-Injected: 1", "h", NULL, "CR LF in the target");
	REFUSED("GET", "/a\nb", "h", NULL, "LF in the target");
	REFUSED("GET", "/a b", "h", NULL, "a space in the target");
	REFUSED("GET", "", "h", NULL, "an empty target");
	REFUSED("GET", "/", "h\r\nX: 1", NULL, "CR LF in Host");
	REFUSED("GET", "/", "h\r", NULL, "CR in Host");
	REFUSED("GET\r\n", "/", "h", NULL, "CR LF in the method");
	REFUSED("G T", "/", "h", NULL, "a space in the method");
	REFUSED("", "/", "h", NULL, "an empty method");
	REFUSED("GET", "/", "h", ((const struct http_field[]){ { "X\r\nY", "1" },
	    { NULL, NULL } }), "CR LF in a header name");
	REFUSED("GET", "/", "h", ((const struct http_field[]){ { "X:", "1" }, { NULL, NULL } }),
	    "a colon in a header name");
	REFUSED("GET", "/", "h", ((const struct http_field[]){ { "", "1" }, { NULL, NULL } }),
	    "an empty header name");
	REFUSED("GET", "/", "h", ((const struct http_field[]){ { "A", "ok" },
	    { "Content-Type", "text/xml\r\nX: 1" }, { NULL, NULL } }), "CR LF in a header value");
	REFUSED("GET", "/", "h", ((const struct http_field[]){ { "A", "a\nb" }, { NULL, NULL } }),
	    "LF in a header value");
	REFUSED("GET", "/", "h", ((const struct http_field[]){ { "A", "a\x01" }, { NULL, NULL } }),
	    "a control byte in a header value");
	buf_free(&b);

	/* A cap one byte short of the whole: the head fits, the body's last byte does not. */
	buf_init(&b, 0);
	buf_puts(&b, "kept");
	r = write_req(&b, "POST", "/jsonrpc", "localhost", NULL, "{\"id\":1}");
	whole = b.len;
	buf_free(&b);
	buf_init(&b, whole - 1);
	buf_puts(&b, "kept");
	r = write_req(&b, "POST", "/jsonrpc", "localhost", NULL, "{\"id\":1}");
	ok(r == -2 && strcmp(b.p, "kept") == 0 && b.len == 4,
	    "no room for the body's last byte: -2, nothing half-written: got %d [%s]", r, b.p);
	buf_free(&b);
	buf_init(&b, whole);
	buf_puts(&b, "kept");
	r = write_req(&b, "POST", "/jsonrpc", "localhost", NULL, "{\"id\":1}");
	ok(r == 0 && b.len == whole, "room for exactly the whole: 0, %zu bytes", b.len);
	buf_free(&b);
}

int
main(void)
{
	test_valid();
	test_framing();
	test_incomplete();
	test_invalid();
	test_limits();
	test_response();
	test_write_request();
	test_proxy();
	test_param();
	test_decode();
	test_request_param();
	test_reason();
	return done_testing();
}
