/*
 * Durability for xapi-lite's database: every change is appended to db.journal as one
 * checksummed JSON record per object and fsync'd before the reply leaves (several requests
 * of one loop turn share one fsync); a snapshot replaces the journal when it grows. On
 * start the snapshot and the journal are replayed; a torn tail is cut off and logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "crc32.h"
#include "hval.h"
#include "journal.h"
#include "json.h"

#define SNAPSHOT	"db.snapshot"
#define SNAPSHOT_TMP	"db.snapshot.tmp"
#define JOURNAL		"db.journal"
/* A new snapshot once the journal is past this size and bigger than the snapshot, so a
   start replays at most about twice the database. */
#define SNAPSHOT_AFTER	(1024 * 1024)
#define RECORD_MAX	(16 * 1024 * 1024)

/* Sessions and tasks live only as long as the process, as in XAPI. */
static int
persistent(enum cls c)
{
	return c != C_session && c != C_task;
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

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* Applies one record's JSON to db. Returns 0, or -1 when it does not make sense. */
static int
apply(struct db *db, const struct val *v)
{
	const struct val	*cls, *ref, *cg, *g, *fields, *del;
	struct obj		*o;
	size_t			 i;
	int			 c, f;

	if (v->type != VAL_STRUCT)
		return -1;
	g = hval_get(v, "g", 1);
	if (g == NULL || g->type != VAL_INT)
		return -1;
	if ((del = hval_get(v, "d", 1)) != NULL) {
		if (del->type != VAL_STRING)
			return -1;
		if ((o = db_find(db, del->u.s.p, del->u.s.len)) != NULL)
			db_destroy(db, o);
		if ((uint64_t)g->u.i > db->gen)
			db->gen = (uint64_t)g->u.i;
		return 0;
	}
	cls = hval_get(v, "c", 1);
	ref = hval_get(v, "r", 1);
	cg = hval_get(v, "cg", 2);
	fields = hval_get(v, "f", 1);
	if (cls == NULL || ref == NULL || cg == NULL || fields == NULL ||
	    cls->type != VAL_STRING || ref->type != VAL_STRING || cg->type != VAL_INT ||
	    fields->type != VAL_STRUCT || ref->u.s.len != REF_LEN ||
	    (c = model_class(cls->u.s.p, cls->u.s.len)) < 0)
		return -1;
	if ((o = db_find(db, ref->u.s.p, ref->u.s.len)) == NULL &&
	    (o = db_create_ref(db, c, ref->u.s.p)) == NULL)
		return -1;
	for (i = 0; i < fields->u.st.n; i++) {
		const struct val_member	*m = &fields->u.st.m[i];
		struct val		*nv;

		/* A field this build does not know (an older or newer model) is skipped. */
		if ((f = model_field(c, m->name, m->namelen)) < 0 ||
		    model_fields[f].kind == K_DERIVED)
			continue;
		if ((nv = db_coerce(m->v, model_fields[f].kind)) == NULL || db_set(db, o, f, nv))
			return -1;
	}
	o->created = (uint64_t)cg->u.i;
	o->modified = (uint64_t)g->u.i;
	if (o->modified > db->gen)
		db->gen = o->modified;
	return 0;
}

/* Replays a file of records. Returns the byte offset of the first bad record (the whole
   size when all are good), or -1 when the file cannot be read. */
static long long
replay(int dirfd, const char *name, struct db *db, size_t *records, int *exists)
{
	struct arena	 a;
	struct buf	 data;
	char		 chunk[65536], err[128];
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	*records = 0;
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) == -1) {
		*exists = 0;
		return errno == ENOENT ? 0 : -1;
	}
	*exists = 1;
	buf_init(&data, 0);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (buf_append(&data, chunk, n) == -1) {
			n = -1;
			break;
		}
	close(fd);
	if (n < 0) {
		buf_free(&data);
		return -1;
	}
	arena_init(&a, 0);
	while (off < data.len) {
		char		*line = data.p + off, *nl, *end;
		struct val	*v;
		unsigned long	 crc;

		if ((nl = memchr(line, '\n', data.len - off)) == NULL || nl - line < 10 ||
		    line[8] != ' ')
			break;
		crc = strtoul(line, &end, 16);
		if (end != line + 8 || crc32_update(0, line + 9, nl - line - 9) != crc ||
		    json_parse(&a, line + 9, nl - line - 9, &v, err, sizeof(err)) == -1 ||
		    apply(db, v) == -1)
			break;
		arena_reset(&a);
		off = nl - data.p + 1;
		(*records)++;
	}
	arena_free(&a);
	buf_free(&data);
	return (long long)off;
}

static void
logf_(struct journal *j, const char *msg, long long a, long long b)
{
	if (j->log != NULL) {
		fprintf(j->log, msg, a, b);
		fflush(j->log);
	}
}

int
journal_open(struct journal *j, const char *dir, struct db *db, FILE *log, const char **why)
{
	struct stat	st;
	size_t		records;
	long long	good;
	int		snap, jour;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->log = log;
	if ((j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		*why = "cannot open the state directory";
		return -1;
	}
	unlinkat(j->dirfd, SNAPSHOT_TMP, 0);	/* a snapshot that never finished */
	if ((good = replay(j->dirfd, SNAPSHOT, db, &records, &snap)) < 0) {
		*why = "cannot read " SNAPSHOT;
		return -1;
	}
	if (snap && fstatat(j->dirfd, SNAPSHOT, &st, 0) == 0 && good != st.st_size) {
		/* Snapshots are renamed into place whole: a bad one is damage, not a crash. */
		*why = SNAPSHOT " is damaged";
		return -1;
	}
	if ((good = replay(j->dirfd, JOURNAL, db, &records, &jour)) < 0) {
		*why = "cannot read " JOURNAL;
		return -1;
	}
	if ((j->fd = openat(j->dirfd, JOURNAL, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600)) == -1 || fstat(j->fd, &st) == -1) {
		*why = "cannot open " JOURNAL;
		return -1;
	}
	if (st.st_size != good) {
		logf_(j, "journal: torn or corrupt tail at byte %lld cut off; %lld records kept\n",
		    good, (long long)records);
		if (ftruncate(j->fd, good) == -1 || fsync(j->fd) == -1) {
			*why = "cannot truncate " JOURNAL;
			return -1;
		}
	}
	j->bytes = (size_t)good;
	if (snap && fstatat(j->dirfd, SNAPSHOT, &st, 0) == 0)
		j->snapshot_bytes = (size_t)st.st_size;
	j->committed = db->gen;
	j->tombs_seen = db->ntombs;
	return snap || jour ? 1 : 0;
}

int
journal_commit(struct journal *j, struct db *db)
{
	struct buf	 out;
	size_t		 i;
	int		 c, e = 0;

	if (db->gen == j->committed)
		return 0;
	buf_init(&out, 0);
	for (c = 0; c < C__COUNT && !e; c++) {
		if (!persistent(c))
			continue;
		for (i = 0; i < db->n[c] && !e; i++)
			if (db->objs[c][i]->modified > j->committed)
				e |= put_object(&out, db, db->objs[c][i]);
	}
	for (i = j->tombs_seen; i < db->ntombs && !e; i++) {
		struct buf	rec;

		if (!persistent(db->tombs[i].cls))
			continue;
		buf_init(&rec, 0);
		e |= buf_printf(&rec, "{\"d\":\"%s\",\"g\":%llu}", db->tombs[i].ref,
		    (unsigned long long)db->tombs[i].gen);
		e |= e ? -1 : put_line(&out, &rec);
		buf_free(&rec);
	}
	if (e || write_all(j->fd, out.p ? out.p : "", out.len) == -1 || fdatasync(j->fd) == -1) {
		buf_free(&out);
		return -1;
	}
	j->bytes += out.len;
	j->committed = db->gen;
	j->tombs_seen = db->ntombs;
	buf_free(&out);
	return j->bytes > SNAPSHOT_AFTER && j->bytes > j->snapshot_bytes ?
	    journal_snapshot(j, db) : 0;
}

int
journal_snapshot(struct journal *j, struct db *db)
{
	struct buf	 out;
	size_t		 i;
	int		 c, fd, e = 0;

	buf_init(&out, 0);
	for (c = 0; c < C__COUNT && !e; c++)
		for (i = 0; persistent(c) && i < db->n[c] && !e; i++)
			e |= put_object(&out, db, db->objs[c][i]);
	if (e || (fd = openat(j->dirfd, SNAPSHOT_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1) {
		buf_free(&out);
		return -1;
	}
	if (write_all(fd, out.p ? out.p : "", out.len) == -1 || fsync(fd) == -1) {
		close(fd);
		buf_free(&out);
		return -1;
	}
	close(fd);
	j->snapshot_bytes = out.len;
	buf_free(&out);
	/* The rename makes the snapshot current; only then may the journal be emptied. */
	if (renameat(j->dirfd, SNAPSHOT_TMP, j->dirfd, SNAPSHOT) == -1 || fsync(j->dirfd) == -1 ||
	    ftruncate(j->fd, 0) == -1 || fsync(j->fd) == -1)
		return -1;
	j->bytes = 0;
	j->committed = db->gen;
	j->tombs_seen = db->ntombs;
	return 0;
}

void
journal_close(struct journal *j)
{
	if (j->fd != -1)
		close(j->fd);
	if (j->dirfd != -1)
		close(j->dirfd);
}
