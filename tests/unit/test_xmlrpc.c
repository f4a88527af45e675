/*
 * Unit tests of lib/xmlrpc.c: parsing XenAPI <methodCall>s (every value form, entities, CDATA,
 * comments, many malformed documents) and the byte-exact XAPI writers and envelopes.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "json.h"
#include "xmlrpc.h"
#include "tap.h"

/* Parses s[0..len) placed against an unmapped page (guard.h), so any read past its end
   faults; the input is unmapped again before returning. */
static int
parse(struct arena *a, const char *s, size_t len, const char **method, struct val **params,
    char *err, size_t errlen)
{
	struct guarded	g = { 0 };
	int		r;

	r = xmlrpc_parse_call(a, guard(&g, s, len), len, method, params, err, errlen);
	guard_free(&g);
	return r;
}

/*
 * Renders a parsed value for comparison: JSON, except that strings carry a type prefix
 * (s: string, t: dateTime) and ints/doubles/int32 are told apart: i:5, d:2.5, n:5.
 */
static int
render(struct buf *b, const struct val *v)
{
	size_t	i;

	switch (v->type) {
	case VAL_STRING:
		return buf_puts(b, "s:") == -1 ? -1 : json_write_string(b, v->u.s.p, v->u.s.len);
	case VAL_DATETIME:
		return buf_puts(b, "t:") == -1 ? -1 : json_write_string(b, v->u.s.p, v->u.s.len);
	case VAL_INT:
		return buf_printf(b, "i:%lld", (long long)v->u.i);
	case VAL_INT32:
		return buf_printf(b, "n:%lld", (long long)v->u.i);
	case VAL_DOUBLE:
		return buf_printf(b, "d:%.17g", v->u.d);
	case VAL_ARRAY:
		if (buf_puts(b, "[") == -1)
			return -1;
		for (i = 0; i < v->u.a.n; i++)
			if ((i && buf_puts(b, ",") == -1) || render(b, v->u.a.items[i]) == -1)
				return -1;
		return buf_puts(b, "]");
	case VAL_STRUCT:
		if (buf_puts(b, "{") == -1)
			return -1;
		for (i = 0; i < v->u.st.n; i++)
			if ((i && buf_puts(b, ",") == -1) ||
			    json_write_string(b, v->u.st.m[i].name, v->u.st.m[i].namelen) == -1 ||
			    buf_puts(b, ":") == -1 || render(b, v->u.st.m[i].v) == -1)
				return -1;
		return buf_puts(b, "}");
	default:
		return json_write(b, v);
	}
}

/* Parses text; on success out holds "method(params rendered)", else err the message. */
static int
call(const char *s, size_t len, char *out, size_t outsz, char *err, size_t errlen)
{
	struct arena	 a;
	struct buf	 b;
	struct val	*params;
	const char	*method;
	int		 r;

	arena_init(&a, 0);
	buf_init(&b, 0);
	out[0] = '\0';
	if ((r = parse(&a, s, len, &method, &params, err, errlen)) == 0) {
		if (params->type != VAL_ARRAY || buf_puts(&b, method) == -1 ||
		    render(&b, params) == -1)
			r = -2;
		else
			snprintf(out, outsz, "%s", b.p);
	} else if (method != NULL || params != NULL)
		r = -3;
	buf_free(&b);
	arena_free(&a);
	return r;
}

/* text parsed by fn (call or value_doc) renders as want, or is refused with want in its
   message. */
#define GOOD_BY(fn, text, want) do {						\
	char out_[2048], err_[160];						\
	int r_ = fn(text, sizeof(text) - 1, out_, sizeof(out_), err_,		\
	    sizeof(err_));							\
	ok(r_ == 0 && strcmp(out_, want) == 0, "good %s %s: got %d [%s] %s",	\
	    #fn, #text, r_, out_, r_ ? err_ : "");				\
} while (0)

#define BAD_BY(fn, text, want) do {						\
	char out_[2048], err_[160];						\
	int r_ = fn(text, sizeof(text) - 1, out_, sizeof(out_), err_,		\
	    sizeof(err_));							\
	ok(r_ == -1 && strstr(err_, want) != NULL, "bad %s %s: got %d [%s]",	\
	    #fn, #text, r_, err_);						\
} while (0)

#define GOOD(text, want)	GOOD_BY(call, text, want)
#define BAD(text, want)		BAD_BY(call, text, want)

/* A call of method m with one parameter whose <value> holds x. */
#define CALL1(x)	"<methodCall><methodName>m</methodName><params><param><value>" x \
			"</value></param></params></methodCall>"

static void
test_calls(void)
{
	GOOD("<?xml version=\"1.0\"?>\n"
	    "<methodCall>\n"
	    "  <methodName>session.login_with_password</methodName>\n"
	    "  <params>\n"
	    "    <param><value><string>root</string></value></param>\n"
	    "    <param><value>s&amp;cret</value></param>\n"
	    "    <param><value><string>1.0</string></value></param>\n"
	    "    <param><value>XenCenter</value></param>\n"
	    "  </params>\n"
	    "</methodCall>\n",
	    "session.login_with_password[s:\"root\",s:\"s&cret\",s:\"1.0\",s:\"XenCenter\"]");
	GOOD("<?xml version='1.0' encoding='UTF-8'?><methodCall><methodName>VM.get_all_records"
	    "</methodName><params><param><value><string>OpaqueRef:abc</string></value></param>"
	    "</params></methodCall>",
	    "VM.get_all_records[s:\"OpaqueRef:abc\"]");
	GOOD("<methodCall><methodName>event.from</methodName><params>"
	    "<param><value>OpaqueRef:s</value></param>"
	    "<param><value><array><data><value>vm</value><value>host</value></data></array>"
	    "</value></param><param><value></value></param>"
	    "<param><value><double>30.</double></value></param></params></methodCall>",
	    "event.from[s:\"OpaqueRef:s\",[s:\"vm\",s:\"host\"],s:\"\",d:30]");
	GOOD("<methodCall><methodName>system.listMethods</methodName></methodCall>",
	    "system.listMethods[]");
	GOOD("<methodCall><methodName>a</methodName><params/></methodCall>", "a[]");
	GOOD("<methodCall><methodName>a</methodName><params></params></methodCall>", "a[]");
	GOOD("<methodCall ><methodName >a</methodName\n><params\t></params ></methodCall >",
	    "a[]");
	GOOD("\xef\xbb\xbf<?xml version=\"1.0\"?><!-- hi --><methodCall><!-- c -->"
	    "<methodName> \n Async.VM.start\t</methodName><!-- c --><params><!-- c -->"
	    "<param><!-- c --><value/><!-- c --></param><!-- c --></params><!-- c -->"
	    "</methodCall><!-- bye -->\r\n  ", "Async.VM.start[s:\"\"]");
	GOOD("<methodCall><methodName>a&lt;b</methodName></methodCall>", "a<b[]");
	GOOD("<methodCall><methodName><![CDATA[x.y]]></methodName></methodCall>", "x.y[]");
}

static void
test_values(void)
{
	GOOD(CALL1(""), "m[s:\"\"]");
	GOOD(CALL1("plain text"), "m[s:\"plain text\"]");
	GOOD(CALL1("  spaced\n out  "), "m[s:\"  spaced\\n out  \"]");
	GOOD(CALL1("   "), "m[s:\"   \"]");
	GOOD(CALL1("<string>typed</string>"), "m[s:\"typed\"]");
	GOOD(CALL1("<string> keep </string>"), "m[s:\" keep \"]");
	GOOD(CALL1("<string></string>"), "m[s:\"\"]");
	GOOD(CALL1("<string/>"), "m[s:\"\"]");
	GOOD(CALL1("\n  <string>x</string>\n  "), "m[s:\"x\"]");
	GOOD(CALL1("<!-- c --><string>x</string><!-- c -->"), "m[s:\"x\"]");
	GOOD(CALL1("<int>42</int>"), "m[i:42]");
	GOOD(CALL1("<i4>-7</i4>"), "m[i:-7]");
	GOOD(CALL1("<i8>+7</i8>"), "m[i:7]");
	GOOD(CALL1("<i8> 12 </i8>"), "m[i:12]");
	GOOD(CALL1("<i8>9223372036854775807</i8>"), "m[i:9223372036854775807]");
	GOOD(CALL1("<i8>-9223372036854775808</i8>"), "m[i:-9223372036854775808]");
	GOOD(CALL1("<int>007</int>"), "m[i:7]");
	GOOD(CALL1("<int>2147483648</int>"), "m[i:2147483648]");
	GOOD(CALL1("<i4>-9223372036854775808</i4>"), "m[i:-9223372036854775808]");
	GOOD(CALL1("<boolean>1</boolean>"), "m[true]");
	GOOD(CALL1("<boolean>0</boolean>"), "m[false]");
	GOOD(CALL1("<double>1.5</double>"), "m[d:1.5]");
	GOOD(CALL1("<double>-2e3</double>"), "m[d:-2000]");
	GOOD(CALL1("<double> 0.25 </double>"), "m[d:0.25]");
	GOOD(CALL1("<double>NaN</double>"), "m[d:nan]");
	GOOD(CALL1("<dateTime.iso8601>20260821T02:00:23Z</dateTime.iso8601>"),
	    "m[t:\"20260821T02:00:23Z\"]");
	GOOD(CALL1("<dateTime.iso8601/>"), "m[t:\"\"]");
	GOOD(CALL1("<base64>aGVs\nbG8=</base64>"), "m[s:\"aGVs\\nbG8=\"]");
	GOOD(CALL1("<array><data></data></array>"), "m[[]]");
	GOOD(CALL1("<array><data/></array>"), "m[[]]");
	GOOD(CALL1("<array/>"), "m[[]]");
	GOOD(CALL1("<array> <data> <value>a</value> <value/> <value><i4>1</i4></value> "
	    "<value><array><data><value><nil/></value></data></array></value> </data> </array>"),
	    "m[[s:\"a\",s:\"\",i:1,[null]]]");
	GOOD(CALL1("<struct><member><name>b</name><value>1</value></member>"
	    "<member><name>a</name><value><int>2</int></value></member>"
	    "<member><name>b</name><value><struct></struct></value></member></struct>"),
	    "m[{\"b\":s:\"1\",\"a\":i:2,\"b\":{}}]");
	GOOD(CALL1("<struct>\n <member>\n  <name>x&amp;y</name>\n  <value/>\n </member>\n"
	    "</struct>"), "m[{\"x&y\":s:\"\"}]");
	GOOD(CALL1("<struct><member><name/><value>v</value></member></struct>"),
	    "m[{\"\":s:\"v\"}]");
	GOOD(CALL1("<struct/>"), "m[{}]");
	GOOD(CALL1("<nil/>"), "m[null]");
	GOOD(CALL1("<nil></nil>"), "m[null]");
	GOOD(CALL1("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#xe9;&#233;&#x20AC;&#x1F600;&#x10FFFF;"),
	    "m[s:\"<>&\\\"'AB\xc3\xa9\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\"]");
	GOOD(CALL1("&#9;&#10;&#x0000041;"), "m[s:\"\\t\\nA\"]");
	GOOD(CALL1("<![CDATA[a<b&c]]>"), "m[s:\"a<b&c\"]");
	GOOD(CALL1("x<![CDATA[<y>]]>z<![CDATA[]]>"), "m[s:\"x<y>z\"]");
	GOOD(CALL1("a<!-- <value> -->b"), "m[s:\"ab\"]");
	GOOD(CALL1("<string>a<![CDATA[]]]]><![CDATA[>]]>b</string>"), "m[s:\"a]]>b\"]");
	GOOD(CALL1("\xc3\xa9 raw UTF-8 > ok"), "m[s:\"\xc3\xa9 raw UTF-8 > ok\"]");
}

static void
test_depth(void)
{
	struct arena	 a;
	struct val	*params, *v;
	const char	*method;
	struct buf	 b;
	char		 err[160];
	size_t		 i, depth;
	int		 r;

	for (depth = RPC_MAX_DEPTH; depth <= RPC_MAX_DEPTH + 1; depth++) {
		buf_init(&b, 0);
		buf_puts(&b, "<methodCall><methodName>m</methodName><params><param>");
		for (i = 0; i < depth; i++)
			buf_puts(&b, i % 2 ? "<value><array><data>" :
			    "<value><struct><member><name>k</name>");
		buf_puts(&b, "<value>leaf</value>");
		for (i = depth; i-- > 0; )
			buf_puts(&b, i % 2 ? "</data></array></value>" :
			    "</member></struct></value>");
		buf_puts(&b, "</param></params></methodCall>");
		arena_init(&a, 0);
		r = parse(&a, b.p, b.len, &method, &params, err, sizeof(err));
		if (depth == RPC_MAX_DEPTH) {
			for (v = r == 0 ? params->u.a.items[0] : NULL, i = 1; v && i < depth; i++)
				v = v->type == VAL_STRUCT ? v->u.st.m[0].v : v->u.a.items[0];
			ok(r == 0 && v != NULL && v->type == VAL_ARRAY &&
			    v->u.a.items[0]->type == VAL_STRING, "%zu nested are fine", depth);
		} else
			ok(r == -1 && strstr(err, "nesting too deep at byte") != NULL,
			    "%zu nested are too deep: %s", depth, err);
		arena_free(&a);
		buf_free(&b);
	}
}

static void
test_bad(void)
{
	BAD("", "XML-RPC: expected <methodCall>, got end of input at byte 0");
	BAD("   \n", "expected <methodCall>, got end of input at byte 4");
	BAD("<?xml version=\"1.0\"?>", "expected <methodCall>, got end of input at byte 21");
	BAD("<?xml version=\"1.0\"", "unterminated XML declaration at byte 0");
	BAD("<?xml-stylesheet?><methodCall>", "expected <methodCall> at byte 0");
	/* Nothing before the declaration, and no CDATA section between elements or after the
	   root, even of blanks: XAPI's xmlm refuses both, as this parser always has. */
	BAD("  <?xml version=\"1.0\"?><methodCall>", "expected <methodCall> at byte 2");
	BAD("\xef\xbb\xbf\n<?xml version=\"1.0\"?><methodCall>",
	    "expected <methodCall> at byte 4");
	BAD("<![CDATA[]]><methodCall>", "expected <methodCall> at byte 0");
	BAD("<methodCall><![CDATA[ ]]><methodName>a</methodName></methodCall>",
	    "expected <methodName> at byte 12");
	BAD("<methodCall><methodName>a</methodName><!-- c --> <![CDATA[\n]]></methodCall>",
	    "expected <params> or </methodCall> at byte 49");
	BAD("<methodCall><methodName>a</methodName></methodCall><![CDATA[ ]]>",
	    "garbage after </methodCall> at byte 51");
	BAD(CALL1("<int>1</int><![CDATA[ ]]>"), "expected </value> at byte 72");
	GOOD(CALL1("<![CDATA[ ]]><int>1</int>"), "m[i:1]");
	BAD("<!DOCTYPE x><methodCall>", "expected <methodCall> at byte 0");
	BAD("hello", "expected <methodCall> at byte 0");
	BAD("<methodcall><methodName>a</methodName></methodcall>",
	    "expected <methodCall> at byte 0");
	BAD("<methodResponse></methodResponse>", "expected <methodCall> at byte 0");
	BAD("<methodCall/>", "expected <methodCall> at byte 0");
	BAD("<methodCall>", "expected <methodName>, got end of input at byte 12");
	BAD("<methodCall", "unterminated tag at byte 0");
	BAD("<methodCall foo=\"1\">", "attributes are not allowed at byte 12");
	BAD("<methodCall/ >", "malformed tag at byte 0");
	BAD("<methodCall><params/></methodCall>", "expected <methodName> at byte 12");
	BAD("<methodCall><methodName/></methodCall>", "expected <methodName> at byte 12");
	BAD("<methodCall><methodName></methodName></methodCall>", "empty methodName at byte 24");
	BAD("<methodCall><methodName>  </methodName></methodCall>", "empty methodName");
	BAD("<methodCall><methodName>a\001b</methodName></methodCall>",
	    "control character in methodName");
	BAD("<methodCall><methodName><![CDATA[a\0b]]></methodName></methodCall>",
	    "control character in methodName");
	BAD("<methodCall><methodName>a<b/></methodName></methodCall>",
	    "expected </methodName> at byte 25");
	BAD("<methodCall><methodName>a</methodname></methodCall>",
	    "expected </methodName> at byte 25");
	BAD("<methodCall><methodName>a</methodName>", "got end of input at byte 38");
	BAD("<methodCall><methodName>a</methodName><param/></methodCall>",
	    "expected <params> or </methodCall> at byte 38");
	BAD("<methodCall><methodName>a</methodName>x</methodCall>",
	    "expected <params> or </methodCall> at byte 38");
	BAD("<methodCall><methodName>a</methodName><params>hello<param>",
	    "expected <param> or </params> at byte 46");
	BAD("<methodCall><methodName>a</methodName><params><param/></params></methodCall>",
	    "expected <param> or </params> at byte 46");
	BAD("<methodCall><methodName>a</methodName><params><param></param></params>"
	    "</methodCall>", "XML-RPC: expected <value> at byte 53");
	BAD("<methodCall><methodName>a</methodName><params><value>1</value></params>"
	    "</methodCall>", "expected <param> or </params> at byte 46");
	BAD("<methodCall><methodName>a</methodName><params><param><value>1</value>"
	    "<value>2</value></param></params></methodCall>", "expected </param> at byte 69");
	BAD("<methodCall><methodName>a</methodName><params></methodCall>",
	    "expected <param> or </params> at byte 46");
	BAD("<methodCall><methodName>a</methodName><params></params>",
	    "expected </methodCall>, got end of input");
	BAD("<methodCall><methodName>a</methodName></methodCall>x",
	    "garbage after </methodCall> at byte 51");
	BAD("<methodCall><methodName>a</methodName></methodCall>\n<methodCall>",
	    "garbage after </methodCall> at byte 52");
	BAD("<methodCall><methodName>a</methodName></methodCall>\0",
	    "garbage after </methodCall>");
	BAD("<methodCall><!-- x", "unterminated comment at byte 12");
	BAD("<methodCall><methodName>a<!-- x", "unterminated comment at byte 25");
	BAD("<methodCall><methodName><![CDATA[a]]</methodName></methodCall>",
	    "unterminated CDATA section at byte 24");
	BAD("<methodCall><methodName>a</ methodName></methodCall>",
	    "expected </methodName> at byte 25");
	BAD("<methodCall><methodName>a</methodName x></methodCall>",
	    "malformed tag at byte 25");

	BAD(CALL1("<foo>1</foo>"), "unknown tag <foo> at byte 60");
	BAD(CALL1("<int>1</i4>"), "expected </int> at byte 66");
	BAD(CALL1("<int>12a</int>"), "bad integer at byte 65");
	BAD(CALL1("<int></int>"), "bad integer");
	BAD(CALL1("<int/>"), "bad integer");
	BAD(CALL1("<int>-</int>"), "bad integer");
	BAD(CALL1("<int>1 2</int>"), "bad integer");
	BAD(CALL1("<int>0x10</int>"), "bad integer");
	BAD(CALL1("<i8>9223372036854775808</i8>"), "integer out of range");
	BAD(CALL1("<i8>-9223372036854775809</i8>"), "integer out of range");
	BAD(CALL1("<i8>99999999999999999999999</i8>"), "integer out of range");
	/* <int> and <i4> are int64 as in XAPI (past 32 bits too), never clamped. */
	BAD(CALL1("<int>99999999999999999999</int>"), "integer out of range");
	BAD(CALL1("<i4>99999999999999999999</i4>"), "integer out of range");
	BAD(CALL1("<int>9223372036854775808</int>"), "integer out of range");
	BAD(CALL1("<i4>-9223372036854775809</i4>"), "integer out of range");
	BAD(CALL1("<int>18446744073709551616</int>"), "integer out of range");
	BAD(CALL1("<boolean>2</boolean>"), "bad boolean at byte 69");
	BAD(CALL1("<boolean>true</boolean>"), "bad boolean");
	BAD(CALL1("<boolean>01</boolean>"), "bad boolean");
	BAD(CALL1("<boolean/>"), "bad boolean");
	BAD(CALL1("<double>1.5x</double>"), "bad double at byte 68");
	BAD(CALL1("<double></double>"), "bad double");
	BAD(CALL1("<double>1.5<![CDATA[\0]]></double>"), "bad double");
	BAD(CALL1("<double>1 5</double>"), "bad double");
	BAD(CALL1("x<int>1</int>"), "expected </value> at byte 61");
	BAD(CALL1("<int>1</int>x"), "expected </value> at byte 72");
	BAD(CALL1("<int>1</int><int>2</int>"), "expected </value> at byte 72");
	BAD(CALL1("&#65;<int>1</int>"), "expected </value>");
	BAD(CALL1("<![CDATA[x]]><int>1</int>"), "expected </value>");
	BAD(CALL1("<string><int>1</int></string>"), "expected </string> at byte 68");
	BAD(CALL1("<value>1</value>"), "unknown tag <value>");
	BAD(CALL1("<array><value>1</value></array>"), "expected <data> at byte 67");
	BAD(CALL1("<array><data>1</data></array>"), "expected <value> or </data> at byte 73");
	BAD(CALL1("<array><data><value>1</value></array>"), "expected <value> or </data>");
	BAD(CALL1("<array><data></data>"), "expected </array> at byte 80");
	BAD(CALL1("<struct><value>1</value></struct>"),
	    "expected <member> or </struct> at byte 68");
	BAD(CALL1("<struct><member><value>1</value></member></struct>"),
	    "expected <name> at byte 76");
	BAD(CALL1("<struct><member><name>a</name></member></struct>"),
	    "expected <value> at byte 90");
	BAD(CALL1("<struct><member><name>a</name><value>1</value><value>2</value>"
	    "</member></struct>"), "expected </member>");
	BAD(CALL1("<struct><member><name>a</name><value>1</value></member>"),
	    "expected <member> or </struct>");
	BAD(CALL1("<struct><member/></struct>"), "expected <member> or </struct>");
	BAD(CALL1("<nil>x</nil>"), "expected </nil>");
	BAD(CALL1("<value>"), "unknown tag <value>");
	BAD(CALL1("<string type=\"x\">a</string>"), "attributes are not allowed at byte 68");
	BAD(CALL1("&foo;"), "bad entity at byte 60");
	BAD(CALL1("&amp"), "bad entity");
	BAD(CALL1("a & b"), "bad entity at byte 62");
	BAD(CALL1("&#0;"), "bad entity");
	BAD(CALL1("&#x0;"), "bad entity");
	BAD(CALL1("&#;"), "bad entity");
	BAD(CALL1("&#x;"), "bad entity");
	BAD(CALL1("&#x110000;"), "bad entity");
	BAD(CALL1("&#1114112;"), "bad entity");
	BAD(CALL1("&#99999999999999999999;"), "bad entity");
	BAD(CALL1("&#xD800;"), "bad entity");
	/* lib/xml.c's one policy: references to characters XML 1.0 forbids are refused too
	   (they were taken, then dropped by the writer); the control characters it allows
	   (tab, LF, CR) are taken, as &#x41; is. */
	BAD(CALL1("&#1;"), "bad entity at byte 60");
	BAD(CALL1("&#x1F;"), "bad entity");
	BAD(CALL1("&#xFFFE;"), "bad entity");
	BAD(CALL1("&#65535;"), "bad entity");
	GOOD(CALL1("&#x41;&#13;&#xFFFD;"), "m[s:\"A\\r\xef\xbf\xbd\"]");
	BAD(CALL1("&#12a;"), "bad entity");
	BAD(CALL1("&#X41;"), "bad entity");
	BAD(CALL1("&LT;"), "bad entity");
	BAD(CALL1("<![CDATA[x"), "unterminated CDATA section at byte 60");
	BAD(CALL1("<!-- x"), "unterminated comment");
	BAD(CALL1("<!DOCTYPE>"), "expected </value> at byte 60");
	BAD(CALL1("<?pi?>"), "expected </value> at byte 60");
	BAD("<methodCall><methodName>m</methodName><params><param><value>",
	    "expected </value>, got end of input at byte 60");
	BAD("<methodCall><methodName>m</methodName><params><param><value>abc",
	    "expected </value>, got end of input at byte 63");
	BAD("<methodCall><methodName>m</methodName><params><param><value><int>1",
	    "expected </int>, got end of input at byte 66");
	BAD("<methodCall><methodName>m</methodName><params><param><value><int>1<",
	    "expected </int> at byte 66");
	BAD("<methodCall><methodName>m</methodName><params><param><value><int>1</",
	    "expected </int> at byte 66");
	BAD("<methodCall><methodName>m</methodName><params><param><value><int>1</int",
	    "unterminated tag at byte 66");
	BAD("<methodCall><methodName>m</methodName><params><param><value><nil/",
	    "unterminated tag at byte 60");
	BAD("<methodCall><methodName>m</methodName><params><param><value>&#x4",
	    "bad entity at byte 60");
}

static void
test_errors(void)
{
	struct arena	 a;
	struct val	*params;
	const char	*method, *doc = CALL1("<array><data><value>a</value><value>b</value>"
	    "<value><struct><member><name>n</name><value>v</value></member></struct></value>"
	    "</data></array>");
	char		 err[10], msg[160];
	size_t		 lim;
	int		 r, fails = 0, oom = 1;

	arena_init(&a, 0);
	memset(err, 'x', sizeof(err));
	ok(parse(&a, "x", 1, &method, &params, err, sizeof(err)) == -1 &&
	    strcmp(err, "XML-RPC: ") == 0, "a short err buffer is truncated and terminated");
	ok(parse(&a, "x", 1, &method, &params, NULL, 0) == -1, "err may be NULL");
	arena_free(&a);
	for (lim = 16; lim < 4096; lim += 16) {
		arena_init(&a, lim);
		r = parse(&a, doc, strlen(doc), &method, &params, msg, sizeof(msg));
		if (r == -1) {
			fails++;
			oom &= strstr(msg, "XML-RPC: out of memory at byte") != NULL;
		}
		arena_free(&a);
	}
	ok(fails > 10 && oom, "small arena limits fail cleanly (%d times) with out of memory",
	    fails);
	arena_init(&a, 4096);
	ok(parse(&a, doc, strlen(doc), &method, &params, msg, sizeof(msg)) == 0 &&
	    strcmp(method, "m") == 0 && params->u.a.n == 1 &&
	    params->u.a.items[0]->u.a.n == 3, "4 KiB is enough");
	arena_free(&a);
}

/* Writes v with xmlrpc_write_value and compares with want. */
static int
written(const struct val *v, const char *want)
{
	struct buf	b;
	int		r;

	buf_init(&b, 0);
	r = xmlrpc_write_value(&b, v) == 0 && b.p != NULL && strcmp(b.p, want) == 0;
	if (!r)
		note("wrote [%s]", b.p ? b.p : "");
	buf_free(&b);
	return r;
}

static void
test_write(void)
{
	struct val		 v[10], *items[3];
	struct val_member	 m[2];
	struct buf		 b;
	const char		*codes[] = { "SESSION_AUTHENTICATION_FAILED", "root",
				    "Authentication failure <&\"'>" };

	memset(v, 0, sizeof(v));
	v[0].type = VAL_STRING;
	v[0].u.s.p = "a&b<c>d\"e'f\tg\nh\ri\x01j\x1fk\x7f\xc3\xa9";
	v[0].u.s.len = strlen(v[0].u.s.p);
	ok(written(&v[0], "<value>a&amp;b&lt;c&gt;d&quot;e'f\tg\nh\rijk\x7f\xc3\xa9</value>"),
	    "a string: untagged, escaped, control characters dropped");
	v[0].u.s.p = "";
	v[0].u.s.len = 0;
	ok(written(&v[0], "<value></value>"), "an empty string");
	v[0].u.s.p = "a\0b";
	v[0].u.s.len = 3;
	ok(written(&v[0], "<value>ab</value>"), "a NUL inside a string is dropped");
	v[1].type = VAL_INT;
	v[1].u.i = 42;
	ok(written(&v[1], "<value>42</value>"), "int64 as a string of digits");
	v[1].u.i = INT64_MIN;
	ok(written(&v[1], "<value>-9223372036854775808</value>"), "INT64_MIN");
	v[2].type = VAL_INT32;
	v[2].u.i = 42;
	ok(written(&v[2], "<value><i4>42</i4></value>"), "int32 as <i4>");
	v[3].type = VAL_BOOL;
	v[3].u.b = 1;
	ok(written(&v[3], "<value><boolean>1</boolean></value>"), "true");
	v[3].u.b = 0;
	ok(written(&v[3], "<value><boolean>0</boolean></value>"), "false");
	v[4].type = VAL_DOUBLE;
	v[4].u.d = 1.5;
	ok(written(&v[4], "<value><double>1.5</double></value>"), "a double");
	v[4].u.d = 0.1;
	ok(written(&v[4], "<value><double>0.1</double></value>"), "0.1 with %%.16g");
	v[4].u.d = 1e100;
	ok(written(&v[4], "<value><double>1e+100</double></value>"), "1e100");
	v[4].u.d = NAN;
	ok(written(&v[4], "<value><double>NaN</double></value>"), "NaN");
	v[4].u.d = -INFINITY;
	ok(written(&v[4], "<value><double>NaN</double></value>"), "-inf is NaN");
	v[5].type = VAL_DATETIME;
	v[5].u.s.p = "20260821T02:00:23Z";
	v[5].u.s.len = 18;
	ok(written(&v[5], "<value><dateTime.iso8601>20260821T02:00:23Z</dateTime.iso8601>"
	    "</value>"), "a datetime");
	v[6].type = VAL_NIL;
	ok(written(&v[6], "<value><nil/></value>"), "nil");
	v[7].type = VAL_ARRAY;
	ok(written(&v[7], "<value><array><data></data></array></value>"), "an empty array");
	items[0] = &v[1];
	items[1] = &v[6];
	items[2] = &v[2];
	v[7].u.a.items = items;
	v[7].u.a.n = 3;
	ok(written(&v[7], "<value><array><data><value>-9223372036854775808</value>"
	    "<value><nil/></value><value><i4>42</i4></value></data></array></value>"),
	    "an array");
	v[8].type = VAL_STRUCT;
	ok(written(&v[8], "<value><struct></struct></value>"), "an empty struct");
	m[0].name = "a<b";
	m[0].namelen = 3;
	m[0].v = &v[7];
	m[1].name = "x";
	m[1].namelen = 1;
	m[1].v = &v[3];
	v[8].u.st.m = m;
	v[8].u.st.n = 2;
	ok(written(&v[8], "<value><struct><member><name>a&lt;b</name><value><array><data>"
	    "<value>-9223372036854775808</value><value><nil/></value><value><i4>42</i4></value>"
	    "</data></array></value></member><member><name>x</name><value><boolean>0</boolean>"
	    "</value></member></struct></value>"), "a struct");

	buf_init(&b, 0);
	v[0].u.s.p = "OpaqueRef:1";
	v[0].u.s.len = 11;
	ok(xmlrpc_write_success(&b, &v[0]) == 0 && strcmp(b.p, "<?xml version=\"1.0\"?>"
	    "<methodResponse><params><param><value><struct><member><name>Status</name>"
	    "<value>Success</value></member><member><name>Value</name>"
	    "<value>OpaqueRef:1</value></member></struct></value></param></params>"
	    "</methodResponse>") == 0, "success envelope");
	buf_reset(&b);
	ok(xmlrpc_write_failure(&b, codes, 3) == 0 && strcmp(b.p, "<?xml version=\"1.0\"?>"
	    "<methodResponse><params><param><value><struct><member><name>Status</name>"
	    "<value>Failure</value></member><member><name>ErrorDescription</name><value><array>"
	    "<data><value>SESSION_AUTHENTICATION_FAILED</value><value>root</value>"
	    "<value>Authentication failure &lt;&amp;&quot;'&gt;</value></data></array></value>"
	    "</member></struct></value></param></params></methodResponse>") == 0,
	    "failure envelope");
	buf_reset(&b);
	ok(xmlrpc_write_failure(&b, codes, 0) == 0 && strstr(b.p,
	    "<name>ErrorDescription</name><value><array><data></data></array></value>") != NULL,
	    "failure with no codes");
	buf_reset(&b);
	v[0].u.s.p = "VM.start";
	v[0].u.s.len = 8;
	items[0] = &v[0];
	v[7].u.a.n = 1;
	ok(xmlrpc_write_raw_response(&b, &v[7]) == 0 && strcmp(b.p, "<?xml version=\"1.0\"?>"
	    "<methodResponse><params><param><value><array><data><value>VM.start</value></data>"
	    "</array></value></param></params></methodResponse>") == 0, "raw response");
	buf_free(&b);

	buf_init(&b, 100);
	buf_puts(&b, "keep");
	ok(xmlrpc_write_success(&b, &v[8]) == -1 && b.len == 4 && strcmp(b.p, "keep") == 0,
	    "success over the cap: -1, buffer unchanged");
	ok(xmlrpc_write_failure(&b, codes, 3) == -1 && b.len == 4, "failure over the cap");
	ok(xmlrpc_write_raw_response(&b, &v[8]) == -1 && b.len == 4, "raw over the cap");
	ok(xmlrpc_write_value(&b, &v[8]) == -1 && b.len == 4, "value over the cap");
	ok(xmlrpc_write_value(&b, &v[6]) == 0 && strcmp(b.p, "keep<value><nil/></value>") == 0,
	    "a value that fits is appended");
	buf_free(&b);
}

/* A written value, wrapped in a call, parses back as the same tree. */
static void
test_roundtrip(void)
{
	const char	*doc = CALL1("<struct><member><name>a&lt;\001b</name><value><array><data>"
	    "<value><i8>-5</i8></value><value><i4>7</i4></value><value><boolean>1</boolean>"
	    "</value><value><double>2.5</double></value><value><dateTime.iso8601>20260821T02:00:23Z"
	    "</dateTime.iso8601></value><value><nil/></value><value> x&amp;y\t</value>"
	    "<value><base64>AAA=</base64></value></data></array></value></member></struct>");
	struct arena	 a;
	struct buf	 b, r1, r2;
	struct val	*params, *again;
	const char	*method;
	char		 err[160];

	arena_init(&a, 0);
	buf_init(&b, 0);
	buf_init(&r1, 0);
	buf_init(&r2, 0);
	ok(parse(&a, doc, strlen(doc), &method, &params, err, sizeof(err)) == 0 &&
	    render(&r1, params) == 0, "parse the original");
	buf_puts(&b, "<methodCall><methodName>m</methodName><params><param>");
	xmlrpc_write_value(&b, params->u.a.items[0]);
	buf_puts(&b, "</param></params></methodCall>");
	ok(parse(&a, b.p, b.len, &method, &again, err, sizeof(err)) == 0 &&
	    render(&r2, again) == 0, "parse what was written: %s", err);
	ok(strcmp(r1.p, "[{\"a<\\u0001b\":[i:-5,i:7,true,d:2.5,t:\"20260821T02:00:23Z\",null,"
	    "s:\" x&y\\t\",s:\"AAA=\"]}]") == 0, "original: %s", r1.p);
	ok(strcmp(r2.p, "[{\"a<b\":[s:\"-5\",s:\"7\",true,d:2.5,t:\"20260821T02:00:23Z\",null,"
	    "s:\" x&y\\t\",s:\"AAA=\"]}]") == 0, "as XAPI would read it back: %s", r2.p);
	buf_free(&b);
	buf_free(&r1);
	buf_free(&r2);
	arena_free(&a);
}

/* Parses a whole document as one value; on success out holds it rendered, else err the
   message. */
static int
value_doc(const char *s, size_t len, char *out, size_t outsz, char *err, size_t errlen)
{
	struct arena	 a;
	struct buf	 b;
	struct val	*v = (struct val *)&a;
	struct guarded	 g = { 0 };
	int		 r;

	arena_init(&a, 0);
	buf_init(&b, 0);
	out[0] = '\0';
	r = xmlrpc_parse_value(&a, guard(&g, s, len), len, &v, err, errlen);
	guard_free(&g);
	if (r == 0) {
		if (render(&b, v) == -1)
			r = -2;
		else
			snprintf(out, outsz, "%s", b.p);
	} else if (v != NULL)
		r = -3;
	buf_free(&b);
	arena_free(&a);
	return r;
}

#define GOOD_DOC(text, want)	GOOD_BY(value_doc, text, want)
#define BAD_DOC(text, want)	BAD_BY(value_doc, text, want)

/* Documents that are one value, as an XVA's ova.xml. */
static void
test_value_docs(void)
{
	GOOD_DOC("<value><struct><member><name>version</name><value><struct><member><name>"
	    "export_vsn</name><value>2</value></member></struct></value></member><member><name>"
	    "objects</name><value><array><data/></array></value></member></struct></value>",
	    "{\"version\":{\"export_vsn\":s:\"2\"},\"objects\":[]}");
	GOOD_DOC("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<value>x</value>\n", "s:\"x\"");
	GOOD_DOC("\xef\xbb\xbf<value><i8>-3</i8></value>", "i:-3");
	GOOD_DOC("<!-- by hand --> <value/> <!-- end -->", "s:\"\"");
	GOOD_DOC("<value><array><data><value><boolean>1</boolean></value><value>"
	    "<dateTime.iso8601>19700101T00:00:00Z</dateTime.iso8601></value></data></array>"
	    "</value>", "[true,t:\"19700101T00:00:00Z\"]");
	GOOD_DOC("<value> a &amp; b </value>", "s:\" a & b \"");
	BAD_DOC("", "XML-RPC: expected <value>, got end of input at byte 0");
	BAD_DOC("<?xml version=\"1.0\"?>", "expected <value>, got end of input at byte 21");
	BAD_DOC("<?xml version=\"1.0\"", "unterminated XML declaration at byte 0");
	BAD_DOC("<methodCall><methodName>m</methodName></methodCall>", "expected <value> at byte 0");
	BAD_DOC("<value>x</value><value>y</value>", "garbage after </value> at byte 16");
	BAD_DOC("<value>x</value>trailing", "garbage after </value> at byte 16");
	BAD_DOC("\n<?xml version=\"1.0\"?><value/>", "expected <value> at byte 1");
	BAD_DOC("<value/><!-- c --><![CDATA[\n]]>", "garbage after </value> at byte 18");
	BAD_DOC("<value><struct><member><name>a</name></member></struct></value>",
	    "expected <value> at byte 37");
	BAD_DOC("<value><struct>", "expected <member> or </struct>, got end of input at byte 15");
	BAD_DOC("<value><int>12x</int></value>", "bad integer at byte 12");
	BAD_DOC("<value><foo/></value>", "unknown tag <foo>");
	BAD_DOC("<value>a<b/></value>", "expected </value>");
	BAD_DOC("<value attr=\"1\">x</value>", "attributes are not allowed at byte 7");
	BAD_DOC("<value>&bogus;</value>", "bad entity at byte 7");
	BAD_DOC("<value>", "expected </value>, got end of input at byte 7");
}

int
main(void)
{
	test_calls();
	test_values();
	test_depth();
	test_bad();
	test_errors();
	test_write();
	test_roundtrip();
	test_value_docs();
	return done_testing();
}
