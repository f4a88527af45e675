/*
 * File maps (extents.h): FIEMAP in batches where the file system answers it, which gives
 * each extent's physical address (the same for blocks two reflinked files still share),
 * else SEEK_DATA and SEEK_HOLE, which only tell data from holes.
 */
#define _GNU_SOURCE		/* SEEK_DATA, SEEK_HOLE */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "extents.h"

/* linux/fiemap.h's structures and values; the static (musl) build has no kernel headers. */
struct fm_extent {
	uint64_t	fe_logical;
	uint64_t	fe_physical;
	uint64_t	fe_length;
	uint64_t	fe_reserved64[2];
	uint32_t	fe_flags;
	uint32_t	fe_reserved[3];
};

struct fm_head {
	uint64_t	fm_start;
	uint64_t	fm_length;
	uint32_t	fm_flags;
	uint32_t	fm_mapped_extents;
	uint32_t	fm_extent_count;
	uint32_t	fm_reserved;
};

#define FM_IOC_FIEMAP		_IOWR('f', 11, struct fm_head)
#define FM_FLAG_SYNC		0x00000001u	/* flush delayed allocations first */
#define FM_EXTENT_LAST		0x00000001u
#define FM_EXTENT_UNWRITTEN	0x00000800u
/* Extents whose fe_physical says nothing about the bytes: not yet placed, packed with
   others, compressed or encrypted. */
#define FM_EXTENT_NO_PLACE	(0x00000002u | 0x00000004u | 0x00000008u | 0x00000080u | \
	0x00000100u | 0x00000200u | 0x00000400u)

/* Errors saying the file system has no FIEMAP, not that the file cannot be read. */
static int
no_fiemap(int e)
{
	return e == EOPNOTSUPP || e == ENOTTY || e == EINVAL || e == ENOSYS;
}

/* Asks for the extents from off on. Returns 0, or -1 (errno). */
static int
refill(struct extents *e, uint64_t off)
{
	struct {
		struct fm_head		h;
		struct fm_extent	x[EXTENTS_BATCH];
	}		req;
	/* ioctl's request is an int in musl, an unsigned long in glibc. */
	unsigned long	op = FM_IOC_FIEMAP;
	unsigned	i;

	memset(&req, 0, sizeof(req));
	req.h.fm_start = off;
	req.h.fm_length = e->size - off;
	req.h.fm_flags = e->synced ? 0 : FM_FLAG_SYNC;
	req.h.fm_extent_count = EXTENTS_BATCH;
	if (ioctl(e->fd, op, &req) == -1)
		return -1;
	e->synced = 1;
	e->n = req.h.fm_mapped_extents < EXTENTS_BATCH ? req.h.fm_mapped_extents :
	    EXTENTS_BATCH;
	e->i = 0;
	for (i = 0; i < e->n; i++) {
		e->ext[i].logical = req.x[i].fe_logical;
		e->ext[i].physical = req.x[i].fe_physical;
		e->ext[i].length = req.x[i].fe_length;
		e->ext[i].flags = req.x[i].fe_flags;
	}
	e->from = off;
	/* A full batch may stop short of the file's end: past its last extent is unknown. */
	if (e->n == EXTENTS_BATCH && !(e->ext[e->n - 1].flags & FM_EXTENT_LAST))
		e->to = e->ext[e->n - 1].logical + e->ext[e->n - 1].length;
	else
		e->to = e->size;
	if (e->to <= off)
		e->to = e->size;	/* nothing past off: all of it is a hole */
	return 0;
}

int
extents_init(struct extents *e, int fd, uint64_t size, int try_fiemap)
{
	memset(e, 0, sizeof(*e));
	e->fd = fd;
	e->size = size;
	if (!try_fiemap || size == 0)
		return 0;
	if (refill(e, 0) == 0) {
		e->fiemap = 1;
		return 0;
	}
	return no_fiemap(errno) ? 0 : -1;
}

static int
seek_at(struct extents *e, uint64_t off, struct extent_piece *p)
{
	off_t	data, hole;

	p->phys = EXTENTS_NO_PHYS;
	p->unwritten = 0;
	if ((data = lseek(e->fd, (off_t)off, SEEK_DATA)) == -1) {
		if (errno != ENXIO)
			return -1;
		data = (off_t)e->size;	/* no data from off to the end */
	}
	if ((uint64_t)data > off) {
		p->data = 0;
		p->end = (uint64_t)data < e->size ? (uint64_t)data : e->size;
		return 0;
	}
	if ((hole = lseek(e->fd, (off_t)off, SEEK_HOLE)) == -1)
		return -1;
	p->data = 1;
	p->end = (uint64_t)hole < e->size && (uint64_t)hole > off ? (uint64_t)hole : e->size;
	return 0;
}

int
extents_at(struct extents *e, uint64_t off, struct extent_piece *p)
{
	uint64_t	start, end;

	if (!e->fiemap)
		return seek_at(e, off, p);
	if ((off < e->from || off >= e->to) && refill(e, off) == -1)
		return -1;
	if (e->i >= e->n || e->ext[e->i].logical > off)
		e->i = 0;
	while (e->i < e->n && e->ext[e->i].logical + e->ext[e->i].length <= off)
		e->i++;
	if (e->i == e->n || (start = e->ext[e->i].logical) > off) {
		p->data = 0;
		p->end = e->i < e->n ? e->ext[e->i].logical : e->to;
		p->phys = EXTENTS_NO_PHYS;
		p->unwritten = 0;
	} else {
		end = start + e->ext[e->i].length;
		p->data = 1;
		p->end = end < e->size ? end : e->size;
		p->phys = e->ext[e->i].flags & FM_EXTENT_NO_PLACE ? EXTENTS_NO_PHYS :
		    e->ext[e->i].physical + (off - start);
		p->unwritten = (e->ext[e->i].flags & FM_EXTENT_UNWRITTEN) != 0;
	}
	if (p->end > e->size)
		p->end = e->size;
	return 0;
}

int
extents_any_data(struct extents *e, uint64_t a, uint64_t b)
{
	struct extent_piece	p;

	for (; a < b; a = p.end) {
		if (extents_at(e, a, &p) == -1)
			return -1;
		if (p.data)
			return 1;
	}
	return 0;
}

int
extents_shared(struct extents *x, struct extents *y, uint64_t a, uint64_t b)
{
	struct extent_piece	p, q;

	while (a < b) {
		if (extents_at(x, a, &p) == -1 || extents_at(y, a, &q) == -1)
			return -1;
		if (p.data != q.data)
			return 0;
		if (p.data && (p.phys == EXTENTS_NO_PHYS || p.phys != q.phys ||
		    p.unwritten != q.unwritten))
			return 0;
		a = p.end < q.end ? p.end : q.end;
	}
	return 1;
}
