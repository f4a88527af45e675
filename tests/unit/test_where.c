/* Unit tests of xapi-lite/where.c, XAPI's where-expressions: what XO and XAPI's own clients
   send, XAPI's precedence (and/or alike from the left, not weaker), laziness about unknown
   fields, and bad input refused with where it went wrong. */
#include <string.h>

#include "nitems.h"
#include "tap.h"
#include "where.h"

/* One row: name=VM_STARTED, priority=5, cls=VM; any other field is unknown. */
static const char *
row(void *ctx, const char *name, size_t len)
{
	static const char *const fields[][2] = {
		{ "name", "VM_STARTED" }, { "priority", "5" }, { "cls", "VM" }, { "body", "" },
	};
	size_t	i;

	(void)ctx;
	for (i = 0; i < nitems(fields); i++)
		if (strlen(fields[i][0]) == len && memcmp(fields[i][0], name, len) == 0)
			return fields[i][1];
	return NULL;
}

/* expr's result on the row: 1, 0, -1 (unknown field), -2 (did not parse). */
static int
eval(const char *expr)
{
	static struct where	w;
	const char		*unknown;
	size_t			 ulen;
	char			 err[128];

	if (where_parse(expr, strlen(expr), &w, err, sizeof(err)) == -1)
		return -2;
	return where_eval(&w, row, NULL, &unknown, &ulen);
}

static void
good(void)
{
	ok(eval("field \"name\" = \"VM_STARTED\"") == 1, "a field equals a literal");
	ok(eval("field \"name\"=\"VM_SHUTDOWN\"") == 0, "...or does not (no blanks needed)");
	ok(eval("\"VM\" = field \"cls\"") == 1, "the literal may come first");
	ok(eval("\"a\" = \"a\"") == 1 && eval("\"a\" = \"b\"") == 0, "two literals");
	ok(eval("field \"priority\" = \"5\" and field \"cls\" = \"VM\"") == 1, "and");
	ok(eval("field \"priority\" = \"1\" or field \"cls\" = \"VM\"") == 1, "or");
	ok(eval("true") == 1 && eval("false") == 0, "true and false");
	ok(eval("not false") == 1 && eval("not true") == 0, "not");
	ok(eval("(((true)))") == 1, "parentheses");
	ok(eval("\tfield\n\"body\"   =\"\" ") == 1, "tabs, newlines and an empty literal");
	/* XAPI's grammar: %right LNOT before %left LAND LOR, so not takes what follows. */
	ok(eval("not false and false") == 1, "not a and b is not (a and b)");
	ok(eval("(not false) and false") == 0, "...unlike (not a) and b");
	ok(eval("true or true and false") == 0, "and/or bind alike, from the left");
	ok(eval("true and not true or true") == 0, "a and not b or c is a and not (b or c)");
	ok(eval("false and field \"nosuch\" = \"x\"") == 0, "and stops at a false left side");
	ok(eval("true or field \"nosuch\" = \"x\"") == 1, "or stops at a true left side");
	ok(eval("field \"nosuch\" = \"x\"") == -1, "an unknown field evaluated is an error");
	ok(eval("field \"name\" = \"has ( and ) and = inside\"") == 0, "a literal holds anything");
}

static void
bad(void)
{
	static struct where	w;
	static const char *const cases[] = {
		"", "   ", "field", "field \"name\"", "field \"name\" =", "= \"a\"",
		"\"a\" = \"b", "\"a\" == \"a\"", "(true", "true)", "true false", "and true",
		"true and", "not", "name = \"x\"", "field name = \"x\"", "\"a\" = \"a\" \r",
		"TRUE", "field \"a\" = field", "(", ")", "\"unterminated",
	};
	char	 err[128], deep[200], many[8000];
	size_t	 i;

	for (i = 0; i < nitems(cases); i++) {
		err[0] = '\0';
		ok(where_parse(cases[i], strlen(cases[i]), &w, err, sizeof(err)) == -1 &&
		    strstr(err, "at offset") != NULL, "refused: '%s' (%s)", cases[i], err);
	}
	ok(where_parse("true\0 or", 8, &w, err, sizeof(err)) == -1, "a NUL inside is refused");
	memset(deep, '(', sizeof(deep));
	memcpy(deep + 100, "true", 4);
	memset(deep + 104, ')', 96);
	ok(where_parse(deep, 200, &w, err, sizeof(err)) == -1 && strstr(err, "deep") != NULL,
	    "nested past WHERE_MAX_DEPTH: %s", err);
	for (i = 0; i + 9 <= sizeof(many); i += 9)
		memcpy(many + i, "true and ", 9);
	memcpy(many + i - 9, "true     ", 9);
	ok(where_parse(many, i, &w, err, sizeof(err)) == -1 && strstr(err, "long") != NULL,
	    "more than WHERE_MAX_NODES parts: %s", err);
	ok(where_parse(many + i - 9 * 100, 9 * 100, &w, err, sizeof(err)) == 0,
	    "a hundred parts are fine");
}

int
main(void)
{
	good();
	bad();
	return done_testing();
}
