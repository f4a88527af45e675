/*
 * Values in an arena: the one constructor the parsers, the database's record builder and
 * the call handlers share.
 */
#include <string.h>

#include "arena.h"
#include "value.h"

struct val *
val_new(struct arena *a, enum val_type t)
{
	struct val	*v;

	if ((v = arena_alloc(a, sizeof(*v))) == NULL)
		return NULL;
	memset(v, 0, sizeof(*v));
	v->type = t;
	return v;
}
