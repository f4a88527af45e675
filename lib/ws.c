/*
 * RFC 6455 framing (ws.h): a client's frame headers parsed strictly, server frame headers
 * built, and the handshake's key check and base64. No I/O and no state.
 */
#include <ctype.h>
#include <string.h>

#include "ws.h"

static const char	b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
ws_parse_header(const void *p, size_t n, struct ws_frame *f, uint64_t max_payload,
    const char **why)
{
	const unsigned char	*b = p;
	size_t			 hdr = 2, i;
	uint64_t		 len;

	if (n < 2)
		return -2;
	if (b[0] & 0x70)
		return *why = "reserved bits set (no extension was agreed)", -1;
	f->fin = (b[0] & 0x80) != 0;
	f->opcode = b[0] & 0x0f;
	switch (f->opcode) {
	case WS_OP_CONT: case WS_OP_TEXT: case WS_OP_BINARY:
	case WS_OP_CLOSE: case WS_OP_PING: case WS_OP_PONG:
		break;
	default:
		return *why = "unknown opcode", -1;
	}
	if (!(b[1] & 0x80))
		return *why = "a client's frame must be masked", -1;
	len = b[1] & 0x7f;
	if (f->opcode >= WS_OP_CLOSE && !f->fin)
		return *why = "a control frame must not be fragmented", -1;
	if (f->opcode >= WS_OP_CLOSE && len > WS_MAX_CONTROL)
		return *why = "a control frame's payload is over 125 bytes", -1;
	if (len == 126) {
		if (n < 4)
			return -2;
		len = (uint64_t)b[2] << 8 | b[3];
		if (len < 126)
			return *why = "a 16-bit length not in its shortest form", -1;
		hdr = 4;
	} else if (len == 127) {
		if (n < 10)
			return -2;
		if (b[2] & 0x80)
			return *why = "a 64-bit length with its top bit set", -1;
		for (len = 0, i = 2; i < 10; i++)
			len = len << 8 | b[i];
		if (len <= 0xffff)
			return *why = "a 64-bit length not in its shortest form", -1;
		hdr = 10;
	}
	if (len > max_payload)
		return *why = "frame too large", -1;
	if (n < hdr + 4)
		return -2;
	memcpy(f->mask, b + hdr, 4);
	f->len = len;
	return (int)(hdr + 4);
}

void
ws_unmask(void *p, size_t n, const unsigned char mask[4], uint64_t off)
{
	unsigned char	*b = p;
	size_t		 i;

	for (i = 0; i < n; i++)
		b[i] ^= mask[(off + i) & 3];
}

size_t
ws_header(unsigned char out[WS_HDR_MAX], int opcode, uint64_t len)
{
	size_t	i;

	out[0] = (unsigned char)(0x80 | (opcode & 0x0f));
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		return 4;
	}
	out[1] = 127;
	for (i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(len >> (56 - 8 * i));
	return 10;
}

int
ws_key_valid(const char *key, size_t len)
{
	size_t	i;

	if (len != WS_KEY_LEN || key[22] != '=' || key[23] != '=')
		return 0;
	for (i = 0; i < 22; i++)
		if (key[i] == '\0' || strchr(b64, key[i]) == NULL)
			return 0;
	/* 16 bytes leave the last character's low 4 bits zero. */
	return (strchr(b64, key[21]) - b64) % 16 == 0;
}

int
ws_base64(struct buf *b, const void *p, size_t n)
{
	const unsigned char	*s = p;
	char			 q[4];
	size_t			 i;
	unsigned long		 v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[v >> 18 & 63];
		q[1] = b64[v >> 12 & 63];
		q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		if (buf_append(b, q, 4) == -1)
			return -1;
	}
	return 0;
}

int
ws_token_in(const char *list, size_t len, const char *token)
{
	size_t	tl = strlen(token), i = 0, start, end, k;

	while (i < len) {
		while (i < len && (list[i] == ' ' || list[i] == '\t' || list[i] == ','))
			i++;
		start = i;
		while (i < len && list[i] != ',')
			i++;
		end = i;
		while (end > start && (list[end - 1] == ' ' || list[end - 1] == '\t'))
			end--;
		if (end - start != tl)
			continue;
		for (k = 0; k < tl; k++)
			if (tolower((unsigned char)list[start + k]) !=
			    tolower((unsigned char)token[k]))
				break;
		if (k == tl)
			return 1;
	}
	return 0;
}
