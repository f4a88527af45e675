/* Unit tests of lib/ws.c: RFC 6455's example frames, every incomplete prefix, bad frames
   (reserved bits, opcodes, unmasked, lengths not in shortest form or too large, control
   frames long or fragmented), server headers, the handshake's key check and base64. */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "ws.h"

static struct ws_frame	 f;
static const char	*why;

/* Parses s[0..n) whole and checks every shorter prefix is incomplete. */
static int
parse_all(const void *s, size_t n, uint64_t max)
{
	size_t	i;
	int	r = ws_parse_header(s, n, &f, max, &why);

	for (i = 0; r > 0 && i < (size_t)r; i++)
		if (ws_parse_header(s, i, &f, max, &why) != -2)
			return -100 - (int)i;
	return r > 0 ? ws_parse_header(s, n, &f, max, &why) : r;
}

static int
invalid(const char *s, size_t n, const char *reason)
{
	why = NULL;
	return ws_parse_header(s, n, &f, WS_MAX_FRAME, &why) == -1 && why != NULL &&
	    strstr(why, reason) != NULL;
}

static void
test_rfc_examples(void)
{
	/* RFC 6455 5.7: a masked "Hello" from a client. */
	unsigned char	hello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d,
	    0x51, 0x58 };
	/* ...and a masked ping "Hello" (the RFC's example, masked as a client must). */
	unsigned char	ping[] = { 0x89, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d,
	    0x51, 0x58 };
	unsigned char	h[WS_HDR_MAX], big[10 + 4] = { 0x82, 0xff, 0, 0, 0, 0, 0, 1, 0, 1,
	    1, 2, 3, 4 }, mid[4 + 4] = { 0x82, 0xfe, 0x01, 0x00, 9, 9, 9, 9 };

	ok(parse_all(hello, sizeof(hello), WS_MAX_FRAME) == 6, "masked Hello: 6-byte header");
	ok(f.fin && f.opcode == WS_OP_TEXT && f.len == 5, "FIN, text, 5 bytes");
	ws_unmask(hello + 6, 5, f.mask, 0);
	ok(memcmp(hello + 6, "Hello", 5) == 0, "unmasked to Hello");
	ok(parse_all(ping, sizeof(ping), WS_MAX_FRAME) == 6 && f.opcode == WS_OP_PING,
	    "masked ping");
	ok(parse_all(mid, sizeof(mid), WS_MAX_FRAME) == 8 && f.len == 256, "16-bit length 256");
	ok(parse_all(big, sizeof(big), 1u << 20) == 14 && f.len == 65537, "64-bit length 64 KiB + 1");
	ok(ws_parse_header(big, sizeof(big), &f, WS_MAX_FRAME, &why) == -1 &&
	    strcmp(why, "frame too large") == 0, "64 KiB + 1 is over WS_MAX_FRAME");
	/* The unmasked server frames of RFC 6455 5.7 are built the same. */
	ok(ws_header(h, WS_OP_TEXT, 5) == 2 && h[0] == 0x81 && h[1] == 0x05, "server Hello");
	ok(ws_header(h, WS_OP_BINARY, 256) == 4 && h[0] == 0x82 && h[1] == 0x7e &&
	    h[2] == 0x01 && h[3] == 0x00, "server 256 bytes binary");
	ok(ws_header(h, WS_OP_BINARY, 65536) == 10 && h[1] == 0x7f && h[2] == 0 && h[7] == 1 &&
	    h[8] == 0 && h[9] == 0, "server 64 KiB binary");
	ok(ws_header(h, WS_OP_PONG, 0) == 2 && h[0] == 0x8a && h[1] == 0, "empty pong");
}

static void
test_offsets(void)
{
	unsigned char	mask[4] = { 1, 2, 3, 4 }, p[7] = "abcdefg", q[7];

	memcpy(q, p, 7);
	ws_unmask(q, 3, mask, 0);
	ws_unmask(q + 3, 4, mask, 3);
	ws_unmask(q, 7, mask, 0);
	ok(memcmp(p, q, 7) == 0, "unmasking in two pieces at their offsets");
}

static void
test_bad(void)
{
	ok(invalid("\xc1\x80\0\0\0\0", 6, "reserved"), "RSV1 set");
	ok(invalid("\x83\x80\0\0\0\0", 6, "opcode"), "opcode 3");
	ok(invalid("\x8b\x80\0\0\0\0", 6, "opcode"), "opcode 0xB");
	ok(invalid("\x82\x05hello", 7, "masked"), "an unmasked client frame");
	ok(invalid("\x89\xfe\x00\x7e", 4, "125"), "a 126-byte ping");
	ok(invalid("\x88\xff", 2, "125"), "a close with a 64-bit length");
	ok(invalid("\x09\x80\0\0\0\0", 6, "fragmented"), "a ping without FIN");
	ok(invalid("\x02\xfe\x00\x10", 4, "shortest"), "16-bit length of 16");
	ok(invalid("\x82\xff\0\0\0\0\0\0\x01\0", 10, "shortest"), "64-bit length of 256");
	ok(invalid("\x82\xff\x80\0\0\0\0\0\0\0", 10, "top bit"), "64-bit length, top bit");
	ok(invalid("\x82\xff\0\0\0\x01\0\0\0\0", 10, "too large"), "4 GiB frame");
	ok(ws_parse_header("\x82\xfe\xff\xff", 4, &f, 100, &why) == -1, "over max_payload");
	ok(ws_parse_header("\x82", 1, &f, WS_MAX_FRAME, &why) == -2, "one byte: incomplete");
	ok(ws_parse_header("", 0, &f, WS_MAX_FRAME, &why) == -2, "nothing: incomplete");
	ok(ws_parse_header("\x82\xff\0\0", 4, &f, WS_MAX_FRAME, &why) == -2,
	    "a 64-bit length cut short: incomplete");
	ok(ws_parse_header("\x82\x80\0\0\0\0", 6, &f, 0, &why) == 6 && f.len == 0,
	    "an empty frame under a zero limit");
	ok(ws_parse_header("\x80\x80\0\0\0\0", 6, &f, 0, &why) == 6 && f.opcode == WS_OP_CONT,
	    "a continuation");
	ok(ws_parse_header("\x88\xfd\0\0\0\0", 6, &f, 0, &why) == -1, "125-byte close over 0");
	ok(ws_parse_header("\x88\xfd\0\0\0\0", 6, &f, WS_MAX_FRAME, &why) == 6 && f.len == 125,
	    "a 125-byte close");
}

static void
test_handshake(void)
{
	struct buf	b;
	/* RFC 6455 1.3: the key, and the SHA-1 of key + GUID (computed by the RFC). */
	static const unsigned char sha[WS_SHA1_LEN] = { 0xb3, 0x7a, 0x4f, 0x2c, 0xc0, 0x62,
	    0x4f, 0x16, 0x90, 0xf6, 0x46, 0x06, 0xcf, 0x38, 0x59, 0x45, 0xb2, 0xbe, 0xc4, 0xea };

	ok(ws_key_valid("dGhlIHNhbXBsZSBub25jZQ==", 24), "the RFC's key");
	ok(!ws_key_valid("dGhlIHNhbXBsZSBub25jZQ=", 23), "a short key");
	ok(!ws_key_valid("dGhlIHNhbXBsZSBub25jZR==", 24), "a key of more than 16 bytes' bits");
	ok(!ws_key_valid("dGhlIHNhbXBsZSBub25j*Q==", 24), "a key with a non-base64 byte");
	ok(!ws_key_valid("dGhlIHNhbXBsZSBub25jZQ\0=", 24), "a key with a NUL");
	buf_init(&b, 64);
	ok(ws_base64(&b, sha, sizeof(sha)) == 0 && b.len == WS_ACCEPT_LEN &&
	    strcmp(b.p, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0, "the RFC's accept value: %s", b.p);
	buf_reset(&b);
	ok(ws_base64(&b, "f", 1) == 0 && strcmp(b.p, "Zg==") == 0, "base64 f");
	buf_reset(&b);
	ok(ws_base64(&b, "fo", 2) == 0 && strcmp(b.p, "Zm8=") == 0, "base64 fo");
	buf_reset(&b);
	ok(ws_base64(&b, "foobar", 6) == 0 && strcmp(b.p, "Zm9vYmFy") == 0, "base64 foobar");
	buf_free(&b);
	buf_init(&b, 5);
	ok(ws_base64(&b, "foobar", 6) == -1, "base64 past the buffer's cap fails");
	buf_free(&b);
	ok(ws_token_in("keep-alive, Upgrade", 19, "upgrade"), "Upgrade in a list");
	ok(ws_token_in("websocket", 9, "websocket"), "a lone token");
	ok(!ws_token_in("upgrades, x", 11, "upgrade"), "a longer token is not it");
	ok(!ws_token_in("", 0, "upgrade"), "an empty list");
	ok(ws_token_in("chat ,  binary ", 15, "binary"), "binary among protocols");
}

int
main(void)
{
	test_rfc_examples();
	test_offsets();
	test_bad();
	test_handshake();
	return done_testing();
}
