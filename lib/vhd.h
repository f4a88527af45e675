#ifndef ATOLL_VHD_H
#define ATOLL_VHD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The VHD format (Microsoft's Virtual Hard Disk Image Format Specification, as XAPI's
 * vhd-tool streams it): a 512-byte footer ("conectix"); for a dynamic or differencing disk
 * a copy of it at offset 0, a 1024-byte dynamic header ("cxsparse"), the block allocation
 * table (BAT: one big-endian sector number per 2 MiB block, 0xFFFFFFFF when absent), and
 * each present block as a 512-byte sector bitmap and 2 MiB of data; the footer again last.
 * All fields are big-endian; footer and header carry a one's-complement byte sum.
 */

#define VHD_COOKIE		"conectix"	/* a footer's first 8 bytes */
#define VHD_COOKIE_LEN		8
#define VHD_SECTOR_SIZE		512
#define VHD_FOOTER_SIZE		512
#define VHD_HEADER_SIZE		1024
#define VHD_BLOCK_SIZE		(2u << 20)
#define VHD_BLOCK_SECTORS	(VHD_BLOCK_SIZE / VHD_SECTOR_SIZE)
#define VHD_BITMAP_SIZE		(VHD_BLOCK_SECTORS / 8)	/* one sector */
#define VHD_BAT_UNUSED		0xffffffffu
/* XAPI's limit for VHD disks (Constants.max_vhd_size): 2040 GiB. */
#define VHD_MAX_SIZE		(2040ull << 30)
#define VHD_MAX_BLOCKS		((uint32_t)(VHD_MAX_SIZE / VHD_BLOCK_SIZE))
/* Where the header may start at most: vhd-tool, qemu and XO put it at 512. */
#define VHD_MAX_HEADER_OFFSET	(1u << 20)
/* Seconds from the Unix epoch to the VHD one (2000-01-01 00:00:00 UTC). */
#define VHD_EPOCH		946684800LL
#define VHD_UUID_LEN		16
#define VHD_PARENT_NAME_SIZE	512	/* bytes: 256 UTF-16 code units, big-endian */
#define VHD_LOCATORS		8

/* The layout this code writes, vhd-tool's: header at 512, the parent locator's data in
   the sector at 1536, the BAT at 2048. */
#define VHD_HEADER_OFFSET	512
#define VHD_LOCATOR_OFFSET	1536
#define VHD_TABLE_OFFSET	2048

/* Disk types. */
#define VHD_FIXED		2
#define VHD_DYNAMIC		3
#define VHD_DIFFERENCING	4

/* Parent locator platform code "MacX": a file:// URL, as vhd-tool writes. */
#define VHD_PLATFORM_MACX	0x4d616358u

struct vhd_footer {
	uint32_t	features;
	uint64_t	data_offset;	/* the header's offset; all ones for a fixed disk */
	uint32_t	timestamp;	/* seconds since VHD_EPOCH */
	char		creator_app[4];
	uint32_t	creator_version;
	uint32_t	creator_os;
	uint64_t	original_size;
	uint64_t	current_size;	/* the disk's size in bytes */
	uint16_t	cylinders;
	uint8_t		heads;
	uint8_t		sectors;
	uint32_t	disk_type;
	uint8_t		uuid[VHD_UUID_LEN];
	uint8_t		saved_state;
};

struct vhd_locator {
	uint32_t	code;		/* platform code; 0: none */
	uint32_t	space;		/* sectors reserved for the data */
	uint32_t	length;		/* bytes of data */
	uint64_t	offset;		/* where the data is */
};

struct vhd_header {
	uint64_t	table_offset;	/* the BAT's offset */
	uint32_t	max_entries;	/* BAT entries */
	uint32_t	block_size;
	uint8_t		parent_uuid[VHD_UUID_LEN];
	uint32_t	parent_timestamp;
	uint8_t		parent_name[VHD_PARENT_NAME_SIZE];	/* as stored: UTF-16BE */
	struct vhd_locator loc[VHD_LOCATORS];
};

/* The one's-complement of the sum of p[0..n)'s bytes, the 4 bytes at skip (the checksum
   field) counted as zeros. */
uint32_t vhd_checksum(const uint8_t *p, size_t n, size_t skip);
/* The CHS geometry of a disk of size bytes, as the specification's appendix computes it. */
void	vhd_geometry(uint64_t size, uint16_t *cylinders, uint8_t *heads, uint8_t *sectors);
/* Unix time t as a VHD time stamp (0 before 2000, saturated after 2136). */
uint32_t vhd_time(time_t t);
/* Reads a UUID written 8-4-4-4-12 in hex. Returns 0, or -1 (out unchanged). */
int	vhd_uuid_parse(const char *s, uint8_t out[VHD_UUID_LEN]);

/* The number of 2 MiB blocks that hold size bytes. */
uint64_t vhd_blocks(uint64_t size);
/* Bytes of a BAT of n entries, rounded up to a whole sector. */
uint64_t vhd_bat_bytes(uint64_t n);
/* Entry i of a BAT in its on-disk form, and setting it. */
uint32_t vhd_bat_get(const uint8_t *bat, uint32_t i);
void	vhd_bat_set(uint8_t *bat, uint32_t i, uint32_t sector);
/* Whether sector s (0..VHD_BLOCK_SECTORS) of a block is marked in its bitmap. */
int	vhd_bitmap_get(const uint8_t *bitmap, uint32_t s);

/* A footer of a disk of type and size bytes with uuid, written at timestamp, the way
   this code makes them (a dynamic or differencing disk's header at VHD_HEADER_OFFSET). */
void	vhd_footer_make(struct vhd_footer *f, uint32_t type, uint64_t size,
	    const uint8_t uuid[VHD_UUID_LEN], uint32_t timestamp);
/* Writes f, with its checksum, into out. */
void	vhd_footer_pack(const struct vhd_footer *f, uint8_t out[VHD_FOOTER_SIZE]);
/* Reads a footer. Returns 0, or -1 with *why saying what is wrong (a bad cookie or
   checksum, an unsupported version or disk type, a size over VHD_MAX_SIZE, a header
   offset that cannot be). */
int	vhd_footer_parse(const uint8_t in[VHD_FOOTER_SIZE], struct vhd_footer *f,
	    const char **why);

/* A dynamic header for a disk of size bytes (<= VHD_MAX_SIZE): the BAT at
   VHD_TABLE_OFFSET, one entry per block, no parent. */
void	vhd_header_make(struct vhd_header *h, uint64_t size);
/* Names the parent of a differencing disk as vhd-tool does: its uuid and time stamp, its
   path as the UTF-16 name and as a "file://" MacX locator whose data (written into loc,
   a sector) goes at VHD_LOCATOR_OFFSET. Returns 0, or -1 when path is not UTF-8 or does
   not fit. */
int	vhd_header_set_parent(struct vhd_header *h, const uint8_t uuid[VHD_UUID_LEN],
	    uint32_t timestamp, const char *path, uint8_t loc[VHD_SECTOR_SIZE]);
void	vhd_header_pack(const struct vhd_header *h, uint8_t out[VHD_HEADER_SIZE]);
/* Reads the dynamic header of the disk of footer f. Returns 0, or -1 with *why (a bad
   cookie or checksum, a block size other than 2 MiB, a BAT too small for the disk or
   larger than VHD_MAX_BLOCKS, a BAT that overlaps the header or lies out of range). */
int	vhd_header_parse(const uint8_t in[VHD_HEADER_SIZE], const struct vhd_footer *f,
	    struct vhd_header *h, const char **why);

/* The present blocks of BAT bat (of header h) in the order of their offsets: their
   indexes into order (room for h->max_entries) and their count into *n. Returns 0, or -1
   with *why when a block starts inside the BAT or before its end, or two blocks overlap. */
int	vhd_bat_order(const uint8_t *bat, const struct vhd_header *h, uint32_t *order,
	    uint32_t *n, const char **why);

#endif
