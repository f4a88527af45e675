/*
 * The WebSocket side of /console (websocket.h): XAPI's connect_console_ws answers a
 * GET /console with Upgrade: websocket with 101, Sec-WebSocket-Accept and the "binary"
 * subprotocol, then carries the console in binary frames. The accept value's SHA-1 comes
 * from an openssl helper run as the connection's parked job, so the loop never waits.
 */
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "websocket.h"

#define WS_VERSION	"13"	/* RFC 6455's, the only one spoken */

/* The header's value as a string in out, or -1 when absent or too long. */
static int
header_str(const struct http_request *req, const char *name, char *out, size_t len)
{
	const struct http_slice	*v = http_header(req, name);

	if (v == NULL || v->len >= len)
		return -1;
	memcpy(out, v->p, v->len);
	out[v->len] = '\0';
	return 0;
}

int
ws_wants_upgrade(const struct http_request *req)
{
	const struct http_slice	*v = http_header(req, "upgrade");

	return v != NULL && ws_token_in(v->p, v->len, "websocket");
}

int
ws_check_handshake(const struct http_request *req, char key[WS_KEY_LEN + 1], int *binary,
    char *msg, size_t len)
{
	const struct http_slice	*v;
	char			 ver[8];

	/* XAPI answers a GET /console it cannot upgrade with 501. */
	if (!ws_wants_upgrade(req) || header_str(req, "sec-websocket-key", key,
	    WS_KEY_LEN + 1) == -1) {
		snprintf(msg, len, "GET /console is a WebSocket upgrade "
		    "(Upgrade: websocket, Sec-WebSocket-Key)\n");
		return 501;
	}
	if (!ws_key_valid(key, strlen(key))) {
		snprintf(msg, len, "Sec-WebSocket-Key is not the base64 of 16 bytes\n");
		return 400;
	}
	if (header_str(req, "sec-websocket-version", ver, sizeof(ver)) == -1 ||
	    strcmp(ver, WS_VERSION) != 0) {
		snprintf(msg, len, "Sec-WebSocket-Version must be " WS_VERSION "\n");
		return 426;
	}
	v = http_header(req, "sec-websocket-protocol");
	*binary = v != NULL && ws_token_in(v->p, v->len, "binary");
	return 0;
}

int
ws_hash_start(struct park *pk, const char key[WS_KEY_LEN + 1],
    void (*done)(struct xapi *, struct park *, struct rpc_reply *))
{
	static const char *const argv[] = { "openssl", "dgst", "-sha1", "-binary", NULL };
	char			input[WS_KEY_LEN + sizeof(WS_GUID)];

	snprintf(input, sizeof(input), "%s%s", key, WS_GUID);
	return park_job(pk, argv, input, done);
}

int
ws_accept_value(const struct job *j, char out[WS_ACCEPT_LEN + 1])
{
	struct buf	b;
	int		e;

	if (j->status != 0 || j->out.len != WS_SHA1_LEN)
		return -1;
	buf_init(&b, WS_ACCEPT_LEN + 1);
	e = ws_base64(&b, j->out.p, j->out.len);
	if (e == 0 && b.len == WS_ACCEPT_LEN)
		memcpy(out, b.p, WS_ACCEPT_LEN + 1);
	else
		e = -1;
	buf_free(&b);
	return e;
}

int
ws_write_101(struct buf *out, const char *accept, int binary)
{
	return buf_printf(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n%s\r\n", accept,
	    binary ? "Sec-WebSocket-Protocol: binary\r\n" : "");
}

int
ws_send(struct buf *out, const void *p, size_t n)
{
	unsigned char	h[WS_HDR_MAX];
	size_t		hl = ws_header(h, WS_OP_BINARY, n), before = out->len;

	if (buf_append(out, h, hl) == -1)
		return -1;
	if (buf_append(out, p, n) == -1) {
		out->len = before;	/* nothing half-written */
		return -1;
	}
	return 0;
}

/* A control frame of payload p[0..n), n <= WS_MAX_CONTROL. */
static int
send_control(struct buf *out, int opcode, const void *p, size_t n)
{
	unsigned char	h[WS_HDR_MAX];
	size_t		hl = ws_header(h, opcode, n), before = out->len;

	if (buf_append(out, h, hl) == -1 || buf_append(out, p, n) == -1) {
		out->len = before;
		return -1;
	}
	return 0;
}

int
ws_close(struct ws_conn *w, struct buf *out, int code, const char *reason)
{
	unsigned char	p[WS_MAX_CONTROL];
	size_t		n = strlen(reason);

	if (w->closed)
		return 0;
	w->closed = 1;
	if (n > WS_MAX_CONTROL - 2)
		n = WS_MAX_CONTROL - 2;
	p[0] = (unsigned char)(code >> 8);
	p[1] = (unsigned char)code;
	memcpy(p + 2, reason, n);
	return send_control(out, WS_OP_CLOSE, p, n + 2);
}

/* The codes a peer may send in a close frame (RFC 6455 7.4.1, 7.4.2). */
static int
close_code_valid(int code)
{
	return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
	    (code >= 3000 && code <= 4999);
}

/* A data frame's payload goes on as it is; the frame's place in its message is checked. */
static int
take_data(struct ws_conn *w, const struct ws_frame *f, const char **why)
{
	if (f->opcode == WS_OP_CONT && !w->frag)
		return *why = "a continuation frame with no message to continue", -1;
	if (f->opcode != WS_OP_CONT && w->frag)
		return *why = "a new message inside a fragmented one", -1;
	w->frag = !f->fin;
	return 0;
}

int
ws_take(struct ws_conn *w, struct buf *to_peer, struct buf *to_client, size_t client_max)
{
	struct ws_frame	 f;
	const char	*why = NULL;
	unsigned char	*pl;
	size_t		 off = 0;	/* frames taken: consumed once, at the end */
	int		 h, code, rc = 0;

	if (w->rx.len == 0)
		return w->closed;
	while (!w->closed) {
		if ((h = ws_parse_header(w->rx.p + off, w->rx.len - off, &f, WS_MAX_FRAME,
		    &why)) == -2)
			goto out;
		if (h == -1)
			break;
		if (w->rx.len - off - (size_t)h < f.len)
			goto out;	/* the rest of its payload is on its way */
		pl = (unsigned char *)w->rx.p + off + h;
		if (f.opcode < WS_OP_CLOSE) {
			if (to_peer->max - to_peer->len < f.len)
				goto out;	/* until the console has taken what it has */
			if (take_data(w, &f, &why) == -1)
				break;
			ws_unmask(pl, (size_t)f.len, f.mask, 0);
			if (buf_append(to_peer, pl, (size_t)f.len) == -1) {
				why = "out of memory";
				break;
			}
		} else {
			/* A client that never reads gets no more answers: its frames wait. */
			if (to_client->len >= client_max)
				goto out;
			ws_unmask(pl, (size_t)f.len, f.mask, 0);
			if (f.opcode == WS_OP_PING &&
			    send_control(to_client, WS_OP_PONG, pl, (size_t)f.len) == -1) {
				why = "out of memory";
				break;
			}
			if (f.opcode == WS_OP_CLOSE) {
				if (f.len == 1) {
					why = "a close frame's code is cut short";
					break;
				}
				/* Its code is echoed, as RFC 6455 5.5.1 asks; a code no
				   endpoint may send (7.4.1) is a protocol error. */
				code = f.len >= 2 ? pl[0] << 8 | pl[1] : WS_CLOSE_NORMAL;
				if (!close_code_valid(code)) {
					why = "a close code no endpoint may send";
					break;
				}
				off += (size_t)h + (size_t)f.len;
				(void)ws_close(w, to_client, code, "");
				rc = 1;
				goto out;
			}
		}
		off += (size_t)h + (size_t)f.len;
	}
	rc = 1;
	if (!w->closed)
		(void)ws_close(w, to_client, why != NULL && strcmp(why, "frame too large") == 0 ?
		    WS_CLOSE_TOO_BIG : WS_CLOSE_PROTOCOL, why != NULL ? why : "protocol error");
out:
	if (off > 0)
		buf_consume(&w->rx, off);
	return rc;
}
