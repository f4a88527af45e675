#ifndef ATOLL_JSON_H
#define ATOLL_JSON_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "value.h"

/*
 * JSON (RFC 8259) for JSON-RPC: a strict parser into struct val trees and a compact writer.
 */

/*
 * Parses len bytes of JSON into *out (allocated in a). Returns 0, or -1 with a message in err
 * (errlen bytes, NUL-terminated) naming what is wrong and the byte offset.
 */
int	json_parse(struct arena *a, const char *s, size_t len, struct val **out, char *err,
	    size_t errlen);

/*
 * Appends v as compact JSON (no spaces). VAL_INT/VAL_INT32 as numbers, VAL_DOUBLE with %.16g
 * (NaN/inf written as null), VAL_DATETIME as a string, VAL_NIL as null. Returns 0 or -1
 * (buffer cap; b is then left as it was).
 */
int	json_write(struct buf *b, const struct val *v);

/*
 * Appends s[0..len) as a JSON string literal with quotes and escapes (bytes that are not
 * valid UTF-8 become \ufffd). Returns 0 or -1 (buffer cap; b is then left as it was).
 */
int	json_write_string(struct buf *b, const char *s, size_t len);

#endif
