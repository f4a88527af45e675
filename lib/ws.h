#ifndef ATOLL_WS_H
#define ATOLL_WS_H

/*
 * RFC 6455 WebSocket framing, as pure functions on bytes: a client frame's header parsed
 * (its payload must be masked), the mask undone, a server frame's header built, and the
 * handshake's pieces (the key checked, base64 for Sec-WebSocket-Accept). The SHA-1 the
 * accept value needs is the caller's (a helper process).
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define WS_MAX_FRAME	(64 * 1024)	/* largest frame payload taken from a client */
#define WS_MAX_CONTROL	125		/* RFC 6455 5.5: a control frame's payload */
#define WS_HDR_MAX	14		/* 2 + 8 (64-bit length) + 4 (mask) */
#define WS_KEY_LEN	24		/* base64 of the 16 random bytes of Sec-WebSocket-Key */
#define WS_SHA1_LEN	20
#define WS_ACCEPT_LEN	28		/* base64 of a SHA-1 */
#define WS_GUID		"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

enum {
	WS_OP_CONT = 0x0, WS_OP_TEXT = 0x1, WS_OP_BINARY = 0x2,
	WS_OP_CLOSE = 0x8, WS_OP_PING = 0x9, WS_OP_PONG = 0xA
};

/* Close codes (RFC 6455 7.4.1). */
#define WS_CLOSE_NORMAL		1000
#define WS_CLOSE_PROTOCOL	1002
#define WS_CLOSE_TOO_BIG	1009

struct ws_frame {
	int		fin;
	int		opcode;
	unsigned char	mask[4];
	uint64_t	len;		/* payload bytes */
};

/* Parses the header of a client's frame at p[0..n): FIN, opcode, the masking key (a client
   must mask) and the 7-, 16- or 64-bit length, at most max_payload. Returns the header's
   length, -2 when more bytes are needed, or -1 when the frame is invalid (*why says how:
   reserved bits, unknown opcode, unmasked, a length not in its shortest form or over
   max_payload, a control frame fragmented or over WS_MAX_CONTROL). */
int	ws_parse_header(const void *p, size_t n, struct ws_frame *f, uint64_t max_payload,
	    const char **why);

/* Undoes the mask on p[0..n), the payload's bytes from offset off on. */
void	ws_unmask(void *p, size_t n, const unsigned char mask[4], uint64_t off);

/* Writes the header of a server's frame (FIN, unmasked) of len payload bytes into out;
   returns its length. */
size_t	ws_header(unsigned char out[WS_HDR_MAX], int opcode, uint64_t len);

/* 1 when key is a Sec-WebSocket-Key: base64 of 16 bytes (24 characters ending "=="). */
int	ws_key_valid(const char *key, size_t len);

/* Appends the base64 of p[0..n) to b. Returns 0 or -1. */
int	ws_base64(struct buf *b, const void *p, size_t n);

/* 1 when the comma-separated header value list holds token (case-insensitive), as
   "Connection: keep-alive, Upgrade" holds "upgrade". */
int	ws_token_in(const char *list, size_t len, const char *token);

#endif
