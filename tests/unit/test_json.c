/* Unit tests of lib/json.c: RFC 8259 parsing into struct val, the compact writer, bad input. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "json.h"
#include "tap.h"

/* Parses s[0..len) placed against an unmapped page (guard.h), so any read past its end
   faults; the input is unmapped again before returning. */
static int
parse(struct arena *a, const char *s, size_t len, struct val **v, char *err, size_t errlen)
{
	struct guarded	g = { 0 };
	int		r;

	r = json_parse(a, guard(&g, s, len), len, v, err, errlen);
	guard_free(&g);
	return r;
}

/* Parses text and writes it back; returns the parse result, the JSON in out. */
static int
roundtrip(const char *s, size_t len, char *out, size_t outsz, char *err, size_t errlen)
{
	struct arena	 a;
	struct buf	 b;
	struct val	*v;
	int		 r;

	arena_init(&a, 0);
	buf_init(&b, 0);
	out[0] = '\0';
	if ((r = parse(&a, s, len, &v, err, errlen)) == 0) {
		if (json_write(&b, v) == -1)
			r = -2;
		else
			snprintf(out, outsz, "%s", b.p);
	}
	buf_free(&b);
	arena_free(&a);
	return r;
}

/* GOOD: text parses and is written back as want. BAD: text fails, its error holds want. */
#define GOOD(text, want) do {							\
	char out_[1024], err_[128];						\
	int r_ = roundtrip(text, sizeof(text) - 1, out_, sizeof(out_), err_,	\
	    sizeof(err_));							\
	ok(r_ == 0 && strcmp(out_, want) == 0, "good %s: got %d [%s] %s",	\
	    #text, r_, out_, r_ ? err_ : "");					\
} while (0)

#define BAD(text, want) do {							\
	char out_[1024], err_[128];						\
	int r_ = roundtrip(text, sizeof(text) - 1, out_, sizeof(out_), err_,	\
	    sizeof(err_));							\
	ok(r_ == -1 && strstr(err_, want) != NULL, "bad %s: got %d [%s]",	\
	    #text, r_, err_);							\
} while (0)

/* Returns a malloc'd string of n opening brackets, a 0, and n closing ones. */
static char *
nested(size_t n, char open, char close)
{
	char	*s = malloc(2 * n + 2), *p = s;
	size_t	 i;

	for (i = 0; i < n; i++)
		*p++ = open;
	*p++ = '0';
	for (i = 0; i < n; i++)
		*p++ = close;
	*p = '\0';
	return s;
}

static void
test_scalars(void)
{
	GOOD("null", "null");
	GOOD("true", "true");
	GOOD("false", "false");
	GOOD(" \t\r\n42 \n", "42");
	GOOD("0", "0");
	GOOD("-0", "0");
	GOOD("-17", "-17");
	GOOD("9223372036854775807", "9223372036854775807");
	GOOD("-9223372036854775808", "-9223372036854775808");
	GOOD("9223372036854775808", "9.223372036854776e+18");
	GOOD("-9223372036854775809", "-9.223372036854776e+18");
	GOOD("123456789012345678901234567890", "1.234567890123457e+29");
	GOOD("1.5", "1.5");
	GOOD("0.1", "0.1");
	GOOD("-1.25E-2", "-0.0125");
	GOOD("1e3", "1000");
	GOOD("1E+300", "1e+300");
	GOOD("1e-400", "0");
	GOOD("\"\"", "\"\"");
	GOOD("\"hello\"", "\"hello\"");
	GOOD("\"a\\\"b\\\\c\\/d\"", "\"a\\\"b\\\\c/d\"");
	GOOD("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"");
	GOOD("\"\\u0041\\u00e9\\u20AC\"", "\"A\xc3\xa9\xe2\x82\xac\"");
	GOOD("\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
	GOOD("\"\\uDBFF\\uDFFF\"", "\"\xf4\x8f\xbf\xbf\"");
	GOOD("\"\\u001f\\u007f\"", "\"\\u001f\x7f\"");
	GOOD("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf\"",
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbf\"");
}

static void
test_structures(void)
{
	char	*s;

	GOOD("[]", "[]");
	GOOD("[ ]", "[]");
	GOOD("{}", "{}");
	GOOD("{ }", "{}");
	GOOD("[1,[2,[3,[]]],{}]", "[1,[2,[3,[]]],{}]");
	GOOD(" [ 1 , \"a\" , null , true , 2.5 ] ", "[1,\"a\",null,true,2.5]");
	GOOD("{\"b\":1,\"a\":2,\"b\":3}", "{\"b\":1,\"a\":2,\"b\":3}");
	GOOD("{\"\\u0000k\":\"v\\u0000\"}", "{\"\\u0000k\":\"v\\u0000\"}");
	GOOD("{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
	    "\"params\":[\"root\",\"secret\",\"1.0\",\"atoll\"],\"id\":1}",
	    "{\"jsonrpc\":\"2.0\",\"method\":\"session.login_with_password\","
	    "\"params\":[\"root\",\"secret\",\"1.0\",\"atoll\"],\"id\":1}");
	GOOD("[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]",
	    "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]");

	{
		struct arena	 a;
		struct val	*v;
		char		 err[128];
		size_t		 i;
		int		 r;

		arena_init(&a, 0);
		s = nested(RPC_MAX_DEPTH, '[', ']');
		r = parse(&a, s, strlen(s), &v, err, sizeof(err));
		ok(r == 0 && v->type == VAL_ARRAY, "%d nested arrays are fine", RPC_MAX_DEPTH);
		for (i = 1; r == 0 && i < RPC_MAX_DEPTH; i++)
			v = v->u.a.items[0];
		ok(r == 0 && v->u.a.n == 1 && v->u.a.items[0]->type == VAL_INT,
		    "the innermost holds 0");
		free(s);
		s = nested(RPC_MAX_DEPTH + 1, '[', ']');
		r = parse(&a, s, strlen(s), &v, err, sizeof(err));
		ok(r == -1 && strcmp(err, "JSON: nesting too deep at byte 64") == 0,
		    "%d nested arrays are too deep: %s", RPC_MAX_DEPTH + 1, err);
		free(s);
		s = malloc(100000 * 5 + 10);
		for (i = 0; i < 100000; i++)
			memcpy(s + 5 * i, "{\"a\":", 5);
		r = parse(&a, s, 500000, &v, err, sizeof(err));
		ok(r == -1 && strstr(err, "nesting too deep") != NULL,
		    "100000 nested objects fail without deep recursion: %s", err);
		free(s);
		arena_free(&a);
	}
}

static void
test_bad(void)
{
	BAD("", "JSON: unexpected end of input at byte 0");
	BAD("   ", "JSON: unexpected end of input at byte 3");
	BAD("nul", "bad literal at byte 0");
	BAD("tru", "bad literal");
	BAD("True", "unexpected character at byte 0");
	BAD("nulll", "garbage after the document at byte 4");
	BAD("[1] x", "garbage after the document at byte 4");
	BAD("{} {}", "garbage after the document at byte 3");
	BAD("1 2", "garbage after the document at byte 2");
	BAD("[1,]", "unexpected character at byte 3");
	BAD("[,1]", "unexpected character at byte 1");
	BAD("[1 2]", "expected ',' or ']' at byte 3");
	BAD("[1", "unterminated array at byte 0");
	BAD("[", "unexpected end of input at byte 1");
	BAD("]", "unexpected character at byte 0");
	BAD("[}", "unexpected character at byte 1");
	BAD("{]", "expected a string key at byte 1");
	BAD("{\"a\" 1}", "expected ':' at byte 5");
	BAD("{\"a\":}", "unexpected character at byte 5");
	BAD("{a:1}", "expected a string key at byte 1");
	BAD("{\"a\":1,}", "expected a string key at byte 7");
	BAD("{\"a\":1", "unterminated object at byte 0");
	BAD("{\"a\":1 \"b\":2}", "expected ',' or '}' at byte 7");
	BAD("{\"a\"", "unterminated object at byte 0");
	BAD("{1:2}", "expected a string key");
	BAD("\"abc", "JSON: unterminated string at byte 0");
	BAD("{\"jsonrpc\":\"2.0\",\"method", "JSON: unterminated string at byte 17");
	BAD("\"abc\\\"", "unterminated string at byte 0");
	BAD("\"\\", "unterminated string");
	BAD("\"a\\x\"", "bad escape at byte 2");
	BAD("\"\\'\"", "bad escape");
	BAD("\"\\U0041\"", "bad escape");
	BAD("\"\\u12\"", "bad \\u escape at byte 1");
	BAD("\"\\u12G4\"", "bad \\u escape");
	BAD("\"\\u\"", "bad \\u escape");
	BAD("\"\\ud800\"", "lone surrogate at byte 1");
	BAD("\"\\udc00\"", "lone surrogate at byte 1");
	BAD("\"\\ud800\\u0041\"", "lone surrogate");
	BAD("\"\\ud800\\ud800\"", "lone surrogate");
	BAD("\"\\ud800x\\udc00\"", "lone surrogate");
	BAD("\"\\ud800\\udc0\"", "lone surrogate");
	BAD("\"a\tb\"", "control character in string at byte 2");
	BAD("\"\x01\"", "control character in string");
	BAD("\"a\nb\"", "control character in string");
	BAD("\"\0\"", "control character in string at byte 1");
	BAD("\"\xff\"", "invalid UTF-8 at byte 1");
	BAD("\"\x80\"", "invalid UTF-8");
	BAD("\"\xc0\xaf\"", "invalid UTF-8");
	BAD("\"\xc1\xbf\"", "invalid UTF-8");
	BAD("\"\xe0\x80\xaf\"", "invalid UTF-8");
	BAD("\"\xed\xa0\x80\"", "invalid UTF-8");
	BAD("\"\xf0\x80\x80\xaf\"", "invalid UTF-8");
	BAD("\"\xf4\x90\x80\x80\"", "invalid UTF-8");
	BAD("\"\xf5\x80\x80\x80\"", "invalid UTF-8");
	BAD("\"\xe2\x82\"", "invalid UTF-8 at byte 1");
	BAD("\"ab\xc3\"", "invalid UTF-8 at byte 3");
	BAD("\"\xc3(\"", "invalid UTF-8");
	BAD("01", "garbage after the document at byte 1");
	BAD("-", "bad number at byte 0");
	BAD("-a", "bad number");
	BAD("1.", "bad number at byte 0");
	BAD("1.e5", "bad number");
	BAD(".5", "unexpected character");
	BAD("1e", "bad number");
	BAD("1e+", "bad number");
	BAD("+1", "unexpected character");
	BAD("0x10", "garbage after the document at byte 1");
	BAD("1e400", "number out of range at byte 0");
	BAD("-1e400", "number out of range");
	BAD("[1, 2, 1" "00000000000000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000000000000000000000"
	    "0000000000000000]", "number out of range at byte 7");
	BAD("NaN", "unexpected character");
	BAD("Infinity", "unexpected character");
	BAD("-Infinity", "bad number");
	BAD("'a'", "unexpected character");
	BAD("\xef\xbb\xbf{}", "unexpected character at byte 0");
	BAD("[1]\0", "garbage after the document at byte 3");
	BAD("/* c */ 1", "unexpected character");
}

static void
test_errors(void)
{
	struct arena	 a;
	struct val	*v = (struct val *)&a;
	char		 err[8], big[64 * 1024];
	size_t		 i, doclen;
	int		 r;

	arena_init(&a, 0);
	memset(err, 'x', sizeof(err));
	ok(parse(&a, "[", 1, &v, err, sizeof(err)) == -1 && v == NULL &&
	    strcmp(err, "JSON: u") == 0, "a short err buffer is truncated and terminated");
	ok(parse(&a, "[", 1, &v, NULL, 0) == -1, "err may be NULL");
	ok(parse(&a, "[", 1, &v, err, 0) == -1 && err[0] == 'J', "errlen 0 is respected");
	arena_free(&a);

	/* A document far bigger than the arena's limit fails cleanly. */
	big[0] = '[';
	for (i = 1; i + 2 < sizeof(big); i += 2)
		memcpy(big + i, "1,", 2);
	big[i - 1] = ']';
	doclen = i;
	for (i = 64, r = 1; i <= 8192; i += 64) {
		arena_init(&a, i);
		r &= parse(&a, big, doclen, &v, err, sizeof(err)) == -1;
		arena_free(&a);
	}
	ok(r, "every arena limit up to 8 KiB fails cleanly");
	{
		char	msg[128];

		arena_init(&a, 4096);
		r = parse(&a, big, doclen, &v, msg, sizeof(msg));
		ok(r == -1 && strstr(msg, "JSON: out of memory at byte") != NULL,
		    "arena limit: %s", msg);
		arena_free(&a);
		arena_init(&a, 1);
		ok(parse(&a, "0", 1, &v, msg, sizeof(msg)) == -1 &&
		    strcmp(msg, "JSON: out of memory at byte 0") == 0, "no room for a value: %s",
		    msg);
		ok(parse(&a, "\"abc\"", 5, &v, msg, sizeof(msg)) == -1 &&
		    strstr(msg, "out of memory") != NULL, "no room for a string: %s", msg);
		arena_free(&a);
		arena_init(&a, 0);
		r = parse(&a, big, doclen, &v, msg, sizeof(msg));
		ok(r == 0 && v->u.a.n == (doclen - 1) / 2, "without a limit it parses: %zu items",
		    r == 0 ? v->u.a.n : 0);
		arena_free(&a);
	}
}

static void
test_values(void)
{
	struct arena	 a;
	struct val	*v;
	char		 err[128];
	const char	*doc = "{\"s\":\"a\\u0000b\",\"i\":-5,\"d\":2.5,\"big\":1e20,"
	    "\"t\":true,\"n\":null,\"k\":\"k\",\"k\":[]}";

	arena_init(&a, 0);
	ok(parse(&a, doc, strlen(doc), &v, err, sizeof(err)) == 0 && v->type == VAL_STRUCT &&
	    v->u.st.n == 8, "an object of 8 members");
	ok(strcmp(v->u.st.m[0].name, "s") == 0 && v->u.st.m[0].namelen == 1 &&
	    v->u.st.m[0].v->type == VAL_STRING && v->u.st.m[0].v->u.s.len == 3 &&
	    memcmp(v->u.st.m[0].v->u.s.p, "a\0b", 4) == 0, "\\u0000 kept, len 3, NUL after");
	ok(v->u.st.m[1].v->type == VAL_INT && v->u.st.m[1].v->u.i == -5, "an int");
	ok(v->u.st.m[2].v->type == VAL_DOUBLE && v->u.st.m[2].v->u.d == 2.5, "a double");
	ok(v->u.st.m[3].v->type == VAL_DOUBLE && v->u.st.m[3].v->u.d == 1e20,
	    "an exponent makes a double");
	ok(v->u.st.m[4].v->type == VAL_BOOL && v->u.st.m[4].v->u.b == 1, "a bool");
	ok(v->u.st.m[5].v->type == VAL_NIL, "a null");
	ok(strcmp(v->u.st.m[6].name, "k") == 0 && strcmp(v->u.st.m[7].name, "k") == 0 &&
	    v->u.st.m[7].v->type == VAL_ARRAY && v->u.st.m[7].v->u.a.n == 0,
	    "duplicate keys kept in order");
	ok(parse(&a, "9223372036854775808", 19, &v, err, sizeof(err)) == 0 &&
	    v->type == VAL_DOUBLE && v->u.d == 9223372036854775808.0,
	    "past int64 an integer is a double");
	ok(parse(&a, "-9223372036854775808", 20, &v, err, sizeof(err)) == 0 &&
	    v->type == VAL_INT && v->u.i == INT64_MIN, "INT64_MIN is an int");
	/* Never clamped to an int: past int64 a number is a double, which no int field takes. */
	ok(parse(&a, "99999999999999999999", 20, &v, err, sizeof(err)) == 0 &&
	    v->type == VAL_DOUBLE && v->u.d == 1e20, "99999999999999999999 is a double");
	ok(parse(&a, "-9223372036854775809", 20, &v, err, sizeof(err)) == 0 &&
	    v->type == VAL_DOUBLE, "below INT64_MIN an integer is a double");
	ok(parse(&a, "18446744073709551616", 20, &v, err, sizeof(err)) == 0 &&
	    v->type == VAL_DOUBLE, "past UINT64_MAX too");
	arena_free(&a);
}

/* Writes v into a buffer capped at max and compares with want. */
static int
written(const struct val *v, size_t max, const char *want)
{
	struct buf	b;
	int		r;

	buf_init(&b, max);
	r = json_write(&b, v) == 0 && b.p != NULL && strcmp(b.p, want) == 0;
	if (!r)
		note("wrote [%s]", b.p ? b.p : "");
	buf_free(&b);
	return r;
}

static void
test_write(void)
{
	struct val		 v[8], *items[3];
	struct val_member	 m[2];
	struct buf		 b;

	memset(v, 0, sizeof(v));
	v[0].type = VAL_STRING;
	v[0].u.s.p = "q\"b\\s\x01\x1f\x7f\n\t\xc3\xa9\xff\xc3" "z\0";
	v[0].u.s.len = 16;
	ok(written(&v[0], 0, "\"q\\\"b\\\\s\\u0001\\u001f\x7f\\n\\t\xc3\xa9\\ufffd\\ufffdz"
	    "\\u0000\""), "strings: escapes, UTF-8 kept, bad bytes replaced");
	v[1].type = VAL_DOUBLE;
	v[1].u.d = NAN;
	ok(written(&v[1], 0, "null"), "NaN is null");
	v[1].u.d = -INFINITY;
	ok(written(&v[1], 0, "null"), "-inf is null");
	v[1].u.d = 0.1 + 0.2;
	ok(written(&v[1], 0, "0.3"), "%%.16g drops trailing zeros");
	v[1].u.d = 1.7976931348623157e308;
	ok(written(&v[1], 0, "1.7976931348623157e+308"), "DBL_MAX is written so it reads back");
	v[1].u.d = -2.5e-300;
	ok(written(&v[1], 0, "-2.5e-300"), "small doubles");
	v[2].type = VAL_INT32;
	v[2].u.i = -2147483647 - 1;
	ok(written(&v[2], 0, "-2147483648"), "int32");
	v[3].type = VAL_DATETIME;
	v[3].u.s.p = "20260821T02:00:23Z";
	v[3].u.s.len = 18;
	ok(written(&v[3], 0, "\"20260821T02:00:23Z\""), "a datetime is a string");
	v[4].type = VAL_NIL;
	v[5].type = VAL_ARRAY;
	items[0] = &v[2];
	items[1] = &v[4];
	items[2] = &v[3];
	v[5].u.a.items = items;
	v[5].u.a.n = 3;
	ok(written(&v[5], 0, "[-2147483648,null,\"20260821T02:00:23Z\"]"), "an array");
	v[6].type = VAL_STRUCT;
	m[0].name = "a\"b";
	m[0].namelen = 3;
	m[0].v = &v[5];
	m[1].name = "";
	m[1].namelen = 0;
	m[1].v = &v[7];
	v[7].type = VAL_BOOL;
	v[7].u.b = 0;
	v[6].u.st.m = m;
	v[6].u.st.n = 2;
	ok(written(&v[6], 0, "{\"a\\\"b\":[-2147483648,null,\"20260821T02:00:23Z\"],"
	    "\"\":false}"), "an object");
	v[5].u.a.n = 0;
	v[6].u.st.n = 0;
	ok(written(&v[5], 0, "[]") && written(&v[6], 0, "{}"), "empty array and object");
	v[5].u.a.n = 3;
	v[6].u.st.n = 2;

	buf_init(&b, 20);
	buf_puts(&b, "abc");
	ok(json_write(&b, &v[6]) == -1 && b.len == 3 && strcmp(b.p, "abc") == 0,
	    "over the cap: -1 and the buffer is unchanged");
	ok(json_write_string(&b, "0123456789abcdefghij", 20) == -1 && b.len == 3,
	    "a string over the cap: -1, unchanged");
	ok(json_write_string(&b, "\n", 1) == 0 && strcmp(b.p, "abc\"\\n\"") == 0,
	    "json_write_string appends");
	buf_free(&b);
}

int
main(void)
{
	test_scalars();
	test_structures();
	test_bad();
	test_errors();
	test_values();
	test_write();
	return done_testing();
}
