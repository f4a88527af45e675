/*
 * The import-vhd worker: the body of PUT /import_raw_vdi?format=vhd, read forward only
 * (as XO and qemu-img write a VHD: footer copy, header, BAT, the blocks in increasing
 * offset, the footer), into a VDI's file. Arguments: PATH SIZE LENGTH TEMP: the VDI's
 * file and virtual size, the request's Content-Length, and the new file to build beside
 * PATH (xapi-lite removes it if the worker dies).
 *
 * A dynamic disk becomes exactly its content (absent blocks and sectors zero); a
 * differencing disk changes only the sectors its bitmaps mark, on top of a clone of the
 * VDI's file; a fixed disk (its data, then its footer) is taken as it is. The new file is
 * flushed and renamed over PATH only once the whole VHD has been read and checked, so a
 * bad or truncated upload leaves the VDI as it was.
 *
 * As with XAPI's vhd-tool, a VHD may say its disk is larger than the VDI (qemu-img rounds
 * sizes up to a whole geometry) as long as nothing past the VDI's end is data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage.h"
#include "vhd.h"
#include "worker.h"

#define CHUNK		(256u << 10)	/* bytes read at a time; a multiple of a sector */
#define CHUNK_SECTORS	(CHUNK / VHD_SECTOR_SIZE)
/* How far past the last block the footer may be (padding some writers leave). */
#define MAX_TRAILER_GAP	(1u << 20)
/* Bytes after the footer still read (and dropped) so the sender sees its upload taken
   whole; more means the length was only an upper bound (XO's 1 PiB "unknown"). */
#define MAX_DRAIN	(1u << 20)
#define FILE_MODE	0600		/* when PATH's own cannot be read */

struct import {
	struct worker_in	 in;
	uint64_t		 pos;		/* bytes of the body read */
	uint64_t		 size;		/* the VDI's */
	long long		 length;	/* the request's */
	const char		*path, *temp;
	int			 fd;		/* temp's */
	uint32_t		 type;
	uint8_t			*buf;		/* CHUNK */
};

static int
bad(const char *why)
{
	worker_errorf("VDI_IO_ERROR", "the upload is not a usable VHD: %s", why);
	return 1;
}

static int
io_failed(const char *what, int e)
{
	worker_errorf("VDI_IO_ERROR", "%s: %s", what, strerror(e));
	return 1;
}

/* Reads exactly n bytes of the body. Returns 0, or 1 after reporting why not. */
static int
get(struct import *m, void *p, size_t n)
{
	int	r = worker_read_full(&m->in, p, n);

	if (r == -1)
		return io_failed("reading the upload", errno);
	if (r == 1) {
		worker_errorf("VDI_IO_ERROR", "the VHD upload ended early (truncated) at "
		    "byte %llu", (unsigned long long)m->in.done);
		return 1;
	}
	m->pos += n;
	return 0;
}

/* Reads and drops the body up to offset off (>= where it is). */
static int
skip_to(struct import *m, uint64_t off)
{
	uint64_t	n;

	while (m->pos < off) {
		n = off - m->pos < CHUNK ? off - m->pos : CHUNK;
		if (get(m, m->buf, (size_t)n) != 0)
			return 1;
	}
	return 0;
}

static int
is_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

static int
pwrite_all(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = pwrite(fd, p, n, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

/* Puts n bytes of the disk at off into the new file: what lies past the VDI's end must
   be zeros; zeros need not be written where the file is new (a hole reads as zeros). */
static int
put(struct import *m, const uint8_t *p, size_t n, uint64_t off)
{
	size_t	in = off >= m->size ? 0 : m->size - off < n ? (size_t)(m->size - off) : n;

	if (!is_zero(p + in, n - in)) {
		worker_errorf("VDI_IO_ERROR", "the VHD holds data past the VDI's end (%llu "
		    "bytes)", (unsigned long long)m->size);
		return 1;
	}
	if (in == 0 || (m->type != VHD_DIFFERENCING && is_zero(p, in)))
		return 0;
	return pwrite_all(m->fd, p, in, off) == -1 ? io_failed("writing the VDI", errno) : 0;
}

/* The new file beside PATH: empty (zeros) of the VDI's size, or for a differencing disk
   the VDI's current content, cloned. */
static int
make_temp(struct import *m)
{
	struct stat	st;

	if ((m->fd = open(m->temp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, FILE_MODE)) == -1)
		return io_failed("creating the new disk file", errno);
	if (stat(m->path, &st) == 0)
		(void)fchmod(m->fd, st.st_mode & 07777);
	if (ftruncate(m->fd, (off_t)m->size) == -1)
		return io_failed("sizing the new disk file", errno);
	if (m->type == VHD_DIFFERENCING && (storage_clone_file(m->path, m->temp) == -1 ||
	    ftruncate(m->fd, (off_t)m->size) == -1))
		return io_failed("copying the VDI under the differencing VHD", errno);
	return 0;
}

/* One block: its bitmap, then its data, the marked sectors put at index's place. */
static int
block(struct import *m, uint32_t index)
{
	uint8_t		bitmap[VHD_BITMAP_SIZE];
	uint64_t	base = (uint64_t)index * VHD_BLOCK_SIZE;
	uint32_t	s, run, c;

	if (get(m, bitmap, sizeof(bitmap)) != 0)
		return 1;
	for (c = 0; c < VHD_BLOCK_SECTORS; c += CHUNK_SECTORS) {
		if (get(m, m->buf, CHUNK) != 0)
			return 1;
		for (s = c; s < c + CHUNK_SECTORS; s += run) {
			for (run = 1; s + run < c + CHUNK_SECTORS &&
			    vhd_bitmap_get(bitmap, s + run) == vhd_bitmap_get(bitmap, s); run++)
				;
			if (vhd_bitmap_get(bitmap, s) &&
			    put(m, m->buf + (size_t)(s - c) * VHD_SECTOR_SIZE,
			    (size_t)run * VHD_SECTOR_SIZE,
			    base + (uint64_t)s * VHD_SECTOR_SIZE) != 0)
				return 1;
		}
	}
	return 0;
}

/* The footer at the end: the first sector after the blocks that reads as one. */
static int
trailer(struct import *m, const struct vhd_footer *first)
{
	struct vhd_footer	f;
	uint8_t			sector[VHD_FOOTER_SIZE];
	const char		*why;
	uint64_t		from = m->pos;

	for (;;) {
		if (get(m, sector, sizeof(sector)) != 0)
			return 1;
		if (vhd_footer_parse(sector, &f, &why) == 0)
			break;
		if (m->pos - from >= MAX_TRAILER_GAP)
			return bad("no footer after the last block");
	}
	if (f.disk_type != first->disk_type || f.current_size != first->current_size ||
	    memcmp(f.uuid, first->uuid, VHD_UUID_LEN) != 0)
		return bad("its two footers disagree");
	return 0;
}

static int
sparse(struct import *m, const uint8_t first[VHD_FOOTER_SIZE])
{
	struct vhd_footer	 f;
	struct vhd_header	 h;
	uint8_t			 head[VHD_HEADER_SIZE], *bat = NULL;
	uint32_t		*order = NULL, n, k;
	const char		*why;
	int			 r = 1;

	if (vhd_footer_parse(first, &f, &why) != 0)
		return bad(why);
	if (f.disk_type == VHD_FIXED)
		return bad("a fixed disk's footer comes only at its end");
	m->type = f.disk_type;
	if (skip_to(m, f.data_offset) != 0 || get(m, head, sizeof(head)) != 0)
		return 1;
	if (vhd_header_parse(head, &f, &h, &why) != 0)
		return bad(why);
	if (skip_to(m, h.table_offset) != 0)
		return 1;
	if ((bat = malloc(vhd_bat_bytes(h.max_entries) + 1)) == NULL ||
	    (order = malloc((size_t)h.max_entries * sizeof(*order) + 1)) == NULL) {
		io_failed("reading the BAT", ENOMEM);
		goto out;
	}
	if (get(m, bat, (size_t)vhd_bat_bytes(h.max_entries)) != 0)
		goto out;
	if (vhd_bat_order(bat, &h, order, &n, &why) != 0) {
		bad(why);
		goto out;
	}
	if (make_temp(m) != 0)
		goto out;
	for (k = 0; k < n; k++) {
		if (skip_to(m, (uint64_t)vhd_bat_get(bat, order[k]) * VHD_SECTOR_SIZE) != 0 ||
		    block(m, order[k]) != 0)
			goto out;
		worker_progress((double)(k + 1) / n);
	}
	r = trailer(m, &f);
out:
	free(bat);
	free(order);
	return r;
}

/* A fixed disk: its data, then its only footer; the length says where that is. */
static int
fixed(struct import *m, const uint8_t first[VHD_SECTOR_SIZE])
{
	struct vhd_footer	f;
	uint8_t			foot[VHD_FOOTER_SIZE];
	const char		*why;
	uint64_t		data, at, n;

	if (m->length < VHD_FOOTER_SIZE + VHD_SECTOR_SIZE ||
	    (uint64_t)m->length - VHD_FOOTER_SIZE > VHD_MAX_SIZE ||
	    m->length % VHD_SECTOR_SIZE != 0)
		return bad("no footer at its start (a dynamic or differencing disk), and its "
		    "length does not fit a fixed disk");
	data = (uint64_t)m->length - VHD_FOOTER_SIZE;
	m->type = VHD_FIXED;
	if (make_temp(m) != 0 || put(m, first, VHD_SECTOR_SIZE, 0) != 0)
		return 1;
	for (at = VHD_SECTOR_SIZE; at < data; at += n) {
		n = data - at < CHUNK ? data - at : CHUNK;
		if (get(m, m->buf, (size_t)n) != 0 || put(m, m->buf, (size_t)n, at) != 0)
			return 1;
		worker_progress((double)at / (double)data);
	}
	if (get(m, foot, sizeof(foot)) != 0)
		return 1;
	if (vhd_footer_parse(foot, &f, &why) != 0)
		return bad(why);
	if (f.disk_type != VHD_FIXED || f.current_size != data)
		return bad("a fixed disk's footer does not match its data");
	return 0;
}

/* Drops what little the sender still sends after the footer. */
static void
drain(struct import *m)
{
	while (m->in.left > 0 && m->in.left <= MAX_DRAIN &&
	    worker_read(&m->in, m->buf, CHUNK) > 0)
		;
}

/* Makes the new file the VDI's: flushed, renamed over PATH, the directory flushed. */
static int
commit(struct import *m)
{
	char	dir[512], *slash;
	int	d;

	if (fsync(m->fd) == -1)
		return io_failed("flushing the new disk file", errno);
	if (close(m->fd) == -1) {
		m->fd = -1;
		return io_failed("writing the new disk file", errno);
	}
	m->fd = -1;
	if (rename(m->temp, m->path) == -1)
		return io_failed("replacing the VDI's file", errno);
	snprintf(dir, sizeof(dir), "%s", m->path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if ((d = open(dir[0] != '\0' ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC))
		    != -1) {
			(void)fsync(d);
			close(d);
		}
	}
	return 0;
}

static int
parse_num(const char *s, long long *out)
{
	char	*end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || end == s || *end != '\0' || *out < 0 ? -1 : 0;
}

int
vhd_import_worker(int argc, char **argv)
{
	struct import	m;
	uint8_t		first[VHD_FOOTER_SIZE];
	long long	size;
	int		r;

	memset(&m, 0, sizeof(m));
	if (argc != 4 || parse_num(argv[1], &size) != 0 || parse_num(argv[2], &m.length) != 0) {
		fprintf(stderr, "usage: import-vhd PATH SIZE LENGTH TEMP\n");
		return 2;
	}
	m.path = argv[0];
	m.size = (uint64_t)size;
	m.temp = argv[3];
	m.fd = -1;
	worker_in_init(&m.in, m.length);
	if ((m.buf = malloc(CHUNK)) == NULL)
		return io_failed("the import", ENOMEM);
	if ((r = get(&m, first, sizeof(first))) == 0)
		r = memcmp(first, VHD_COOKIE, VHD_COOKIE_LEN) == 0 ? sparse(&m, first) :
		    fixed(&m, first);
	if (r == 0) {
		drain(&m);
		r = commit(&m);
	}
	if (m.fd != -1)
		close(m.fd);
	if (r != 0)
		(void)unlink(m.temp);
	else
		worker_progress(1);
	free(m.buf);
	return r;
}
