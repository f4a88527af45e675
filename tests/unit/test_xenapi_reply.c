/* Unit tests of console-ui/xenapi.c's reply parser: what xapi-lite answers over its Unix
   socket, a result or an error, and the responses that are not one (each named). */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xenapi.h"

static struct xenapi	x;

#define HEAD	"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"

/* xenapi_reply on a heap copy of s of exactly its size, so the sanitizers catch a read
   past it. */
static struct val *
reply(const char *s)
{
	size_t		 len = strlen(s);
	char		*copy = malloc(len ? len : 1);
	struct val	*v;

	memcpy(copy, s, len);
	v = xenapi_reply(&x, copy, len);
	free(copy);
	return v;
}

/* A failure whose error text holds want. */
#define BAD(s, want) do {							\
	struct val	*v_ = reply(s);						\
	ok(v_ == NULL && strstr(x.error, want) != NULL, "refused (%s): %s", want, x.error); \
} while (0)

int
main(void)
{
	struct val	*v;

	xenapi_init(&x, "/nonexistent");

	v = reply(HEAD "{\"jsonrpc\":\"2.0\",\"result\":\"OpaqueRef:1\",\"id\":1}");
	ok(v != NULL && v->type == VAL_STRING && strcmp(xv_str(v), "OpaqueRef:1") == 0,
	    "a string result");
	v = reply(HEAD "{\"jsonrpc\":\"2.0\",\"result\":{\"IP\":\"10.0.2.15\",\"MTU\":1500,"
	    "\"management\":true},\"id\":1}");
	ok(strcmp(xv_field(v, "IP"), "10.0.2.15") == 0, "a record's string field");
	ok(xv_int(xv_get(v, "MTU"), -1) == 1500, "its int field");
	ok(xv_bool(xv_get(v, "management")), "its bool field");
	ok(xv_get(v, "absent") == NULL && strcmp(xv_field(v, "absent"), "") == 0,
	    "an absent field reads as nothing");
	v = reply(HEAD "{\"jsonrpc\":\"2.0\",\"result\":\"\",\"id\":1}");
	ok(v != NULL && strcmp(xv_str(v), "") == 0, "a void result is an empty string");

	v = reply(HEAD "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":1,\"message\":"
	    "\"HOST_NAME_INVALID\",\"data\":[\"hostname contains invalid characters\"]},"
	    "\"id\":1}");
	ok(v == NULL && strcmp(x.code, "HOST_NAME_INVALID") == 0, "an error's code");
	ok(x.params[0] != NULL && strcmp(x.params[0], "hostname contains invalid characters")
	    == 0 && x.params[1] == NULL, "its parameter");
	ok(strcmp(x.error, "HOST_NAME_INVALID: hostname contains invalid characters") == 0,
	    "its text: %s", x.error);
	v = reply(HEAD "{\"error\":{\"code\":1,\"message\":\"A\",\"data\":[\"1\",\"2\",\"3\","
	    "\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]},\"id\":1}");
	ok(v == NULL && x.params[7] == NULL && strstr(x.error, "10") != NULL,
	    "many parameters: the first seven kept, all in the text");
	v = reply(HEAD "{\"error\":{\"code\":1},\"id\":1}");
	ok(v == NULL && strcmp(x.code, "INTERNAL_ERROR") == 0, "an error with no code");

	v = reply("HTTP/1.0 200 OK\r\nContent-Length: 14\r\n\r\n{\"result\":\"a\"}trailing");
	ok(v != NULL && strcmp(xv_str(v), "a") == 0, "the body is Content-Length bytes");

	BAD("", "no HTTP response");
	BAD("HTTP/1.1 200 OK\r\n", "no HTTP response");
	BAD("SSH-2.0-dropbear\r\n\r\n{}", "a bad HTTP response: not an HTTP/1.x status line");
	BAD("HTTP/1.1 500 Internal Server Error\r\n\r\n", "answered HTTP 500");
	BAD("HTTP/1.1 413 Too Large\r\n\r\n{\"result\":1}", "answered HTTP 413");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\"}\r\n0\r\n\r\n",
	    "a bad HTTP response: Transfer-Encoding in a response");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}",
	    "a bad HTTP response: conflicting Content-Length headers");
	BAD("HTTP/1.0 200 OK\r\nContent-Length: 40\r\n\r\n{\"result\":\"a\"}",
	    "cut short: 14 of its 40 bytes");
	BAD(HEAD, "not JSON-RPC");
	BAD(HEAD "{\"result\":", "not JSON-RPC");
	BAD(HEAD "[1,2]", "not JSON-RPC");
	BAD(HEAD "\"result\"", "not JSON-RPC");
	BAD(HEAD "{\"jsonrpc\":\"2.0\",\"id\":1}", "neither result nor error");
	ok(x.code[0] == '\0', "a broken reply has no XAPI code");

	xenapi_free(&x);
	return done_testing();
}
