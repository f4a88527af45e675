/*
 * The database's schema: which classes and fields the records may hold. The state
 * directory records it in db.schema ("schema=N"); a database without that file is schema
 * 1, as every xapi-lite before the file wrote. At start an older database is migrated a
 * step at a time and stamped; a newer one (an image rolled back after a schema change) is
 * never read as damage: it is refused with what to do, unless atoll-upgrade kept a copy
 * of the database from before the upgrade (upgrade/db-before, taken at the trial boot,
 * before the newer xapi-lite ran) that this build reads. Then the newer database moves
 * aside to db-newer/ and the copy comes back.
 *
 * The schemas:
 *   1  everything before db.schema
 *   2  pool_update (and host.updates naming them); a schema-1 database holds none
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "kvline.h"
#include "schema.h"

#define SCHEMA_FILE	"db.schema"
#define DB_PREFIX	"db."		/* the database's files: db.snapshot, db.journal... */
#define DB_COPY_MAX	(512L << 20)	/* bytes of one database file restored */

/* What each step from the schema before it does, for the log. */
static const char *const steps[SCHEMA_CURRENT + 1] = {
	[2] = "adds pool_update; there is nothing to convert",
};

/* Whether dir holds a database (any db.* file). */
static int
has_db(const char *dir)
{
	struct dirent	*e;
	DIR		*d;
	int		 found = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL)
		found = strncmp(e->d_name, DB_PREFIX, strlen(DB_PREFIX)) == 0 &&
		    strcmp(e->d_name, SCHEMA_FILE) != 0;
	closedir(d);
	return found;
}

/* dir's schema into *schema: 0, or -1 with why (a file that is not a schema record). A
   directory without the file is schema 1 when it holds a database, else this build's. */
static int
schema_of(const char *dir, int *schema, char *why, size_t whylen)
{
	char	path[600], line[KVLINE_MAX], v[16], *end;
	long	n;

	snprintf(path, sizeof(path), "%s/" SCHEMA_FILE, dir);
	if ((n = kvline_read(path, line)) == 0) {
		*schema = has_db(dir) ? 1 : SCHEMA_CURRENT;
		return 0;
	}
	if (n < 0 || kvline_get(line, (size_t)n, "schema", v, sizeof(v)) != 1 ||
	    (*schema = (int)strtol(v, &end, 10)) < 1 || *end != '\0') {
		snprintf(why, whylen, "%s/" SCHEMA_FILE ": not a schema record (schema=N); move "
		    "it away if the database is schema 1", dir);
		return -1;
	}
	return 0;
}

/* Copies file from to to (a new file). Returns 0 or -1 (errno). */
static int
copy_file(const char *from, const char *to)
{
	struct stat	 st;
	char		*p;
	int		 fd, rc;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || st.st_size > DB_COPY_MAX ||
	    (p = malloc((size_t)st.st_size + 1)) == NULL) {
		int	e = st.st_size > DB_COPY_MAX ? EFBIG : errno;

		close(fd);
		errno = e;
		return -1;
	}
	rc = read(fd, p, (size_t)st.st_size) == st.st_size ? 0 : -1;
	close(fd);
	if (rc == 0)
		rc = write_file_whole(to, p, (size_t)st.st_size, 0600);
	free(p);
	return rc;
}

/* Moves (or copies) every db.* file of from into to, which is emptied of them first.
   Returns 0, or -1 with why. */
static int
move_db(const char *from, const char *to, int copy, char *why, size_t whylen)
{
	char		 a[600], b[600];
	struct dirent	*e;
	DIR		*d;

	if ((mkdir(to, 0700) == -1 && errno != EEXIST) || (d = opendir(to)) == NULL) {
		snprintf(why, whylen, "%s: %s", to, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, DB_PREFIX, strlen(DB_PREFIX)) == 0) {
			snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
			(void)unlink(b);
		}
	closedir(d);
	if ((d = opendir(from)) == NULL) {
		snprintf(why, whylen, "%s: %s", from, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, DB_PREFIX, strlen(DB_PREFIX)) != 0)
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		if ((copy ? copy_file(a, b) : rename(a, b)) == -1) {
			closedir(d);
			snprintf(why, whylen, "%s into %s: %s", a, to, strerror(errno));
			return -1;
		}
	}
	closedir(d);
	return 0;
}

int
schema_open(const char *state, int *schema, int *restored, char *why, size_t whylen)
{
	char	before[600], newer[600], err[700];
	int	copy;

	*restored = 0;
	if (schema_of(state, schema, why, whylen) == -1)
		return -1;
	if (*schema <= SCHEMA_CURRENT)
		return 0;
	snprintf(before, sizeof(before), "%s/" SCHEMA_BEFORE_UPGRADE, state);
	snprintf(newer, sizeof(newer), "%s/" SCHEMA_NEWER, state);
	if (access(before, F_OK) == 0 && schema_of(before, &copy, err, sizeof(err)) == 0 &&
	    copy <= SCHEMA_CURRENT) {
		if (move_db(state, newer, 0, why, whylen) == -1 ||
		    move_db(before, state, 1, why, whylen) == -1)
			return -1;
		*restored = *schema;
		*schema = copy;
		return 0;
	}
	snprintf(why, whylen, "%s holds a database of schema %d, written by a newer "
	    "xapi-lite; this one (Atoll %s) reads schema %d at most and keeps no copy of the "
	    "database from before the upgrade (%s): boot the slot that wrote it "
	    "(atoll-upgrade --rollback), or move %s/db.* away to start with a new database",
	    state, *schema, ATOLL_VERSION, SCHEMA_CURRENT, before, state);
	return -1;
}

int
schema_migrate(const char *state, int from, FILE *log)
{
	char	path[600], rec[64];
	int	s;

	if (from == SCHEMA_CURRENT) {
		snprintf(path, sizeof(path), "%s/" SCHEMA_FILE, state);
		if (access(path, F_OK) == 0)
			return 0;
	}
	for (s = from + 1; s <= SCHEMA_CURRENT; s++)
		fprintf(log, "xapi-lite: the database goes from schema %d to %d: the step %s\n",
		    s - 1, s, steps[s]);
	snprintf(path, sizeof(path), "%s/" SCHEMA_FILE, state);
	snprintf(rec, sizeof(rec), "schema=%d\n", SCHEMA_CURRENT);
	return write_file_whole(path, rec, strlen(rec), 0600);
}
