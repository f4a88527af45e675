/* Unit tests of installer/sums.c: SHA256SUMS as sha256sum writes it, bad lines refused with
   the line named, and files checked against it by the sha256sum program. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "sums.h"
#include "tap.h"

#define A64	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static struct sums	s;

/* Parses text placed before an unmapped page: a read past it faults. */
static int
parse(const char *text, char *err, size_t errlen)
{
	struct guarded	g = { 0 };
	int		r;

	r = sums_parse(guard(&g, text, strlen(text)), strlen(text), &s, err, errlen);
	guard_free(&g);
	return r;
}

static void
bad(const char *text, const char *want, const char *why)
{
	char	err[256] = "";

	ok(parse(text, err, sizeof(err)) == -1 && strstr(err, want) != NULL, "%s: %s", why,
	    err);
}

int
main(void)
{
	char	err[256], path[] = "/tmp/test_sums.XXXXXX", hex[65];
	int	fd;

	ok(parse(A64 "  xen.gz\n" A64 " *vmlinuz\n", err, sizeof(err)) == 0 && s.n == 2,
	    "two lines, text and binary marks");
	ok(sums_lookup(&s, "vmlinuz") != NULL && strcmp(sums_lookup(&s, "vmlinuz"), A64) == 0,
	    "the binary-marked name is found");
	ok(sums_lookup(&s, "dom0.img") == NULL, "an unlisted name is not");
	ok(parse("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF  x", err,
	    sizeof(err)) == 0 && strcmp(s.e[0].hex, A64) == 0,
	    "upper case, no final newline: kept in lower case");

	bad("", "lists no file", "empty");
	bad(A64 "  xen.gz\nnonsense\n", "line 2", "a bad second line is named");
	bad("0123  xen.gz\n", "64 hex digits", "a short digest");
	bad(A64 "g  xen.gz\n", "64 hex digits", "65 characters of digest");
	bad(A64 " xen.gz\n", "64 hex digits", "one space");
	bad(A64 "  \n", "64 hex digits", "no name");
	bad(A64 "  ../xen.gz\n", "plain file name", "a path");
	bad(A64 "  xen gz\n", "plain file name", "a space in the name");
	bad(A64 "  xen.gz\r\n", "plain file name", "a carriage return");
	bad(A64 "  a\n" A64 "  a\n", "listed twice", "a name twice");
	bad(A64 "  1\n" A64 "  2\n" A64 "  3\n" A64 "  4\n" A64 "  5\n" A64 "  6\n" A64
	    "  7\n" A64 "  8\n" A64 "  9\n", "more than 8", "too many lines");
	bad(A64 "  " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	    "longer than 64", "a name of 65 bytes");

	/* A file's digest, by sha256sum. */
	fd = mkstemp(path);
	ok(fd != -1 && write(fd, "atoll\n", 6) == 6, "a file to check");
	close(fd);
	ok(sums_file(path, hex, err, sizeof(err)) == 0 && strlen(hex) == 64, "its digest: %s",
	    hex);
	{
		char	text[200];

		snprintf(text, sizeof(text), "%s  f\n", hex);
		ok(parse(text, err, sizeof(err)) == 0 && sums_check(&s, "f", path, err,
		    sizeof(err)) == 0, "the file matches the digest listed");
		ok(sums_check(&s, "g", path, err, sizeof(err)) == -1 &&
		    strstr(err, "does not list g") != NULL, "an unlisted name: %s", err);
		snprintf(text, sizeof(text), "%s  f\n", A64);
		ok(parse(text, err, sizeof(err)) == 0 && sums_check(&s, "f", path, err,
		    sizeof(err)) == -1 && strstr(err, "not " A64) != NULL,
		    "another digest: %s", err);
	}
	unlink(path);
	ok(sums_file(path, hex, err, sizeof(err)) == -1 && strstr(err, "sha256sum") != NULL,
	    "a missing file: %s", err);
	return done_testing();
}
