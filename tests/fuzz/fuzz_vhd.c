/* libFuzzer target: lib/vhd.c reads any footer, dynamic header and BAT without reading
   past them; what it accepts survives writing and reading back, and a BAT it orders has
   its blocks after the BAT, in increasing offset, none overlapping. Inputs of odd length
   get their checksums set right first, so the checks behind them are reached too. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vhd.h"

#define FOOTER_CHECKSUM_AT	64
#define HEADER_CHECKSUM_AT	36

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
set_checksum(uint8_t *p, size_t n, size_t at)
{
	uint32_t	sum = vhd_checksum(p, n, at);

	p[at] = (uint8_t)(sum >> 24);
	p[at + 1] = (uint8_t)(sum >> 16);
	p[at + 2] = (uint8_t)(sum >> 8);
	p[at + 3] = (uint8_t)sum;
}

static void
check_order(const uint8_t *bat, const struct vhd_header *h, const uint32_t *order,
    uint32_t n)
{
	uint64_t	end = h->table_offset + vhd_bat_bytes(h->max_entries), at;
	uint32_t	i, present = 0;

	for (i = 0; i < h->max_entries; i++)
		present += vhd_bat_get(bat, i) != VHD_BAT_UNUSED;
	if (present != n)
		__builtin_trap();
	for (i = 0; i < n; i++) {
		if (order[i] >= h->max_entries || vhd_bat_get(bat, order[i]) == VHD_BAT_UNUSED)
			__builtin_trap();
		at = (uint64_t)vhd_bat_get(bat, order[i]) * VHD_SECTOR_SIZE;
		if (at < end)
			__builtin_trap();
		end = at + VHD_BITMAP_SIZE + VHD_BLOCK_SIZE;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vhd_footer	 f, f2;
	struct vhd_header	 h, h2;
	uint8_t			 foot[VHD_FOOTER_SIZE], head[VHD_HEADER_SIZE];
	uint8_t			*in, *bat;
	uint32_t		*order, n;
	const char		*why = NULL;
	uint64_t		 batlen;

	if (size < VHD_FOOTER_SIZE)
		return 0;
	/* A copy of exactly the footer's size: ASan sees any read past it. */
	if ((in = malloc(VHD_FOOTER_SIZE)) == NULL)
		return 0;
	memcpy(in, data, VHD_FOOTER_SIZE);
	if (size % 2)
		set_checksum(in, VHD_FOOTER_SIZE, FOOTER_CHECKSUM_AT);
	if (vhd_footer_parse(in, &f, &why) != 0) {
		if (why == NULL)
			__builtin_trap();
		free(in);
		return 0;
	}
	free(in);
	vhd_footer_pack(&f, foot);
	if (vhd_footer_parse(foot, &f2, &why) != 0 || memcmp(&f, &f2, sizeof(f)) != 0)
		__builtin_trap();
	if (f.disk_type == VHD_FIXED || size < VHD_FOOTER_SIZE + VHD_HEADER_SIZE)
		return 0;
	if ((in = malloc(VHD_HEADER_SIZE)) == NULL)
		return 0;
	memcpy(in, data + VHD_FOOTER_SIZE, VHD_HEADER_SIZE);
	if (size % 2)
		set_checksum(in, VHD_HEADER_SIZE, HEADER_CHECKSUM_AT);
	why = NULL;
	if (vhd_header_parse(in, &f, &h, &why) != 0) {
		if (why == NULL)
			__builtin_trap();
		free(in);
		return 0;
	}
	free(in);
	vhd_header_pack(&h, head);
	if (vhd_header_parse(head, &f, &h2, &why) != 0 || memcmp(&h, &h2, sizeof(h)) != 0)
		__builtin_trap();
	if (h.max_entries < vhd_blocks(f.current_size) || h.max_entries > VHD_MAX_BLOCKS ||
	    h.block_size != VHD_BLOCK_SIZE)
		__builtin_trap();
	/* The rest is the BAT's start; entries past the input are unused. */
	batlen = vhd_bat_bytes(h.max_entries);
	if ((bat = malloc(batlen ? batlen : 1)) == NULL)
		return 0;
	if ((order = malloc(h.max_entries ? h.max_entries * sizeof(*order) : 1)) == NULL) {
		free(bat);
		return 0;
	}
	memset(bat, 0xff, batlen);
	size -= VHD_FOOTER_SIZE + VHD_HEADER_SIZE;
	memcpy(bat, data + VHD_FOOTER_SIZE + VHD_HEADER_SIZE, size < batlen ? size : batlen);
	why = NULL;
	if (vhd_bat_order(bat, &h, order, &n, &why) == 0)
		check_order(bat, &h, order, n);
	else if (why == NULL)
		__builtin_trap();
	free(order);
	free(bat);
	return 0;
}
