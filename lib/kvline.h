#ifndef ATOLL_KVLINE_H
#define ATOLL_KVLINE_H

#include <stddef.h>

#include "buf.h"

/*
 * A record of KEY=VALUE words on one line, split as the kernel splits its command line
 * (lib/cmdline.h): the small records Atoll keeps in its state (an upgrade's trial, the image
 * slots' versions, an alert waiting for the XenAPI). A value is printable ASCII without
 * '"'; one with blanks is written in double quotes.
 */
#define KVLINE_MAX	2048	/* a record's bytes, its newline included */

/*
 * The value of key in line[0..len) into out (outlen bytes, NUL-terminated; "" when the key
 * is there without a value). Returns 1 when found, 0 when the line has no such key, -1 when
 * the line is not a record (an unclosed quote, a byte that is neither printable ASCII nor
 * a blank, more than KVLINE_MAX bytes), the value does not fit in out, or it holds a line
 * break or other control byte (out is then "").
 */
int	kvline_get(const char *line, size_t len, const char *key, char *out, size_t outlen);

/* Appends " key=value" (no blank before the first word) to b, quoted when value has a
   blank. Returns 0, or -1 when key or value cannot be written so (a '"', '=' in the key,
   a byte that is not printable ASCII, an empty key) or b is full. */
int	kvline_put(struct buf *b, const char *key, const char *value);

/* The record in file path into line (KVLINE_MAX bytes): returns its length, 0 when there
   is no such file, or -1 with errno (EFBIG: longer than a record). */
long	kvline_read(const char *path, char *line);

/* Writes b's record to path, whole or not at all (a temporary file, fsync'd, renamed into
   place). Returns 0, or -1 with errno. */
int	kvline_write(const char *path, const struct buf *b);

#endif
