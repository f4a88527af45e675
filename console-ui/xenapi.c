/*
 * The console's XenAPI client (see xenapi.h): a JSON-RPC 2.0 request written with the same
 * codec xapi-lite uses, POSTed to /jsonrpc on the Unix socket, and the reply's result or
 * error taken apart.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "http.h"
#include "json.h"
#include "nitems.h"
#include "xenapi.h"

#define REPLY_MAX	(16 * 1024 * 1024)	/* get_all_records of a big host */
#define REPLY_WAIT_S	30			/* a call longer than this is stuck */

void
xenapi_init(struct xenapi *x, const char *socket)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->socket, sizeof(x->socket), "%s", socket);
	arena_init(&x->arena, 0);
}

void
xenapi_reset(struct xenapi *x)
{
	arena_reset(&x->arena);
	x->params[0] = NULL;
}

void
xenapi_free(struct xenapi *x)
{
	arena_free(&x->arena);
}

static void
failed(struct xenapi *x, const char *fmt, ...)
{
	va_list	ap;

	x->code[0] = '\0';
	x->params[0] = NULL;
	va_start(ap, fmt);
	vsnprintf(x->error, sizeof(x->error), fmt, ap);
	va_end(ap);
}

/* Appends the arguments args describes (see xenapi_call) as JSON array items, after items
   already there unless none is. */
static int
write_args(struct buf *b, const char *args, int none, va_list ap)
{
	const char		*s, *const *set;
	int			 fails = 0, first;

	for (; *args != '\0'; args++, none = 0) {
		fails |= buf_puts(b, none ? "" : ",");
		switch (*args) {
		case 's':
			s = va_arg(ap, const char *);
			fails |= json_write_string(b, s, strlen(s));
			break;
		case 'b':
			fails |= buf_puts(b, va_arg(ap, int) ? "true" : "false");
			break;
		case 'i':
			fails |= buf_printf(b, "%lld", va_arg(ap, long long));
			break;
		case 'a':
			fails |= buf_puts(b, "[");
			first = 1;
			for (set = va_arg(ap, const char *const *); *set != NULL; set++) {
				fails |= buf_puts(b, first ? "" : ",");
				fails |= json_write_string(b, *set, strlen(*set));
				first = 0;
			}
			fails |= buf_puts(b, "]");
			break;
		default:
			return -1;
		}
	}
	return fails ? -1 : 0;
}

/* Sends the request in req to the socket and reads the whole reply into out. */
static int
exchange(struct xenapi *x, const struct buf *req, struct buf *out)
{
	struct sockaddr_un	 sun;
	struct timeval		 tv = { REPLY_WAIT_S, 0 };
	char			 chunk[8192];
	ssize_t			 n;
	size_t			 off = 0;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", x->socket);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		failed(x, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		failed(x, "xapi-lite is not answering on %s: %s", x->socket, strerror(errno));
		close(fd);
		return -1;
	}
	while (off < req->len) {
		if ((n = send(fd, req->p + off, req->len - off, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			failed(x, "xapi-lite on %s: %s", x->socket, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	for (;;) {
		if ((n = recv(fd, chunk, sizeof(chunk), 0)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf_append(out, chunk, (size_t)n) == -1) {
			failed(x, "xapi-lite's reply is longer than %d bytes", REPLY_MAX);
			close(fd);
			return -1;
		}
	}
	close(fd);
	if (n == -1) {
		failed(x, "xapi-lite on %s did not answer: %s", x->socket,
		    errno == EAGAIN ? "timed out" : strerror(errno));
		return -1;
	}
	return 0;
}

struct val *
xenapi_reply(struct xenapi *x, const char *resp, size_t resplen)
{
	struct http_response	 head;
	const char		*body, *why;
	struct val		*v, *err, *data;
	char			 msg[128];
	size_t			 i, n, len;
	int			 r;

	/* The reply is whole (the socket has closed): a head not ended is no response. */
	if (resp == NULL || (r = http_parse_response(resp, resplen, &head, &why)) == -2) {
		failed(x, "xapi-lite sent no HTTP response");
		return NULL;
	}
	if (r == -1) {
		failed(x, "xapi-lite sent a bad HTTP response: %s", why);
		return NULL;
	}
	if (head.status != 200) {
		failed(x, "xapi-lite answered HTTP %03d", head.status);
		return NULL;
	}
	body = resp + r;
	len = resplen - (size_t)r;
	if (head.content_length >= 0) {
		if ((unsigned long long)head.content_length > len) {
			failed(x, "xapi-lite's reply is cut short: %zu of its %lld bytes", len,
			    head.content_length);
			return NULL;
		}
		len = (size_t)head.content_length;
	}
	if (json_parse(&x->arena, body, len, &v, msg, sizeof(msg)) == -1) {
		failed(x, "xapi-lite's reply is not JSON-RPC: %s", msg);
		return NULL;
	}
	if (v->type != VAL_STRUCT) {
		failed(x, "xapi-lite's reply is not JSON-RPC: not an object");
		return NULL;
	}
	if ((err = xv_get(v, "error")) == NULL || err->type == VAL_NIL) {
		if ((v = xv_get(v, "result")) == NULL)
			failed(x, "xapi-lite's reply has neither result nor error");
		return v;
	}
	snprintf(x->code, sizeof(x->code), "%s", xv_field(err, "message"));
	len = (size_t)snprintf(x->error, sizeof(x->error), "%s", x->code);
	data = xv_get(err, "data");
	n = data != NULL && data->type == VAL_ARRAY ? data->u.a.n : 0;
	/* Every parameter in the text; the first ones (as many as params holds) apart. */
	for (i = 0; i < n; i++) {
		const char	*p = xv_str(data->u.a.items[i]);

		if (i + 1 < nitems(x->params))
			x->params[i] = p;
		if (len < sizeof(x->error))
			len += (size_t)snprintf(x->error + len, sizeof(x->error) - len, "%s%s",
			    i == 0 ? ": " : ", ", p);
	}
	x->params[i < nitems(x->params) ? i :
	    nitems(x->params) - 1] = NULL;
	if (x->code[0] == '\0')
		snprintf(x->code, sizeof(x->code), "INTERNAL_ERROR");
	return NULL;
}

struct val *
xenapi_call(struct xenapi *x, const char *session, const char *method, const char *args,
    ...)
{
	struct buf	 body, req, out;
	struct val	*v = NULL;
	const char	*why;
	va_list		 ap;
	int		 fails;

	buf_init(&body, REPLY_MAX);
	buf_init(&req, REPLY_MAX);
	buf_init(&out, REPLY_MAX);
	fails = buf_puts(&body, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
	fails |= json_write_string(&body, method, strlen(method));
	fails |= buf_puts(&body, ",\"params\":[");
	if (session != NULL)
		fails |= json_write_string(&body, session, strlen(session));
	va_start(ap, args);
	fails |= write_args(&body, args, session == NULL, ap);
	va_end(ap);
	fails |= buf_puts(&body, "]}");
	/* HTTP/1.0: one call per connection, and a long reply (get_all_records, which
	   xapi-lite streams) comes plain until the close, never chunked. */
	fails |= fails ? 0 : http_write_request(&req, "POST", "/jsonrpc", "localhost",
	    (const struct http_field[]){ { "Content-Type", "application/json" },
	    { NULL, NULL } }, body.p, body.len, &why);
	if (fails)
		failed(x, "%s: out of memory", method);
	else if (exchange(x, &req, &out) == 0)
		v = xenapi_reply(x, out.p, out.len);
	if (body.p != NULL)
		explicit_bzero(body.p, body.len);	/* it may hold a password */
	buf_free(&body);
	buf_free(&req);
	buf_free(&out);
	return v;
}

int
xenapi_connect(struct xenapi *x)
{
	struct val	*v;

	x->session[0] = '\0';
	if ((v = xenapi_call(x, NULL, "session.login_with_password", "ssss", "root", "",
	    "1.0", "atoll-console")) == NULL)
		return -1;
	snprintf(x->session, sizeof(x->session), "%s", xv_str(v));
	return 0;
}

void
xenapi_disconnect(struct xenapi *x)
{
	if (x->session[0] != '\0')
		(void)xenapi_call(x, x->session, "session.logout", "");
	x->session[0] = '\0';
}

struct val *
xv_get(const struct val *st, const char *name)
{
	size_t	i;

	if (st == NULL || st->type != VAL_STRUCT)
		return NULL;
	for (i = 0; i < st->u.st.n; i++)
		if (strcmp(st->u.st.m[i].name, name) == 0)
			return st->u.st.m[i].v;
	return NULL;
}

const char *
xv_str(const struct val *v)
{
	return v != NULL && (v->type == VAL_STRING || v->type == VAL_DATETIME) ? v->u.s.p : "";
}

long long
xv_int(const struct val *v, long long dflt)
{
	char	*end;
	long long n;

	if (v != NULL && (v->type == VAL_INT || v->type == VAL_INT32))
		return v->u.i;
	if (v != NULL && v->type == VAL_STRING && v->u.s.len > 0) {
		errno = 0;
		n = strtoll(v->u.s.p, &end, 10);
		if (errno == 0 && *end == '\0')
			return n;
	}
	return dflt;
}

int
xv_bool(const struct val *v)
{
	return v != NULL && v->type == VAL_BOOL && v->u.b;
}

const char *
xv_field(const struct val *st, const char *name)
{
	return xv_str(xv_get(st, name));
}
