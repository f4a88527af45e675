#ifndef XAPI_WEBSOCKET_H
#define XAPI_WEBSOCKET_H

/*
 * A console over a WebSocket (GET /console with Upgrade: websocket, as Xen Orchestra and
 * XO Lite's noVNC open it): the handshake's checks and 101 reply, and the frames both ways
 * between the client and the console's far end. The server owns the connection and the
 * buffers; these functions only read and fill them.
 */
#include <stddef.h>

#include "buf.h"
#include "http.h"
#include "ws.h"
#include "xapi.h"

/* The client's bytes held until a frame is whole: the largest frame and its header. */
#define WS_RX_MAX	(WS_MAX_FRAME + WS_HDR_MAX)
/* Handshakes whose key's hash (a helper process each) is running at once; more get 503. */
#define WS_MAX_HANDSHAKES	16

struct ws_conn {
	int		 on;		/* frames both ways (the 101 has gone out) */
	int		 fd;		/* the console opened for it until the 101 goes; -1 */
	int		 binary;	/* the client offered the "binary" subprotocol */
	int		 frag;		/* a fragmented data message is open */
	int		 closed;	/* a close frame has gone out: nothing more does */
	struct buf	 rx;		/* the client's bytes, until a frame is whole */
};

/* 1 when req asks to upgrade to a WebSocket (Upgrade: websocket). */
int	ws_wants_upgrade(const struct http_request *req);

/* Checks a WebSocket handshake's headers (key, version 13) and copies the key. Returns 0,
   or the HTTP status to refuse with (msg says why; 426 wants Sec-WebSocket-Version: 13
   in the reply). */
int	ws_check_handshake(const struct http_request *req, char key[WS_KEY_LEN + 1],
	    int *binary, char *msg, size_t len);

/* Starts the SHA-1 of key and the GUID (an openssl helper) as pk's job; done runs when it
   has exited. Returns 0 or -1 (errno). */
int	ws_hash_start(struct park *pk, const char key[WS_KEY_LEN + 1],
	    void (*done)(struct xapi *, struct park *, struct rpc_reply *));

/* The Sec-WebSocket-Accept value from the finished helper's output. Returns 0 or -1. */
int	ws_accept_value(const struct job *j, char out[WS_ACCEPT_LEN + 1]);

/* Appends the 101 Switching Protocols reply. Returns 0 or -1. */
int	ws_write_101(struct buf *out, const char *accept, int binary);

/* Takes the whole frames in w->rx, in order: data payloads (text or binary, fragmented
   or not) unmasked into to_peer while it has room for them, pings answered with pongs and
   a close with a close into to_client while it holds less than client_max; a protocol
   error is answered with close 1002, a frame over WS_MAX_FRAME with 1009. Returns 0, or 1
   once a close frame is in to_client (the connection ends when it has gone). */
int	ws_take(struct ws_conn *w, struct buf *to_peer, struct buf *to_client,
	    size_t client_max);

/* Appends p[0..n) as one binary frame. Returns 0 or -1. */
int	ws_send(struct buf *out, const void *p, size_t n);

/* Appends a close frame with code and reason (at most WS_MAX_CONTROL bytes in all), once:
   w->closed is set. Returns 0 or -1. */
int	ws_close(struct ws_conn *w, struct buf *out, int code, const char *reason);

#endif
