#ifndef ATOLL_VALUE_H
#define ATOLL_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * The values XenAPI calls carry, the same for XML-RPC and JSON-RPC: the parsers build them,
 * the writers print them, the server's dispatch reads and makes them. Trees live in an arena.
 */
enum val_type {
	VAL_NIL,
	VAL_BOOL,
	VAL_INT,	/* int64: XML-RPC writes it as a string of digits, JSON as a number */
	VAL_INT32,	/* written <i4> in XML-RPC (only event.from's valid_ref_counts) */
	VAL_DOUBLE,
	VAL_STRING,
	VAL_DATETIME,	/* text such as 20260821T02:00:23Z */
	VAL_ARRAY,
	VAL_STRUCT,
};

struct val;

struct val_member {
	const char	*name;		/* NUL-terminated */
	size_t		 namelen;
	struct val	*v;
};

struct val {
	enum val_type	 type;
	union {
		int		 b;
		int64_t		 i;
		double		 d;
		struct {
			const char	*p;	/* NUL-terminated; may hold NULs before len */
			size_t		 len;
		} s;			/* VAL_STRING, VAL_DATETIME */
		struct {
			struct val	**items;
			size_t		  n;
		} a;
		struct {
			struct val_member *m;
			size_t		   n;
		} st;
	} u;
};

struct arena;

/* Returns a zeroed value of type t allocated in a, or NULL. */
struct val	*val_new(struct arena *a, enum val_type t);

/* Limits shared by both parsers. */
#define RPC_MAX_DEPTH	64		/* nested arrays and structs */

#endif
