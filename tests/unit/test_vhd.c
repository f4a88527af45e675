/* Unit tests of lib/vhd.c: footers, dynamic headers and BATs written and read back, the
   geometry and checksum as the specification computes them, and every way a stream's
   structures can be wrong refused with its reason. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "vhd.h"

#define GIB	(1ull << 30)

static const uint8_t uuid[VHD_UUID_LEN] = {
	0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef,
	0x81, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

/* Big-endian fields, written with the BAT's setter (a 32-bit big-endian store). */
static void
put32(uint8_t *p, uint32_t v)
{
	vhd_bat_set(p, 0, v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	vhd_bat_set(p, 0, (uint32_t)(v >> 32));
	vhd_bat_set(p, 1, (uint32_t)v);
}

/* Sets the checksum field at at of p[0..n) right, after a test changed a field. */
static void
resum(uint8_t *p, size_t n, size_t at)
{
	put32(p + at, vhd_checksum(p, n, at));
}

static void
test_geometry(void)
{
	uint16_t	c;
	uint8_t		h, s;

	vhd_geometry(4 * GIB, &c, &h, &s);
	ok(c == 8322 && h == 16 && s == 63, "4 GiB: %u/%u/%u", c, h, s);
	vhd_geometry(10 * 1024 * 1024, &c, &h, &s);
	ok(c == 301 && h == 4 && s == 17, "10 MiB: %u/%u/%u", c, h, s);
	vhd_geometry(0, &c, &h, &s);
	ok(c == 0 && h == 4 && s == 17, "empty: %u/%u/%u", c, h, s);
	vhd_geometry(127ull * GIB, &c, &h, &s);
	ok(c == 65278 && h == 16 && s == 255, "127 GiB: the 255-sector form: %u/%u/%u", c, h, s);
	vhd_geometry(VHD_MAX_SIZE, &c, &h, &s);
	ok(c == 65535 && h == 16 && s == 255, "2040 GiB saturates: %u/%u/%u", c, h, s);
	/* 65535*16*63 sectors exactly: the specification's ">=" takes the 255 form. */
	vhd_geometry(65535ull * 16 * 63 * 512, &c, &h, &s);
	ok(s == 255 && h == 16 && c == 65535ull * 63 / 255, "the boundary: %u/%u/%u", c, h, s);
}

static void
test_checksum_time_uuid(void)
{
	uint8_t	p[8] = { 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff }, u[VHD_UUID_LEN];

	ok(vhd_checksum(p, sizeof(p), 4) == ~10u, "the checksum skips its own field");
	ok(vhd_checksum(p, 0, 0) == 0xffffffffu, "of nothing: all ones");
	ok(vhd_time(VHD_EPOCH) == 0 && vhd_time(VHD_EPOCH + 86400) == 86400,
	    "time stamps count from 2000");
	ok(vhd_time(0) == 0, "before 2000: 0");
	ok(vhd_uuid_parse("12345678-9abc-4DEF-8123-456789abcdef", u) == 0 &&
	    memcmp(u, uuid, sizeof(u)) == 0, "a uuid read, either case");
	memset(u, 0xa5, sizeof(u));
	ok(vhd_uuid_parse("12345678-9abc-4def-8123-456789abcde", u) == -1 && u[0] == 0xa5,
	    "refused: a short uuid, output unchanged");
	ok(vhd_uuid_parse("12345678-9abc-4def-8123-456789abcdef0", u) == -1,
	    "refused: a long uuid");
	ok(vhd_uuid_parse("123456789abc-4def-8123-456789abcdef-", u) == -1,
	    "refused: dashes misplaced");
	ok(vhd_uuid_parse("1234567g-9abc-4def-8123-456789abcdef", u) == -1,
	    "refused: not hex");
	ok(vhd_uuid_parse("", u) == -1, "refused: empty");
}

static void
test_footer(void)
{
	struct vhd_footer	f, g;
	uint8_t			b[VHD_FOOTER_SIZE], c[VHD_FOOTER_SIZE];
	const char		*why = NULL;

	vhd_footer_make(&f, VHD_DYNAMIC, 4 * GIB, uuid, 1000);
	vhd_footer_pack(&f, b);
	ok(memcmp(b, "conectix", 8) == 0 && b[63] == VHD_DYNAMIC && b[16 + 7] == 0x00 &&
	    b[16 + 6] == 0x02, "packed: cookie, type, data offset 512");
	ok(memcmp(b + 28, "tap\0", 4) == 0, "creator \"tap\"");
	ok(vhd_footer_parse(b, &g, &why) == 0 && g.current_size == 4 * GIB &&
	    g.original_size == 4 * GIB && g.disk_type == VHD_DYNAMIC && g.timestamp == 1000 &&
	    g.data_offset == 512 && g.cylinders == 8322 && g.heads == 16 && g.sectors == 63 &&
	    memcmp(g.uuid, uuid, VHD_UUID_LEN) == 0 && g.features == 2,
	    "read back: %s", why ? why : "ok");
	vhd_footer_pack(&g, c);
	ok(memcmp(b, c, sizeof(b)) == 0, "packed again: the same bytes");

	vhd_footer_make(&f, VHD_FIXED, 1 << 20, uuid, 0);
	vhd_footer_pack(&f, b);
	ok(vhd_footer_parse(b, &g, &why) == 0 && g.disk_type == VHD_FIXED &&
	    g.data_offset == 0xffffffffffffffffull, "a fixed disk's footer: no header");

#define BAD_FOOTER(change, want) do {						\
	vhd_footer_make(&f, VHD_DYNAMIC, 4 * GIB, uuid, 1000);			\
	vhd_footer_pack(&f, b);							\
	change;									\
	why = NULL;								\
	memset(&g, 0xa5, sizeof(g));						\
	ok(vhd_footer_parse(b, &g, &why) == -1 && why != NULL &&		\
	    strstr(why, want) != NULL && g.disk_type == 0xa5a5a5a5u,		\
	    "refused: %s", why ? why : "(accepted)");				\
} while (0)
	BAD_FOOTER(b[0] = 'C', "cookie");
	BAD_FOOTER(memset(b, 0, sizeof(b)), "cookie");
	BAD_FOOTER(b[100] ^= 1, "checksum");
	BAD_FOOTER(b[64] ^= 1, "checksum");
	BAD_FOOTER((put32(b + 12, 0x00020000), resum(b, sizeof(b), 64)), "version");
	BAD_FOOTER((put32(b + 60, 1), resum(b, sizeof(b), 64)), "disk type");
	BAD_FOOTER((put32(b + 60, 5), resum(b, sizeof(b), 64)), "disk type");
	BAD_FOOTER((put64(b + 48, VHD_MAX_SIZE + 512), resum(b, sizeof(b), 64)), "2040 GiB");
	BAD_FOOTER((put64(b + 16, 0xffffffffffffffffull), resum(b, sizeof(b), 64)),
	    "header offset");
	BAD_FOOTER((put64(b + 16, 0), resum(b, sizeof(b), 64)), "header offset");
	BAD_FOOTER((put64(b + 16, 511), resum(b, sizeof(b), 64)), "header offset");
	BAD_FOOTER((put64(b + 16, VHD_MAX_HEADER_OFFSET + 512), resum(b, sizeof(b), 64)),
	    "header offset");
	/* At the limit it is fine. */
	vhd_footer_make(&f, VHD_DIFFERENCING, VHD_MAX_SIZE, uuid, 0);
	vhd_footer_pack(&f, b);
	ok(vhd_footer_parse(b, &g, &why) == 0 && g.current_size == VHD_MAX_SIZE,
	    "a 2040 GiB differencing disk is read");
}

static void
test_header(void)
{
	struct vhd_footer	f;
	struct vhd_header	h, g;
	uint8_t			b[VHD_HEADER_SIZE], c[VHD_HEADER_SIZE], loc[VHD_SECTOR_SIZE];
	const char		*why = NULL;
	static const char	path[] = "/srv/sr/\xc3\xa9t\xf0\x9f\x98\x80.raw";
	char			long_path[600];

	vhd_footer_make(&f, VHD_DYNAMIC, 4 * GIB + 1, uuid, 0);
	vhd_header_make(&h, f.current_size);
	ok(h.max_entries == 2049 && h.table_offset == 2048 && h.block_size == VHD_BLOCK_SIZE,
	    "a header for 4 GiB + 1: 2049 blocks, the BAT at 2048");
	vhd_header_pack(&h, b);
	ok(memcmp(b, "cxsparse", 8) == 0 && b[8] == 0xff && b[15] == 0xff,
	    "packed: cookie, no data offset");
	ok(vhd_header_parse(b, &f, &g, &why) == 0 && g.max_entries == 2049 &&
	    g.table_offset == 2048, "read back: %s", why ? why : "ok");

	ok(vhd_header_set_parent(&h, uuid, 77, path, loc) == 0, "a parent named");
	vhd_header_pack(&h, b);
	ok(vhd_header_parse(b, &f, &g, &why) == 0 && g.parent_timestamp == 77 &&
	    memcmp(g.parent_uuid, uuid, VHD_UUID_LEN) == 0 && g.loc[0].code == VHD_PLATFORM_MACX &&
	    g.loc[0].space == 1 && g.loc[0].offset == 1536 &&
	    g.loc[0].length == strlen(path) + 7 && g.loc[1].code == 0,
	    "the parent read back");
	ok(memcmp(loc, "file:///srv/sr/", 15) == 0 && loc[7 + strlen(path)] == 0,
	    "the locator's data: a file URL");
	/* "/srv/sr/" then U+00E9, 't', U+1F600 as a surrogate pair. */
	ok(g.parent_name[0] == 0 && g.parent_name[1] == '/' && g.parent_name[16] == 0x00 &&
	    g.parent_name[17] == 0xe9 && g.parent_name[19] == 't' &&
	    g.parent_name[20] == 0xd8 && g.parent_name[21] == 0x3d &&
	    g.parent_name[22] == 0xde && g.parent_name[23] == 0x00 &&
	    g.parent_name[24] == 0 && g.parent_name[25] == '.' && g.parent_name[32] == 0 &&
	    g.parent_name[33] == 0, "the name in UTF-16BE");
	vhd_header_pack(&g, c);
	ok(memcmp(b, c, sizeof(b)) == 0, "packed again: the same bytes");
	ok(vhd_header_set_parent(&h, uuid, 0, "/bad\xff", loc) == -1, "refused: not UTF-8");
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	ok(vhd_header_set_parent(&h, uuid, 0, long_path, loc) == -1, "refused: too long");
	long_path[VHD_PARENT_NAME_SIZE / 2 + 1] = '\0';
	ok(vhd_header_set_parent(&h, uuid, 0, long_path, loc) == -1,
	    "refused: a name of 257 characters");
	long_path[VHD_PARENT_NAME_SIZE / 2] = '\0';
	ok(vhd_header_set_parent(&h, uuid, 0, long_path, loc) == 0 &&
	    h.loc[0].length == 7 + VHD_PARENT_NAME_SIZE / 2, "a name of 256 just fits");

#define BAD_HEADER(change, want) do {						\
	vhd_footer_make(&f, VHD_DYNAMIC, 4 * GIB, uuid, 0);			\
	vhd_header_make(&h, f.current_size);					\
	vhd_header_pack(&h, b);							\
	change;									\
	why = NULL;								\
	memset(&g, 0xa5, sizeof(g));						\
	ok(vhd_header_parse(b, &f, &g, &why) == -1 && why != NULL &&		\
	    strstr(why, want) != NULL && g.max_entries == 0xa5a5a5a5u,		\
	    "refused: %s", why ? why : "(accepted)");				\
} while (0)
	BAD_HEADER(b[1] = 'X', "cookie");
	BAD_HEADER(b[500] = 1, "checksum");
	BAD_HEADER((put64(b + 8, 0), resum(b, sizeof(b), 36)), "data offset");
	BAD_HEADER((put32(b + 24, 0x00010001), resum(b, sizeof(b), 36)), "version");
	BAD_HEADER((put32(b + 32, 1 << 20), resum(b, sizeof(b), 36)), "2 MiB");
	BAD_HEADER((put32(b + 32, 0), resum(b, sizeof(b), 36)), "2 MiB");
	BAD_HEADER((put32(b + 28, 2047), resum(b, sizeof(b), 36)), "fewer entries");
	BAD_HEADER((put32(b + 28, VHD_MAX_BLOCKS + 1), resum(b, sizeof(b), 36)), "more entries");
	BAD_HEADER((put64(b + 16, 1024), resum(b, sizeof(b), 36)), "overlaps");
	BAD_HEADER((put64(b + 16, 1535), resum(b, sizeof(b), 36)), "overlaps");
	BAD_HEADER((put64(b + 16, 1537), resum(b, sizeof(b), 36)), "out of range");
	BAD_HEADER((put64(b + 16, 0xfffffffffffffe00ull), resum(b, sizeof(b), 36)),
	    "out of range");
	BAD_HEADER((put64(b + 16, 0xffffffffull * 512), resum(b, sizeof(b), 36)),
	    "out of range");
	/* XO's own layout, the BAT right after the header, is fine; so are spare entries. */
	vhd_header_make(&h, 4 * GIB);
	h.table_offset = 1536;
	h.max_entries = 4096;
	vhd_header_pack(&h, b);
	ok(vhd_header_parse(b, &f, &g, &why) == 0, "the BAT at 1536 with spare entries");
}

static void
test_bat(void)
{
	struct vhd_header	h;
	uint8_t			*bat;
	uint32_t		 order[8], n = 99, first;
	const char		*why = NULL;
	size_t			 i;

	ok(vhd_blocks(0) == 0 && vhd_blocks(1) == 1 && vhd_blocks(VHD_BLOCK_SIZE) == 1 &&
	    vhd_blocks(VHD_BLOCK_SIZE + 1) == 2, "blocks counted up");
	ok(vhd_bat_bytes(0) == 0 && vhd_bat_bytes(1) == 512 && vhd_bat_bytes(128) == 512 &&
	    vhd_bat_bytes(129) == 1024, "BAT sizes in whole sectors");

	vhd_header_make(&h, 8ull * VHD_BLOCK_SIZE);
	bat = malloc(vhd_bat_bytes(h.max_entries));
	memset(bat, 0xff, vhd_bat_bytes(h.max_entries));
	first = (uint32_t)((h.table_offset + vhd_bat_bytes(h.max_entries)) / 512);
	ok(vhd_bat_order(bat, &h, order, &n, &why) == 0 && n == 0, "no blocks: none in order");
	/* Blocks 5, 1, 6 in that order on disk. */
	vhd_bat_set(bat, 5, first);
	vhd_bat_set(bat, 1, first + 4097);
	vhd_bat_set(bat, 6, first + 2 * 4097 + 10);	/* padding between is fine */
	ok(vhd_bat_get(bat, 5) == first && vhd_bat_get(bat, 0) == VHD_BAT_UNUSED,
	    "entries set and read");
	ok(vhd_bat_order(bat, &h, order, &n, &why) == 0 && n == 3 && order[0] == 5 &&
	    order[1] == 1 && order[2] == 6, "ordered by offset: %u %u %u", order[0], order[1],
	    order[2]);
	vhd_bat_set(bat, 1, first + 4096);
	n = 99;
	ok(vhd_bat_order(bat, &h, order, &n, &why) == -1 && strstr(why, "overlap") && n == 99,
	    "refused: %s", why);
	vhd_bat_set(bat, 1, first);
	ok(vhd_bat_order(bat, &h, order, &n, &why) == -1 && strstr(why, "overlap"),
	    "refused: two entries at one offset: %s", why);
	vhd_bat_set(bat, 1, first - 1);
	ok(vhd_bat_order(bat, &h, order, &n, &why) == -1 && strstr(why, "before the end"),
	    "refused: %s", why);
	vhd_bat_set(bat, 1, 0);
	ok(vhd_bat_order(bat, &h, order, &n, &why) == -1 && strstr(why, "before the end"),
	    "refused: a block at 0");
	/* Every block, in reverse. */
	for (i = 0; i < 8; i++)
		vhd_bat_set(bat, (uint32_t)i, first + (uint32_t)(7 - i) * 4097);
	ok(vhd_bat_order(bat, &h, order, &n, &why) == 0 && n == 8 && order[0] == 7 &&
	    order[7] == 0, "eight blocks in reverse order");
	vhd_bat_set(bat, 3, 0xfffffffe);
	ok(vhd_bat_order(bat, &h, order, &n, &why) == 0 && n == 8 && order[7] == 3,
	    "a block at the last sector a BAT can name");
	free(bat);

	{
		uint8_t	bm[VHD_BITMAP_SIZE] = { 0x80, 0x01 };

		bm[VHD_BITMAP_SIZE - 1] = 0x01;
		ok(vhd_bitmap_get(bm, 0) && !vhd_bitmap_get(bm, 1) && vhd_bitmap_get(bm, 15) &&
		    !vhd_bitmap_get(bm, 14) && vhd_bitmap_get(bm, VHD_BLOCK_SECTORS - 1),
		    "bitmap bits: the first sector is the high bit");
	}
}

int
main(void)
{
	test_geometry();
	test_checksum_time_uuid();
	test_footer();
	test_header();
	test_bat();
	return done_testing();
}
