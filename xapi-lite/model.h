#ifndef XAPI_MODEL_H
#define XAPI_MODEL_H

#include <stddef.h>

/* The data model, expanded from classes.def and fields.def. */

enum class_flags { CREATE = 1, DESTROY = 2, BY_NAME = 4, NO_GET_ALL = 8, NO_FIELD_CALLS = 16 };

enum cls {
#define CLASS(name, lc, flags) C_##name,
#include "classes.def"
#undef CLASS
	C__COUNT
};

enum fld {
#define FIELD(c, name, kind, access, dflt) F_##c##_##name,
#define DERIVED(c, name, oc, of) F_##c##_##name,
#include "fields.def"
#undef FIELD
#undef DERIVED
	F__COUNT
};

enum kind { K_STRING, K_INT, K_FLOAT, K_BOOL, K_DATETIME, K_ENUM, K_REF, K_REFSET, K_SET,
	K_INTSET, K_MAP, K_DERIVED };
enum access { RW, RO_C, RO };

struct field_desc {
	enum cls	 cls;
	const char	*name;
	size_t		 namelen;
	enum kind	 kind;
	enum access	 access;
	const char	*dflt;		/* the default: an enum's or string's value; a bool's "true" */
	enum cls	 other_cls;	/* K_DERIVED: objects of this class ... */
	enum fld	 other_fld;	/* ... whose ref field points here */
};

struct class_desc {
	const char	*name;		/* "VM", as on the wire */
	const char	*lcname;	/* "vm", as in events */
	int		 flags;
};

extern const struct field_desc	model_fields[F__COUNT];
extern const struct class_desc	model_classes[C__COUNT];

/* Returns the class named name (case-sensitive, as XAPI), or -1. */
int	model_class(const char *name, size_t len);

/* Returns the class whose lower-cased name is name (case-insensitive), or -1. */
int	model_class_ci(const char *name, size_t len);

/* Returns the field of class c named name, or -1. (fields.def lists each class's fields
   together, in the order of classes.def; the unit tests check it.) */
int	model_field(enum cls c, const char *name, size_t len);

#endif
