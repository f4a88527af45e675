/* Unit tests of installer/bootfiles.c: a directory's boot files against its SHA256SUMS
   (read, checked by sha256sum, refused when one differs or is missing), and removal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootfiles.h"
#include "tap.h"

static char	dir[] = "/tmp/test_bootfiles.XXXXXX";

static void
put(const char *name, const char *text)
{
	char	 path[300];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) == EOF)
		abort();
}

/* SHA256SUMS for what the three files hold now, by sha256sum itself. */
static void
list_them(void)
{
	char	cmd[600];

	snprintf(cmd, sizeof(cmd), "cd %s && sha256sum xen.gz vmlinuz dom0.img > SHA256SUMS",
	    dir);
	if (system(cmd) != 0)
		abort();
}

int
main(void)
{
	struct report	r;
	struct sums	s;
	char		err[512], big[5000];
	size_t		f;

	report_init(&r);
	if (mkdtemp(dir) == NULL)
		abort();
	ok(bootfiles_read_sums(dir, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "SHA256SUMS: No such file") != NULL, "no SHA256SUMS: %s", err);

	put("xen.gz", "xen\n");
	put("vmlinuz", "kernel\n");
	put("dom0.img", "image\n");
	list_them();
	ok(bootfiles_read_sums(dir, &s, err, sizeof(err)) == 0 && s.n == 3, "read: 3 files");
	ok(bootfiles_check(&r, dir, &s, err, sizeof(err)) == 0, "the three match");

	put("dom0.img", "another image\n");
	ok(bootfiles_check(&r, dir, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "dom0.img's SHA-256 is") != NULL, "a changed one: %s", err);
	list_them();
	put("SHA256SUMS", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  "
	    "xen.gz\n");
	ok(bootfiles_read_sums(dir, &s, err, sizeof(err)) == 0 &&
	    bootfiles_check(&r, dir, &s, err, sizeof(err)) == -1, "xen.gz differs: %s", err);
	list_them();
	ok(bootfiles_read_sums(dir, &s, err, sizeof(err)) == 0, "listed again");
	unlink(strcat(strcpy(big, dir), "/vmlinuz"));
	ok(bootfiles_check(&r, dir, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "sha256sum") != NULL, "a missing file: %s", err);

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("SHA256SUMS", big);
	ok(bootfiles_read_sums(dir, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "longer than") != NULL, "a SHA256SUMS of 5000 bytes: %s", err);
	put("SHA256SUMS", "not a digest  xen.gz\n");
	ok(bootfiles_read_sums(dir, &s, err, sizeof(err)) == -1 &&
	    strstr(err, "line 1") != NULL, "a bad line: %s", err);

	bootfiles_remove(dir);
	for (f = 0; f < BOOTFILES_N; f++) {
		char	path[300];

		snprintf(path, sizeof(path), "%s/%s", dir, bootfiles_name(f));
		ok(access(path, F_OK) == -1, "%s removed", bootfiles_name(f));
	}
	ok(rmdir(dir) == 0, "SHA256SUMS removed too: the directory is empty");
	return done_testing();
}
