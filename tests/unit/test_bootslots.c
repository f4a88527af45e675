/* Unit tests of installer/bootslots.c: the slot records written and read back in a directory,
   damaged ones refused with the file named, and versions compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootslots.h"
#include "tap.h"

static char	dir[] = "/tmp/test_slots.XXXXXX";

static void
put(const char *name, const char *text)
{
	char	path[100];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
}

static void
records(void)
{
	struct slots	s = { "b", { "0.1.0", "0.2.0" } }, r;
	struct trial	t = { "a", "0.3.0", "0.2.0", 1, "xapi-lite has not answered" }, u;
	char		err[200];

	ok(slots_read(dir, &r, err, sizeof(err)) == 0 && r.boot[0] == '\0' &&
	    r.version[1][0] == '\0', "no slots record: empty");
	ok(trial_read(dir, &u, err, sizeof(err)) == 0, "no trial: 0");
	ok(slots_write(dir, &s) == 0 && slots_read(dir, &r, err, sizeof(err)) == 0 &&
	    memcmp(&r, &s, sizeof(s)) == 0, "slots written and read back");
	ok(trial_write(dir, &t) == 0 && trial_read(dir, &u, err, sizeof(err)) == 1 &&
	    memcmp(&u, &t, sizeof(t)) == 0, "a trial written and read back");
	ok(trial_remove(dir) == 0 && trial_read(dir, &u, err, sizeof(err)) == 0 &&
	    trial_remove(dir) == 0, "a trial removed, twice");
	ok(slots_last(dir, "rolled-back", &t, 1767225600) == 0, "the last outcome written");

	put("slots", "boot=c a=0.1.0\n");
	ok(slots_read(dir, &r, err, sizeof(err)) == -1 && strstr(err, "boot=c is not slot a "
	    "or b") != NULL, "a bad slot: %s", err);
	put("slots", "boot=a a=\"0.1 .0\"\n");
	ok(slots_read(dir, &r, err, sizeof(err)) == -1 && strstr(err, "is not a version") !=
	    NULL, "a bad version: %s", err);
	put("trial", "slot=b version=\"0.2\n");
	ok(trial_read(dir, &u, err, sizeof(err)) == -1 && strstr(err, "trial: its slot= is "
	    "damaged") != NULL, "an unclosed quote: %s", err);
	put("trial", "version=0.2.0\n");
	ok(trial_read(dir, &u, err, sizeof(err)) == -1 && strstr(err, "names no slot") != NULL,
	    "a trial without its slot: %s", err);
	put("trial", "slot=b reason=\"" "0123456789012345678901234567890123456789012345678901"
	    "2345678901234567890123456789012345678901234567890123456789012345678901234567890123"
	    "4567890123456789012345678901234567890123456789012345678901234567890123456789012345"
	    "6789012345678901234567890123456789012345678901234567890123456789012345678901234567"
	    "67890123456789\"\n");
	ok(trial_read(dir, &u, err, sizeof(err)) == -1 && strstr(err, "reason=") != NULL,
	    "a reason too long: %s", err);
}

static void
versions(void)
{
	ok(version_cmp("0.2.0", "0.1.0") > 0 && version_cmp("0.1.0", "0.2.0") < 0,
	    "0.2.0 is newer than 0.1.0");
	ok(version_cmp("0.10.0", "0.9.1") > 0, "numbers, not text: 0.10.0 > 0.9.1");
	ok(version_cmp("0.1.0.1", "0.1.0") > 0 && version_cmp("0.1", "0.1.0") < 0,
	    "a longer version with the same start is newer");
	ok(version_cmp("1.0.0", "1.0.0") == 0, "the same");
	ok(version_cmp("1.0-rc1", "1.0") > 0 && version_cmp("1.0-rc1", "1.0-rc2") < 0,
	    "what follows the numbers, as text");
	ok(version_ok("0.1.0") && version_ok("99.0") && version_ok("1.0-rc1+git~2"),
	    "versions");
	ok(!version_ok("") && !version_ok("v1") && !version_ok("1.0 x") && !version_ok("1/0") &&
	    !version_ok("1.000000000000000000000000000000000"), "not versions");
}

int
main(void)
{
	char	cmd[100];

	if (mkdtemp(dir) == NULL)
		abort();
	records();
	versions();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		note("could not remove %s", dir);
	return done_testing();
}
