/*
 * The partition planner: where each partition of the installed disk starts and ends, and
 * the sfdisk script that writes it. No I/O.
 */
#include <stdio.h>

#include "plan.h"

#define MIB		(1ULL << 20)
#define GPT_BACKUP	(33 * 512ULL)	/* the backup table and its header, at the end */

static const char *const esp = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";
static const char *const linux_fs = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

int
plan_disk(uint64_t bytes, unsigned sector_size, struct plan *p, char *err, size_t errlen)
{
	uint64_t	mib = MIB / sector_size, end;

	if (sector_size != 512 && sector_size != 4096) {
		snprintf(err, errlen, "sector size %u is not 512 or 4096", sector_size);
		return -1;
	}
	if (bytes < PLAN_MIN_BYTES) {
		snprintf(err, errlen, "the disk has %llu bytes (%.1f GiB); Atoll needs at least "
		    "%llu bytes (%llu GiB)", (unsigned long long)bytes, (double)bytes / (1 << 30),
		    PLAN_MIN_BYTES, PLAN_MIN_BYTES >> 30);
		return -1;
	}
	p->sectors = bytes / sector_size;
	p->sector_size = sector_size;
	/* The last whole MiB before the backup GPT. */
	end = (bytes - GPT_BACKUP) / MIB * mib;
	p->parts[0] = (struct plan_part){ "ATOLL-BOOT", esp, mib, 512 * mib, 1 };
	p->parts[1] = (struct plan_part){ "ATOLL-STATE", linux_fs, 513 * mib, 4096 * mib, 0 };
	p->parts[2] = (struct plan_part){ "ATOLL-SR", linux_fs, PLAN_SR_START_MIB * mib,
	    end - PLAN_SR_START_MIB * mib, 0 };
	return 0;
}

int
plan_sfdisk(const struct plan *p, struct buf *out)
{
	int	i, e;

	e = buf_printf(out, "label: gpt\nunit: sectors\nsector-size: %u\n\n", p->sector_size);
	for (i = 0; i < PLAN_PARTS; i++)
		e |= buf_printf(out, "start=%llu, size=%llu, type=%s, name=\"%s\"%s\n",
		    (unsigned long long)p->parts[i].start, (unsigned long long)p->parts[i].size,
		    p->parts[i].type, p->parts[i].label,
		    p->parts[i].legacy_boot ? ", attrs=\"LegacyBIOSBootable\"" : "");
	return e ? -1 : 0;
}
