/* Unit tests of lib/tar_write.c: member headers byte for byte as XAPI's export writes them
   (V7: mode 0400, octal fields ended by NUL, no magic), names and sizes that do not fit,
   and the padding after a member. */
#include <string.h>

#include "tap.h"
#include "tar.h"

/* The field of hdr at off, len bytes, equals want's first len bytes. */
static int
field(const unsigned char *hdr, size_t off, const char *want, size_t len)
{
	return memcmp(hdr + off, want, len) == 0;
}

static int
zero(const unsigned char *hdr, size_t from, size_t to)
{
	for (; from < to; from++)
		if (hdr[from] != 0)
			return 0;
	return 1;
}

static void
layout(void)
{
	unsigned char	h[TAR_BLOCK];

	memset(h, 0xa5, sizeof(h));
	ok(tar_header(h, "ova.xml", 1234, 1700000000) == 0, "ova.xml's header is made");
	ok(field(h, 0, "ova.xml\0", 8) && zero(h, 8, 100), "name, NUL-padded to 100");
	ok(field(h, 100, "0000400\0", 8), "mode 0400 as Header.make's default");
	ok(field(h, 108, "0000000\0", 8) && field(h, 116, "0000000\0", 8), "uid and gid 0");
	ok(field(h, 124, "00000002322\0", 12), "size 1234 in octal");
	ok(field(h, 136, "14524770400\0", 12), "mtime in octal");
	/* Worked out independently: the sum of every byte, the checksum field as spaces. */
	ok(field(h, 148, "0006004\0", 8), "checksum, seven digits and a NUL");
	ok(h[156] == '\0', "type flag NUL: a regular file at the V7 level");
	ok(zero(h, 157, TAR_BLOCK), "no link name, no ustar magic, no user or group names");

	ok(tar_header(h, "Ref:3/00000000", 1048576, 0) == 0 &&
	    field(h, 124, "00004000000\0", 12) && field(h, 136, "00000000000\0", 12) &&
	    field(h, 148, "0006121\0", 8), "a chunk: 1 MiB, mtime 0");
	ok(tar_header(h, "Ref:3/00000000.xxhash", 16, 0) == 0 &&
	    field(h, 148, "0007421\0", 8), "its checksum member");
	ok(tar_header(h, "Ref:0/00000001", 0, 0) == 0 && field(h, 124, "00000000000\0", 12),
	    "an empty member (XAPI's keep-alive chunk)");
}

static void
limits(void)
{
	unsigned char	h[TAR_BLOCK];
	char		name[TAR_NAME_MAX + 2];

	memset(name, 'n', sizeof(name));
	name[TAR_NAME_MAX] = '\0';
	ok(tar_header(h, name, 1, 0) == 0 && h[99] == 'n' && h[100] == '0',
	    "a name of exactly 100 bytes fills its field without a NUL");
	name[TAR_NAME_MAX] = 'n';
	name[TAR_NAME_MAX + 1] = '\0';
	memset(h, 0xa5, sizeof(h));
	ok(tar_header(h, name, 1, 0) == -1, "a name of 101 bytes is refused");
	ok(tar_header(h, "", 1, 0) == -1, "an empty name is refused");
	ok(tar_header(h, "big", 077777777777ULL, 0) == 0 && field(h, 124, "77777777777\0", 12),
	    "the largest size 11 octal digits hold");
	ok(tar_header(h, "big", 077777777777ULL + 1, 0) == -1, "8 GiB is refused (pax)");
	ok(tar_header(h, "t", 0, -1) == -1, "a time before 1970 is refused");
	ok(tar_header(h, "t", 0, 077777777777LL + 1) == -1, "a time past 11 digits is refused");
}

static void
padding(void)
{
	ok(tar_padding(0) == 0, "nothing after an empty member");
	ok(tar_padding(1) == 511, "511 after 1 byte");
	ok(tar_padding(16) == 496, "496 after a .xxhash member");
	ok(tar_padding(40) == 472, "472 after a .checksum member");
	ok(tar_padding(512) == 0 && tar_padding(1048576) == 0, "none after whole blocks");
	ok(tar_padding(513) == 511, "511 after 513");
}

int
main(void)
{
	layout();
	limits();
	padding();
	return done_testing();
}
