#ifndef XAPI_JOURNAL_H
#define XAPI_JOURNAL_H

#include <stdint.h>
#include <stdio.h>

#include "db.h"

/*
 * The durable database in the state directory:
 *   db.snapshot   every persistent object, one record per line (written to a temporary
 *                 file, fsync'd, renamed into place)
 *   db.journal    the changes since that snapshot, appended, fsync'd before any reply
 * A record is "CRC32 JSON\n"; the JSON is {"c":class,"r":ref,"cg":gen,"g":gen,"f":{...}}
 * for an object's whole state or {"d":ref,"g":gen} for a deletion.
 */
struct journal {
	int		 dirfd;
	int		 fd;		/* db.journal, O_APPEND */
	uint64_t	 committed;	/* changes up to this generation are on disk */
	size_t		 tombs_seen;	/* tombstones already journaled */
	size_t		 bytes;		/* journal size since the snapshot */
	size_t		 snapshot_bytes;	/* size of the current snapshot */
	FILE		*log;
};

/* Opens the state directory and loads it into db (empty db: nothing there yet). A torn or
   corrupt tail is truncated and logged. Returns 1 when something was loaded, 0 when the
   directory held no database, -1 with *why on failure. */
int	journal_open(struct journal *j, const char *dir, struct db *db, FILE *log,
	    const char **why);

/* Appends every change made since the last commit and fsyncs it; writes a new snapshot
   when the journal has grown large. Returns 0, or -1 (the changes are not durable). */
int	journal_commit(struct journal *j, struct db *db);

/* Writes a snapshot now and empties the journal. Returns 0 or -1. */
int	journal_snapshot(struct journal *j, struct db *db);

void	journal_close(struct journal *j);

#endif
