/*
 * Unit tests of lib/tar_read.c: headers as XAPI, GNU tar and Python's tarfile write them
 * (ustar, GNU, octal and base-256 sizes, a ustar prefix), and broken ones: bad checksums,
 * sizes that are not numbers, names without their NUL.
 */
#include <stdio.h>
#include <string.h>

#include "nitems.h"
#include "tar.h"
#include "tap.h"

enum { POSIX, GNU, V7 };

/* Writes the checksum field as tar does: six octal digits, NUL, space. */
static void
checksum(unsigned char h[TAR_BLOCK], int sign)
{
	long	sum = 0;
	size_t	i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += sign ? (long)(signed char)h[i] : (long)h[i];
	snprintf((char *)h + 148, 8, "%06lo", sum);
	h[155] = ' ';
}

/* A regular file's header in one of the three formats. */
static void
header(unsigned char h[TAR_BLOCK], const char *name, unsigned long long size, int format)
{
	memset(h, 0, TAR_BLOCK);
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011llo", size);
	memcpy(h + 136, "14723604720", 12);
	h[156] = '0';
	if (format == POSIX)
		memcpy(h + 257, "ustar\00000", 8);
	else if (format == GNU)
		memcpy(h + 257, "ustar  \0", 8);
	checksum(h, 0);
}

static int
parse(const unsigned char h[TAR_BLOCK], struct tar_member *m, const char **why)
{
	memset(m, 0x5a, sizeof(*m));
	*why = NULL;
	return tar_parse_header(h, m, why);
}

static void
good(void)
{
	unsigned char		h[TAR_BLOCK];
	struct tar_member	m;
	const char		*why;
	int			f;

	for (f = POSIX; f <= V7; f++) {
		header(h, "ova.xml", 12345, f);
		ok(parse(h, &m, &why) == 1 && strcmp(m.name, "ova.xml") == 0 && m.size == 12345 &&
		    m.type == '0', "format %d: ova.xml, 12345 bytes", f);
	}
	header(h, "Ref:12/00000007.xxhash", 16, POSIX);
	ok(parse(h, &m, &why) == 1 && strcmp(m.name, "Ref:12/00000007.xxhash") == 0 &&
	    m.size == 16, "a checksum member");
	header(h, "Ref:3/00000000", 1048576, GNU);
	h[156] = '\0';
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && m.type == '\0' && m.size == 1048576,
	    "an old-style regular file (type NUL), 1 MiB");
	header(h, "x", 0, POSIX);
	ok(parse(h, &m, &why) == 1 && m.size == 0, "an empty member");

	/* The size as ocaml-tar and others write it: leading spaces, a space terminator. */
	header(h, "ova.xml", 0, POSIX);
	memcpy(h + 124, "     1750 \0\0", 12);
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && m.size == 01750, "size with spaces around");
	memcpy(h + 124, "777777777777", 12);
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && m.size == 0777777777777ULL,
	    "twelve octal digits, no terminator");

	/* GNU base-256: a disk chunk file larger than 8 GiB. */
	header(h, "big", 0, GNU);
	memset(h + 124, 0, 12);
	h[124] = 0x80;
	h[131] = 0x02;		/* 2 << 32 */
	h[135] = 0x10;
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && m.size == (2ULL << 32) + 0x10, "base-256 size");

	/* A checksum made of signed bytes (historic tars) over a name with high bytes. */
	header(h, "caf\xc3\xa9", 1, POSIX);
	checksum(h, 1);
	ok(parse(h, &m, &why) == 1 && strcmp(m.name, "caf\xc3\xa9") == 0, "signed checksum");

	/* A ustar prefix (POSIX only) makes the start of a longer name. */
	header(h, "00000001", 3, POSIX);
	memcpy(h + 345, "Ref:9", 5);
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && strcmp(m.name, "Ref:9/00000001") == 0, "ustar prefix");
	header(h, "00000001", 3, GNU);
	memcpy(h + 345, "Ref:9", 5);
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && strcmp(m.name, "00000001") == 0,
	    "GNU headers' prefix bytes are not a name");
	header(h, "d", 0, POSIX);
	h[156] = '5';
	checksum(h, 0);
	ok(parse(h, &m, &why) == 1 && m.type == '5', "a directory's type is passed on");
	memset(h, 0, TAR_BLOCK);
	ok(parse(h, &m, &why) == 0, "an all-zero block is the archive's end");
}

/* Headers broken one way each: bytes written over a fresh header at off (fill: that
   byte len times instead), the checksum made again or not. */
static const struct broken {
	int		 format;
	size_t		 off, len;
	const char	*bytes;
	int		 fill;		/* -1: bytes */
	int		 resum;
	const char	*want, *what;
} broken[] = {
	{ POSIX, 0, 1, "O", -1, 0, "checksum does not match", "a flipped byte in the name" },
	{ POSIX, 300, 1, "\x01", -1, 0, "checksum does not match", "a byte changed anywhere" },
	{ POSIX, 148, 8, "12x4567", -1, 0, "checksum field is not an octal",
	    "a checksum that is not octal" },
	{ POSIX, 148, 8, NULL, ' ', 0, "checksum field is not an octal", "a blank checksum" },
	{ POSIX, 124, 12, "0000000001x", -1, 1, "size is not an octal", "a size with a letter" },
	{ POSIX, 124, 12, "00000000018", -1, 1, "size is not an octal", "a size with an 8" },
	{ POSIX, 124, 12, NULL, 0, 1, "size is not an octal", "an empty size" },
	{ POSIX, 124, 12, "-0000000001", -1, 1, "size is not an octal", "a negative size" },
	{ POSIX, 124, 12, "00001 00001", -1, 1, "size is not an octal",
	    "digits after the terminator" },
	{ GNU, 124, 12, NULL, 0xff, 1, "base-256 size is negative", "a negative base-256 size" },
	{ GNU, 124, 12, NULL, 0xbf, 1, "too large", "a base-256 size past 2^62" },
	{ POSIX, 0, 100, NULL, 'a', 1, "no NUL within its 100 bytes",
	    "a name of 100 bytes without its NUL" },
	{ POSIX, 0, 100, NULL, 0, 1, "has no name", "an empty name" },
	{ POSIX, 345, 70, NULL, 'a', 1, "longer than 100 bytes", "a prefixed name past 100 bytes" },
};

static void
bad(void)
{
	unsigned char		 h[TAR_BLOCK];
	struct tar_member	 m;
	const char		*why;
	size_t			 i;
	int			 r;

	for (i = 0; i < nitems(broken); i++) {
		const struct broken	*b = &broken[i];

		header(h, "0123456789012345678901234567890123456789", 10, b->format);
		if (b->fill == -1)
			memcpy(h + b->off, b->bytes, strlen(b->bytes) + (b->len > strlen(b->bytes)));
		else
			memset(h + b->off, b->fill, b->len);
		if (b->resum)
			checksum(h, 0);
		r = parse(h, &m, &why);
		ok(r == -1 && why != NULL && strstr(why, b->want) != NULL, "refused: %s (%s)",
		    b->what, why != NULL ? why : "no reason");
	}
	memset(h, 0, TAR_BLOCK);
	h[511] = 1;
	r = parse(h, &m, &why);
	ok(r == -1 && why != NULL && strstr(why, "checksum") != NULL,
	    "refused: a block that is all zeros but its last byte (%s)", why ? why : "none");
}

int
main(void)
{
	good();
	bad();
	return done_testing();
}
