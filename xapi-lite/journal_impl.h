#ifndef XAPI_JOURNAL_IMPL_H
#define XAPI_JOURNAL_IMPL_H

/* What writing the journal (journal.c) and loading it (journal_load.c) share. */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "journal.h"

#define SNAPSHOT	"db.snapshot"
#define SNAPSHOT_TMP	"db.snapshot.tmp"
#define SNAPSHOT_PREV	"db.snapshot.1"
#define SNAPSHOT_PREV_TMP "db.snapshot.1.tmp"
#define JOURNAL		"db.journal"
#define JOURNAL_TMP	"db.journal.tmp"
#define JOURNAL_PREV	"db.journal.1"
#define JOURNAL_PREV_TMP "db.journal.1.tmp"
#define NO_HEADER	UINT64_MAX	/* an older build's file: it pairs by name */

/* One file read whole, and what replaying it found. */
struct jfile {
	const char	*name;
	struct buf	 data;
	int		 exists;
	int		 err;		/* errno when it could not be read, else 0 */
	uint64_t	 header;	/* the generation its header names, or NO_HEADER */
	size_t		 good;		/* bytes of whole good records (header included) */
	size_t		 records;	/* good records replayed */
	size_t		 line;		/* the line of the first bad one */
	const char	*what;		/* what is wrong at good; NULL: nothing */
};

/* Reads a file of the state directory and its header. Returns 0 (missing: f->exists 0),
   or -1 when it cannot be read (f->err). f->data is freed by jfile_free. */
int	jfile_read(int dirfd, const char *name, struct jfile *f);
/* Applies f's records after its header to db, up to the first bad one (f->what). */
void	jfile_replay(struct jfile *f, struct db *db);
void	jfile_free(struct jfile *f);

/* Writes a whole file of the state directory and fsyncs it. Returns 0, or -1 (errno set,
   the file removed). */
int	journal_write_file(struct journal *j, const char *name, const struct buf *b);
/* Creates an empty db.journal following the snapshot of generation after, and opens it.
   Returns 0, or -1 (errno set). */
int	journal_new(struct journal *j, uint64_t after);
/* Reserves disk blocks past the journal's end. Returns 0, or -1 when it cannot: read-only. */
int	journal_reserve(struct journal *j);
/* Turns the journal read-only for err (an errno) while doing what; logs the change. */
void	journal_readonly(struct journal *j, const char *what, int err);
/* Copies the journal from byte j->cut_at to its end into a new db.journal.damaged-TIME
   (its name in kept), then cuts the journal there. Returns 0, or -1 (read-only, nothing
   cut). */
int	journal_cut(struct journal *j, char *kept, size_t keptlen);
/* One line to the log. */
void	journal_log(struct journal *j, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
