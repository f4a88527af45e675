/*
 * xenstored's wire format: building requests and cutting replies and watch events out of
 * a byte stream. No I/O here; the caller owns the socket.
 */
#include <string.h>

#include "xs.h"

int
xs_request(struct buf *b, uint32_t type, uint32_t req_id, const char *const strs[], size_t n)
{
	uint32_t	hdr[4] = { type, req_id, 0, 0 };
	size_t		i, len = 0;

	for (i = 0; i < n; i++)
		len += strlen(strs[i]) + 1;
	if (len > XS_PAYLOAD_MAX)
		return -1;
	hdr[3] = (uint32_t)len;
	if (buf_append(b, (const char *)hdr, sizeof(hdr)) == -1)
		return -1;
	for (i = 0; i < n; i++)
		if (buf_append(b, strs[i], strlen(strs[i]) + 1) == -1)
			return -1;
	return 0;
}

long
xs_parse(const char *buf, size_t len, struct xs_msg *m)
{
	uint32_t	hdr[4];

	if (len < sizeof(hdr))
		return 0;
	memcpy(hdr, buf, sizeof(hdr));
	if (hdr[3] > XS_PAYLOAD_MAX)
		return -1;
	if (len < sizeof(hdr) + hdr[3])
		return 0;
	m->type = hdr[0];
	m->req_id = hdr[1];
	m->tx_id = hdr[2];
	m->len = hdr[3];
	m->payload = buf + sizeof(hdr);
	return (long)(sizeof(hdr) + hdr[3]);
}

int
xs_string(const struct xs_msg *m, int n, char *out, size_t outlen)
{
	const char	*p = m->payload, *end = m->payload + m->len, *nul;

	for (;;) {
		if (p == end && (n > 0 || p != m->payload))
			return -1;	/* past the last string (an empty payload is one "") */
		nul = memchr(p, '\0', (size_t)(end - p));
		/* The last string of a reply (XS_READ's value) may have no NUL. */
		if (nul == NULL)
			nul = end;
		if (n-- == 0)
			break;
		if (nul == end)
			return -1;
		p = nul + 1;
	}
	if ((size_t)(nul - p) >= outlen)
		return -1;
	memcpy(out, p, (size_t)(nul - p));
	out[nul - p] = '\0';
	return 0;
}
