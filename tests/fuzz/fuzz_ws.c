/*
 * libFuzzer target: lib/ws.c on any bytes. A header accepted at n bytes is incomplete at
 * every shorter length, lies inside the input and obeys the limits it was parsed under;
 * a server header built for its length parses back (masked) to the same length; the key
 * check and base64 never read or write past their input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ws.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ws_frame	 f, g;
	const char	*why = NULL;
	unsigned char	 h[WS_HDR_MAX + 4];
	struct buf	 b;
	size_t		 i, m;
	int		 r = ws_parse_header(data, size, &f, WS_MAX_FRAME, &why);

	if (r == -1 && (why == NULL || why[0] == '\0'))
		__builtin_trap();
	if (r > 0) {
		if ((size_t)r > size || r > WS_HDR_MAX || f.len > WS_MAX_FRAME ||
		    (f.opcode >= WS_OP_CLOSE && (f.len > WS_MAX_CONTROL || !f.fin)))
			__builtin_trap();
		for (i = 0; i < (size_t)r; i++)
			if (ws_parse_header(data, i, &g, WS_MAX_FRAME, &why) != -2)
				__builtin_trap();
		/* The same frame built by a server, masked as a client would, reads back. */
		m = ws_header(h, f.opcode, f.len);
		h[0] = (unsigned char)((h[0] & 0x7f) | (f.fin ? 0x80 : 0));
		h[1] |= 0x80;
		memcpy(h + m, f.mask, 4);
		if (ws_parse_header(h, m + 4, &g, WS_MAX_FRAME, &why) != (int)(m + 4) ||
		    g.len != f.len || g.opcode != f.opcode || g.fin != f.fin ||
		    memcmp(g.mask, f.mask, 4) != 0 || (size_t)r != m + 4)
			__builtin_trap();
	} else if (r != -1 && r != -2)
		__builtin_trap();
	(void)ws_key_valid((const char *)data, size);
	(void)ws_token_in((const char *)data, size, "upgrade");
	buf_init(&b, 0);
	if (ws_base64(&b, data, size) == -1 || b.len != (size + 2) / 3 * 4)
		__builtin_trap();
	buf_free(&b);
	if (size > 0) {
		unsigned char	copy[64], mask[4] = { 0x37, 0xfa, 0x21, 0x3d };

		m = size < sizeof(copy) ? size : sizeof(copy);
		memcpy(copy, data, m);
		ws_unmask(copy, m, mask, data[0]);
		ws_unmask(copy, m, mask, data[0]);
		if (memcmp(copy, data, m) != 0)
			__builtin_trap();
	}
	return 0;
}
