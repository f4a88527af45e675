#ifndef XAPI_SCHEMA_H
#define XAPI_SCHEMA_H

/* The database's schema version across images (see schema.c). */
#include <stdio.h>

#define SCHEMA_CURRENT		2	/* this build's; schema.c lists what each added */
#define SCHEMA_BEFORE_UPGRADE	"upgrade/db-before"	/* atoll-upgrade's copy, in --state */
#define SCHEMA_NEWER		"db-newer"	/* a newer database, moved aside */

/* Before the database loads: the schema of state's database into *schema. A newer one
   than this build reads is swapped for the copy from before an upgrade when there is one
   it reads (*restored then holds the newer one's schema, else 0). Returns 0, or -1 with
   why: the database must not be read. */
int	schema_open(const char *state, int *schema, int *restored, char *why, size_t whylen);
/* Once it has loaded: the steps from schema from to SCHEMA_CURRENT, logged to log, and
   state's db.schema stamped. Returns 0 or -1 (errno). */
int	schema_migrate(const char *state, int from, FILE *log);

#endif
