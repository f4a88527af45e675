#ifndef XAPI_DB_H
#define XAPI_DB_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "model.h"
#include "value.h"

#define REF_LEN		46	/* "OpaqueRef:" + a 36-character uuid */

/* One object: its class, reference, event generations and one value per field. */
struct obj {
	enum cls	 cls;
	char		 ref[REF_LEN + 1];
	uint64_t	 created, modified;	/* db generations */
	struct val	*v[];			/* by field, from the class's first; derived: NULL */
};

/* A destroyed object, kept so event.from can report its deletion. */
struct tomb {
	enum cls	 cls;
	char		 ref[REF_LEN + 1];
	uint64_t	 gen;
};

/* For a derived ref set: every (target, referrer) pair of one ref field, sorted by target,
   rebuilt when the database has changed since. */
struct rcache {
	uint64_t	 gen;		/* 0: never built */
	struct rpair {
		const struct obj *target, *from;
	}		*pairs;
	size_t		 n, cap;
};

struct db {
	struct obj	**objs[C__COUNT];	/* each class's objects, in creation order */
	size_t		  n[C__COUNT], cap[C__COUNT];
	struct obj	**index;		/* by ref, open addressing */
	size_t		  icap, icount;
	uint64_t	  gen;			/* bumped by every change */
	struct tomb	 *tombs;
	size_t		  ntombs, tcap;
	int		  first[C__COUNT];	/* each class's first field */
	int		  nfields[C__COUNT];
	int		  random_fd;
	struct rcache	  rc[F__COUNT];		/* by the referring field */
};

/* Opens an empty database. Returns 0 or -1. */
int	db_init(struct db *db);
/* Frees everything. */
void	db_free(struct db *db);

/* Creates an object of class c with XAPI's defaults and a fresh uuid and ref; NULL on ENOMEM. */
struct obj *db_create(struct db *db, enum cls c);
/* The same with a given ref ("OpaqueRef:" and 36 characters), as the journal replays. */
struct obj *db_create_ref(struct db *db, enum cls c, const char *ref);
/* Destroys an object (remembered as deleted for events). */
void	db_destroy(struct db *db, struct obj *o);
/* Returns the object with this ref, or NULL. */
struct obj *db_find(const struct db *db, const char *ref, size_t len);
/* Returns the object of class c with this uuid, or NULL. */
struct obj *db_find_uuid(const struct db *db, enum cls c, const char *uuid, size_t len);

/* Returns the stored value of field f of o (never NULL for a non-derived field). */
struct val *db_get(const struct db *db, const struct obj *o, enum fld f);
/* Replaces field f of o with v (owned by the db from now on). Returns 0, or -1 (v freed). */
int	db_set(struct db *db, struct obj *o, enum fld f, struct val *v);
/* Marks o modified, for events, after its values were edited in place. */
void	db_touch(struct db *db, struct obj *o);
/* Convenience: string value of a field ("" when not a string). */
const char *db_str(const struct db *db, const struct obj *o, enum fld f);

/* Builds o's record in arena a (values shared with the db until the next change): a
   struct with every field, derived ref sets computed. Returns NULL on ENOMEM. */
struct val *db_record(const struct db *db, const struct obj *o, struct arena *a);
/* Returns field f of o as a value in arena a, computing derived sets. NULL on ENOMEM. */
struct val *db_field(const struct db *db, const struct obj *o, enum fld f, struct arena *a);

/* Reads an int64 as XAPI accepts it: an int, or a string of digits (an optional '-'), in
   range. Returns 0 or -1 (nothing clamped). */
int	db_val_int(const struct val *v, long long *out);
/* Checks v against a field kind and returns a heap copy of the right type, or NULL (wrong
   type, or out of memory). */
struct val *db_coerce(const struct val *v, enum kind k);

/* Writes a fresh random (version 4) uuid into out[37]. */
void	db_uuid(struct db *db, char out[37]);

#endif
