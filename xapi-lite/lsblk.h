#ifndef XAPI_LSBLK_H
#define XAPI_LSBLK_H

#include <stddef.h>

#include "buf.h"

/*
 * The lsblk.py host plugin's answer, as XCP-ng's plugin makes it: the output of
 * `lsblk -P -b -o NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT` (one line per device of
 * KEY="VALUE" pairs) becomes {"blockdevices": [...]}: every device an object of its pairs,
 * keys in lower case and in the line's order, each device with a PKNAME under its parent's
 * "children" (the parent is the latest earlier line of that KNAME), the others at the top.
 * Written as Python's json.dumps writes it (", " and ": " between items).
 */
#define LSBLK_ARGV		{ "lsblk", "-P", "-b", "-o", \
				  "NAME,KNAME,PKNAME,SIZE,TYPE,RO,MOUNTPOINT", NULL }
#define LSBLK_MAX_DEVICES	1024		/* lines of lsblk's output */
#define LSBLK_MAX_PAIRS		16		/* KEY=VALUE pairs in one line */
#define LSBLK_MAX_KEY		32		/* bytes of a key */
#define LSBLK_OUTPUT_MAX	(256 * 1024)	/* bytes of the JSON answer */

/* Converts len bytes of lsblk's output into out (appended). Returns 0, or -1 with err
   naming the line and what is wrong (out is then left as it was). */
int	lsblk_to_json(const char *text, size_t len, struct buf *out, char *err, size_t errlen);

#endif
