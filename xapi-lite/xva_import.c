/*
 * PUT /import: a VM from an XVA, as XAPI's import.ml and stream_vdi.ml take it. The begin
 * checks the request and makes a work directory in the target SR's directory. The worker
 * (--worker import-xva WORKDIR LENGTH FREE SIZE FORCE) runs once handoff has answered 200
 * (as XAPI answers before reading: the task carries the outcome) and reads the upload: a
 * tar archive whose first member is ova.xml, or one compressed with gzip or zstd
 * (decompressed by those programs, a feeder process copying the body into them). It keeps
 * ova.xml in WORKDIR and writes each disk the archive carries into the sparse file
 * WORKDIR/<i> (xva_ova.h), chunk by chunk once its checksum matched; xva_commit.c makes
 * the records afterwards. LENGTH is the request's Content-Length (-1: none), an upper
 * bound only: the archive's end is where reading stops. FREE and SIZE are the SR's free
 * and total bytes; FORCE (1) lets chunks whose checksums fail through, as XAPI's
 * force=true.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "chunksum.h"
#include "exec.h"
#include "fdio.h"
#include "handoff.h"
#include "storage.h"
#include "tar.h"
#include "worker.h"
#include "xmlrpc.h"
#include "xva_import.h"
#include "xva_ova.h"

#define XVA_CHUNK		(1024 * 1024)	/* XAPI's chunk of disk data */
#define XVA_CHUNK_MAX		(4 * XVA_CHUNK)	/* the largest chunk member taken */
#define XVA_SUM_MAX		64		/* bytes of a .xxhash or .checksum member */
#define XVA_TABLE_MAX		(16 * 1024 * 1024)	/* an old XVA's checksum table */
#define XVA_CHUNK_DIGITS	19		/* a chunk number's digits, at most */
#define COPY_BUF		(64 * 1024)	/* the feeder's reads, and bytes skipped */
#define DRAIN_MAX		(1024 * 1024)	/* bytes read past the archive's end */
#define DRAIN_WAIT_MS		500		/* ...while they keep coming this often */

static const unsigned char gzip_magic[] = { 0x1f, 0x8b };
static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

/* Where the archive's bytes come from. */
struct src {
	struct worker_in in;		/* the body as sent */
	int		 fd;		/* the decompressor's output; -1: the body itself */
	pid_t		 feeder, tool;	/* copies the body into the decompressor; the tool */
	const char	*toolname;
	char		 errfile[512];	/* the decompressor's stderr */
};

struct imp {
	struct src	 src;
	const char	*dir;
	long long	 free, srsize;	/* the SR's, at the start */
	long long	 written;	/* bytes written into the disks (not holes) */
	long long	 total, done;	/* disk bytes to come, and come */
	int		 force;
	struct arena	 arena;		/* ova.xml's tree */
	struct xva_ova	 ova;
	int		*fds;		/* the disks' files */
	unsigned char	*chunk;		/* one chunk's data */
	struct buf	 sums;		/* export_vsn < 2: "NAME SUM\n" of every chunk */
	char		 last[TAR_NAME_MAX + 1];	/* the last member read, for messages */
};

static int	ierr(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	sr_full(long long, long long);

/* Reports code with one printf-formatted parameter. Returns -1. */
static int
ierr(const char *code, const char *fmt, ...)
{
	char	words[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	worker_errorf(code, "%s", words);
	return -1;
}

/* ---- the archive's bytes ---- */

/* Reading the upload failed (errno). Returns -1 reported. */
static int
read_failed(void)
{
	/* The socket's timeout (handoff's --transfer-timeout) ran out. */
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return ierr("IMPORT_ERROR", "the client sent nothing for too long");
	return ierr("IMPORT_ERROR", "reading the upload: %s", strerror(errno));
}

/* Reads up to n bytes: the count, 0 at the end, -1 (errno). */
static long long
src_some(struct src *s, void *p, size_t n)
{
	long long	got;

	for (;;) {
		if (s->fd >= 0)
			got = read(s->fd, p, n);
		else
			got = worker_read(&s->in, p, n);
		if (got >= 0)
			return got;
		if (errno != EINTR)
			return -1;
	}
}

/* Reads exactly n bytes: 0, 1 at the end (*got: how many came), -1 (errno). */
static int
src_full(struct src *s, void *p, size_t n, size_t *got)
{
	unsigned char	*q = p;
	long long	 r;

	*got = 0;
	while (*got < n) {
		if ((r = src_some(s, q + *got, n - *got)) == -1)
			return -1;
		if (r == 0)
			return 1;
		*got += (size_t)r;
	}
	return 0;
}

/* The decompressor's exit status once it has closed its output (0 for the body itself). */
static int
tool_status(struct src *s)
{
	int	status;

	if (s->tool <= 0)
		return 0;
	while (waitpid(s->tool, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	s->tool = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The archive ended before it should have: the decompressor's complaint when it failed,
   else XAPI's premature end. Returns -1. */
static int
eof_error(struct imp *im)
{
	char	msg[300] = "";
	int	fd, status = tool_status(&im->src);
	ssize_t	n;

	if (status == 0) {
		worker_error("IMPORT_ERROR_PREMATURE_EOF", 0, NULL);
		return -1;
	}
	if ((fd = open(im->src.errfile, O_RDONLY | O_CLOEXEC)) != -1) {
		if ((n = read(fd, msg, sizeof(msg) - 1)) > 0)
			msg[n] = '\0';
		close(fd);
	}
	msg[strcspn(msg, "\n")] = '\0';
	return ierr("IMPORT_ERROR", "%s could not decompress the upload (status %d): %s",
	    im->src.toolname, status, msg[0] ? msg : "no message");
}

/* Reads exactly n bytes of the archive. 0, or -1 reported. */
static int
take(struct imp *im, void *p, size_t n)
{
	size_t	got;
	int	r = src_full(&im->src, p, n, &got);

	if (r == -1)
		return read_failed();
	return r == 1 ? eof_error(im) : 0;
}

/* Reads and drops n bytes of the archive (padding, members skipped: never the chunk
   just read). 0, or -1 reported. */
static int
skip(struct imp *im, unsigned long long n)
{
	unsigned char	scratch[COPY_BUF];

	while (n > 0) {
		size_t	k = n < sizeof(scratch) ? (size_t)n : sizeof(scratch);

		if (take(im, scratch, k) == -1)
			return -1;
		n -= k;
	}
	return 0;
}

/*
 * The next member's header, as ocaml-tar's get_next_header: a zero block followed by
 * another (or by the end) is the archive's end. Members other than regular files (a
 * directory, pax headers) are skipped. Returns 1 with m filled, 0 at the archive's end,
 * 2 when the upload ended right at a member's start, -1 reported.
 */
static int
next_member(struct imp *im, struct tar_member *m)
{
	unsigned char	 blk[TAR_BLOCK];
	const char	*why;
	size_t		 got;
	int		 zeros = 0, r;

	for (;;) {
		if ((r = src_full(&im->src, blk, sizeof(blk), &got)) == -1)
			return read_failed();
		if (r == 1 && got == 0)
			return zeros ? 0 : 2;
		if (r == 1)
			return eof_error(im);
		if ((r = tar_parse_header(blk, m, &why)) == -1)
			return ierr("IMPORT_ERROR", "Invalid XVA file: a bad tar header after %s: %s",
			    im->last[0] ? im->last : "the upload's start", why);
		if (r == 0) {
			if (zeros++)
				return 0;
			continue;
		}
		if (m->type == 'L' || m->type == 'K')
			return ierr("IMPORT_ERROR", "Invalid XVA file: a GNU long name after %s "
			    "(XVA members have short names)", im->last[0] ? im->last : "the start");
		snprintf(im->last, sizeof(im->last), "%s", m->name);
		if (m->type == '0' || m->type == '\0' || m->type == '7')
			return 1;
		if (skip(im, m->size + tar_padding(m->size)) == -1)
			return -1;
		zeros = 0;
	}
}

/* In a child of the worker: it ends with the worker (killed when its task is cancelled),
   rather than go on holding the client's socket. */
static void
die_with(pid_t worker)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != worker)
		_exit(1);
}

/* Starts argv reading in and writing to out, its stderr into file err. Returns its pid,
   or -1. */
static pid_t
spawn(const char *const argv[], int in, int out, const char *err)
{
	pid_t	pid, self = getpid();
	int	efd;

	if ((efd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		die_with(self);
		if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(efd, 2) == -1)
			_exit(127);
		exec_argv(argv);
		_exit(127);
	}
	close(efd);
	return pid;
}

/* The feeder: prefix, then the rest of the body (up to its length or its end), into fd. */
static void
feed(struct src *s, const unsigned char *prefix, size_t n, int fd)
{
	unsigned char	buf[COPY_BUF];
	long long	got;

	if (write_all(fd, prefix, n) == -1)
		_exit(1);
	while ((got = src_some(s, buf, sizeof(buf))) > 0)
		if (write_all(fd, buf, (size_t)got) == -1)
			_exit(1);
	_exit(got == 0 ? 0 : 1);
}

/* Puts tool (gzip or zstd) between the body and the reader, the body's first n bytes
   (already read) given to it first. 0, or -1 reported. */
static int
decompress(struct imp *im, const char *tool, const unsigned char *prefix, size_t n)
{
	const char	*argv[] = { tool, "-dc", NULL };
	pid_t		 self = getpid();
	int		 in[2], out[2];

	snprintf(im->src.errfile, sizeof(im->src.errfile), "%s/%s.errors", im->dir, tool);
	if (pipe2(in, O_CLOEXEC) == -1)
		return ierr("IMPORT_ERROR", "pipe: %s", strerror(errno));
	if (pipe2(out, O_CLOEXEC) == -1) {
		close(in[0]);
		close(in[1]);
		return ierr("IMPORT_ERROR", "pipe: %s", strerror(errno));
	}
	im->src.toolname = tool;
	if ((im->src.tool = spawn(argv, in[0], out[1], im->src.errfile)) == -1) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return ierr("IMPORT_ERROR", "cannot start %s: %s", tool, strerror(errno));
	}
	close(in[0]);
	close(out[1]);
	if ((im->src.feeder = fork()) == 0) {
		die_with(self);
		close(out[0]);
		feed(&im->src, prefix, n, in[1]);
	}
	close(in[1]);
	im->src.fd = out[0];
	if (im->src.feeder == -1)
		return ierr("IMPORT_ERROR", "cannot start the feeder: %s", strerror(errno));
	return 0;
}

/* Reads what still comes after the archive's end, a little and briefly, so the upload's
   tail (tar's record padding) does not sit unread when the connection closes. */
static void
drain(struct imp *im)
{
	struct worker_in	*in = &im->src.in;
	struct pollfd		 pfd;
	long long		 got, left = DRAIN_MAX;

	if (im->src.fd < 0 && in->left == 0)
		return;
	if (im->src.fd < 0 && in->fd != 0) {
		/* The body's first bytes: a file, read to its end here, as worker_read would
		   go on to the socket without waiting. */
		while (left > 0 && (got = read(in->fd, im->chunk, XVA_CHUNK_MAX)) > 0) {
			left -= got;
			in->done += got;
			if (in->left > 0)
				in->left = got < in->left ? in->left - got : 0;
		}
		in->fd = 0;
	}
	pfd.fd = im->src.fd >= 0 ? im->src.fd : 0;
	pfd.events = POLLIN;
	while (left > 0 && (im->src.fd >= 0 || in->left != 0) &&
	    poll(&pfd, 1, DRAIN_WAIT_MS) == 1 &&
	    (got = src_some(&im->src, im->chunk, left < XVA_CHUNK_MAX ? (size_t)left :
	    XVA_CHUNK_MAX)) > 0)
		left -= got;
}

/* Ends the decompressor and its feeder, whatever they were doing. */
static void
stop_children(struct src *s)
{
	pid_t	*p[2] = { &s->feeder, &s->tool };
	int	 i, status;

	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	for (i = 0; i < 2; i++) {
		if (*p[i] <= 0)
			continue;
		kill(*p[i], SIGKILL);
		while (waitpid(*p[i], &status, 0) == -1 && errno == EINTR)
			;
		*p[i] = 0;
	}
}

/* ---- the archive's members ---- */

/* Opens the archive: ova.xml first, plain or compressed; its text into *xml (heap). 0, or
   -1 reported. */
static int
open_archive(struct imp *im, char **xml, size_t *len)
{
	unsigned char		 blk[TAR_BLOCK];
	struct tar_member	 m;
	const char		*why;
	size_t			 got;
	int			 r;

	if ((r = src_full(&im->src, blk, sizeof(blk), &got)) == -1)
		return read_failed();
	if (r == 0 && tar_parse_header(blk, &m, &why) == 1) {
		/* A pax header first (a tar that writes them) is skipped, as ocaml-tar does. */
		if (m.type == 'x' || m.type == 'g') {
			if (skip(im, m.size + tar_padding(m.size)) == -1 ||
			    (r = next_member(im, &m)) == -1)
				return -1;
			if (r != 1)
				return eof_error(im);
		}
		if (strcmp(m.name, XVA_OVA_XML) != 0)
			goto unexpected;
	} else if (got >= sizeof(gzip_magic) && memcmp(blk, gzip_magic,
	    sizeof(gzip_magic)) == 0) {
		if (decompress(im, "gzip", blk, got) == -1)
			return -1;
	} else if (got >= sizeof(zstd_magic) && memcmp(blk, zstd_magic,
	    sizeof(zstd_magic)) == 0) {
		if (decompress(im, "zstd", blk, got) == -1)
			return -1;
	} else if (got == 0 || (r == 1 && got < sizeof(zstd_magic))) {
		worker_error("IMPORT_ERROR_PREMATURE_EOF", 0, NULL);
		return -1;
	} else
		return ierr("IMPORT_ERROR", "the upload is not an XVA: neither a tar archive "
		    "(its header: %s) nor gzip or zstd compressed", r == 0 ? why :
		    "shorter than a tar header");
	if (im->src.fd >= 0) {
		if ((r = next_member(im, &m)) == -1)
			return -1;
		if (r != 1)
			return eof_error(im);
		if (strcmp(m.name, XVA_OVA_XML) != 0)
			goto unexpected;
	}
	if (m.size > XVA_OVA_XML_MAX)
		return ierr("IMPORT_ERROR", "ova.xml is %llu bytes, more than the %d taken",
		    m.size, XVA_OVA_XML_MAX);
	snprintf(im->last, sizeof(im->last), "%s", m.name);
	if ((*xml = malloc((size_t)m.size + 1)) == NULL)
		return ierr("IMPORT_ERROR", "out of memory");
	if (take(im, *xml, (size_t)m.size) == -1 || skip(im, tar_padding(m.size)) == -1)
		return -1;
	*len = (size_t)m.size;
	return 0;
unexpected:
	worker_error("IMPORT_ERROR_UNEXPECTED_FILE", 2,
	    (const char *const[]){ XVA_OVA_XML, m.name });
	return -1;
}

/* Writes ova.xml into the work directory for the records' turn. 0, or -1 reported. */
static int
keep_ova(struct imp *im, const char *xml, size_t len)
{
	char	path[600];
	int	fd, fails;

	snprintf(path, sizeof(path), "%s/%s", im->dir, XVA_OVA_XML);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1)
		return ierr("IMPORT_ERROR", "%s: %s", path, strerror(errno));
	fails = write_all(fd, xml, len) == -1 || fsync(fd) == -1;
	if (close(fd) == -1 || fails)
		return ierr("IMPORT_ERROR", "writing %s: %s", path, strerror(errno));
	return 0;
}

/* Every disk fits the SR and has its sparse file. 0, or -1 reported. */
static int
make_disks(struct imp *im)
{
	char	name[32], path[600];
	size_t	i;

	if ((im->fds = calloc(im->ova.ndisks + 1, sizeof(*im->fds))) == NULL)
		return ierr("IMPORT_ERROR", "out of memory");
	for (i = 0; i < im->ova.ndisks; i++)
		im->fds[i] = -1;
	for (i = 0; i < im->ova.ndisks; i++) {
		const struct xva_disk	*d = &im->ova.disks[i];

		if (d->size > im->srsize)
			return sr_full(d->size, im->srsize);
		xva_disk_file(i, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/%s", im->dir, name);
		if ((im->fds[i] = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) == -1 ||
		    ftruncate(im->fds[i], d->size) == -1)
			return ierr("IMPORT_ERROR", "%s: %s", path, strerror(errno));
		im->total += d->size;
	}
	return 0;
}

static int
all_zero(const unsigned char *p, size_t n)
{
	return n == 0 || (p[0] == 0 && memcmp(p, p + 1, n - 1) == 0);
}

/* XAPI's SR_FULL: the bytes the disks would need, and what the SR has. Returns -1. */
static int
sr_full(long long need, long long have)
{
	char	n[32], h[32];

	snprintf(n, sizeof(n), "%lld", need);
	snprintf(h, sizeof(h), "%lld", have);
	worker_error("SR_FULL", 2, (const char *const[]){ n, h });
	return -1;
}

/* Writes a chunk at off of disk i, unless it is all zeros (the file is sparse already).
   0, or -1 reported. */
static int
put(struct imp *im, size_t i, const unsigned char *p, size_t n, long long off)
{
	ssize_t	w;

	if (all_zero(p, n))
		return 0;
	if (im->written + (long long)n > im->free)
		return sr_full(im->written + (long long)n, im->free);
	while (n > 0) {
		if ((w = pwrite(im->fds[i], p, n, off)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOSPC)
				return sr_full(im->written + (long long)n, im->written);
			return ierr("IMPORT_ERROR", "writing disk %s: %s", im->ova.disks[i].id,
			    strerror(errno));
		}
		p += w;
		n -= (size_t)w;
		off += w;
		im->written += w;
	}
	return 0;
}

/* The digits after "ID/" in name as a chunk number; -1 when name is not one of disk id's
   chunks. */
static long long
chunk_number(const char *name, const char *id)
{
	size_t		n = strlen(id), i;
	long long	v = 0;

	if (strncmp(name, id, n) != 0 || name[n] != '/' || name[n + 1] == '\0' ||
	    strlen(name + n + 1) > XVA_CHUNK_DIGITS - 1)
		return -1;
	for (i = n + 1; name[i] != '\0'; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return v;
}

/* The checksum member after chunk m (export_vsn >= 1): read and compared, as
   verify_inline_checksum. What the chunk's checksum came to goes into sum. 0, or -1
   reported. */
static int
check_chunk(struct imp *im, const struct tar_member *chunk, char sum[CHUNK_SHA1_LEN + 1])
{
	struct tar_member	m;
	char			want[XVA_SUM_MAX + 1];
	size_t			n = strlen(chunk->name);
	int			r, xxh;

	if ((r = next_member(im, &m)) == -1)
		return -1;
	if (r != 1)
		return eof_error(im);
	xxh = strlen(m.name) > 7 && strcmp(m.name + strlen(m.name) - 7, ".xxhash") == 0;
	if (!xxh && !(strlen(m.name) > 9 && strcmp(m.name + strlen(m.name) - 9,
	    ".checksum") == 0))
		return ierr("IMPORT_ERROR", "Found unsupported checksum file: %s", m.name);
	if (strncmp(m.name, chunk->name, n) != 0 || m.name[n] != '.')
		return ierr("IMPORT_ERROR", "Invalid XVA file: %s is not the checksum of %s",
		    m.name, chunk->name);
	if (m.size > XVA_SUM_MAX)
		return ierr("IMPORT_ERROR", "Invalid XVA file: %s is %llu bytes, not a checksum",
		    m.name, m.size);
	if (take(im, want, (size_t)m.size) == -1 || skip(im, tar_padding(m.size)) == -1)
		return -1;
	want[m.size] = '\0';
	if (xxh)
		chunk_xxhash(im->chunk, (size_t)chunk->size, sum);
	else if (chunk_sha1(im->chunk, (size_t)chunk->size, sum) == -1)
		return ierr("IMPORT_ERROR", "cannot compute the SHA-1 of %s (openssl): %s",
		    chunk->name, strerror(errno));
	if (strcmp(want, sum) != 0 && !im->force)
		return ierr("IMPORT_ERROR", "Block %s checksum failed: original = %s; "
		    "recomputed = %s", chunk->name, want, sum);
	return 0;
}

/*
 * Disk i's chunks, as recv_all_vdi reads them: each member ID/NNNNNNNN goes where the
 * previous one ended, after as many chunks of the disk's first chunk's length as numbers
 * were skipped (zeros, left out). So the empty chunks XAPI sends to keep a connection
 * alive move the rest along as they did in the export. Reads until the disk is full.
 */
static int
recv_disk(struct imp *im, size_t i)
{
	const struct xva_disk	*d = &im->ova.disks[i];
	struct tar_member	 m;
	long long		 off = 0, last = -1, unit = -1, n, skipped;
	char			 sum[CHUNK_SHA1_LEN + 1];
	int			 r;

	while (off < d->size) {
		if ((r = next_member(im, &m)) == -1)
			return -1;
		if (r != 1) {
			if (r == 2)
				return eof_error(im);
			worker_error("IMPORT_ERROR_PREMATURE_EOF", 0, NULL);
			return -1;
		}
		if ((n = chunk_number(m.name, d->id)) == -1)
			return ierr("IMPORT_ERROR", "Invalid XVA file: expected a chunk of disk %s "
			    "(%s/NNNNNNNN), found %s", d->id, d->id, m.name);
		if (n <= last)
			return ierr("IMPORT_ERROR", "Invalid XVA file: chunk %s does not come after "
			    "chunk %08lld", m.name, last);
		if (m.size > XVA_CHUNK_MAX)
			return ierr("IMPORT_ERROR", "Invalid XVA file: chunk %s is %llu bytes, more "
			    "than the %d a chunk may hold", m.name, m.size, XVA_CHUNK_MAX);
		if (unit < 0)
			unit = (long long)m.size;
		skipped = n - last - 1;
		if (skipped > 0 && unit > 0 && skipped > (d->size - off) / unit)
			return ierr("IMPORT_ERROR", "Invalid XVA file: chunk %s lies past the end "
			    "of its disk (%lld bytes)", m.name, d->size);
		off += skipped * unit;
		if ((long long)m.size > d->size - off)
			return ierr("IMPORT_ERROR", "Invalid XVA file: chunk %s (%llu bytes at "
			    "%lld) goes past the end of its disk (%lld bytes)", m.name, m.size, off,
			    d->size);
		if (take(im, im->chunk, (size_t)m.size) == -1 || skip(im, tar_padding(m.size)) == -1)
			return -1;
		if (im->ova.export_vsn > 0) {
			if (check_chunk(im, &m, sum) == -1)
				return -1;
		} else if (chunk_sha1(im->chunk, (size_t)m.size, sum) == -1)
			return ierr("IMPORT_ERROR", "cannot compute the SHA-1 of %s (openssl): %s",
			    m.name, strerror(errno));
		if (im->ova.export_vsn < XVA_EXPORT_VSN &&
		    buf_printf(&im->sums, "%s %s\n", m.name, sum) == -1)
			return ierr("IMPORT_ERROR", "an XVA of export_vsn %d with more chunks than "
			    "its checksum table may hold", im->ova.export_vsn);
		if (put(im, i, im->chunk, (size_t)m.size, off) == -1)
			return -1;
		off += (long long)m.size;
		im->done += skipped * unit + (long long)m.size;
		worker_progress(im->total > 0 ? (double)im->done / (double)im->total : 1);
		last = n;
	}
	return 0;
}

static int
member_cmp(const void *a, const void *b)
{
	const struct val_member	*x = a, *y = b;
	size_t			 n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int			 c = memcmp(x->name, y->name, n);

	return c != 0 ? c : (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

/* An XVA of export_vsn < 2 ends with a table of every chunk's checksum (SHA-1), which
   must hold what the chunks came to (XAPI's compare_checksums). 0, or -1 reported. */
static int
check_table(struct imp *im)
{
	struct tar_member	 m;
	struct val_member	 key, *hit;
	struct val		*table;
	char			*text, why[160], *line, *sp, *nl;
	int			 r, bad = 0;

	if ((r = next_member(im, &m)) == -1)
		return -1;
	if (r != 1)
		return eof_error(im);
	if (m.size > XVA_TABLE_MAX)
		return ierr("IMPORT_ERROR", "the checksum table %s is %llu bytes, more than the "
		    "%d taken", m.name, m.size, XVA_TABLE_MAX);
	if ((text = arena_alloc(&im->arena, (size_t)m.size + 1)) == NULL)
		return ierr("IMPORT_ERROR", "out of memory");
	if (take(im, text, (size_t)m.size) == -1 || skip(im, tar_padding(m.size)) == -1)
		return -1;
	if (xmlrpc_parse_value(&im->arena, text, (size_t)m.size, &table, why, sizeof(why)) == -1 ||
	    table->type != VAL_STRUCT)
		return ierr("IMPORT_ERROR", "the checksum table %s: %s", m.name,
		    table == NULL ? why : "not a struct");
	qsort(table->u.st.m, table->u.st.n, sizeof(*table->u.st.m), member_cmp);
	for (line = im->sums.p; line != NULL && *line != '\0' && !bad; line = nl + 1) {
		nl = strchr(line, '\n');
		sp = strchr(line, ' ');
		key.name = line;
		key.namelen = (size_t)(sp - line);
		*nl = '\0';
		hit = bsearch(&key, table->u.st.m, table->u.st.n, sizeof(*table->u.st.m),
		    member_cmp);
		bad = hit == NULL || hit->v->type != VAL_STRING || strcmp(hit->v->u.s.p, sp + 1);
	}
	if (bad && !im->force) {
		worker_error("IMPORT_ERROR_SOME_CHECKSUMS_FAILED", 0, NULL);
		return -1;
	}
	return 0;
}

/* After the last disk: only the archive's end. 0, or -1 reported. */
static int
finish(struct imp *im)
{
	struct tar_member	m;
	size_t			i;
	int			r;

	if ((r = next_member(im, &m)) == -1)
		return -1;
	if (r == 1)
		return ierr("IMPORT_ERROR", "Invalid XVA file: %s, after the last disk's data, "
		    "belongs to no disk", m.name);
	for (i = 0; i < im->ova.ndisks; i++)
		if (fsync(im->fds[i]) == -1)
			return ierr("IMPORT_ERROR", "writing disk %s: %s", im->ova.disks[i].id,
			    strerror(errno));
	drain(im);
	return 0;
}

static int
run(struct imp *im)
{
	struct xva_err	 e;
	char		*xml = NULL;
	size_t		 len = 0, i;
	int		 r;

	if (open_archive(im, &xml, &len) == -1 || keep_ova(im, xml, len) == -1) {
		free(xml);
		return -1;
	}
	/* The tree holds copies of its strings: the text can go. */
	r = xva_ova_parse(&im->arena, xml, len, &im->ova, &e);
	free(xml);
	if (r == -1)
		return e.param[0] != '\0' ? ierr(e.code, "%s", e.param) :
		    (worker_error(e.code, 0, NULL), -1);
	if (make_disks(im) == -1)
		return -1;
	worker_progress(0);
	for (i = 0; i < im->ova.ndisks; i++)
		if (recv_disk(im, i) == -1)
			return -1;
	if (im->ova.export_vsn < XVA_EXPORT_VSN && check_table(im) == -1)
		return -1;
	return finish(im);
}

/* --worker import-xva WORKDIR LENGTH FREE SIZE FORCE */
int
xva_import_worker(int argc, char **argv)
{
	struct imp	 im;
	size_t		 i;
	int		 r;

	if (argc != 5) {
		fprintf(stderr, "xapi-lite: --worker import-xva WORKDIR LENGTH FREE SIZE FORCE\n");
		return 2;
	}
	memset(&im, 0, sizeof(im));
	signal(SIGPIPE, SIG_IGN);
	im.dir = argv[0];
	worker_in_init(&im.src.in, strtoll(argv[1], NULL, 10));
	im.src.fd = -1;
	im.free = strtoll(argv[2], NULL, 10);
	im.srsize = strtoll(argv[3], NULL, 10);
	im.force = strcmp(argv[4], "1") == 0;
	arena_init(&im.arena, XVA_OVA_ARENA_MAX);
	buf_init(&im.sums, XVA_TABLE_MAX);
	if ((im.chunk = malloc(XVA_CHUNK_MAX)) == NULL)
		r = ierr("IMPORT_ERROR", "out of memory");
	else
		r = run(&im);
	stop_children(&im.src);
	for (i = 0; im.fds != NULL && i < im.ova.ndisks; i++)
		if (im.fds[i] != -1)
			close(im.fds[i]);
	free(im.fds);
	free(im.chunk);
	buf_free(&im.sums);
	arena_free(&im.arena);
	if (r == 0)
		worker_progress(1);
	return r == 0 ? 0 : 1;
}

/* ---- the request (in xapi-lite) ---- */

/* The SR to import into (sr_id, by ref or uuid, or sr_uuid; else the pool's default SR),
   attached here; NULL with *status and msg filled. */
static struct obj *
target_sr(struct xapi *x, const struct http_request *req, int *status, char *msg,
    size_t msglen)
{
	static const char *const names[] = { "sr_id", "sr_uuid", NULL };
	char		 name[8];
	struct obj	*sr, *pbd;
	const char	*ref;
	size_t		 i;

	if (http_request_param(req, "sr_id", name, sizeof(name)) != 0 ||
	    http_request_param(req, "sr_uuid", name, sizeof(name)) != 0) {
		if ((sr = handoff_object(x, req, names, C_SR, status, msg, msglen)) == NULL)
			return NULL;
	} else {
		ref = db_str(&x->db, x->pool, F_pool_default_SR);
		if ((sr = db_find(&x->db, ref, strlen(ref))) == NULL || sr->cls != C_SR) {
			*status = handoff_refuse(msg, msglen, 404,
			    "DEFAULT_SR_NOT_FOUND %s: no sr_id and the "
			    "pool has no default SR\n", ref);
			return NULL;
		}
	}
	/* XAPI refuses an ISO library (SR_OPERATION_NOT_SUPPORTED) with 400. */
	if (strcmp(db_str(&x->db, sr, F_SR_content_type), "iso") == 0) {
		*status = handoff_refuse(msg, msglen, 400,
		    "SR_OPERATION_NOT_SUPPORTED %s: an ISO library "
		    "takes no VM import\n", sr->ref);
		return NULL;
	}
	for (i = 0; i < x->db.n[C_PBD]; i++) {
		pbd = x->db.objs[C_PBD][i];
		if (strcmp(db_str(&x->db, pbd, F_PBD_SR), sr->ref) == 0 &&
		    db_get(&x->db, pbd, F_PBD_currently_attached)->u.b && sr_dir(x, sr) != NULL)
			return sr;
	}
	*status = handoff_refuse(msg, msglen, 503,
	    "SR_NOT_ATTACHED %s: the SR is not attached to this "
	    "host\n", sr->ref);
	return NULL;
}

int
xva_import_begin(struct xapi *x, const struct http_request *req, struct handoff_spec *h,
    char *msg, size_t msglen)
{
	struct statvfs	 sv;
	struct obj	*sr;
	char		 task[80] = "", flag[8], dir[600];
	int		 status, restore, force;
	long long	 size, free_bytes;

	if (handoff_session(x, req) == NULL)
		return handoff_refuse(msg, msglen, 401, "no valid session_id\n");
	if ((sr = target_sr(x, req, &status, msg, msglen)) == NULL)
		return status;
	/* XAPI's query flags: exactly "true". */
	restore = http_request_param(req, "restore", flag, sizeof(flag)) == 1 &&
	    strcmp(flag, "true") == 0;
	force = http_request_param(req, "force", flag, sizeof(flag)) == 1 &&
	    strcmp(flag, "true") == 0;
	if (http_request_param(req, "task_id", task, sizeof(task)) != 1)
		task[0] = '\0';
	if (statvfs(sr_dir(x, sr), &sv) == -1)
		return handoff_refuse(msg, msglen, 500,
		    "the SR's directory %s: %s\n", sr_dir(x, sr),
		    strerror(errno));
	size = (long long)sv.f_blocks * (long long)sv.f_frsize;
	free_bytes = (long long)sv.f_bavail * (long long)sv.f_frsize;
	snprintf(dir, sizeof(dir), "%s/%s", sr_dir(x, sr), XVA_WORKDIR_TEMPLATE);
	if (mkdtemp(dir) == NULL)
		return handoff_refuse(msg, msglen, 500,
		    "cannot make the import's directory in %s: %s\n",
		    sr_dir(x, sr), strerror(errno));
	if (handoff_arg(h, "import-xva") == -1 || handoff_arg(h, "%s", dir) == -1 ||
	    handoff_arg(h, "%lld", req->content_length) == -1 ||
	    handoff_arg(h, "%lld", free_bytes) == -1 || handoff_arg(h, "%lld", size) == -1 ||
	    handoff_arg(h, "%d", force) == -1) {
		rmdir(dir);
		return handoff_refuse(msg, msglen, 500, "out of memory\n");
	}
	snprintf(h->ctx, sizeof(h->ctx), "%s\n%s\n%d\n%d\n%s", dir, sr->ref, restore, force,
	    task);
	snprintf(h->label, sizeof(h->label), "VM.import");
	h->done = xva_import_done;
	h->worker_answers = 0;
	return 0;
}
