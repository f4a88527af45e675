#ifndef ATOLL_TAR_H
#define ATOLL_TAR_H

#include <stddef.h>

/*
 * The tar archives XVA exports are: members of a 512-byte header and the data padded to
 * 512, ended by two zero blocks. XAPI's export writes V7 headers (ocaml-tar's default: no
 * ustar magic, type flag NUL); its import reads those, ustar and GNU ones alike.
 */

#define TAR_BLOCK	512
#define TAR_NAME_MAX	100	/* the ustar name field (XVA names are short; no prefix) */

/* tar_write.c. Fills hdr (TAR_BLOCK bytes) with a regular file member's header as XAPI
   writes it: name, mode 0400, uid and gid 0, size, mtime, checksum. Returns 0, or -1 when
   name is empty or longer than TAR_NAME_MAX, or size or mtime is past 11 octal digits. */
int	tar_header(unsigned char hdr[TAR_BLOCK], const char *name, unsigned long long size,
	    long long mtime);
/* Bytes of zero padding after a member of size bytes. */
size_t	tar_padding(unsigned long long size);

/* tar_read.c. One member's header, parsed. */
struct tar_member {
	char			name[TAR_NAME_MAX + 1];
	unsigned long long	size;
	char			type;	/* '0' (or '\0'): a regular file; others are skipped */
};

/* Parses the header block hdr. Returns 1 with m filled, 0 when hdr is an end-of-archive
   (all-zero) block, or -1 with *why (a static string) naming what is wrong: a bad checksum,
   a size that is not octal (or base-256), a name without its NUL. */
int	tar_parse_header(const unsigned char hdr[TAR_BLOCK], struct tar_member *m,
	    const char **why);

#endif
