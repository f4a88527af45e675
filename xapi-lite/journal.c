/*
 * Durability for xapi-lite's database: every change is appended to db.journal as one
 * checksummed JSON record per object and fsync'd before the reply leaves (several requests
 * of one loop turn share one fsync); a snapshot replaces the journal when it grows, the old
 * pair kept as the previous generation. Disk blocks are reserved past the journal's end,
 * so a full disk turns the journal read-only before a write can fail. Loading is
 * journal_load.c's.
 */
#define _GNU_SOURCE	/* fallocate */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "crc32.h"
#include "fdio.h"
#include "journal_impl.h"
#include "json.h"
#include "xapi_limits.h"

/* A new snapshot once the journal is past this size and bigger than the snapshot, so a
   start replays at most about twice the database. */
#define SNAPSHOT_AFTER	(1024 * 1024)
#define RECORD_MAX	(16 * 1024 * 1024)
#define SNAPSHOT_BACKOFF_MAX	64	/* retries (seconds) between failed snapshots, at most */
#define DAMAGED_NAMES	100	/* db.journal.damaged-TIME, then -TIME.2...: tries */

/* Sessions and tasks live only as long as the process, as in XAPI. */
static int
persistent(enum cls c)
{
	return c != C_session && c != C_task;
}

void
journal_log(struct journal *j, const char *fmt, ...)
{
	FILE	*f = j->log != NULL ? j->log : stderr;
	va_list	 ap;

	fputs("xapi-lite: ", f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

/* Appends one record line: CRC, space, JSON, newline. */
static int
put_line(struct buf *out, const struct buf *json)
{
	return buf_printf(out, "%08x ", crc32_update(0, json->p, json->len)) == -1 ||
	    buf_append(out, json->p, json->len) == -1 || buf_puts(out, "\n") == -1 ? -1 : 0;
}

static int
put_object(struct buf *out, const struct db *db, const struct obj *o)
{
	struct buf	 rec;
	int		 i, e = 0, first = 1;

	buf_init(&rec, RECORD_MAX);
	e |= buf_printf(&rec, "{\"c\":\"%s\",\"r\":\"%s\",\"cg\":%llu,\"g\":%llu,\"f\":{",
	    model_classes[o->cls].name, o->ref, (unsigned long long)o->created,
	    (unsigned long long)o->modified);
	for (i = 0; i < db->nfields[o->cls]; i++) {
		const struct field_desc	*fd = &model_fields[db->first[o->cls] + i];

		if (fd->kind == K_DERIVED)
			continue;
		e |= buf_printf(&rec, "%s\"%s\":", first ? "" : ",", fd->name);
		first = 0;
		e |= json_write(&rec, o->v[i]);
	}
	e |= buf_puts(&rec, "}}");
	e |= e ? -1 : put_line(out, &rec);
	buf_free(&rec);
	return e ? -1 : 0;
}

/* A header line: {"snapshot":G} or {"after":G}; nothing for NO_HEADER. */
static int
put_header(struct buf *out, const char *key, uint64_t gen)
{
	struct buf	rec;
	int		e;

	if (gen == NO_HEADER)
		return 0;
	buf_init(&rec, 0);
	e = buf_printf(&rec, "{\"%s\":%llu}", key, (unsigned long long)gen) == -1 ||
	    put_line(out, &rec) == -1 ? -1 : 0;
	buf_free(&rec);
	return e;
}

int
journal_write_file(struct journal *j, const char *name, const struct buf *b)
{
	int	fd, e;

	if ((fd = openat(j->dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write_all(fd, b->p ? b->p : "", b->len) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		unlinkat(j->dirfd, name, 0);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* Renames within the state directory and makes the rename itself durable, so the renames
   of a snapshot reach the disk in their order. */
static int
move(struct journal *j, const char *from, const char *to)
{
	return renameat(j->dirfd, from, j->dirfd, to) == -1 || fsync(j->dirfd) == -1 ? -1 : 0;
}

int
journal_new(struct journal *j, uint64_t after)
{
	struct buf	hdr;
	int		fd;

	buf_init(&hdr, 0);
	if (put_header(&hdr, "after", after) == -1) {
		buf_free(&hdr);
		errno = ENOMEM;
		return -1;
	}
	if (journal_write_file(j, JOURNAL_TMP, &hdr) == -1 || move(j, JOURNAL_TMP, JOURNAL) == -1 ||
	    (fd = openat(j->dirfd, JOURNAL, O_RDWR | O_APPEND | O_CLOEXEC)) == -1) {
		buf_free(&hdr);
		return -1;
	}
	if (j->fd != -1)
		close(j->fd);
	j->fd = fd;
	j->bytes = hdr.len;
	j->reserved = 0;
	j->after = after;
	buf_free(&hdr);
	return 0;
}

void
journal_readonly(struct journal *j, const char *what, int err)
{
	int	was = j->readonly;

	if (what != NULL)
		snprintf(j->error, sizeof(j->error), "the database cannot be written: %s (%s)",
		    what, strerror(err));
	else
		snprintf(j->error, sizeof(j->error), "the database cannot be written: %s",
		    strerror(err));
	j->readonly = 1;
	if (!was && !j->retrying)
		journal_log(j, "%s/%s: %s; writes are refused until it can be written again",
		    j->dir, JOURNAL, j->error);
}

int
journal_reserve(struct journal *j)
{
	int	r;

	if (j->fd == -1)
		return -1;
	while ((r = fallocate(j->fd, FALLOC_FL_KEEP_SIZE, (off_t)j->bytes,
	    XAPI_JOURNAL_RESERVE)) == -1 && errno == EINTR)
		;
	if (r == 0) {
		j->reserved = j->bytes + XAPI_JOURNAL_RESERVE;
		return 0;
	}
	/* A file system without reservations: appends may still fail, and are retried. */
	if (errno == EOPNOTSUPP || errno == ENOSYS) {
		j->reserved = 0;
		return 0;
	}
	journal_readonly(j, NULL, errno);
	return -1;
}

int
journal_cut(struct journal *j, char *kept, size_t keptlen)
{
	char	 chunk[65536];
	off_t	 off = (off_t)j->cut_at;
	ssize_t	 n;
	int	 fd = -1, i, e;

	for (i = 1; i <= DAMAGED_NAMES && fd == -1; i++) {
		if (i == 1)
			snprintf(kept, keptlen, JOURNAL ".damaged-%lld", (long long)time(NULL));
		else
			snprintf(kept, keptlen, JOURNAL ".damaged-%lld.%d", (long long)time(NULL), i);
		if ((fd = openat(j->dirfd, kept, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) == -1 && errno != EEXIST)
			goto fail;
	}
	if (fd == -1)
		goto fail;
	while ((n = pread(j->fd, chunk, sizeof(chunk), off)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || write_all(fd, chunk, (size_t)n) == -1)
			goto fail;
		off += n;
	}
	if (fsync(fd) == -1)
		goto fail;
	close(fd);
	fd = -1;
	/* Only once the copy is on disk may the journal lose its tail. */
	if (fsync(j->dirfd) == -1 || ftruncate(j->fd, (off_t)j->cut_at) == -1 ||
	    fsync(j->fd) == -1)
		goto fail;
	j->bytes = (size_t)j->cut_at;
	j->cut_at = -1;
	j->reserved = 0;
	return 0;
fail:
	e = errno;
	if (fd != -1) {
		close(fd);
		unlinkat(j->dirfd, kept, 0);
	}
	journal_readonly(j, "cannot keep the damaged end of " JOURNAL " aside", e);
	return -1;
}

/* Appends out and makes it durable. While read-only only what fits the reservation is
   written (the rest waits for journal_retry). A failed append is cut off again: the next
   one rewrites it whole. Returns 0 or -1. */
static int
append(struct journal *j, const struct buf *out)
{
	int	e;

	if (j->fd == -1 || j->cut_at >= 0 || (j->readonly && j->bytes + out->len > j->reserved)) {
		if (!j->readonly)
			journal_readonly(j, "no " JOURNAL " to append to", ENOENT);
		return -1;
	}
	if (write_all(j->fd, out->p, out->len) == 0 && fdatasync(j->fd) == 0) {
		j->bytes += out->len;
		return 0;
	}
	e = errno;
	(void)ftruncate(j->fd, (off_t)j->bytes);	/* journal_retry checks it did */
	j->reserved = 0;
	journal_readonly(j, NULL, e);
	return -1;
}

/* Writes what is not on disk yet. Returns 0 when it all is, or -1; *fresh tells whether
   changes made since the previous call were among it. */
static int
commit_all(struct journal *j, struct db *db, int *fresh)
{
	struct buf	 out;
	size_t		 i;
	int		 c, e = 0;

	*fresh = 0;
	if (db->gen == j->committed && db->ntombs == j->tombs_seen)
		return 0;
	buf_init(&out, 0);
	for (c = 0; c < C__COUNT && !e; c++) {
		if (!persistent(c))
			continue;
		for (i = 0; i < db->n[c] && !e; i++)
			if (db->objs[c][i]->modified > j->committed) {
				e |= put_object(&out, db, db->objs[c][i]);
				*fresh |= db->objs[c][i]->modified > j->seen;
			}
	}
	for (i = j->tombs_seen; i < db->ntombs && !e; i++) {
		struct buf	rec;

		if (!persistent(db->tombs[i].cls))
			continue;
		*fresh |= i >= j->tombs_new;
		buf_init(&rec, 0);
		e |= buf_printf(&rec, "{\"d\":\"%s\",\"g\":%llu}", db->tombs[i].ref,
		    (unsigned long long)db->tombs[i].gen);
		e |= e ? -1 : put_line(&out, &rec);
		buf_free(&rec);
	}
	j->seen = db->gen;
	j->tombs_new = db->ntombs;
	if (e) {
		buf_free(&out);
		*fresh = 1;
		journal_readonly(j, NULL, ENOMEM);
		return -1;
	}
	if (out.len > 0 && append(j, &out) == -1) {
		buf_free(&out);
		return -1;
	}
	buf_free(&out);
	j->committed = db->gen;
	j->tombs_seen = db->ntombs;
	return 0;
}

int
journal_commit(struct journal *j, struct db *db)
{
	size_t	before = j->bytes;
	int	fresh, told = !j->readonly;

	/* A read-only journal's clients were refused every write: what changed without
	   them waits for journal_retry, and nobody heard of it. */
	if (commit_all(j, db, &fresh) == -1)
		return fresh && told ? -1 : 0;
	if (j->bytes == before)
		return 0;
	/* What was just written came out of the reservation: renew it (or turn read-only,
	   while what is left of it takes the changes already under way). */
	if (!j->readonly)
		(void)journal_reserve(j);
	if (j->bytes > SNAPSHOT_AFTER && j->bytes > j->snapshot_bytes && !j->snapshot_due)
		(void)journal_snapshot(j, db);
	return 0;
}

/* Snapshots write the whole database: on a full disk, wait until it seems to fit. */
static int
room_for_snapshot(const struct journal *j)
{
	struct statvfs	sv;
	unsigned long long need = 2ULL * (j->snapshot_bytes + j->bytes);

	return fstatvfs(j->dirfd, &sv) == -1 ||
	    (unsigned long long)sv.f_bavail * sv.f_frsize >= need;
}

static void
snapshot_failed(struct journal *j, const char *why)
{
	int	e = errno;

	if (!j->snapshot_due)
		journal_log(j, "%s/%s cannot be written (%s); the journal keeps everything, and "
		    "it is tried again later", j->dir, SNAPSHOT, why);
	j->snapshot_due = 1;
	j->snapshot_wait = j->snapshot_backoff;
	j->snapshot_backoff = j->snapshot_backoff ? j->snapshot_backoff * 2 : 1;
	if (j->snapshot_backoff > SNAPSHOT_BACKOFF_MAX)
		j->snapshot_backoff = SNAPSHOT_BACKOFF_MAX;
	unlinkat(j->dirfd, SNAPSHOT_TMP, 0);
	unlinkat(j->dirfd, SNAPSHOT_PREV_TMP, 0);
	unlinkat(j->dirfd, JOURNAL_TMP, 0);
	unlinkat(j->dirfd, JOURNAL_PREV_TMP, 0);
	errno = e;
}

int
journal_snapshot(struct journal *j, struct db *db)
{
	struct buf	 out, hdr, prev;
	size_t		 i, old_bytes;
	int		 c, e = 0, fresh, old_fd, had = j->have_snapshot;
	uint64_t	 gen;

	/* Moving the journal to the previous generation would take its damaged end along. */
	if (j->cut_at >= 0) {
		errno = EAGAIN;
		snapshot_failed(j, "the damaged end of " JOURNAL " is not kept aside yet");
		return -1;
	}
	/* The new snapshot must equal the old one and its journal (the previous generation). */
	if (j->have_snapshot && commit_all(j, db, &fresh) == -1) {
		errno = EAGAIN;
		snapshot_failed(j, "the journal cannot be written first");
		return -1;
	}
	gen = db->gen;
	old_bytes = j->bytes;
	buf_init(&out, 0);
	buf_init(&hdr, 0);
	buf_init(&prev, 0);
	e |= put_header(&out, "snapshot", gen);
	for (c = 0; c < C__COUNT && !e; c++)
		for (i = 0; persistent(c) && i < db->n[c] && !e; i++)
			e |= put_object(&out, db, db->objs[c][i]);
	e |= e ? -1 : put_header(&hdr, "after", gen);
	e |= e ? -1 : put_header(&prev, "after", j->after);
	if (e) {
		errno = ENOMEM;
		goto fail;
	}
	if (journal_write_file(j, SNAPSHOT_TMP, &out) == -1 ||
	    journal_write_file(j, JOURNAL_TMP, &hdr) == -1)
		goto fail;
	/* No current snapshot to keep (a first start, or a damaged one moved aside): the
	   previous generation is a copy of the new one. */
	if (j->have_snapshot ? move(j, SNAPSHOT, SNAPSHOT_PREV) == -1 :
	    journal_write_file(j, SNAPSHOT_PREV_TMP, &out) == -1 ||
	    move(j, SNAPSHOT_PREV_TMP, SNAPSHOT_PREV) == -1)
		goto fail;
	/* Each step from here leaves what journal_load.c reads as the same database. */
	j->have_snapshot = 0;
	/* The old snapshot had no journal (one could not be started): an empty one goes with
	   it, so the previous generation still chains. */
	if (move(j, JOURNAL, JOURNAL_PREV) == -1 && (errno != ENOENT || (had &&
	    (journal_write_file(j, JOURNAL_PREV_TMP, &prev) == -1 ||
	    move(j, JOURNAL_PREV_TMP, JOURNAL_PREV) == -1))))
		goto fail;
	if (move(j, SNAPSHOT_TMP, SNAPSHOT) == -1)
		goto fail;
	/* The old journal is the previous generation's now: nothing more goes in it, and its
	   reservation is given back. */
	old_fd = j->fd;
	j->fd = -1;
	j->have_snapshot = 1;
	j->after = gen;
	j->bytes = j->reserved = 0;
	j->snapshot_bytes = out.len;
	j->committed = j->seen = gen;
	j->tombs_seen = j->tombs_new = db->ntombs;
	if (old_fd != -1) {
		(void)ftruncate(old_fd, (off_t)old_bytes);
		close(old_fd);
	}
	if (move(j, JOURNAL_TMP, JOURNAL) == -1 ||
	    (j->fd = openat(j->dirfd, JOURNAL, O_RDWR | O_APPEND | O_CLOEXEC)) == -1) {
		/* The snapshot stands; journal_retry starts the journal. */
		journal_readonly(j, "cannot start a new " JOURNAL, errno);
		buf_free(&out);
		buf_free(&hdr);
		buf_free(&prev);
		return -1;
	}
	j->bytes = hdr.len;
	buf_free(&out);
	buf_free(&hdr);
	buf_free(&prev);
	if (j->snapshot_due)
		journal_log(j, "%s/%s written", j->dir, SNAPSHOT);
	j->snapshot_due = 0;
	j->snapshot_backoff = 0;
	if (journal_reserve(j) == 0 && j->readonly) {
		j->readonly = 0;
		journal_log(j, "%s/%s: writable again", j->dir, JOURNAL);
	}
	return 0;
fail:
	e = errno;
	buf_free(&out);
	buf_free(&hdr);
	buf_free(&prev);
	errno = e;
	snapshot_failed(j, strerror(e));
	return -1;
}

void
journal_retry(struct journal *j, struct db *db)
{
	struct stat	st;
	int		fresh;

	if (j->readonly && j->have_snapshot) {
		char	kept[64];

		if (j->cut_at >= 0) {
			if (journal_cut(j, kept, sizeof(kept)) == -1)
				return;
			journal_log(j, "%s/%s: its damaged end is kept in %s/%s now, and cut off",
			    j->dir, JOURNAL, j->dir, kept);
		}
		if (j->fd == -1 && journal_new(j, j->after) == -1) {
			journal_readonly(j, "cannot start a new " JOURNAL, errno);
			return;
		}
		/* An append that failed may have left part of itself. */
		if (fstat(j->fd, &st) == -1 || ((size_t)st.st_size != j->bytes &&
		    ftruncate(j->fd, (off_t)j->bytes) == -1)) {
			journal_readonly(j, NULL, errno);
			return;
		}
		if (journal_reserve(j) == -1)
			return;
		/* What waits is written whole, reservation or not; a failure is no news. */
		j->readonly = 0;
		j->retrying = 1;
		if (commit_all(j, db, &fresh) == 0)
			(void)journal_reserve(j);
		j->retrying = 0;
		if (j->readonly)
			return;
		journal_log(j, "%s/%s: writable again", j->dir, JOURNAL);
	}
	/* A read-only journal with no current snapshot waits for this one. */
	if (j->snapshot_due && j->snapshot_wait > 0)
		j->snapshot_wait--;
	else if (j->snapshot_due && room_for_snapshot(j))
		(void)journal_snapshot(j, db);
}

int
journal_writable(const struct journal *j)
{
	return !j->readonly;
}

const char *
journal_error(const struct journal *j)
{
	return j->readonly ? j->error : NULL;
}

void
journal_close(struct journal *j)
{
	/* The reservation stays: the next start on a full disk finds it. */
	if (j->fd != -1)
		close(j->fd);
	if (j->dirfd != -1)
		close(j->dirfd);
}
