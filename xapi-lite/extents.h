#ifndef XAPI_EXTENTS_H
#define XAPI_EXTENTS_H

#include <stdint.h>

/*
 * A file's map, walked in increasing offset: where its data and holes are, and where
 * possible (FIEMAP) on which physical blocks the data lies, so that two reflinked files
 * (a VDI and its snapshot on XFS) can be compared without reading the blocks they still
 * share.
 */

#define EXTENTS_BATCH	64		/* extents asked of the kernel at a time */
#define EXTENTS_NO_PHYS	UINT64_MAX	/* data whose physical place is not known */

/* What lies at an offset, up to end. */
struct extent_piece {
	int		data;		/* 0: a hole (reads as zeros) */
	uint64_t	end;
	uint64_t	phys;		/* data: the physical address at the offset, or
					   EXTENTS_NO_PHYS */
	int		unwritten;	/* data: allocated but reading as zeros */
};

struct extents {
	int		fd;
	int		fiemap;		/* FIEMAP answers on this file (else SEEK_DATA) */
	int		synced;		/* FIEMAP flushed the file's delayed writes */
	uint64_t	size;		/* the map ends here */
	uint64_t	from, to;	/* what the batch covers */
	unsigned	n, i;
	struct {
		uint64_t	logical, physical, length;
		uint32_t	flags;
	}		ext[EXTENTS_BATCH];
};

/* Maps fd's first size bytes; with try_fiemap, by FIEMAP when the file system has it.
   Returns 0, or -1 (errno). */
int	extents_init(struct extents *e, int fd, uint64_t size, int try_fiemap);
/* The piece at off (< size) into p. Returns 0, or -1 (errno). */
int	extents_at(struct extents *e, uint64_t off, struct extent_piece *p);
/* Whether [a, b) holds any data in e: 1, 0, or -1 (errno). */
int	extents_any_data(struct extents *e, uint64_t a, uint64_t b);
/* Whether [a, b) is known to read the same in x and y without reading it: holes in both,
   or data on the same physical blocks in both. 1, 0 (perhaps different), or -1 (errno). */
int	extents_shared(struct extents *x, struct extents *y, uint64_t a, uint64_t b);

#endif
