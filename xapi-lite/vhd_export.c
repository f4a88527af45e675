/*
 * The export-vhd worker: a VDI's file as the VHD stream XAPI's vhd-tool sends for GET
 * /export_raw_vdi?format=vhd (its layout: footer copy, header at 512, the BAT at 2048,
 * each block's sector bitmap (all set) then its 2 MiB, in increasing offset, the footer).
 * Arguments: PATH SIZE VDI UUID [BASEPATH BASEUUID]: the file, the VDI's virtual size,
 * its ref (for errors) and uuid (the footer's); with a base, a differencing disk of only
 * the blocks that differ from the base's file.
 *
 * The BAT goes out before the blocks, so a first pass picks the blocks: a dynamic disk's
 * are those holding data that is not all zeros; a differencing disk's are those whose
 * bytes differ from the base's, where blocks a reflink still shares with the base (the
 * same physical extents) are known equal without reading either. Blocks of data are read
 * twice (to look, then to send) rather than sent when they are all zeros, as vhd-tool
 * does: a disk filled by a raw import holds written zeros wherever its image had them,
 * and zeros on the wire cost more than a second read the page cache mostly serves. Yet
 * nothing goes out while the first pass reads, and XO gives up on a download silent for
 * 5 minutes: after SCAN_BUDGET_MS of looking, blocks the map cannot rule out go out
 * unread (a larger VHD, never a wrong one). The second pass streams the chosen blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "extents.h"
#include "fdio.h"
#include "vhd.h"
#include "worker.h"

#define SOCKET_FD	0
#define CHUNK		(256u << 10)	/* bytes read or written at a time */
#define CONTENT_TYPE	"application/vhd"	/* XAPI's for format=vhd */
/* The first pass's share of the progress. */
#define SCAN_SHARE	0.5
/* The stream is footer, header, the locator's sector, then the BAT, back to back. */
_Static_assert(VHD_FOOTER_SIZE == VHD_HEADER_OFFSET &&
    VHD_HEADER_OFFSET + VHD_HEADER_SIZE == VHD_LOCATOR_OFFSET &&
    VHD_LOCATOR_OFFSET + VHD_SECTOR_SIZE == VHD_TABLE_OFFSET, "vhd-tool's layout");
/* How long the first pass may read blocks to look at them (see above). */
#define SCAN_BUDGET_MS	60000

struct export {
	int		 fd, base;	/* the VDI's file; the base's, or -1 */
	uint64_t	 size;
	uint64_t	 nblocks;
	uint8_t		*pick;		/* a bit per block: it goes out */
	uint64_t	 npicked;
	struct extents	 map, base_map;
	uint8_t		*a, *b;		/* CHUNK each */
	uint8_t		*out;		/* CHUNK of the stream, then written */
	size_t		 nout;
	const char	*vdi;
	long long	 deadline_ms;	/* the first pass reads blocks until then */
};

static long long
now_ms(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int
failed(const char *what, int e)
{
	worker_errorf("VDI_IO_ERROR", "%s: %s", what, strerror(e));
	return 1;
}

static int
is_zero(const uint8_t *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* Reads n bytes of fd at off into p; what lies past the file's end reads as zeros.
   Returns 0, or -1 (errno). */
static int
read_at(int fd, uint8_t *p, size_t n, uint64_t off)
{
	ssize_t	got;

	while (n > 0) {
		if ((got = pread(fd, p, n, (off_t)off)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (got == 0) {
			memset(p, 0, n);
			return 0;
		}
		p += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/* Whether block i goes out: 1, 0, or -1 (errno). */
static int
block_differs(struct export *x, uint64_t i)
{
	uint64_t	a = i * VHD_BLOCK_SIZE, b = a + VHD_BLOCK_SIZE, at;
	size_t		n;
	int		r;

	if (b > x->size)
		b = x->size;
	/* What the maps settle without reading: all holes, or all shared with the base. */
	r = x->base == -1 ? extents_any_data(&x->map, a, b) :
	    extents_shared(&x->map, &x->base_map, a, b);
	if (r == -1)
		return -1;
	if (r == (x->base == -1 ? 0 : 1))
		return 0;
	if (now_ms() > x->deadline_ms)
		return 1;
	for (at = a; at < b; at += n) {
		n = b - at < CHUNK ? (size_t)(b - at) : CHUNK;
		if (read_at(x->fd, x->a, n, at) == -1)
			return -1;
		if (x->base == -1) {
			if (!is_zero(x->a, n))
				return 1;
			continue;
		}
		if (read_at(x->base, x->b, n, at) == -1)
			return -1;
		if (memcmp(x->a, x->b, n) != 0)
			return 1;
	}
	return 0;
}

static int
scan(struct export *x)
{
	uint64_t	i;
	int		r;

	x->deadline_ms = now_ms() + SCAN_BUDGET_MS;
	for (i = 0; i < x->nblocks; i++) {
		if ((r = block_differs(x, i)) == -1)
			return failed("reading the disks", errno);
		if (r) {
			x->pick[i / 8] |= (uint8_t)(1 << (i % 8));
			x->npicked++;
		}
		worker_progress(SCAN_SHARE * (double)(i + 1) / (double)x->nblocks);
	}
	return 0;
}

static int
picked(const struct export *x, uint64_t i)
{
	return x->pick[i / 8] >> (i % 8) & 1;
}

static int
flush(struct export *x)
{
	if (x->nout > 0 && write_all(SOCKET_FD, x->out, x->nout) == -1)
		return failed("sending the VHD", errno);
	x->nout = 0;
	return 0;
}

/* Appends p[0..n) to the stream. */
static int
put(struct export *x, const uint8_t *p, size_t n)
{
	size_t	m;

	while (n > 0) {
		if (x->nout == CHUNK && flush(x) != 0)
			return 1;
		m = CHUNK - x->nout < n ? CHUNK - x->nout : n;
		memcpy(x->out + x->nout, p, m);
		p += m;
		x->nout += m;
		n -= m;
	}
	return 0;
}

/* The BAT, made as it goes out (never whole in memory): the picked blocks one after
   another from sector first on, the rest unused, padded to a sector. */
static int
put_bat(struct export *x, uint64_t first_sector)
{
	uint8_t		e[4];
	uint64_t	i, next = first_sector, bytes = vhd_bat_bytes(x->nblocks);

	for (i = 0; i < x->nblocks; i++) {
		vhd_bat_set(e, 0, picked(x, i) ? (uint32_t)next : VHD_BAT_UNUSED);
		if (picked(x, i))
			next += (VHD_BITMAP_SIZE + VHD_BLOCK_SIZE) / VHD_SECTOR_SIZE;
		if (put(x, e, sizeof(e)) != 0)
			return 1;
	}
	memset(e, 0xff, sizeof(e));
	for (; i * 4 < bytes; i++)
		if (put(x, e, sizeof(e)) != 0)
			return 1;
	return 0;
}

static int
put_block(struct export *x, uint64_t i)
{
	uint8_t			all[VHD_BITMAP_SIZE];
	uint64_t		at = i * VHD_BLOCK_SIZE, end = at + VHD_BLOCK_SIZE;
	size_t			n, data;

	/* vhd-tool's: every sector of a block it sends is marked present. */
	memset(all, 0xff, sizeof(all));
	if (put(x, all, sizeof(all)) != 0)
		return 1;
	for (; at < end; at += n) {
		if (x->nout == CHUNK && flush(x) != 0)
			return 1;
		n = CHUNK - x->nout < end - at ? CHUNK - x->nout : (size_t)(end - at);
		/* Past the disk's end, the last block is zeros. */
		data = at >= x->size ? 0 : x->size - at < n ? (size_t)(x->size - at) : n;
		if (read_at(x->fd, x->out + x->nout, data, at) == -1)
			return failed("reading the VDI", errno);
		memset(x->out + x->nout + data, 0, n - data);
		x->nout += n;
	}
	return 0;
}

static int
stream(struct export *x, const uint8_t uuid[VHD_UUID_LEN], const char *basepath,
    const uint8_t baseuuid[VHD_UUID_LEN])
{
	struct vhd_footer	f;
	struct vhd_header	h;
	struct stat		st;
	uint8_t			foot[VHD_FOOTER_SIZE], head[VHD_HEADER_SIZE];
	uint8_t			loc[VHD_SECTOR_SIZE];
	uint64_t		i, sent = 0;

	vhd_footer_make(&f, basepath != NULL ? VHD_DIFFERENCING : VHD_DYNAMIC, x->size, uuid,
	    vhd_time(time(NULL)));
	vhd_footer_pack(&f, foot);
	vhd_header_make(&h, x->size);
	memset(loc, 0, sizeof(loc));
	if (basepath != NULL) {
		/* vhd-tool's parent time stamp: the parent file's modification time. */
		if (fstat(x->base, &st) == -1)
			return failed("reading the base VDI", errno);
		if (vhd_header_set_parent(&h, baseuuid, vhd_time(st.st_mtime), basepath,
		    loc) == -1) {
			worker_errorf("VDI_IO_ERROR", "the base VDI's path does not fit a VHD "
			    "header: %s", basepath);
			return 1;
		}
	}
	vhd_header_pack(&h, head);
	if (put(x, foot, sizeof(foot)) != 0 || put(x, head, sizeof(head)) != 0 ||
	    put(x, loc, sizeof(loc)) != 0 ||
	    put_bat(x, (VHD_TABLE_OFFSET + vhd_bat_bytes(x->nblocks)) / VHD_SECTOR_SIZE) != 0)
		return 1;
	for (i = 0; i < x->nblocks; i++) {
		if (!picked(x, i))
			continue;
		if (put_block(x, i) != 0)
			return 1;
		sent++;
		worker_progress(SCAN_SHARE + (1 - SCAN_SHARE) * (double)sent /
		    (double)x->npicked);
	}
	if (put(x, foot, sizeof(foot)) != 0 || flush(x) != 0)
		return 1;
	worker_progress(1);
	return 0;
}

static int
open_disk(const char *path, uint64_t size, struct extents *map, const char *what)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		worker_errorf("VDI_IO_ERROR", "cannot open %s: %s", what, strerror(errno));
		return -1;
	}
	if (extents_init(map, fd, size, 1) == -1) {
		worker_errorf("VDI_IO_ERROR", "cannot map %s: %s", what, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
parse_size(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		return -1;
	*out = v;
	return 0;
}

int
vhd_export_worker(int argc, char **argv)
{
	struct export	 x;
	uint8_t		 uuid[VHD_UUID_LEN], baseuuid[VHD_UUID_LEN];
	char		 max[32];
	const char	*p[2];
	int		 status = 1;

	memset(&x, 0, sizeof(x));
	x.fd = x.base = -1;
	if ((argc != 4 && argc != 6) || parse_size(argv[1], &x.size) != 0 ||
	    vhd_uuid_parse(argv[3], uuid) != 0 ||
	    (argc == 6 && vhd_uuid_parse(argv[5], baseuuid) != 0)) {
		fprintf(stderr, "usage: export-vhd PATH SIZE VDI UUID [BASEPATH BASEUUID]\n");
		return 2;
	}
	/* A client that went away fails a write (EPIPE) rather than killing the worker. */
	signal(SIGPIPE, SIG_IGN);
	x.vdi = argv[2];
	/* XAPI sends its headers first, then finds the VDI too large for a VHD. */
	if (worker_reply_head(CONTENT_TYPE) == -1)
		return failed("sending the reply", errno);
	if (x.size > VHD_MAX_SIZE) {
		snprintf(max, sizeof(max), "%llu", (unsigned long long)VHD_MAX_SIZE);
		p[0] = x.vdi;
		p[1] = max;
		worker_error("VDI_TOO_LARGE", 2, p);
		return 1;
	}
	x.nblocks = vhd_blocks(x.size);
	if ((x.fd = open_disk(argv[0], x.size, &x.map, "the VDI")) == -1)
		return 1;
	if (argc == 6 && (x.base = open_disk(argv[4], x.size, &x.base_map, "the base VDI")) == -1)
		goto out;
	if ((x.pick = calloc(x.nblocks / 8 + 1, 1)) == NULL || (x.a = malloc(CHUNK)) == NULL ||
	    (x.b = malloc(CHUNK)) == NULL || (x.out = malloc(CHUNK)) == NULL) {
		failed("the export", ENOMEM);
		goto out;
	}
	if (scan(&x) == 0)
		status = stream(&x, uuid, argc == 6 ? argv[4] : NULL, baseuuid);
out:
	free(x.pick);
	free(x.a);
	free(x.b);
	free(x.out);
	if (x.base != -1)
		close(x.base);
	close(x.fd);
	return status;
}
