#ifndef XAPI_JOURNAL_H
#define XAPI_JOURNAL_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/*
 * The durable database in the state directory, in two generations:
 *   db.snapshot    every persistent object, one record per line after a header
 *                  {"snapshot":G} (G: the generation it holds); written to a temporary
 *                  file, fsync'd, renamed into place
 *   db.journal     a header {"after":G} naming the snapshot it follows, then the changes
 *                  since, appended and fsync'd before any reply
 *   db.snapshot.1, db.journal.1   the generation before: a new snapshot moves the old pair
 *                  here, so db.snapshot.1 + db.journal.1 hold what db.snapshot holds
 * A record is "CRC32 JSON\n"; the JSON is {"c":class,"r":ref,"cg":gen,"g":gen,"f":{...}}
 * for an object's whole state or {"d":ref,"g":gen} for a deletion. Files an older build
 * wrote have no header and pair by name.
 *
 * A damaged record in db.journal ends the replay there; the rest of the file is copied to
 * db.journal.damaged-TIME before the journal is cut. A db.snapshot that does not load is
 * moved to db.snapshot.damaged-TIME and the previous generation is loaded instead.
 *
 * When the disk is full (the journal cannot be written, or its reservation renewed) the
 * journal turns read-only: journal_writable() is false, journal_error() says why, and
 * journal_retry() makes it writable again once it can.
 */
struct journal {
	const char	*dir;		/* the state directory (the caller's), for messages */
	int		 dirfd;
	int		 fd;		/* db.journal, O_APPEND; -1: none to append to */
	uint64_t	 after;		/* the generation of the snapshot the journal follows */
	uint64_t	 committed;	/* every persistent change up to here is on disk */
	uint64_t	 seen;		/* db->gen at the previous commit: newer is this turn's */
	size_t		 tombs_seen;	/* tombstones already journaled */
	size_t		 tombs_new;	/* ...and in the db at the previous commit */
	size_t		 bytes;		/* journal size, header included */
	size_t		 reserved;	/* disk blocks are reserved up to this offset */
	size_t		 snapshot_bytes;	/* size of the current snapshot */
	long long	 cut_at;	/* a damaged tail still to copy aside and cut; -1: none */
	int		 have_snapshot;	/* db.snapshot is the current generation's */
	int		 readonly;	/* writes are refused; error says why */
	int		 retrying;	/* journal_retry's attempt: a failure is not news */
	int		 snapshot_due;	/* a snapshot is wanted (one failed, or a repair) */
	unsigned	 snapshot_wait, snapshot_backoff;	/* retries to skip, and next */
	FILE		*log;
	char		 error[256];
};

/* Opens the state directory dir (kept, not copied) and loads it into db (empty: nothing
   there yet); damage is logged to log (NULL: stderr). Returns 1 when something was loaded,
   0 when the directory held no database (journal_snapshot makes the first), or -1 with why
   filled: the file, what is wrong with it and the fix. */
int	journal_open(struct journal *j, const char *dir, struct db *db, FILE *log,
	    char *why, size_t whylen);

/* Once a loop turn, before any reply leaves: appends every persistent change not yet on
   disk and fsyncs it; writes a new snapshot when the journal has grown large (one that
   fails is tried again later; nothing is lost). Never exits. Returns -1 when changes made
   since the previous call are not on disk while the journal was writable (clients may
   have been told of them: the turn's writes must be answered with journal_error()); they
   stay in memory, journal_retry() writes them, and the journal is read-only until then.
   Returns 0 otherwise: all on disk, or the journal was read-only already (client writes
   were refused; what changed without them waits for journal_retry). A journal that cannot
   renew its reservation turns read-only after a successful append (0): what is left of
   the reservation still takes changes that come without clients. */
int	journal_commit(struct journal *j, struct db *db);

/* Commits, then writes a snapshot and starts an empty journal; the old pair becomes the
   previous generation. Returns 0, or -1 (journal_error says why; nothing is lost). */
int	journal_snapshot(struct journal *j, struct db *db);

/* About once a second: a read-only journal gets its reservation back, the changes it holds
   are written and it turns writable; a postponed snapshot is tried again. */
void	journal_retry(struct journal *j, struct db *db);

/* 1 when writes may go ahead, 0 when the journal is read-only. */
int	journal_writable(const struct journal *j);

/* Why the journal is read-only, as a client reads it ("the database cannot be written:
   No space left on device"), or NULL when it is writable. */
const char *journal_error(const struct journal *j);

void	journal_close(struct journal *j);

#endif
