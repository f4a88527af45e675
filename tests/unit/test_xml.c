/*
 * Unit tests of lib/xml.c: the tokens of good documents, the entity policy of xml_decode,
 * every refusal with its line, the named limits, and truncated input (each read from a
 * heap copy of exactly its size, so ASan sees any read past the end).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xml.h"
#include "tap.h"

/*
 * Renders the tokens of s[0..n) read with xml_init's flags: <a x=1>, </a>, <a/>, [decoded
 * text], $ at the end, or "!N: why" for a refusal on line N. Returns what the last
 * xml_next returned.
 */
static int
render(const char *s, size_t n, int flags, struct buf *b)
{
	struct xml_cur	 c;
	struct xml_tok	 t;
	struct xml_span	 name, v;
	char		*copy = malloc(n > 0 ? n : 1), out[256];
	size_t		 len;
	int		 r, i;

	memcpy(copy, s, n);
	xml_init(&c, copy, n, flags);
	buf_reset(b);
	while ((r = xml_next(&c, &t)) > XML_END) {
		if (r == XML_TEXT) {
			if (xml_decode(&c, t.text, 0, out, sizeof(out), &len) == -1) {
				r = -1;
				break;
			}
			buf_printf(b, "[%s]", out);
			continue;
		}
		buf_printf(b, "<%s%.*s", r == XML_CLOSE ? "/" : "", (int)t.name.n, t.name.p);
		for (i = 0; xml_attr_at(&t, i, &name, &v); i++) {
			if (xml_decode(&c, v, 0, out, sizeof(out), &len) == -1)
				break;
			buf_printf(b, " %.*s=%s", (int)name.n, name.p, out);
		}
		if (c.err != XML_E_NONE) {
			r = -1;
			break;
		}
		buf_puts(b, r == XML_EMPTY ? "/>" : ">");
	}
	if (r == XML_END)
		buf_puts(b, "$");
	else
		buf_printf(b, "!%d: %s", c.err_line, c.why);
	free(copy);
	return r;
}

#define TOKENS_WITH(flags, text, want) do {					\
	struct buf b_;								\
	buf_init(&b_, 0);							\
	render(text, sizeof(text) - 1, flags, &b_);				\
	if (!ok(b_.p != NULL && strcmp(b_.p, want) == 0, "%s", #text))	\
		note("got %s", b_.p ? b_.p : "");				\
	buf_free(&b_);								\
} while (0)
#define TOKENS(text, want)	TOKENS_WITH(0, text, want)

/* Reads all of s[0..n) as a reader would, decoding its text; returns the last result. */
static int
read_all(struct xml_cur *c, const char *s, size_t n)
{
	struct xml_tok	t;
	char		out[64];
	size_t		len;
	int		r;

	xml_init(c, s, n, 0);
	while ((r = xml_next(c, &t)) > XML_END)
		if (r == XML_TEXT && xml_decode(c, t.text, 0, out, sizeof(out), &len) == -1)
			return -1;
	return r;
}

/* text is refused with error e on line (and why holding what). */
#define REFUSED(text, e, line, what) do {					\
	struct xml_cur	c_;							\
	int		r_ = read_all(&c_, text, sizeof(text) - 1);		\
	ok(r_ == -1 && c_.err == (e) && c_.err_line == (line) &&		\
	    strstr(c_.why, what) != NULL, "%s: %d line %d: %s", #text, c_.err,	\
	    c_.err_line, c_.why);						\
} while (0)

/* Names of XML_NAME_MAX bytes. */
#define A63	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B63	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* The decoding of an element's text: want, or a refusal naming what. */
#define DECODES(text, want) TOKENS("<a>" text "</a>", "<a>[" want "]</a>$")
#define ENTITY_REFUSED(text, what) REFUSED("<a>\n\n" text "</a>", XML_E_ENTITY, 3, what)

static void
test_good(void)
{
	TOKENS("", "$");
	TOKENS("<a/>", "<a/>$");
	TOKENS("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>x</a>\n",
	    "[\n]<a>[x]</a>[\n]$");
	/* Blanks before the declaration only when the caller allows them (the answerfile
	   does; XML-RPC, as XAPI's xmlm, does not). */
	TOKENS_WITH(XML_BLANKS_BEFORE_DECL, "  \n<?xml version='1.0'?><a/>", "<a/>$");
	TOKENS("  \n<?xml version='1.0'?><a/>",
	    "[  \n]!2: processing instructions (<?...?>) are not supported");
	TOKENS_WITH(XML_BLANKS_BEFORE_DECL, "\xef\xbb\xbf \n<a/>", "[ \n]<a/>$");
	TOKENS("<?xml?><a/>", "<a/>$");
	TOKENS("<a b=\"1\" c = '2 \"q\"'><b.c-d_e:f>t</b.c-d_e:f><e x=''/></a>",
	    "<a b=1 c=2 \"q\"><b.c-d_e:f>[t]</b.c-d_e:f><e x=/></a>$");
	TOKENS("<a >x<!-- <not> a tag -->y<![CDATA[<z>&amp;]]></a >",
	    "<a>[xy<z>&amp;]</a>$");
	TOKENS("<a><!----></a>", "<a>[]</a>$");
	TOKENS("<a>\xc3\xa9 > ]]</a>", "<a>[\xc3\xa9 > ]]]</a>$");
	TOKENS("<a b='x&lt;&#65;'/>", "<a b=x<A/>$");
	TOKENS("<_1 :2='x'><Z.9/></_1>", "<_1 :2=x><Z.9/></_1>$");
}

static void
test_tokens(void)
{
	struct xml_cur	 c;
	struct xml_tok	 t;
	struct xml_span	 v;
	const char	*s = "<a x='1' y=\"&amp;\">\n <!-- c -->\n<b/>z</a>";

	xml_init(&c, s, strlen(s), 0);
	ok(xml_next(&c, &t) == XML_OPEN && t.at == 0 && t.line == 1 && t.nattrs == 2,
	    "an open tag, its offset, line and attributes");
	ok(xml_attr(&t, "y", &v) == 1 && v.n == 5 && memcmp(v.p, "&amp;", 5) == 0 &&
	    xml_attr(&t, "x", &v) == 0 && xml_attr(&t, "z", &v) == -1,
	    "xml_attr finds each by name, raw");
	ok(xml_next(&c, &t) == XML_TEXT && t.blank && !t.cdata && t.line == 1 &&
	    t.lead == t.at + t.text.n, "blanks and a comment: blank text");
	ok(xml_next(&c, &t) == XML_EMPTY && t.line == 3 && t.at == 32, "<b/> on line 3");
	ok(xml_next(&c, &t) == XML_TEXT && !t.blank && t.lead == 36, "text");
	ok(xml_next(&c, &t) == XML_CLOSE && xml_next(&c, &t) == XML_END &&
	    xml_next(&c, &t) == XML_END, "the end, and the end again");
	s = "<a><![CDATA[ \n]]></a>";
	xml_init(&c, s, strlen(s), 0);
	ok(xml_next(&c, &t) == XML_OPEN && xml_next(&c, &t) == XML_TEXT && t.blank &&
	    t.cdata && t.lead == 3, "CDATA of blanks is blank, and says it holds CDATA");
	s = "<a> <!-- <![CDATA[ --> x </a>";
	xml_init(&c, s, strlen(s), 0);
	ok(xml_next(&c, &t) == XML_OPEN && xml_next(&c, &t) == XML_TEXT && !t.blank &&
	    !t.cdata, "text and a comment hold no CDATA");
}

static void
test_decode(void)
{
	struct xml_cur	 c;
	struct xml_span	 s;
	char		 out[8];
	size_t		 len;

	/* The five entities and character references, as UTF-8. */
	DECODES("&lt;&gt;&amp;&quot;&apos;", "<>&\"'");
	DECODES("&#65;&#x41;&#x6a;&#x6A;&#0065;", "AAjjA");
	DECODES("&#xe9;&#233;&#x20AC;&#x1F600;&#x10FFFF;",
	    "\xc3\xa9\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
	DECODES("&#9;&#xA;&#13;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;",
	    "\t\n\r \xed\x9f\xbf\xee\x80\x80\xef\xbf\xbd\xf0\x90\x80\x80");
	/* Refused, each on its line. */
	ENTITY_REFUSED("&#0;", "&#0; is not a character XML 1.0 allows");
	ENTITY_REFUSED("&#x0;", "is not a character");
	ENTITY_REFUSED("&#1;", "&#1; is not a character");
	ENTITY_REFUSED("&#x1F;", "is not a character");
	ENTITY_REFUSED("&#xD800;", "is not a character");
	ENTITY_REFUSED("&#xDFFF;", "is not a character");
	ENTITY_REFUSED("&#xFFFE;", "is not a character");
	ENTITY_REFUSED("&#xFFFF;", "is not a character");
	ENTITY_REFUSED("&#x110000;", "&#x110000; is not a character");
	ENTITY_REFUSED("&#1114112;", "is not a character");
	ENTITY_REFUSED("&#99999999999999999999999;", "&#99999999999999... is not");
	ENTITY_REFUSED("&#;", "a character reference is &#");
	ENTITY_REFUSED("&#x;", "a character reference is");
	ENTITY_REFUSED("&#X41;", "a character reference is");
	ENTITY_REFUSED("&#12a;", "a character reference is");
	ENTITY_REFUSED("&#65", "a character reference is");
	ENTITY_REFUSED("&nbsp;", "'&' must start &amp;");
	ENTITY_REFUSED("&LT;", "'&' must start");
	ENTITY_REFUSED("&amp", "'&' must start");
	ENTITY_REFUSED("a & b", "(write & as &amp;)");
	/* Trimming, and what does not fit. */
	s.p = " \n a &#32;b&#x20; \t";
	s.n = strlen(s.p);
	xml_init(&c, s.p, s.n, 0);
	ok(xml_decode(&c, s, XML_TRIM, out, sizeof(out), &len) == 0 && len == 4 &&
	    strcmp(out, "a  b") == 0, "XML_TRIM drops the blanks around, references too");
	ok(xml_decode(&c, s, 0, out, sizeof(out), &len) == 0 && len == 10 &&
	    strcmp(out, " \n a  b") == 0, "too long: the length, and what fit");
	s.p = "                abc";
	s.n = strlen(s.p);
	ok(xml_decode(&c, s, XML_TRIM, out, 4, &len) == 0 && len == 3 &&
	    strcmp(out, "abc") == 0, "leading blanks take no room when trimmed");
	s.p = "ab&#x20AC;";
	s.n = strlen(s.p);
	ok(xml_decode(&c, s, 0, out, 4, &len) == 0 && len == 5 && strcmp(out, "ab") == 0,
	    "a character that does not fit whole is left out");
}

static void
test_refused(void)
{
	REFUSED("<a>\n<>", XML_E_NAME, 2, "expected an element's name after '<'");
	REFUSED("<a>\n</ a>", XML_E_NAME, 2, "after '</'");
	REFUSED("<a>\n<!ELEMENT a>", XML_E_NAME, 2, "element's name");
	/* A name starts with a letter, '_' or ':', never a digit, '.' or '-'. */
	REFUSED("<a>\n<1abc/>", XML_E_NAME, 2, "expected an element's name after '<'");
	REFUSED("<a>\n<.b/>", XML_E_NAME, 2, "expected an element's name after '<'");
	REFUSED("<a>\n<-b/>", XML_E_NAME, 2, "expected an element's name after '<'");
	REFUSED("<a>\n</1a>", XML_E_NAME, 2, "expected an element's name after '</'");
	REFUSED("<a>\n<b 1x='1'/>", XML_E_TAG, 2, "<b>: expected name=\"value\"");
	REFUSED("<a>\n<" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/>",
	    XML_E_LONG_NAME, 2, "longer than 63 bytes");
	TOKENS("<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/>",
	    "<aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/>$");
	REFUSED("<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>", XML_E_DOCTYPE, 1,
	    "<!DOCTYPE is not supported");
	REFUSED("<a>\n<!DOCTYPE a>", XML_E_DOCTYPE, 2, "DOCTYPE");
	REFUSED("<a/>\n<?pi x?>", XML_E_PI, 2, "processing instructions");
	REFUSED("<a>\n<?xml version='1.0'?>", XML_E_PI, 2, "processing instructions");
	REFUSED("<?xml-stylesheet?><a/>", XML_E_PI, 1, "processing instructions");
	REFUSED("<?xml version='1.0'", XML_E_DECL, 1, "declaration is never closed");
	TOKENS_WITH(XML_BLANKS_BEFORE_DECL, "\n\n<?xml version='1.0'",
	    "!3: the <?xml declaration is never closed (no \"?>\")");
	REFUSED("<a>\n<b/ >", XML_E_TAG, 2, "<b>: expected '>' after '/'");
	REFUSED("<a>\n<b x='1'y='2'/>", XML_E_TAG, 2, "<b>: expected a space");
	REFUSED("<a>\n<b\001>", XML_E_TAG, 2, "expected a space");
	REFUSED("<a>\n<b />x</b y>", XML_E_TAG, 2, "</b>: expected '>'");
	REFUSED("<a>\n<b x='1' =>", XML_E_TAG, 2, "expected name=\"value\"");
	REFUSED("<a>\n<b", XML_E_OPEN_TAG, 2, "<b>: the tag is never closed (no '>')");
	REFUSED("<a>\n<b x='1' ", XML_E_OPEN_TAG, 2, "never closed");
	REFUSED("<a>\n<b/", XML_E_OPEN_TAG, 2, "never closed");
	REFUSED("<a>\n</a", XML_E_OPEN_TAG, 2, "</a>: the tag is never closed");
	REFUSED("<a>\n<b x>", XML_E_ATTR, 2, "<b>: attribute x has no value");
	REFUSED("<a>\n<b x=1>", XML_E_ATTR, 2, "the value of x is not quoted");
	REFUSED("<a>\n<b x='<'>", XML_E_ATTR, 2, "'<' in the value of x");
	REFUSED("<a>\n<b x='1>", XML_E_ATTR, 2, "the value of x is never closed");
	REFUSED("<a>\n<b x='1' x=\"2\">", XML_E_ATTR, 2, "attribute x is given twice");
	REFUSED("<a>\n<b aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa='1'>",
	    XML_E_ATTR, 2, "an attribute's name is longer than 63 bytes");
	REFUSED("<a>\n<!-- x", XML_E_COMMENT, 2, "a comment is never closed");
	REFUSED("<!-- x\n", XML_E_COMMENT, 1, "comment");
	REFUSED("<a>\n<![CDATA[ x ]]", XML_E_CDATA, 2, "a CDATA section is never closed");
	REFUSED("<a>\n<b>x</a>", XML_E_MISMATCH, 2, "</a> where </b> should close <b> (line 2)");
	REFUSED("<a/>\n</a>", XML_E_MISMATCH, 2, "</a> closes no element");
	/* The longest mismatch message, three names of XML_NAME_MAX, fits whole. */
	REFUSED("<" A63 ">\n\n</" B63 ">", XML_E_MISMATCH, 3, "</" B63 "> where </" A63
	    "> should close <" A63 "> (line 1)");
	REFUSED("<a>\n<b>\nx", XML_E_UNCLOSED, 2, "<b> is never closed (no </b>)");
}

static void
test_limits(void)
{
	struct buf	b, out;
	char		attr[16], want[64];
	int		i, depth, r;

	/* XML_MAX_DEPTH open elements are fine, one more is refused on its line. */
	for (depth = XML_MAX_DEPTH; depth <= XML_MAX_DEPTH + 1; depth++) {
		buf_init(&b, 0);
		buf_init(&out, 0);
		for (i = 0; i < depth; i++)
			buf_puts(&b, "<e>\n");
		for (i = 0; i < depth; i++)
			buf_puts(&b, "</e>");
		r = render(b.p, b.len, 0, &out);
		if (depth == XML_MAX_DEPTH)
			ok(r == XML_END, "%d elements deep are fine", depth);
		else {
			snprintf(want, sizeof(want), "!%d: <e>: more than %d elements are open",
			    depth, XML_MAX_DEPTH);
			if (!ok(r == -1 && out.p != NULL && strstr(out.p, want) != NULL,
			    "%d are refused, on the line of the last", depth))
				note("got %s", out.p != NULL ? out.p : "");
		}
		buf_free(&b);
		buf_free(&out);
	}
	/* XML_MAX_ATTRS attributes on a tag, and one more. */
	for (depth = XML_MAX_ATTRS; depth <= XML_MAX_ATTRS + 1; depth++) {
		buf_init(&b, 0);
		buf_init(&out, 0);
		buf_puts(&b, "<a");
		for (i = 0; i < depth; i++) {
			snprintf(attr, sizeof(attr), " a%d='%d'", i, i);
			buf_puts(&b, attr);
		}
		buf_puts(&b, "/>");
		r = render(b.p, b.len, 0, &out);
		if (depth == XML_MAX_ATTRS)
			ok(r == XML_END && strstr(out.p, " a15=15/>") != NULL,
			    "%d attributes are fine", depth);
		else
			ok(r == -1 && strstr(out.p, "more than 16 attributes") != NULL,
			    "%d are refused: %s", depth, out.p);
		buf_free(&b);
		buf_free(&out);
	}
}

/* No prefix of a document reads past its end; each that stops inside its element fails. */
static void
test_truncated(void)
{
	const char	*doc = "\xef\xbb\xbf<?xml version='1.0'?>\n<a x='1' y=\"&amp;\">"
	    "<b>t&#x41;&lt;</b><!-- c --><![CDATA[d]]><c/>\n</a>";
	size_t		 len = strlen(doc), root = (size_t)(strstr(doc, "<a") - doc), i;
	struct buf	 out;
	int		 r, all = 1;

	buf_init(&out, 0);
	for (i = 0; i <= len; i++) {
		r = render(doc, i, 0, &out);
		if (i == len ? r != XML_END || strcmp(out.p, "[\n]<a x=1 y=&><b>[tA<]</b>[d]"
		    "<c/>[\n]</a>$") != 0 : (i > root && r != -1)) {
			note("prefix of %zu: %s", i, out.p);
			all = 0;
		}
	}
	ok(all, "every prefix inside the element is refused, the whole document read");
	buf_free(&out);
}

int
main(void)
{
	test_good();
	test_tokens();
	test_decode();
	test_refused();
	test_limits();
	test_truncated();
	return done_testing();
}
