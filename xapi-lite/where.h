#ifndef XAPI_WHERE_H
#define XAPI_WHERE_H

/*
 * XAPI's where-expressions (its Db_filter language), as get_all_records_where takes them:
 *   expr  := value "=" value | expr "and" expr | expr "or" expr | "not" expr
 *          | "true" | "false" | "(" expr ")"
 *   value := "\"" text "\"" (a literal) | "field" "\"" name "\"" (a field's value)
 * "and" and "or" bind alike, from the left, and tighter than "not" ("not a and b" is
 * "not (a and b)"), as XAPI's grammar has it; blanks are space, tab and newline; a quoted
 * text holds anything but '"'. An expression has at most WHERE_MAX_NODES parts, nested
 * at most WHERE_MAX_DEPTH deep.
 */
#include <stddef.h>

#define WHERE_MAX_NODES	256
#define WHERE_MAX_DEPTH	32

enum where_op { WHERE_TRUE, WHERE_FALSE, WHERE_NOT, WHERE_AND, WHERE_OR, WHERE_EQ };

/* One side of "=": a literal or a field's name, pointing into the parsed text. */
struct where_val {
	int		 field;
	const char	*p;
	size_t		 len;
};

struct where_node {
	enum where_op	 op;
	int		 a, b;		/* NOT: a; AND, OR: a and b (node indexes) */
	struct where_val l, r;		/* EQ */
};

struct where {
	struct where_node	n[WHERE_MAX_NODES];
	int			nn;
	int			root;
};

/* Parses text (len bytes; not copied: w points into it). Returns 0, or -1 with err naming
   the problem and where. */
int	where_parse(const char *text, size_t len, struct where *w, char *err, size_t errlen);

/* A field's value for the evaluation: the text of field name (len bytes) of the row ctx,
   or NULL when the row has no such field. */
typedef const char *where_lookup(void *ctx, const char *name, size_t len);

/* Evaluates w on one row: 1 (matches), 0, or -1 when it needed a field the row has not
   (*unknown points at its name, *unknown_len its length). */
int	where_eval(const struct where *w, where_lookup *lookup, void *ctx,
	    const char **unknown, size_t *unknown_len);

#endif
