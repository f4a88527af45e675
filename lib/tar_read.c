/*
 * Reading tar member headers as XAPI's import does (ocaml-tar): POSIX ustar and GNU
 * headers, sizes in octal or GNU base-256, the header checksum verified. Only the header
 * block itself is read here; the caller reads the member's data and padding.
 */
#include <stdint.h>
#include <string.h>

#include "tar.h"

/* The header's fields: offsets and lengths. */
#define F_NAME		0
#define F_NAME_LEN	100
#define F_SIZE		124
#define F_SIZE_LEN	12
#define F_CHKSUM	148
#define F_CHKSUM_LEN	8
#define F_TYPE		156
#define F_MAGIC		257
#define F_PREFIX	345
#define F_PREFIX_LEN	155

#define BASE256		0x80	/* GNU: the first byte of a number held in binary */
#define SIZE_MAX_BITS	62	/* sizes stay well inside a signed 64-bit offset */

/*
 * Reads an octal number field: optional leading spaces, octal digits, then only NULs or
 * spaces to the field's end (which may come right after the digits). Returns 0 or -1.
 */
static int
octal(const unsigned char *p, size_t len, unsigned long long *out)
{
	unsigned long long	v = 0;
	size_t			i = 0, digits = 0;

	while (i < len && p[i] == ' ')
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (v >> (SIZE_MAX_BITS - 3) != 0)
			return -1;
		v = v << 3 | (unsigned long long)(p[i] - '0');
	}
	for (; i < len; i++)
		if (p[i] != '\0' && p[i] != ' ')
			return -1;
	if (digits == 0)
		return -1;
	*out = v;
	return 0;
}

/* GNU's base-256 size: the rest of the first byte's bits and the other bytes, big-endian.
   Returns 0, or -1 for a negative number (0xff) or one too large. */
static int
base256(const unsigned char *p, size_t len, unsigned long long *out)
{
	unsigned long long	v;
	size_t			i;

	if (p[0] & 0x40)
		return -1;		/* the sign bit: negative */
	v = p[0] & 0x3f;
	for (i = 1; i < len; i++) {
		if (v >> (SIZE_MAX_BITS - 8) != 0)
			return -1;
		v = v << 8 | p[i];
	}
	*out = v;
	return 0;
}

/* The two sums a header's checksum may hold: its bytes with the checksum field as spaces,
   unsigned (POSIX) and signed (historic tars). */
static void
sums(const unsigned char hdr[TAR_BLOCK], long long *usum, long long *ssum)
{
	size_t	i;

	*usum = *ssum = 0;
	for (i = 0; i < TAR_BLOCK; i++) {
		unsigned char	c = i >= F_CHKSUM && i < F_CHKSUM + F_CHKSUM_LEN ? ' ' : hdr[i];

		*usum += c;
		*ssum += (signed char)c;
	}
}

int
tar_parse_header(const unsigned char hdr[TAR_BLOCK], struct tar_member *m, const char **why)
{
	unsigned long long	 want, size;
	long long		 usum, ssum;
	const unsigned char	*nul;
	size_t			 i, namelen, prefixlen = 0;

	for (i = 0; i < TAR_BLOCK && hdr[i] == 0; i++)
		;
	if (i == TAR_BLOCK)
		return 0;
	if (octal(hdr + F_CHKSUM, F_CHKSUM_LEN, &want) == -1) {
		*why = "the header's checksum field is not an octal number";
		return -1;
	}
	sums(hdr, &usum, &ssum);
	if ((long long)want != usum && (long long)want != ssum) {
		*why = "the header's checksum does not match its bytes";
		return -1;
	}
	if ((nul = memchr(hdr + F_NAME, '\0', F_NAME_LEN)) == NULL) {
		*why = "the member's name has no NUL within its 100 bytes";
		return -1;
	}
	if ((namelen = (size_t)(nul - (hdr + F_NAME))) == 0) {
		*why = "the member has no name";
		return -1;
	}
	/* POSIX ustar (not GNU's "ustar  ", whose prefix bytes mean other things) may put
	   the start of a long name in the prefix. */
	if (memcmp(hdr + F_MAGIC, "ustar\0", 6) == 0 && hdr[F_PREFIX] != '\0') {
		nul = memchr(hdr + F_PREFIX, '\0', F_PREFIX_LEN);
		prefixlen = nul != NULL ? (size_t)(nul - (hdr + F_PREFIX)) : F_PREFIX_LEN;
		if (prefixlen + 1 + namelen > TAR_NAME_MAX) {
			*why = "the member's name with its ustar prefix is longer than 100 bytes";
			return -1;
		}
	}
	if (hdr[F_SIZE] & BASE256) {
		if (base256(hdr + F_SIZE, F_SIZE_LEN, &size) == -1) {
			*why = "the member's base-256 size is negative or too large";
			return -1;
		}
	} else if (octal(hdr + F_SIZE, F_SIZE_LEN, &size) == -1) {
		*why = "the member's size is not an octal number (or is too large)";
		return -1;
	}
	if (prefixlen > 0) {
		memcpy(m->name, hdr + F_PREFIX, prefixlen);
		m->name[prefixlen] = '/';
		memcpy(m->name + prefixlen + 1, hdr + F_NAME, namelen);
		m->name[prefixlen + 1 + namelen] = '\0';
	} else {
		memcpy(m->name, hdr + F_NAME, namelen);
		m->name[namelen] = '\0';
	}
	m->size = size;
	m->type = (char)hdr[F_TYPE];
	return 1;
}
