/* Unit tests of installer/plan.c: the installed disk's layout. */
#include <string.h>

#include "plan.h"
#include "tap.h"

int
main(void)
{
	struct plan	 p;
	struct buf	 b;
	char		 err[128];
	uint64_t	 gib = 1ULL << 30;
	int		 i;

	ok(plan_disk(8 * gib, 512, &p, err, sizeof(err)) == 0, "8 GiB, the minimum: %s", err);
	ok(p.parts[0].start == 2048 && p.parts[0].size == 512 * 2048, "ATOLL-BOOT: 1 MiB in, 512 MiB");
	ok(p.parts[1].start == p.parts[0].start + p.parts[0].size &&
	    p.parts[1].size == 4096ULL * 2048, "ATOLL-STATE follows, 4 GiB");
	ok(p.parts[2].start == p.parts[1].start + p.parts[1].size, "ATOLL-SR follows");
	ok((p.parts[2].start + p.parts[2].size) * 512 <= 8 * gib - 33 * 512,
	    "ATOLL-SR ends before the backup GPT");
	ok((p.parts[2].start + p.parts[2].size) % 2048 == 0, "and on a MiB boundary");
	ok(p.parts[2].size * 512 >= PLAN_MIN_SR_BYTES, "the smallest disk's ATOLL-SR holds an "
	    "XFS: %llu bytes", (unsigned long long)p.parts[2].size * 512);
	for (i = 0; i < PLAN_PARTS; i++)
		ok(p.parts[i].start % 2048 == 0, "%s is MiB-aligned", p.parts[i].label);
	ok(p.parts[0].legacy_boot && !p.parts[1].legacy_boot, "only ATOLL-BOOT is BIOS-bootable");

	ok(plan_disk(100 * gib, 4096, &p, err, sizeof(err)) == 0, "4K sectors");
	ok(p.parts[0].start == 256 && p.parts[0].size == 512 * 256, "MiB in 4K sectors");
	ok((p.parts[2].start + p.parts[2].size) * 4096 <= 100 * gib - 33 * 512, "the end fits");

	ok(plan_disk(8 * gib - 1, 512, &p, err, sizeof(err)) == -1, "a byte short of 8 GiB");
	ok(strstr(err, "8589934591 bytes") != NULL && strstr(err, "8589934592 bytes") != NULL,
	    "the message names both sizes exactly: %s", err);
	ok(plan_disk(4 * gib, 512, &p, err, sizeof(err)) == -1 && strstr(err, "(4.0 GiB)") &&
	    strstr(err, "(8 GiB)"), "and in GiB: %s", err);
	ok(plan_disk(16 * gib, 1024, &p, err, sizeof(err)) == -1 && strstr(err, "1024"),
	    "an odd sector size: %s", err);

	plan_disk(8 * gib, 512, &p, err, sizeof(err));
	buf_init(&b, 0);
	ok(plan_sfdisk(&p, &b) == 0, "an sfdisk script");
	ok(strncmp(b.p, "label: gpt\n", 11) == 0, "GPT");
	ok(strstr(b.p, "start=2048, size=1048576, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, "
	    "name=\"ATOLL-BOOT\", attrs=\"LegacyBIOSBootable\"\n") != NULL, "the boot line: %s", b.p);
	ok(strstr(b.p, "name=\"ATOLL-SR\"\n") != NULL, "the SR line");
	buf_free(&b);
	return done_testing();
}
