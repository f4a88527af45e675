/*
 * Tar member headers as XAPI's export writes them (ocaml-tar 2.x, Header.make and marshal
 * at its default level, V7): the name, mode 0400, uid and gid 0, size and mtime as
 * zero-padded octal each ended by a NUL, type flag NUL (a regular file), no ustar magic,
 * no user or group names, and the checksum as seven octal digits and a NUL.
 */
#include <stdio.h>
#include <string.h>

#include "tar.h"

/* Offsets and sizes of the V7 header's fields. */
#define OFF_NAME	0
#define OFF_MODE	100
#define OFF_UID		108
#define OFF_GID		116
#define OFF_SIZE	124
#define OFF_MTIME	136
#define OFF_CHKSUM	148
#define OFF_TYPE	156
#define LEN_ID		8	/* mode, uid, gid, checksum: 7 digits and a NUL */
#define LEN_NUM		12	/* size, mtime: 11 digits and a NUL */

#define TAR_MODE	0400	/* Header.make's default file_mode */
#define TAR_NUM_MAX	077777777777ULL	/* 11 octal digits (8 GiB - 1) */

/* Writes v as len - 1 zero-padded octal digits and a NUL at hdr + off. */
static void
octal(unsigned char *hdr, size_t off, size_t len, unsigned long long v)
{
	char	s[LEN_NUM + 1];

	snprintf(s, sizeof(s), "%0*llo", (int)(len - 1), v);
	memcpy(hdr + off, s, len);	/* the digits and snprintf's NUL */
}

int
tar_header(unsigned char hdr[TAR_BLOCK], const char *name, unsigned long long size,
    long long mtime)
{
	size_t			len = strlen(name), i;
	unsigned long long	sum = 0;

	/* A name fills at most its field (without a NUL when it is exactly 100 bytes long,
	   as ocaml-tar writes it); a size or time past 11 octal digits would need the pax
	   header XAPI never writes for an XVA's members. */
	if (len == 0 || len > TAR_NAME_MAX || size > TAR_NUM_MAX || mtime < 0 ||
	    (unsigned long long)mtime > TAR_NUM_MAX)
		return -1;
	memset(hdr, 0, TAR_BLOCK);
	memcpy(hdr + OFF_NAME, name, len);
	octal(hdr, OFF_MODE, LEN_ID, TAR_MODE);
	octal(hdr, OFF_UID, LEN_ID, 0);
	octal(hdr, OFF_GID, LEN_ID, 0);
	octal(hdr, OFF_SIZE, LEN_NUM, size);
	octal(hdr, OFF_MTIME, LEN_NUM, (unsigned long long)mtime);
	hdr[OFF_TYPE] = '\0';
	/* The checksum: every byte summed with its own field counted as eight spaces. */
	memset(hdr + OFF_CHKSUM, ' ', LEN_ID);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += hdr[i];
	octal(hdr, OFF_CHKSUM, LEN_ID, sum);
	return 0;
}

size_t
tar_padding(unsigned long long size)
{
	return (size_t)((TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
}
