/* Unit tests of lib/xs.c: xenstored's message framing, good and bad. */
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "xs.h"

/* A message as xenstored sends it: the header, then the payload. */
static size_t
message(char *out, uint32_t type, uint32_t id, const char *payload, uint32_t len)
{
	uint32_t	hdr[4] = { type, id, 0, len };

	memcpy(out, hdr, sizeof(hdr));
	memcpy(out + sizeof(hdr), payload, len);
	return sizeof(hdr) + len;
}

int
main(void)
{
	struct buf	 b;
	struct xs_msg	 m;
	char		 in[8192], s[64];
	const char	*watch[] = { "@releaseDomain", "atoll" };
	uint32_t	 hdr[4];
	size_t		 n;

	buf_init(&b, 0);
	ok(xs_request(&b, XS_WATCH, 7, watch, 2) == 0, "a watch request");
	memcpy(hdr, b.p, sizeof(hdr));
	ok(hdr[0] == XS_WATCH && hdr[1] == 7 && hdr[2] == 0 && hdr[3] == 21,
	    "its header: type, id, no transaction, 21 bytes");
	ok(memcmp(b.p + 16, "@releaseDomain\0atoll\0", 21) == 0, "its payload, NUL after each");
	buf_free(&b);

	n = message(in, XS_WATCH_EVENT, 0, "@releaseDomain\0atoll\0", 21);
	ok(xs_parse(in, n, &m) == (long)n, "a whole watch event is taken");
	ok(m.type == XS_WATCH_EVENT && m.len == 21, "its type and length");
	ok(xs_string(&m, 0, s, sizeof(s)) == 0 && strcmp(s, "@releaseDomain") == 0, "its path");
	ok(xs_string(&m, 1, s, sizeof(s)) == 0 && strcmp(s, "atoll") == 0, "its token");
	ok(xs_string(&m, 2, s, sizeof(s)) == -1, "there is no third string");
	ok(xs_parse(in, n - 1, &m) == 0, "one byte short: wait for more");
	ok(xs_parse(in, 15, &m) == 0, "half a header: wait for more");

	n = message(in, XS_READ, 3, "/dev/pts/4", 10);
	ok(xs_parse(in, n, &m) == (long)n && m.req_id == 3, "a read's reply");
	ok(xs_string(&m, 0, s, sizeof(s)) == 0 && strcmp(s, "/dev/pts/4") == 0,
	    "a value without a NUL is read whole");
	ok(xs_string(&m, 0, s, 5) == -1, "a value too long for the caller is refused");

	hdr[0] = XS_READ, hdr[1] = 0, hdr[2] = 0, hdr[3] = XS_PAYLOAD_MAX + 1;
	memcpy(in, hdr, sizeof(hdr));
	ok(xs_parse(in, sizeof(hdr), &m) == -1, "a payload over 4096 bytes is malformed");

	{
		const char	*big[] = { in };

		memset(in, 'a', XS_PAYLOAD_MAX);
		in[XS_PAYLOAD_MAX] = '\0';
		buf_init(&b, 0);
		ok(xs_request(&b, XS_READ, 1, big, 1) == -1, "a request over 4096 bytes is refused");
		buf_free(&b);
	}
	return done_testing();
}
