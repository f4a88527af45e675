#ifndef ATOLL_XMLRPC_H
#define ATOLL_XMLRPC_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "value.h"

/*
 * XML-RPC as XAPI speaks it: lenient parsers of a <methodCall> and of a document that is
 * one <value> (an XVA's ova.xml) into struct val trees, and writers that produce
 * ocaml-rpc's exact (non-strict) output and XAPI's response envelopes.
 */

/*
 * Parses an XML-RPC <methodCall>. On success *method is the NUL-terminated method name and
 * *params a VAL_ARRAY (possibly empty), both allocated in a. Returns 0, or -1 with a message
 * in err (errlen bytes, NUL-terminated) naming what is wrong and the byte offset.
 */
int	xmlrpc_parse_call(struct arena *a, const char *s, size_t len, const char **method,
	    struct val **params, char *err, size_t errlen);

/*
 * Parses a document that is one XML-RPC <value> (an XVA's ova.xml), after an optional XML
 * declaration, as leniently as xmlrpc_parse_call. On success *value is the tree, allocated
 * in a. Returns 0, or -1 with a message in err as xmlrpc_parse_call.
 */
int	xmlrpc_parse_value(struct arena *a, const char *s, size_t len, struct val **value,
	    char *err, size_t errlen);

/*
 * Appends <value>...</value> for v as XAPI writes it (strings untagged, int64 as digits).
 * Returns 0 or -1 (buffer cap; b is then left as it was).
 */
int	xmlrpc_write_value(struct buf *b, const struct val *v);

/*
 * Appends a whole success response whose Value is v. Returns 0 or -1 (buffer cap; b is then
 * left as it was).
 */
int	xmlrpc_write_success(struct buf *b, const struct val *v);

/*
 * Appends a failure response whose ErrorDescription is the array of strings codes[0..n)
 * (a NULL entry is written as an empty string). Returns 0 or -1 (b is then left as it was).
 */
int	xmlrpc_write_failure(struct buf *b, const char *const *codes, size_t n);

/*
 * Appends an unwrapped response, <methodResponse><params><param>VALUE</param>..., as
 * system.listMethods needs. Returns 0 or -1 (buffer cap; b is then left as it was).
 */
int	xmlrpc_write_raw_response(struct buf *b, const struct val *v);

#endif
