/*
 * Unit tests of xapi-lite/xva_ova.c: an XVA's ova.xml read as XAPI's import reads it (the
 * version checked, the disks whose data follows found and sorted as the export sends
 * them, CD drives and ISO libraries left out), and broken headers refused with XAPI's
 * error codes.
 */
#include <stdio.h>
#include <string.h>

#include "tap.h"
#include "xva_ova.h"

#define VERSION(major, minor, vsn)						\
	"<member><name>version</name><value><struct>"				\
	"<member><name>hostname</name><value>h</value></member>"		\
	"<member><name>date</name><value>d</value></member>"			\
	"<member><name>product_version</name><value>8.2</value></member>"	\
	"<member><name>product_brand</name><value>XCP-ng</value></member>"	\
	"<member><name>build_number</name><value>1</value></member>"		\
	"<member><name>xapi_major</name><value>" major "</value></member>"	\
	"<member><name>xapi_minor</name><value>" minor "</value></member>"	\
	vsn "</struct></value></member>"
#define VSN(n)	"<member><name>export_vsn</name><value><i4>" n "</i4></value></member>"
#define OBJ(cls, id, fields)							\
	"<value><struct><member><name>class</name><value>" cls "</value></member>"	\
	"<member><name>id</name><value>" id "</value></member>"		\
	"<member><name>snapshot</name><value><struct>" fields "</struct></value></member>" \
	"</struct></value>"
#define F(name, v)	"<member><name>" name "</name><value>" v "</value></member>"
#define DOC_HEAD	"<?xml version=\"1.0\"?><value><struct>"
#define DOC_OBJECTS	"<member><name>objects</name><value><array><data>"
#define DOC_TAIL	"</data></array></value></member></struct></value>"
#define DOC(version, objects)	DOC_HEAD version DOC_OBJECTS objects DOC_TAIL

#define SRS	OBJ("SR", "Ref:1", F("content_type", "user")) \
		OBJ("SR", "Ref:2", F("content_type", "iso"))

static int
parse(const char *text, struct xva_ova *o, struct xva_err *e)
{
	static struct arena	a;

	arena_free(&a);
	arena_init(&a, XVA_OVA_ARENA_MAX);
	memset(e, 0, sizeof(*e));
	return xva_ova_parse(&a, text, strlen(text), o, e);
}

/* The pieces of a document, joined (ISO C's string literals are short). */
static const char *
join(const char *const parts[])
{
	static char	doc[16384];
	size_t		i;

	doc[0] = '\0';
	for (i = 0; parts[i] != NULL; i++)
		strncat(doc, parts[i], sizeof(doc) - strlen(doc) - 1);
	return doc;
}

static void
good(void)
{
	struct xva_ova	 o;
	struct xva_err	 e;
	const char	*parts[] = { DOC_HEAD VERSION("1", "20", VSN("2")) DOC_OBJECTS,
	    OBJ("VM", "Ref:0", F("name_label", "vm")) SRS,
	    /* Ref:10 sorts before Ref:9, as XAPI's export sends them. */
	    OBJ("VDI", "Ref:9", F("SR", "Ref:1") F("virtual_size", "1048576"))
	    OBJ("VDI", "Ref:10", F("SR", "Ref:1") F("virtual_size", "<i8>4294967296</i8>")),
	    OBJ("VDI", "Ref:11", F("SR", "Ref:2") F("virtual_size", "1"))
	    OBJ("VDI", "Ref:12", F("SR", "Ref:1") F("virtual_size", "7") F("type", "Suspend")),
	    OBJ("VDI", "Ref:13", F("SR", "Ref:1") F("virtual_size", "5"))
	    OBJ("VBD", "Ref:20", F("VM", "Ref:0") F("VDI", "Ref:9") F("type", "Disk")),
	    OBJ("VBD", "Ref:21", F("VM", "Ref:0") F("VDI", "Ref:10") F("type", "disk"))
	    OBJ("VBD", "Ref:22", F("VM", "Ref:0") F("VDI", "Ref:11") F("type", "Disk")),
	    OBJ("VBD", "Ref:23", F("VM", "Ref:0") F("VDI", "Ref:13") F("type", "CD"))
	    OBJ("VBD", "Ref:24", F("VM", "Ref:0") F("VDI", "OpaqueRef:NULL") F("type", "cd")),
	    OBJ("VBD", "Ref:25", F("VM", "Ref:0") F("VDI", "Ref:9") F("type", "Disk")) DOC_TAIL,
	    NULL };
	const char	*doc = join(parts);
	char		 name[16];

	ok(parse(doc, &o, &e) == 0, "an export of three disks: %s", e.param);
	ok(o.export_vsn == 2 && o.nobjs == 14, "export_vsn %d, %zu objects", o.export_vsn, o.nobjs);
	ok(o.ndisks == 3, "three disks streamed: %zu", o.ndisks);
	if (o.ndisks == 3)
		ok(strcmp(o.disks[0].id, "Ref:10") == 0 && o.disks[0].size == 4294967296LL &&
		    strcmp(o.disks[1].id, "Ref:12") == 0 && o.disks[1].size == 7 &&
		    strcmp(o.disks[2].id, "Ref:9") == 0 && o.disks[2].size == 1048576,
		    "in XAPI's order (by id as text), the suspend image too, once each");
	ok(xva_find(&o, "Ref:13") != NULL && strcmp(xva_find(&o, "Ref:13")->cls, "VDI") == 0,
	    "xva_find");
	ok(xva_find(&o, "Ref:99") == NULL, "xva_find: no such id");
	ok(strcmp(xva_str(o.objs[0].snap, "name_label"), "vm") == 0 &&
	    strcmp(xva_str(o.objs[0].snap, "nothing"), "") == 0, "xva_str");
	xva_disk_file(2, name, sizeof(name));
	ok(strcmp(name, "2") == 0, "a disk's file name");

	doc = DOC(VERSION("26", "17", ""), OBJ("VM", "Ref:0", F("name_label", "vm")));
	ok(parse(doc, &o, &e) == 0 && o.export_vsn == 0 && o.ndisks == 0,
	    "no export_vsn: 0, as XAPI; this XAPI's own version");
	doc = DOC(VERSION("<i4>25</i4>", "99", VSN("1")), "");
	ok(parse(doc, &o, &e) == 0 && o.export_vsn == 1 && o.nobjs == 0, "an older XAPI, int tags");
}

#define BAD(text, want, words, what) do {					\
	struct xva_ova	o_;							\
	struct xva_err	e_;							\
	int		r_ = parse((text), &o_, &e_);				\
	ok(r_ == -1 && e_.code != NULL && strcmp(e_.code, (want)) == 0 &&	\
	    strstr(e_.param, (words)) != NULL, "refused: %s (%s: %s)", (what),	\
	    e_.code ? e_.code : "no code", e_.param);				\
} while (0)

static void
bad(void)
{
	BAD("", "IMPORT_ERROR", "ova.xml: XML-RPC: expected <value>", "an empty file");
	BAD("<value><struct><member><name>a</name></member></struct></value>", "IMPORT_ERROR",
	    "ova.xml: XML-RPC", "broken XML-RPC");
	BAD("<value>text</value>", "IMPORT_ERROR", "not a struct", "a string");
	BAD(DOC("", ""), "IMPORT_ERROR", "no version record", "no version");
	BAD(DOC(VERSION("1", "2", "")
	    "<member><name>objects</name><value>x</value></member>", ""), "IMPORT_ERROR",
	    "ova.xml", "objects twice, the first not an array");
	BAD("<value><struct>" VERSION("1", "2", "") "</struct></value>", "IMPORT_ERROR",
	    "no objects array", "no objects");
	BAD(DOC("<member><name>version</name><value><struct>"
	    "<member><name>hostname</name><value>h</value></member></struct></value></member>",
	    ""), "IMPORT_ERROR", "Failed to find key 'date' in version data",
	    "a version without its fields");
	BAD(DOC(VERSION("x", "2", ""), ""), "IMPORT_ERROR",
	    "Failed to find key 'xapi_major'", "a major version that is not a number");
	BAD(DOC(VERSION("26", "18", ""), ""), "IMPORT_INCOMPATIBLE_VERSION", "",
	    "a newer XAPI's export");
	BAD(DOC(VERSION("27", "0", ""), ""), "IMPORT_INCOMPATIBLE_VERSION", "",
	    "a newer XAPI's export (major)");
	BAD(DOC(VERSION("1", "2", ""), "<value>not an object</value>"), "IMPORT_ERROR",
	    "object 0 has no class", "an object that is a string");
	BAD(DOC(VERSION("1", "2", ""), "<value><struct><member><name>class</name>"
	    "<value>VM</value></member><member><name>id</name><value>Ref:0</value></member>"
	    "</struct></value>"), "IMPORT_ERROR", "object 0 has no class, id or snapshot",
	    "an object without its snapshot");
	BAD(DOC(VERSION("1", "2", ""), OBJ("VDI", "Ref:3", F("SR", "Ref:1"))),
	    "IMPORT_ERROR_FAILED_TO_FIND_OBJECT", "Ref:1", "a VDI whose SR is not there");
	BAD(DOC(VERSION("1", "2", ""), SRS OBJ("VBD", "Ref:3", F("VDI", "Ref:4")
	    F("type", "Disk"))), "IMPORT_ERROR_FAILED_TO_FIND_OBJECT", "Ref:4",
	    "a disk drive whose VDI is not there");
	BAD(DOC(VERSION("1", "2", ""), SRS OBJ("VBD", "Ref:3", F("VDI", "Ref:1")
	    F("type", "Disk"))), "IMPORT_ERROR_FAILED_TO_FIND_OBJECT", "Ref:1",
	    "a disk drive on something that is not a VDI");
	BAD(DOC(VERSION("1", "2", ""), SRS OBJ("VDI", "Ref:3", F("SR", "Ref:1")
	    F("virtual_size", "-1")) OBJ("VBD", "Ref:4", F("VDI", "Ref:3"))), "IMPORT_ERROR",
	    "Ref:3 has no virtual_size", "a negative size");
	BAD(DOC(VERSION("1", "2", ""), SRS OBJ("VDI", "Ref:3", F("SR", "Ref:1"))
	    OBJ("VBD", "Ref:4", F("VDI", "Ref:3"))), "IMPORT_ERROR",
	    "Ref:3 has no virtual_size", "no size");
}

int
main(void)
{
	good();
	bad();
	return done_testing();
}
