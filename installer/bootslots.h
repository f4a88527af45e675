#ifndef ATOLL_BOOTSLOTS_H
#define ATOLL_BOOTSLOTS_H

#include <stddef.h>

/*
 * The image slots of an installed host (ATOLL-BOOT's a/ and b/) as its state records them,
 * in DIR (/var/lib/atoll/upgrade), each a lib/kvline.h record:
 *   slots    boot=a a=0.1.0 b=0.2.0     the menus' default and each slot's version
 *   trial    slot=b version=0.2.0 from=0.1.0 [booted=1] [reason="..."]
 *            an upgrade (or a rollback) waiting for its one trial boot, or in it
 *   last     result=upgraded|rolled-back version=... slot=... reason="..." time=EPOCH
 *            how the last trial ended, for the console and the XenAPI
 */
#define SLOT_VERSION_MAX	32
#define SLOT_REASON_MAX		256

struct slots {
	char	boot[2];			/* the slot the menus boot; "" unknown */
	char	version[2][SLOT_VERSION_MAX];	/* a's and b's; "" empty */
};

struct trial {
	char	slot[2];			/* the slot on trial */
	char	version[SLOT_VERSION_MAX];	/* its version */
	char	from[SLOT_VERSION_MAX];		/* the running one's when it was written */
	int	booted;				/* its trial boot has started */
	char	reason[SLOT_REASON_MAX];	/* why the trial boot gave up; "" */
};

/* 0 for slot a, 1 for b, -1 for anything else. */
int	slot_index(const char *slot);
/* The other slot's name: "b" for "a" and "a" for "b". */
const char *slot_other(const char *slot);

/* dir/slots into s (empty when there is none). Returns 0, or -1 with err (a damaged
   record, a slot that is not a or b, a version that is not one). */
int	slots_read(const char *dir, struct slots *s, char *err, size_t errlen);
int	slots_write(const char *dir, const struct slots *s);

/* dir/trial into t. Returns 1, 0 when there is none, -1 with err. */
int	trial_read(const char *dir, struct trial *t, char *err, size_t errlen);
int	trial_write(const char *dir, const struct trial *t);
int	trial_remove(const char *dir);

/* dir/last: how a trial ended (result "upgraded" or "rolled-back"). Returns 0 or -1. */
int	slots_last(const char *dir, const char *result, const struct trial *t, long long now);

/* Whether v is a version Atoll writes: digits and dots, a digit first, at most
   SLOT_VERSION_MAX - 1 bytes, or digits, dots, letters, '-', '~' or '+' after them. */
int	version_ok(const char *v);
/* <0, 0, >0 as a is older, the same or newer than b: dotted numbers compared number by
   number, then what follows them as text. */
int	version_cmp(const char *a, const char *b);

#endif
