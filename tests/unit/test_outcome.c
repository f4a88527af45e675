/* Unit tests of installer/outcome.c: the install's report is one JSON object that a JSON
   parser reads back field for field, whatever the log holds. */
#include <string.h>

#include "arena.h"
#include "json.h"
#include "outcome.h"
#include "tap.h"

/* The member name of object v, or NULL. */
static const struct val *
member(const struct val *v, const char *name)
{
	size_t	i;

	for (i = 0; v != NULL && v->type == VAL_STRUCT && i < v->u.st.n; i++)
		if (strcmp(v->u.st.m[i].name, name) == 0)
			return v->u.st.m[i].v;
	return NULL;
}

static int
is_string(const struct val *v, const char *s)
{
	return v != NULL && v->type == VAL_STRING && strcmp(v->u.s.p, s) == 0;
}

int
main(void)
{
	struct outcome	 o = { "52:54:00:12:34:56", "rack7-node3", 1, 41, "",
			    "+ sfdisk /dev/vda\n  exit 0\n\"quoted\" \\ tab\there\n" };
	struct arena	 a;
	struct buf	 b;
	struct val	*v;
	char		 err[128];

	arena_init(&a, 1 << 20);
	buf_init(&b, 0);
	ok(outcome_json(&b, &o) == 0, "a success is written");
	ok(json_parse(&a, b.p, b.len, &v, err, sizeof(err)) == 0, "it is JSON: %s", b.p);
	ok(is_string(member(v, "mac"), "52:54:00:12:34:56"), "its MAC");
	ok(is_string(member(v, "hostname"), "rack7-node3"), "its host name");
	ok(is_string(member(v, "status"), "success"), "its status");
	ok(member(v, "seconds") != NULL && member(v, "seconds")->u.i == 41, "its seconds");
	ok(is_string(member(v, "log"), o.log), "the log, quotes, backslash and tab intact");

	o.success = 0;
	o.hostname = "";
	o.error = "answerfile: line 8: <hostname>: \"rack7_node3\" is not a host name";
	buf_reset(&b);
	ok(outcome_json(&b, &o) == 0 && json_parse(&a, b.p, b.len, &v, err, sizeof(err)) == 0,
	    "a failure is written");
	ok(is_string(member(v, "status"), "failure") && is_string(member(v, "error"), o.error),
	    "with what failed");
	ok(is_string(member(v, "hostname"), ""), "and no host name when none was read");

	buf_free(&b);
	buf_init(&b, 64);
	ok(outcome_json(&b, &o) == -1, "a buffer too small is an error, not a cut object");
	buf_free(&b);
	arena_free(&a);
	return done_testing();
}
