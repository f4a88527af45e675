#ifndef ATOLL_XS_H
#define ATOLL_XS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * xenstored's socket protocol (xen/include/public/io/xs_wire.h): each message is a
 * 16-byte header (type, request id, transaction id, payload length; host byte order) and
 * a payload of at most 4096 bytes, strings NUL-separated.
 */
#define XS_DIRECTORY	1
#define XS_READ		2
#define XS_WATCH	4
#define XS_UNWATCH	5
#define XS_ERROR	16
#define XS_WATCH_EVENT	15
#define XS_PAYLOAD_MAX	4096

struct xs_msg {
	uint32_t	 type, req_id, tx_id, len;
	const char	*payload;	/* points into the caller's buffer; len bytes */
};

/* Appends a request of type with the given NUL-terminated strings as its payload (each
   with its NUL, as XS_WATCH and XS_READ take them). Returns 0, or -1 when it is too long
   or out of memory. */
int	xs_request(struct buf *b, uint32_t type, uint32_t req_id, const char *const strs[],
	    size_t n);

/* Parses one message at the start of buf. Returns the bytes it takes, 0 when more are
   needed, or -1 when it is malformed (a payload over XS_PAYLOAD_MAX). */
long	xs_parse(const char *buf, size_t len, struct xs_msg *m);

/* The n-th NUL-separated string of m's payload into out (NUL-terminated). Returns 0, or -1
   when there is no such string or it does not fit. */
int	xs_string(const struct xs_msg *m, int n, char *out, size_t outlen);

#endif
