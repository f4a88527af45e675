/* Unit tests of xapi-lite/lsblk.c: lsblk -P output into the lsblk.py plugin's JSON. */
#include <string.h>

#include "lsblk.h"
#include "tap.h"

/* What XCP-ng's own test of the plugin feeds it (a host with an LVM SR), shortened. */
static const char host[] =
	"NAME=\"sdb\" KNAME=\"sdb\" PKNAME=\"\" SIZE=\"64424509440\" TYPE=\"disk\" RO=\"0\" MOUNTPOINT=\"\"\n"
	"NAME=\"sda\" KNAME=\"sda\" PKNAME=\"\" SIZE=\"64424509440\" TYPE=\"disk\" RO=\"0\" MOUNTPOINT=\"\"\n"
	"NAME=\"sda3\" KNAME=\"sda3\" PKNAME=\"sda\" SIZE=\"19863158272\" TYPE=\"part\" RO=\"0\" MOUNTPOINT=\"\"\n"
	"NAME=\"XSLocalEXT--1fad\" KNAME=\"dm-0\" PKNAME=\"sda3\" SIZE=\"19847446528\" TYPE=\"lvm\" RO=\"0\" MOUNTPOINT=\"/run/sr-mount/1fad\"\n"
	"NAME=\"sda6\" KNAME=\"sda6\" PKNAME=\"sda\" SIZE=\"1073741824\" TYPE=\"part\" RO=\"0\" MOUNTPOINT=\"[SWAP]\"\n";

static const char host_json[] =
	"{\"blockdevices\": ["
	"{\"name\": \"sdb\", \"kname\": \"sdb\", \"pkname\": \"\", \"size\": \"64424509440\", "
	"\"type\": \"disk\", \"ro\": \"0\", \"mountpoint\": \"\"}, "
	"{\"name\": \"sda\", \"kname\": \"sda\", \"pkname\": \"\", \"size\": \"64424509440\", "
	"\"type\": \"disk\", \"ro\": \"0\", \"mountpoint\": \"\", \"children\": ["
	"{\"name\": \"sda3\", \"kname\": \"sda3\", \"pkname\": \"sda\", \"size\": \"19863158272\", "
	"\"type\": \"part\", \"ro\": \"0\", \"mountpoint\": \"\", \"children\": ["
	"{\"name\": \"XSLocalEXT--1fad\", \"kname\": \"dm-0\", \"pkname\": \"sda3\", "
	"\"size\": \"19847446528\", \"type\": \"lvm\", \"ro\": \"0\", "
	"\"mountpoint\": \"/run/sr-mount/1fad\"}]}, "
	"{\"name\": \"sda6\", \"kname\": \"sda6\", \"pkname\": \"sda\", \"size\": \"1073741824\", "
	"\"type\": \"part\", \"ro\": \"0\", \"mountpoint\": \"[SWAP]\"}]}]}";

/* Converts text; 0 or -1, the answer or the error in out/err. */
static int
convert(const char *text, struct buf *out, char *err, size_t errlen)
{
	buf_reset(out);
	return lsblk_to_json(text, strlen(text), out, err, errlen);
}

int
main(void)
{
	static const char orphan[] = "KNAME=\"a\" PKNAME=\"\"\nKNAME=\"b\" PKNAME=\"zz\"\n";
	static const char nul[] = "KNAME=a PKNAME=\"\" X=\"\0\"";
	struct buf	 out, big;
	char		 err[160];
	int		 i;

	buf_init(&out, LSBLK_OUTPUT_MAX);
	ok(convert(host, &out, err, sizeof(err)) == 0, "a host's disks: %s", err);
	ok(out.p != NULL && strcmp(out.p, host_json) == 0, "as the plugin writes them: %s",
	    out.p ? out.p : "");
	ok(convert("NAME=sr0 KNAME=sr0 PKNAME=\"\" RO=1 TYPE=\"rom\"\n\n", &out, err,
	    sizeof(err)) == 0 && strcmp(out.p, "{\"blockdevices\": [{\"name\": \"sr0\", "
	    "\"kname\": \"sr0\", \"pkname\": \"\", \"ro\": \"1\", \"type\": \"rom\"}]}") == 0,
	    "bare values, the line's order, trailing blank lines: %s", out.p);
	ok(convert("KNAME=\"a\" PKNAME=\"\" NAME=\"x\\\\y\" NAME=\"z\"", &out, err,
	    sizeof(err)) == 0 && strstr(out.p, "\"name\": \"z\"") != NULL &&
	    strstr(out.p, "x\\\\y") == NULL, "a key given twice takes the later value: %s",
	    out.p);
	ok(convert("KNAME=\"a b\" PKNAME=\"\" MOUNTPOINT=\"/mnt/my \\x22disk\"", &out, err,
	    sizeof(err)) == 0 && strstr(out.p, "\"/mnt/my \\\\x22disk\"") != NULL,
	    "blanks and escapes inside quotes: %s", out.p);

	/* Bad input: the line and the problem named, nothing appended. */
	buf_reset(&out);
	buf_puts(&out, "kept");
	ok(lsblk_to_json("", 0, &out, err, sizeof(err)) == -1 && strstr(err, "line 1") &&
	    strcmp(out.p, "kept") == 0, "empty output: %s", err);
	ok(lsblk_to_json(orphan, strlen(orphan), &out, err, sizeof(err)) == -1 &&
	    strstr(err, "line 2") && strstr(err, "PKNAME") &&
	    strcmp(out.p, "kept") == 0, "a parent not listed before: %s", err);
	ok(convert("NAME=\"a\" PKNAME=\"\"", &out, err, sizeof(err)) == -1 &&
	    strstr(err, "KNAME"), "no KNAME: %s", err);
	ok(convert("KNAME=\"a\"", &out, err, sizeof(err)) == -1, "no PKNAME: %s", err);
	ok(convert("lsblk: /dev/sdz: not a block device", &out, err, sizeof(err)) == -1 &&
	    strstr(err, "pairs"), "an error message instead of pairs: %s", err);
	ok(convert("KNAME=\"a PKNAME=\"\"", &out, err, sizeof(err)) == -1,
	    "a quote left open: %s", err);
	ok(convert("KNAME=\"a\"PKNAME=\"\"", &out, err, sizeof(err)) == -1 &&
	    strstr(err, "blank"), "no blank after a quoted value: %s", err);
	ok(convert("=\"a\" KNAME=a PKNAME=\"\"", &out, err, sizeof(err)) == -1,
	    "an empty key: %s", err);
	ok(convert("KNAME=a PKNAME= AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=1", &out, err,
	    sizeof(err)) == -1 && strstr(err, "too long"), "a key past LSBLK_MAX_KEY: %s", err);
	ok(convert("KNAME=a PKNAME= AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=1", &out, err,
	    sizeof(err)) == 0, "a key of LSBLK_MAX_KEY bytes: %s", err);
	ok(lsblk_to_json(nul, sizeof(nul) - 1, &out, err, sizeof(err)) == -1 &&
	    strstr(err, "NUL"), "a NUL byte: %s", err);

	/* The limits: LSBLK_MAX_PAIRS pairs in a line, LSBLK_MAX_DEVICES lines, the answer's
	   size. */
	buf_init(&big, 0);
	buf_puts(&big, "KNAME=a PKNAME=\"\"");
	for (i = 2; i < LSBLK_MAX_PAIRS; i++)
		buf_printf(&big, " K%d=v", i);
	ok(convert(big.p, &out, err, sizeof(err)) == 0, "%d pairs: %s", LSBLK_MAX_PAIRS, err);
	buf_puts(&big, " ONE=more");
	ok(convert(big.p, &out, err, sizeof(err)) == -1 && strstr(err, "too many"),
	    "one pair more: %s", err);
	buf_reset(&big);
	for (i = 0; i < LSBLK_MAX_DEVICES; i++)
		buf_printf(&big, "KNAME=d%d PKNAME=%s\n", i, i ? "d0" : "\"\"");
	ok(convert(big.p, &out, err, sizeof(err)) == 0, "%d devices: %s", LSBLK_MAX_DEVICES,
	    err);
	buf_puts(&big, "KNAME=x PKNAME=\"\"\n");
	ok(convert(big.p, &out, err, sizeof(err)) == -1 && strstr(err, "more than"),
	    "one device more: %s", err);
	buf_reset(&big);
	for (i = 0; i < LSBLK_MAX_DEVICES; i++) {
		buf_printf(&big, "KNAME=d%d PKNAME=\"\" M=\"", i);
		buf_printf(&big, "%0300d\"\n", 0);
	}
	ok(convert(big.p, &out, err, sizeof(err)) == -1 && strstr(err, "too long") &&
	    out.len == 0, "an answer past LSBLK_OUTPUT_MAX: %s", err);
	/* Deep nesting: every device the child of the one before. */
	buf_reset(&big);
	for (i = 0; i < LSBLK_MAX_DEVICES; i++)
		buf_printf(&big, i ? "KNAME=d%d PKNAME=d%d\n" : "KNAME=d%d PKNAME=\"\"\n", i, i - 1);
	ok(convert(big.p, &out, err, sizeof(err)) == 0, "%d devices nested: %s",
	    LSBLK_MAX_DEVICES, err);
	buf_free(&big);
	buf_free(&out);
	return done_testing();
}
