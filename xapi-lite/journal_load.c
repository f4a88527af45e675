/*
 * Loading xapi-lite's state directory: the current generation (db.snapshot, then
 * db.journal) or, when db.snapshot does not load, the previous one (db.snapshot.1,
 * db.journal.1, then db.journal), which holds the same. A damaged end of db.journal is
 * copied aside before the journal is cut there; a damaged snapshot is moved aside and a new
 * one written. When no generation loads the start stops with what is wrong and the fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "crc32.h"
#include "hval.h"
#include "journal_impl.h"
#include "json.h"

#define FIX	"; restore the state directory from a backup, or move %s/db.* away to start " \
		"with a new database"

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

/* Checks the record line at off and parses it into *v (arena a). Returns NULL, with *next
   the offset after it, or what is wrong with it. */
static const char *
parse_line(const struct buf *d, size_t off, struct arena *a, struct val **v, size_t *next)
{
	const char	*line = d->p + off, *nl;
	char		*end, err[128];
	unsigned long	 crc;

	if ((nl = memchr(line, '\n', d->len - off)) == NULL)
		return "torn last line";
	if (nl - line < 10 || line[8] != ' ')
		return "malformed line";
	crc = strtoul(line, &end, 16);
	if (end != line + 8 || crc32_update(0, line + 9, nl - line - 9) != crc)
		return "bad checksum";
	if (json_parse(a, line + 9, nl - line - 9, v, err, sizeof(err)) == -1)
		return "unparsable record";
	*next = nl - d->p + 1;
	return NULL;
}

/* A header record's generation, or NO_HEADER. */
static uint64_t
header_of(const struct val *v)
{
	const struct val	*g;

	if (v->type != VAL_STRUCT || v->u.st.n != 1)
		return NO_HEADER;
	if ((g = hval_get(v, "snapshot", 8)) == NULL && (g = hval_get(v, "after", 5)) == NULL)
		return NO_HEADER;
	return g->type == VAL_INT && g->u.i >= 0 ? (uint64_t)g->u.i : NO_HEADER;
}

int
jfile_read(int dirfd, const char *name, struct jfile *f)
{
	struct arena	 a;
	struct val	*v;
	char		 chunk[65536];
	ssize_t		 n;
	size_t		 next;
	int		 fd;

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->header = NO_HEADER;
	buf_init(&f->data, 0);
	if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) == -1) {
		f->exists = errno != ENOENT;
		f->err = errno != ENOENT ? errno : 0;
		return f->exists ? -1 : 0;
	}
	f->exists = 1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 || buf_append(&f->data, chunk, n) == -1) {
			f->err = n == -1 ? errno : ENOMEM;
			close(fd);
			return -1;
		}
	}
	close(fd);
	/* Older builds' files start with a record; damage there is jfile_replay's to find. */
	arena_init(&a, 0);
	if (f->data.len > 0 && parse_line(&f->data, 0, &a, &v, &next) == NULL &&
	    (f->header = header_of(v)) != NO_HEADER) {
		f->good = next;
		f->line = 1;
	}
	arena_free(&a);
	return 0;
}

void
jfile_replay(struct jfile *f, struct db *db)
{
	struct arena	 a;
	struct val	*v;
	size_t		 off = f->good, next = 0;

	arena_init(&a, 0);
	while (off < f->data.len) {
		f->line++;
		if ((f->what = parse_line(&f->data, off, &a, &v, &next)) == NULL &&
		    header_of(v) != NO_HEADER)
			f->what = "misplaced header";
		if (f->what == NULL && apply(db, v) == -1)
			f->what = "record that does not fit the model";
		if (f->what != NULL)
			break;
		arena_reset(&a);
		off = next;
		f->records++;
	}
	f->good = off;
	arena_free(&a);
}

void
jfile_free(struct jfile *f)
{
	buf_free(&f->data);
}

/* Whether a snapshot read and replayed whole. */
static int
loaded(const struct jfile *f)
{
	return f->exists && f->err == 0 && f->data.len > 0 && f->what == NULL;
}

/* What is wrong with a file, for a message. */
static void
describe(const char *dir, const struct jfile *f, char *out, size_t len)
{
	if (!f->exists)
		snprintf(out, len, "%s/%s is missing", dir, f->name);
	else if (f->err)
		snprintf(out, len, "%s/%s cannot be read (%s)", dir, f->name, strerror(f->err));
	else if (f->data.len == 0)
		snprintf(out, len, "%s/%s is empty", dir, f->name);
	else
		snprintf(out, len, "%s/%s: %s at line %zu (byte %zu)", dir, f->name, f->what,
		    f->line, f->good);
}

/* Appends go on in db.journal after what replayed; a damaged end is copied aside first and
   cut (at start a full disk may postpone it: read-only until journal_retry manages).
   Returns 0, or -1 with why. */
static int
continue_journal(struct journal *j, const struct jfile *f, uint64_t after, char *why,
    size_t whylen)
{
	char	kept[64];

	if ((j->fd = openat(j->dirfd, JOURNAL, O_RDWR | O_APPEND | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s/%s cannot be opened (%s)" FIX, j->dir, JOURNAL,
		    strerror(errno), j->dir);
		return -1;
	}
	j->bytes = f->data.len;
	j->after = f->header != NO_HEADER ? f->header : after;
	if (f->what == NULL)
		return 0;
	j->cut_at = (long long)f->good;
	j->readonly = 1;	/* the one line below says it all */
	if (journal_cut(j, kept, sizeof(kept)) == 0) {
		j->readonly = 0;
		journal_log(j, "%s/%s: %s at line %zu (byte %zu); replayed the %zu records before "
		    "it and kept the %zu bytes from there in %s/%s", j->dir, JOURNAL, f->what,
		    f->line, f->good, f->records, f->data.len - f->good, j->dir, kept);
	} else
		journal_log(j, "%s/%s: %s at line %zu (byte %zu); replayed the %zu records before "
		    "it; the rest stays in place, and writes are refused, until it can be kept "
		    "aside (%s)", j->dir, JOURNAL, f->what, f->line, f->good, f->records, j->error);
	return 0;
}

/* The current generation: db.snapshot loaded, then db.journal. */
static int
load_current(struct journal *j, struct db *db, struct jfile *s, struct jfile *jr, char *why,
    size_t whylen)
{
	j->have_snapshot = 1;
	j->after = s->header;
	j->snapshot_bytes = s->data.len;
	if (jr->err) {
		describe(j->dir, jr, why, whylen);
		snprintf(why + strlen(why), whylen - strlen(why), FIX, j->dir);
		return -1;
	}
	if (!jr->exists) {
		/* A snapshot's last step never happened. */
		if (journal_new(j, s->header) == -1)
			journal_readonly(j, "cannot start a new " JOURNAL, errno);
		return 0;
	}
	if (jr->header != NO_HEADER && jr->header != s->header) {
		/* Not this snapshot's journal: all of it is kept aside, none replayed. */
		jr->what = "header that names another snapshot";
		jr->good = 0;
		jr->line = 1;
	} else
		jfile_replay(jr, db);
	return continue_journal(j, jr, s->header, why, whylen);
}

/* db.snapshot does not load (bad says why): the previous generation, which holds what it
   held, then the journal that followed it. */
static int
load_previous(struct journal *j, struct db *db, struct jfile *s, struct jfile *s1,
    struct jfile *jr, struct jfile *j1, const char *bad, char *why, size_t whylen)
{
	char		 what[512], kept[64];
	const char	*used;
	uint64_t	 g1;
	int		 chains, use_j = 1;

	db_free(db);
	if (db_init(db) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		return -1;
	}
	if (s1->exists && s1->err == 0 && s1->data.len > 0)
		jfile_replay(s1, db);
	if (!loaded(s1)) {
		describe(j->dir, s1, what, sizeof(what));
		goto refuse;
	}
	g1 = s1->header;
	/* A journal follows S1 when its header names S1, or when neither has one (older
	   builds): then it is the one of the same name. db.journal follows S1 directly when
	   a snapshot's steps stopped half-way. */
	chains = jr->exists && (jr->header == NO_HEADER || g1 == NO_HEADER || jr->header > g1);
	if (jr->err) {
		describe(j->dir, jr, what, sizeof(what));
		goto refuse;
	}
	if (jr->exists && g1 != NO_HEADER && jr->header == g1) {
		used = SNAPSHOT_PREV " and " JOURNAL;
		jfile_replay(jr, db);
	} else if (j1->exists && (j1->header == NO_HEADER || j1->header == g1)) {
		if (j1->err == 0)
			jfile_replay(j1, db);
		if (j1->err || j1->what != NULL) {
			describe(j->dir, j1, what, sizeof(what));
			goto refuse;
		}
		used = chains ? SNAPSHOT_PREV ", " JOURNAL_PREV " and " JOURNAL :
		    SNAPSHOT_PREV " and " JOURNAL_PREV;
		if (chains)
			jfile_replay(jr, db);
		use_j = chains;
	} else if (chains) {
		snprintf(what, sizeof(what), j1->exists ? "%s/%s does not follow %s/%s" :
		    "%s/%s is missing", j->dir, JOURNAL_PREV, j->dir, SNAPSHOT_PREV);
		goto refuse;
	} else {
		used = SNAPSHOT_PREV;
		use_j = 0;
	}
	/* A journal that did not replay takes no appends: they would not load either. */
	if (use_j) {
		if (continue_journal(j, jr, g1, why, whylen) == -1)
			return -1;
	} else {
		j->readonly = 1;
		snprintf(j->error, sizeof(j->error), "the database cannot be written: %s/%s is "
		    "not written yet", j->dir, SNAPSHOT);
	}
	j->snapshot_bytes = s1->data.len;
	/* The damaged snapshot is kept; journal_open writes a new one. */
	kept[0] = '\0';
	if (s->exists) {
		snprintf(kept, sizeof(kept), SNAPSHOT ".damaged-%lld", (long long)time(NULL));
		if (renameat(j->dirfd, SNAPSHOT, j->dirfd, kept) == -1 || fsync(j->dirfd) == -1) {
			snprintf(why, whylen, "%s; cannot move it aside (%s)" FIX, bad,
			    strerror(errno), j->dir);
			return -1;
		}
	}
	journal_log(j, "%s; started from the previous generation (%s)%s%s%s%s", bad, used,
	    kept[0] ? " and kept the damaged snapshot as " : "", kept[0] ? j->dir : "",
	    kept[0] ? "/" : "", kept);
	j->have_snapshot = 0;
	j->snapshot_due = 1;
	return 0;
refuse:
	snprintf(why, whylen, "%s, and %s" FIX, bad, what, j->dir);
	return -1;
}

int
journal_open(struct journal *j, const char *dir, struct db *db, FILE *log, char *why,
    size_t whylen)
{
	struct jfile	s, s1, jr, j1;
	char		bad[512];
	int		rc;

	memset(j, 0, sizeof(*j));
	j->dir = dir;
	j->fd = -1;
	j->cut_at = -1;
	j->log = log;
	if ((j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(why, whylen, "%s: cannot open the state directory (%s)", dir,
		    strerror(errno));
		return -1;
	}
	/* What a snapshot that never finished left. */
	unlinkat(j->dirfd, SNAPSHOT_TMP, 0);
	unlinkat(j->dirfd, SNAPSHOT_PREV_TMP, 0);
	unlinkat(j->dirfd, JOURNAL_TMP, 0);
	unlinkat(j->dirfd, JOURNAL_PREV_TMP, 0);
	(void)jfile_read(j->dirfd, SNAPSHOT, &s);
	(void)jfile_read(j->dirfd, SNAPSHOT_PREV, &s1);
	(void)jfile_read(j->dirfd, JOURNAL, &jr);
	(void)jfile_read(j->dirfd, JOURNAL_PREV, &j1);
	if (!s.exists && !s1.exists && !jr.exists && !j1.exists) {
		rc = 0;		/* a new database */
		goto done;
	}
	if (s.exists && s.err == 0 && s.data.len > 0)
		jfile_replay(&s, db);
	if (loaded(&s))
		rc = load_current(j, db, &s, &jr, why, whylen);
	else {
		describe(dir, &s, bad, sizeof(bad));
		rc = load_previous(j, db, &s, &s1, &jr, &j1, bad, why, whylen);
	}
	if (rc == -1)
		goto done;
	rc = 1;
	if (j->after != NO_HEADER && j->after > db->gen)
		db->gen = j->after;
	j->committed = j->seen = db->gen;
	j->tombs_seen = j->tombs_new = db->ntombs;
	if (j->fd != -1 && j->cut_at < 0)
		(void)journal_reserve(j);
	if (j->snapshot_due)
		(void)journal_snapshot(j, db);
done:
	jfile_free(&s);
	jfile_free(&s1);
	jfile_free(&jr);
	jfile_free(&j1);
	return rc;
}
