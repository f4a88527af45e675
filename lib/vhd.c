/*
 * The VHD format's structures (vhd.h): footer, dynamic header and BAT, written the way
 * XAPI's vhd-tool streams them and read with every field a stream reader depends on
 * checked.
 */
#include <ctype.h>
#include <string.h>

#include "utf8.h"
#include "vhd.h"

#define HEADER_COOKIE		"cxsparse"
#define VHD_VERSION		0x00010000u	/* footer's format and header's version */
#define FEATURES_RESERVED	0x00000002u	/* "always set" */
#define NO_OFFSET		0xffffffffffffffffull
#define FOOTER_CHECKSUM_AT	64
#define HEADER_CHECKSUM_AT	36
#define HEADER_NAME_AT		64
#define HEADER_LOCATORS_AT	576
#define LOCATOR_SIZE		24
/* XenServer's storage (blktap) names itself "tap\0"; readers such as qemu then take the
   disk's size from current_size rather than from the rounded-down geometry. */
#define CREATOR_APP		"tap"
#define CREATOR_VERSION		0x00000001u	/* vhd-tool's */
#define CREATOR_OS		0x00000000u	/* vhd-tool's ("Other 0") */
/* The geometry's limits, from the specification's appendix. */
#define CHS_MAX_SECTORS		(65535ull * 16 * 255)
#define CHS_LARGE_SECTORS	(65535ull * 16 * 63)
/* BAT entries are 32-bit sector numbers: nothing can start at or past this offset. */
#define MAX_OFFSET		((uint64_t)VHD_BAT_UNUSED * VHD_SECTOR_SIZE)
#define URL_PREFIX		"file://"

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

uint32_t
vhd_checksum(const uint8_t *p, size_t n, size_t skip)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		if (i < skip || i >= skip + 4)
			sum += p[i];
	return ~sum;
}

void
vhd_geometry(uint64_t size, uint16_t *cylinders, uint8_t *heads, uint8_t *sectors)
{
	uint64_t	total = size / VHD_SECTOR_SIZE, spt, h, cth;

	if (total > CHS_MAX_SECTORS)
		total = CHS_MAX_SECTORS;
	if (total >= CHS_LARGE_SECTORS) {
		spt = 255;
		h = 16;
		cth = total / spt;
	} else {
		spt = 17;
		cth = total / spt;
		h = (cth + 1023) / 1024;
		if (h < 4)
			h = 4;
		if (cth >= h * 1024 || h > 16) {
			spt = 31;
			h = 16;
			cth = total / spt;
		}
		if (cth >= h * 1024) {
			spt = 63;
			h = 16;
			cth = total / spt;
		}
	}
	*cylinders = (uint16_t)(cth / h);
	*heads = (uint8_t)h;
	*sectors = (uint8_t)spt;
}

uint32_t
vhd_time(time_t t)
{
	long long	s = (long long)t - VHD_EPOCH;

	if (s < 0)
		return 0;
	return s > 0xffffffffLL ? 0xffffffffu : (uint32_t)s;
}

int
vhd_uuid_parse(const char *s, uint8_t out[VHD_UUID_LEN])
{
	static const char	digits[] = "0123456789abcdef";
	const char		*d;
	uint8_t			 b[VHD_UUID_LEN] = { 0 };
	size_t			 i, j = 0;

	for (i = 0; i < 2 * VHD_UUID_LEN; i++, j++) {
		if ((i == 8 || i == 12 || i == 16 || i == 20) && s[j++] != '-')
			return -1;
		if (s[j] == '\0' || (d = strchr(digits, tolower((unsigned char)s[j]))) == NULL)
			return -1;
		b[i / 2] = (uint8_t)(b[i / 2] << 4 | (d - digits));
	}
	if (s[j] != '\0')
		return -1;
	memcpy(out, b, sizeof(b));
	return 0;
}

uint64_t
vhd_blocks(uint64_t size)
{
	return size / VHD_BLOCK_SIZE + (size % VHD_BLOCK_SIZE != 0);
}

uint64_t
vhd_bat_bytes(uint64_t n)
{
	return (n * 4 + VHD_SECTOR_SIZE - 1) / VHD_SECTOR_SIZE * VHD_SECTOR_SIZE;
}

uint32_t
vhd_bat_get(const uint8_t *bat, uint32_t i)
{
	return get32(bat + (size_t)i * 4);
}

void
vhd_bat_set(uint8_t *bat, uint32_t i, uint32_t sector)
{
	put32(bat + (size_t)i * 4, sector);
}

int
vhd_bitmap_get(const uint8_t *bitmap, uint32_t s)
{
	return bitmap[s / 8] >> (7 - s % 8) & 1;
}

void
vhd_footer_make(struct vhd_footer *f, uint32_t type, uint64_t size,
    const uint8_t uuid[VHD_UUID_LEN], uint32_t timestamp)
{
	memset(f, 0, sizeof(*f));
	f->features = FEATURES_RESERVED;
	f->data_offset = type == VHD_FIXED ? NO_OFFSET : VHD_HEADER_OFFSET;
	f->timestamp = timestamp;
	memcpy(f->creator_app, CREATOR_APP, sizeof(CREATOR_APP) - 1);
	f->creator_version = CREATOR_VERSION;
	f->creator_os = CREATOR_OS;
	f->original_size = size;
	f->current_size = size;
	vhd_geometry(size, &f->cylinders, &f->heads, &f->sectors);
	f->disk_type = type;
	memcpy(f->uuid, uuid, VHD_UUID_LEN);
}

void
vhd_footer_pack(const struct vhd_footer *f, uint8_t out[VHD_FOOTER_SIZE])
{
	memset(out, 0, VHD_FOOTER_SIZE);
	memcpy(out, VHD_COOKIE, VHD_COOKIE_LEN);
	put32(out + 8, f->features);
	put32(out + 12, VHD_VERSION);
	put64(out + 16, f->data_offset);
	put32(out + 24, f->timestamp);
	memcpy(out + 28, f->creator_app, 4);
	put32(out + 32, f->creator_version);
	put32(out + 36, f->creator_os);
	put64(out + 40, f->original_size);
	put64(out + 48, f->current_size);
	put16(out + 56, f->cylinders);
	out[58] = f->heads;
	out[59] = f->sectors;
	put32(out + 60, f->disk_type);
	memcpy(out + 68, f->uuid, VHD_UUID_LEN);
	out[84] = f->saved_state;
	put32(out + FOOTER_CHECKSUM_AT, vhd_checksum(out, VHD_FOOTER_SIZE, FOOTER_CHECKSUM_AT));
}

static int
refuse(const char **why, const char *what)
{
	*why = what;
	return -1;
}

int
vhd_footer_parse(const uint8_t in[VHD_FOOTER_SIZE], struct vhd_footer *f, const char **why)
{
	struct vhd_footer	t;

	if (memcmp(in, VHD_COOKIE, VHD_COOKIE_LEN) != 0)
		return refuse(why, "no VHD footer (its cookie is not \"conectix\")");
	if (get32(in + FOOTER_CHECKSUM_AT) !=
	    vhd_checksum(in, VHD_FOOTER_SIZE, FOOTER_CHECKSUM_AT))
		return refuse(why, "the VHD footer's checksum is wrong");
	if (get32(in + 12) != VHD_VERSION)
		return refuse(why, "the VHD footer's format version is not 1.0");
	memset(&t, 0, sizeof(t));
	t.features = get32(in + 8);
	t.data_offset = get64(in + 16);
	t.timestamp = get32(in + 24);
	memcpy(t.creator_app, in + 28, 4);
	t.creator_version = get32(in + 32);
	t.creator_os = get32(in + 36);
	t.original_size = get64(in + 40);
	t.current_size = get64(in + 48);
	t.cylinders = (uint16_t)(in[56] << 8 | in[57]);
	t.heads = in[58];
	t.sectors = in[59];
	t.disk_type = get32(in + 60);
	memcpy(t.uuid, in + 68, VHD_UUID_LEN);
	t.saved_state = in[84];
	if (t.disk_type != VHD_FIXED && t.disk_type != VHD_DYNAMIC &&
	    t.disk_type != VHD_DIFFERENCING)
		return refuse(why, "the VHD's disk type is not fixed (2), dynamic (3) or "
		    "differencing (4)");
	if (t.current_size > VHD_MAX_SIZE)
		return refuse(why, "the VHD's disk is larger than 2040 GiB");
	if (t.disk_type != VHD_FIXED &&
	    (t.data_offset < VHD_FOOTER_SIZE || t.data_offset > VHD_MAX_HEADER_OFFSET))
		return refuse(why, "the VHD's dynamic header offset is out of range");
	*f = t;
	return 0;
}

void
vhd_header_make(struct vhd_header *h, uint64_t size)
{
	memset(h, 0, sizeof(*h));
	h->table_offset = VHD_TABLE_OFFSET;
	h->max_entries = (uint32_t)vhd_blocks(size);
	h->block_size = VHD_BLOCK_SIZE;
}

/* Appends code point cp to h's parent name as UTF-16BE. Returns 0, or -1 when full. */
static int
name_put(struct vhd_header *h, size_t *units, uint32_t cp)
{
	size_t	need = cp >= 0x10000 ? 2 : 1;

	if ((*units + need) * 2 > VHD_PARENT_NAME_SIZE)
		return -1;
	if (need == 2) {
		cp -= 0x10000;
		put16(h->parent_name + *units * 2, (uint16_t)(0xd800 + (cp >> 10)));
		put16(h->parent_name + *units * 2 + 2, (uint16_t)(0xdc00 + (cp & 0x3ff)));
	} else
		put16(h->parent_name + *units * 2, (uint16_t)cp);
	*units += need;
	return 0;
}

/* The code point of the well-formed UTF-8 sequence of n bytes at s. */
static uint32_t
utf8_decode(const unsigned char *s, size_t n)
{
	uint32_t	cp = n == 1 ? s[0] : s[0] & (0x7f >> n);
	size_t		i;

	for (i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

int
vhd_header_set_parent(struct vhd_header *h, const uint8_t uuid[VHD_UUID_LEN],
    uint32_t timestamp, const char *path, uint8_t loc[VHD_SECTOR_SIZE])
{
	const unsigned char	*s = (const unsigned char *)path;
	size_t			 len = strlen(path), i, n, units = 0;

	if (sizeof(URL_PREFIX) - 1 + len > VHD_SECTOR_SIZE)
		return -1;
	memset(h->parent_name, 0, sizeof(h->parent_name));
	for (i = 0; i < len; i += n)
		if ((n = utf8_seq(s + i, len - i)) == 0 ||
		    name_put(h, &units, utf8_decode(s + i, n)) == -1)
			return -1;
	memcpy(h->parent_uuid, uuid, VHD_UUID_LEN);
	h->parent_timestamp = timestamp;
	memset(h->loc, 0, sizeof(h->loc));
	h->loc[0].code = VHD_PLATFORM_MACX;
	h->loc[0].space = 1;
	h->loc[0].length = (uint32_t)(sizeof(URL_PREFIX) - 1 + len);
	h->loc[0].offset = VHD_LOCATOR_OFFSET;
	memset(loc, 0, VHD_SECTOR_SIZE);
	memcpy(loc, URL_PREFIX, sizeof(URL_PREFIX) - 1);
	memcpy(loc + sizeof(URL_PREFIX) - 1, path, len);
	return 0;
}

void
vhd_header_pack(const struct vhd_header *h, uint8_t out[VHD_HEADER_SIZE])
{
	uint8_t	*l;
	size_t	 i;

	memset(out, 0, VHD_HEADER_SIZE);
	memcpy(out, HEADER_COOKIE, VHD_COOKIE_LEN);
	put64(out + 8, NO_OFFSET);
	put64(out + 16, h->table_offset);
	put32(out + 24, VHD_VERSION);
	put32(out + 28, h->max_entries);
	put32(out + 32, h->block_size);
	memcpy(out + 40, h->parent_uuid, VHD_UUID_LEN);
	put32(out + 56, h->parent_timestamp);
	memcpy(out + HEADER_NAME_AT, h->parent_name, sizeof(h->parent_name));
	for (i = 0; i < VHD_LOCATORS; i++) {
		l = out + HEADER_LOCATORS_AT + i * LOCATOR_SIZE;
		put32(l, h->loc[i].code);
		put32(l + 4, h->loc[i].space);
		put32(l + 8, h->loc[i].length);
		put64(l + 16, h->loc[i].offset);
	}
	put32(out + HEADER_CHECKSUM_AT, vhd_checksum(out, VHD_HEADER_SIZE, HEADER_CHECKSUM_AT));
}

int
vhd_header_parse(const uint8_t in[VHD_HEADER_SIZE], const struct vhd_footer *f,
    struct vhd_header *h, const char **why)
{
	struct vhd_header	t;
	const uint8_t		*l;
	size_t			 i;

	if (memcmp(in, HEADER_COOKIE, VHD_COOKIE_LEN) != 0)
		return refuse(why, "no VHD dynamic header (its cookie is not \"cxsparse\")");
	if (get32(in + HEADER_CHECKSUM_AT) !=
	    vhd_checksum(in, VHD_HEADER_SIZE, HEADER_CHECKSUM_AT))
		return refuse(why, "the VHD dynamic header's checksum is wrong");
	if (get64(in + 8) != NO_OFFSET)
		return refuse(why, "the VHD dynamic header's data offset is not unused");
	if (get32(in + 24) != VHD_VERSION)
		return refuse(why, "the VHD dynamic header's version is not 1.0");
	memset(&t, 0, sizeof(t));
	t.table_offset = get64(in + 16);
	t.max_entries = get32(in + 28);
	t.block_size = get32(in + 32);
	memcpy(t.parent_uuid, in + 40, VHD_UUID_LEN);
	t.parent_timestamp = get32(in + 56);
	memcpy(t.parent_name, in + HEADER_NAME_AT, sizeof(t.parent_name));
	for (i = 0; i < VHD_LOCATORS; i++) {
		l = in + HEADER_LOCATORS_AT + i * LOCATOR_SIZE;
		t.loc[i].code = get32(l);
		t.loc[i].space = get32(l + 4);
		t.loc[i].length = get32(l + 8);
		t.loc[i].offset = get64(l + 16);
	}
	if (t.block_size != VHD_BLOCK_SIZE)
		return refuse(why, "the VHD's block size is not 2 MiB");
	if (t.max_entries < vhd_blocks(f->current_size))
		return refuse(why, "the VHD's BAT has fewer entries than the disk has blocks");
	if (t.max_entries > VHD_MAX_BLOCKS)
		return refuse(why, "the VHD's BAT has more entries than a 2040 GiB disk needs");
	if (t.table_offset < f->data_offset + VHD_HEADER_SIZE)
		return refuse(why, "the VHD's BAT overlaps its dynamic header");
	if (t.table_offset % VHD_SECTOR_SIZE != 0 ||
	    t.table_offset > MAX_OFFSET - vhd_bat_bytes(t.max_entries))
		return refuse(why, "the VHD's BAT offset is out of range");
	*h = t;
	return 0;
}

/* Heap sort of order[0..n) by the BAT entries they index. */
static void
sift(const uint8_t *bat, uint32_t *order, size_t root, size_t n)
{
	size_t		child;
	uint32_t	t;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n &&
		    vhd_bat_get(bat, order[child + 1]) > vhd_bat_get(bat, order[child]))
			child++;
		if (vhd_bat_get(bat, order[root]) >= vhd_bat_get(bat, order[child]))
			return;
		t = order[root];
		order[root] = order[child];
		order[child] = t;
		root = child;
	}
}

int
vhd_bat_order(const uint8_t *bat, const struct vhd_header *h, uint32_t *order,
    uint32_t *n, const char **why)
{
	uint64_t	end = h->table_offset + vhd_bat_bytes(h->max_entries), at;
	uint32_t	i, k = 0, t;

	for (i = 0; i < h->max_entries; i++)
		if (vhd_bat_get(bat, i) != VHD_BAT_UNUSED)
			order[k++] = i;
	for (i = k / 2; i-- > 0;)
		sift(bat, order, i, k);
	for (i = k; i-- > 1;) {
		t = order[0];
		order[0] = order[i];
		order[i] = t;
		sift(bat, order, 0, i);
	}
	for (i = 0; i < k; i++) {
		at = (uint64_t)vhd_bat_get(bat, order[i]) * VHD_SECTOR_SIZE;
		if (at < end)
			return refuse(why, i == 0 ? "a VHD block starts before the end of the BAT" :
			    "two VHD blocks overlap");
		end = at + VHD_BITMAP_SIZE + VHD_BLOCK_SIZE;
	}
	*n = k;
	return 0;
}
