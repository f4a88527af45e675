/* Unit tests of installer/fetch.c's response splitter: the status, the body's start and
   its Content-Length, and answers that are not HTTP responses. */
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "tap.h"

/* Splits text copied to a block of exactly its length, so reading past it is caught. */
static int
split(const char *text, int *status, size_t *body, long long *clen)
{
	const char	*why = NULL;
	size_t		 len = strlen(text);
	char		*copy = malloc(len ? len : 1);
	int		 r;

	memcpy(copy, text, len);
	r = fetch_response(copy, len, status, body, clen, &why);
	free(copy);
	/* A refusal always says why (-3 fails every test that expects -1). */
	return r == -1 && (why == NULL || why[0] == '\0') ? -3 : r;
}

int
main(void)
{
	int		status;
	size_t		body;
	long long	clen;
	const char	*r;

	r = "HTTP/1.0 200 OK\r\nServer: x\r\nContent-Length: 5\r\n\r\nhello";
	ok(split(r, &status, &body, &clen) == 0, "a response with CRLFs");
	ok(status == 200 && clen == 5 && strcmp(r + body, "hello") == 0,
	    "its status, length and body: %d %lld %s", status, clen, r + body);
	r = "HTTP/1.1 404 Not Found\nContent-type: text/html\n\n<p>no</p>";
	ok(split(r, &status, &body, &clen) == 0 && status == 404 && clen == -1 &&
	    strcmp(r + body, "<p>no</p>") == 0, "bare LFs, no Content-Length");
	r = "HTTP/1.1 204\r\n\r\n";
	ok(split(r, &status, &body, &clen) == 0 && status == 204 && r[body] == '\0',
	    "no reason phrase, an empty body");
	r = "HTTP/1.0 200 OK\r\ncontent-LENGTH:\t12 \r\n\r\n";
	ok(split(r, &status, &body, &clen) == 0 && clen == 12, "the header's name in any case");
	r = "HTTP/1.0 200 OK\r\nX-Content-Length: 3\r\n\r\n";
	ok(split(r, &status, &body, &clen) == 0 && clen == -1, "another header that ends alike");

	ok(split("", &status, &body, &clen) == -1, "nothing");
	ok(split("HTTP/1.0 200 OK", &status, &body, &clen) == -1, "a status line alone");
	ok(split("HTTP/1.0 200 OK\r\nServer: x\r\n", &status, &body, &clen) == -1,
	    "headers that never end");
	ok(split("HTTP/2 200 OK\r\n\r\n", &status, &body, &clen) == -1, "not HTTP/1.x");
	ok(split("HTTP/1.0 20x OK\r\n\r\n", &status, &body, &clen) == -1, "a status not numeric");
	ok(split("HTTP/1.0 2000 OK\r\n\r\n", &status, &body, &clen) == -1, "four digits");
	ok(split("SSH-2.0-OpenSSH\r\n\r\n", &status, &body, &clen) == -1, "not HTTP at all");
	ok(split("HTTP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n", &status, &body, &clen) == -1,
	    "a negative length");
	ok(split("HTTP/1.0 200 OK\r\nContent-Length: 1x\r\n\r\n", &status, &body, &clen) == -1,
	    "a length with letters");
	ok(split("HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", &status,
	    &body, &clen) == -1, "a length too large");
	ok(split("HTTP/1.0 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", &status,
	    &body, &clen) == -1, "two lengths");
	ok(split("HTTP/1.0 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nhi", &status,
	    &body, &clen) == 0 && clen == 2, "the same length twice");
	ok(split("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
	    &status, &body, &clen) == -1, "a chunked body, which would be taken for the file");
	ok(split("HTTP/1.0 200 OK\r\nServer : x\r\n\r\n", &status, &body, &clen) == -1,
	    "a header line that is not name: value");
	return done_testing();
}
