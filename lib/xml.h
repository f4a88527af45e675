#ifndef ATOLL_XML_H
#define ATOLL_XML_H

#include <stddef.h>

/*
 * The one XML reader: a pull tokenizer over a caller's buffer that allocates nothing. It
 * checks what any XML document must be (tags well formed and properly nested, comments and
 * CDATA sections closed, attributes quoted and given once) and refuses what Atoll never
 * reads: a <!DOCTYPE (so no entity is ever declared, let alone expanded) and processing
 * instructions other than the <?xml ...?> declaration at the start. What the elements mean
 * is the caller's grammar (lib/xmlrpc.c, installer/answerfile.c).
 */

#define XML_MAX_DEPTH	256	/* elements open at once */
#define XML_NAME_MAX	63	/* bytes in an element's or an attribute's name */
#define XML_MAX_ATTRS	16	/* attributes on one tag */
#define XML_WHY_MAX	256	/* a reason's bytes, with its NUL: a mismatch names three
				   names of XML_NAME_MAX */

/* What xml_next returns. */
enum xml_kind {
	XML_END,		/* the end of the input, every element closed */
	XML_OPEN,		/* <name attr="value" ...> */
	XML_CLOSE,		/* </name>, always the innermost open element's */
	XML_EMPTY,		/* <name .../> */
	XML_TEXT		/* character data with its comments and CDATA sections */
};

/* What went wrong, for callers that word their own messages (XML-RPC's are on the wire). */
enum xml_error {
	XML_E_NONE,
	XML_E_NAME,		/* '<' or '</' without an element's name */
	XML_E_LONG_NAME,	/* a name longer than XML_NAME_MAX */
	XML_E_DOCTYPE,		/* <!DOCTYPE */
	XML_E_PI,		/* <?...?> other than the declaration at the start */
	XML_E_DECL,		/* the <?xml declaration never closed */
	XML_E_TAG,		/* a malformed tag */
	XML_E_OPEN_TAG,		/* a tag never closed (no '>') */
	XML_E_ATTR,		/* a malformed, repeated or unquoted attribute, or too many */
	XML_E_COMMENT,		/* a comment never closed */
	XML_E_CDATA,		/* a CDATA section never closed */
	XML_E_MISMATCH,		/* an end tag that is not the innermost open element's */
	XML_E_UNCLOSED,		/* the input ends inside an element */
	XML_E_DEPTH,		/* more than XML_MAX_DEPTH elements open */
	XML_E_ENTITY		/* xml_decode: an unknown entity or a refused character */
};

/* A piece of the caller's buffer, not NUL-terminated. */
struct xml_span {
	const char	*p;
	size_t		 n;
};

struct xml_tok {
	enum xml_kind	 kind;
	size_t		 at;		/* the offset of its first byte */
	int		 line;		/* the line that byte is on, from 1 */
	struct xml_span	 name;		/* OPEN, CLOSE, EMPTY */
	struct xml_span	 attrs;		/* OPEN, EMPTY: the text of its attributes */
	int		 nattrs;
	struct xml_span	 text;		/* TEXT: raw, for xml_decode */
	size_t		 lead;		/* TEXT: the offset of the first byte neither a blank
					   nor in a comment (the end when there is none) */
	int		 blank;		/* TEXT: only blanks, comments and CDATA of blanks */
	int		 cdata;		/* TEXT: holds a CDATA section (which XML-RPC and
					   the answerfile refuse between elements) */
};

struct xml_cur {
	const char	*buf;
	size_t		 len, pos;
	int		 line;			/* of pos */
	int		 started;		/* the declaration is behind us */
	int		 flags;			/* xml_init's */
	int		 depth;
	size_t		 open[XML_MAX_DEPTH];	/* the open elements' names, as offsets */
	enum xml_error	 err;
	size_t		 err_at;		/* where the problem starts */
	int		 err_line;
	char		 why[XML_WHY_MAX];	/* "<b> is never closed (no </b>)" */
};

#define XML_BLANKS_BEFORE_DECL	1	/* blanks may come before the <?xml declaration */

/* Starts reading buf[0..len), which must outlive c and every token; flags is 0 or
   XML_BLANKS_BEFORE_DECL. */
void	xml_init(struct xml_cur *c, const char *buf, size_t len, int flags);

/*
 * Reads the next token into t. A byte-order mark and an <?xml ...?> declaration right
 * after it (or after blanks, with XML_BLANKS_BEFORE_DECL) are skipped. Returns its kind
 * (XML_END at the end, and again after), or -1 with c->err, c->err_at, c->err_line and
 * c->why naming the problem; reading on after -1 is not allowed.
 */
int	xml_next(struct xml_cur *c, struct xml_tok *t);

/* Finds attribute name of an OPEN or EMPTY tag: returns its index with its raw value in
   *value (for xml_decode), or -1 when the tag has none of that name. */
int	xml_attr(const struct xml_tok *t, const char *name, struct xml_span *value);

/* The i-th attribute of an OPEN or EMPTY tag: returns 1 with its name and raw value, or 0
   when there are not that many. */
int	xml_attr_at(const struct xml_tok *t, int i, struct xml_span *name,
	    struct xml_span *value);

#define XML_TRIM	1	/* drop blanks before and after the text */

/*
 * Decodes raw text (a TEXT token's, or an attribute's value) of c's buffer into
 * out[0..size), NUL-terminated: comments dropped, CDATA sections as they are, the five
 * predefined entities and character references (&#65; &#x41;) as UTF-8. A reference to
 * 0, a surrogate, past 0x10FFFF or to a character XML 1.0 forbids is refused, as is any
 * other entity. *len gets the decoded length, which may be size or more: out then holds
 * what fit. Decoding never lengthens text: size s.n + 1 always holds it. Returns 0, or -1
 * (XML_E_ENTITY, or XML_E_COMMENT / XML_E_CDATA for a span xml_next did not give) with the
 * problem in c as xml_next leaves it.
 */
int	xml_decode(struct xml_cur *c, struct xml_span s, int flags, char *out, size_t size,
	    size_t *len);

#endif
