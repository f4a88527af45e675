/* Unit tests of lib/kvline.c: records written and read back, and lines that are not
   records refused, read from before an unmapped page. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "kvline.h"
#include "tap.h"

static char	val[64];

static int
get(const char *line, const char *key, size_t outlen)
{
	struct guarded	g = { 0 };
	int		r;

	r = kvline_get(guard(&g, line, strlen(line)), strlen(line), key, val, outlen);
	guard_free(&g);
	return r;
}

static void
reading(void)
{
	ok(get("slot=b version=0.2.0\n", "version", sizeof(val)) == 1 &&
	    strcmp(val, "0.2.0") == 0, "a value");
	ok(get("slot=b reason=\"xapi-lite did not answer\" x=1", "reason", sizeof(val)) == 1 &&
	    strcmp(val, "xapi-lite did not answer") == 0, "a quoted value with blanks");
	ok(get("slot=b", "version", sizeof(val)) == 0 && val[0] == '\0', "a missing key: 0");
	ok(get("", "slot", sizeof(val)) == 0, "an empty line: 0");
	ok(get("slotx=b slot", "slot", sizeof(val)) == 1 && val[0] == '\0',
	    "a key without a value; a longer key is another");
	ok(get("slot=bbbbbbbb", "slot", 8) == -1, "a value too long for its buffer: -1");
	ok(get("slot=\"b", "slot", sizeof(val)) == -1, "an unclosed quote: -1");
	ok(get("a=\"x\" slot=b\"c\"d", "slot", sizeof(val)) == -1, "a quote inside a value: -1");
	ok(get("slot=b\x01", "slot", sizeof(val)) == -1, "a control byte: -1");
	ok(get("slot=\xc3\xa9", "slot", sizeof(val)) == -1, "a byte past ASCII: -1");
	ok(get("slot=\"a\nb\"", "slot", sizeof(val)) == -1 && val[0] == '\0',
	    "a line break inside a quoted value: -1");
}

static void
writing(void)
{
	struct buf	b;
	char		line[KVLINE_MAX], path[] = "/tmp/test_kvline.XXXXXX";
	long		n;
	int		fd;

	buf_init(&b, KVLINE_MAX);
	ok(kvline_put(&b, "slot", "b") == 0 && kvline_put(&b, "why", "it hung") == 0 &&
	    kvline_put(&b, "empty", "") == 0 && strcmp(b.p, "slot=b why=\"it hung\" empty=\"\"")
	    == 0, "records written");
	ok(kvline_get(b.p, b.len, "why", val, sizeof(val)) == 1 && strcmp(val, "it hung") == 0 &&
	    kvline_get(b.p, b.len, "empty", val, sizeof(val)) == 1 && val[0] == '\0',
	    "and read back");
	ok(kvline_put(&b, "q", "say \"hi\"") == -1 && kvline_put(&b, "a=b", "c") == -1 &&
	    kvline_put(&b, "", "c") == -1 && kvline_put(&b, "n", "a\nb") == -1,
	    "a quote, an '=' in a key, an empty key, a newline: refused");

	fd = mkstemp(path);
	close(fd);
	ok(kvline_write(path, &b) == 0 && (n = kvline_read(path, line)) > 0 &&
	    (size_t)n == b.len + 1 && memcmp(line, b.p, b.len) == 0, "a file written and read");
	unlink(path);
	ok(kvline_read(path, line) == 0, "no file: 0");
	buf_free(&b);
	buf_init(&b, 0);
	while (b.len <= KVLINE_MAX)
		(void)buf_lit(&b, "k=vvvvvvvvvvvvvvv ");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd != -1 && write(fd, b.p, b.len) == (ssize_t)b.len, "a long file");
	close(fd);
	errno = 0;
	ok(kvline_read(path, line) == -1 && errno == EFBIG, "longer than a record: -1, EFBIG");
	unlink(path);
	ok(kvline_write("/nonexistent/dir/rec", &b) == -1, "a file that cannot be made: -1");
	buf_free(&b);
}

int
main(void)
{
	reading();
	writing();
	return done_testing();
}
