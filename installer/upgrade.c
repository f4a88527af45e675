/*
 * atoll-upgrade: moves an installed host to another Atoll image by its two slots on
 * ATOLL-BOOT (a/ and b/). The new image goes into the slot the host is not running from,
 * checked against its SHA256SUMS before and after writing; the menus keep booting the
 * running slot and the new one boots once, on trial (extlinux --once under BIOS, grubenv's
 * next_entry under UEFI). The trial boot commits it (the menus' default) once it is healthy;
 * a trial that panics, hangs (Xen's watchdog) or fails its check reboots, the old slot
 * boots again, and its boot records why. The state (ATOLL-STATE) is never touched but for
 * the records of slots.h.
 *
 *   atoll-upgrade [--allow-downgrade] [--fingerprint FP] [--reboot] SOURCE
 *	SOURCE: an https:// or http:// tree (xen.gz, vmlinuz, dom0.img, SHA256SUMS), an
 *	Atoll ISO file, or a directory holding the tree
 *   atoll-upgrade --check [--allow-downgrade] [--fingerprint FP] SOURCE
 *	the refusals only, nothing written
 *   atoll-upgrade --inspect [--fingerprint FP] SOURCE
 *	the image alone (its sums, its version), whatever the host: pool_update.introduce
 *   atoll-upgrade --rollback [--reboot]	the other slot's image, on trial
 *   atoll-upgrade --status			the slots, the trial, the last outcome
 *   atoll-upgrade --boot | --commit | --abandon REASON
 *	the boot's steps: boot/slot, boot/ready on a healthy trial, on a failed one
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "bootcfg.h"
#include "bootfiles.h"
#include "buf.h"
#include "cmdline.h"
#include "exec.h"
#include "fdio.h"
#include "hex.h"
#include "kvline.h"
#include "report.h"
#include "bootslots.h"
#include "upgrade.h"

#define STATE		"/var/lib/atoll"
#define UPGRADE_DIR	STATE "/upgrade"		/* bootslots.h.s records */
#define STAGING		UPGRADE_DIR "/staging"		/* a download, on disk not in RAM */
/* The database as the old image left it, for a rollback past a schema change (xapi-lite's
   schema.h: SCHEMA_BEFORE_UPGRADE). */
#define DB_BEFORE	UPGRADE_DIR "/db-before"
#define UPGRADE_LOG	UPGRADE_DIR "/upgrade.log"
#define UPGRADE_LOCK	UPGRADE_DIR "/lock"	/* one atoll-upgrade at a time changes things */
#define ALERTS_DIR	STATE "/alerts"		/* xapi-lite raises what it finds here */
#define BOOTFS		"/run/atoll/bootfs"		/* ATOLL-BOOT, while it is written */
#define ISO_MOUNT	"/run/atoll/upgrade-iso"
#define RUN_SLOTS	"/run/atoll/slots"		/* the slots for xapi-lite and the console */
#define SYSLINUX_DIR	BOOTFS "/syslinux"
#define GRUB_DIR	BOOTFS "/EFI/BOOT"
#define IMAGE_RELEASE	"etc/os-release"		/* in dom0.img: its VERSION_ID */
#define BOOT_MARGIN	(1 << 20)	/* bytes ATOLL-BOOT keeps free past a new image */
#define CMDLINE_MAX	4096
#define MSG_ROLLED_BACK	"HOST_UPGRADE_ROLLED_BACK", "3"	/* an Atoll message, XAPI's form */
#define MSG_UPGRADED	"HOST_UPGRADED", "5"

/* What the command line asks for. */
struct request {
	const char	*source;
	const char	*reason;		/* --abandon's */
	char		 fingerprint[65];	/* "" or 64 lower-case hex digits */
	int		 allow_downgrade, reboot, check, inspect;
};

/* The host as it runs. */
struct host {
	char		running[2];		/* atoll.slot=, "" when not booted from a slot */
	char		version[SLOT_VERSION_MAX];	/* /etc/os-release's VERSION_ID */
	struct slots	slots;
};

/* ============================== Small helpers ============================== */

/* The value of key in the record or KEY=VALUE file path into out; "" when missing. */
static void
file_value(const char *path, const char *key, char *out, size_t len)
{
	char	line[KVLINE_MAX];
	long	n;

	out[0] = '\0';
	if ((n = kvline_read(path, line)) > 0 && kvline_get(line, (size_t)n, key, out, len) != 1)
		out[0] = '\0';
}

/* atoll.slot= of the kernel command line, into slot[2] ("" when there is none). */
static void
running_slot(char *slot)
{
	char			 line[CMDLINE_MAX];
	const char		*pos = line;
	size_t			 left;
	struct cmdline_arg	 a;
	int			 fd;
	ssize_t			 n;

	slot[0] = '\0';
	if ((fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, line, sizeof(line) - 1);
	close(fd);
	left = n > 0 ? (size_t)n : 0;
	while (cmdline_next(&pos, &left, &a) == 1)
		if (cmdline_is(&a, "atoll.slot") && a.vallen == 1 &&
		    (a.val[0] == 'a' || a.val[0] == 'b')) {
			slot[0] = a.val[0];
			slot[1] = '\0';
		}
}

/* A reason as a record can hold it: quotes become apostrophes, control bytes blanks. */
static void
clean_reason(char *out, size_t len, const char *why)
{
	size_t	i;

	snprintf(out, len, "%s", why);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '"')
			out[i] = '\'';
		else if ((unsigned char)out[i] < ' ' || (unsigned char)out[i] >= 0x7f)
			out[i] = ' ';
}

/* An alert for xapi-lite to raise as a XenAPI message on the host (it removes the file). */
static void
alert(const char *name, const char *priority, const char *body)
{
	struct buf	b;
	char		path[128], text[SLOT_REASON_MAX * 2];

	mkdir(ALERTS_DIR, 0700);
	snprintf(path, sizeof(path), ALERTS_DIR "/upgrade-%lld-%ld", (long long)time(NULL),
	    (long)getpid());
	clean_reason(text, sizeof(text), body);
	buf_init(&b, KVLINE_MAX);
	if (kvline_put(&b, "name", name) == 0 && kvline_put(&b, "priority", priority) == 0 &&
	    kvline_put(&b, "body", text) == 0 && kvline_write(path, &b) == -1)
		fprintf(stderr, "atoll-upgrade: %s: %s\n", path, strerror(errno));
	buf_free(&b);
}

/* RUN_SLOTS: the running slot, the default and both versions, for xapi-lite. */
static void
publish(const struct host *h)
{
	struct buf	b;

	buf_init(&b, KVLINE_MAX);
	if (kvline_put(&b, "running", h->running) == 0 &&
	    kvline_put(&b, "boot", h->slots.boot) == 0 &&
	    kvline_put(&b, "a", h->slots.version[0]) == 0 &&
	    kvline_put(&b, "b", h->slots.version[1]) == 0)
		(void)kvline_write(RUN_SLOTS, &b);
	buf_free(&b);
}

/* The host's slot, version and slot records. Returns 0, or -1 with err. */
static int
host_read(struct host *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	running_slot(h->running);
	file_value("/etc/os-release", "VERSION_ID", h->version, sizeof(h->version));
	if (h->running[0] == '\0') {
		snprintf(err, errlen, "this host did not boot from an installed disk's slot (no "
		    "atoll.slot= on its command line): install Atoll first");
		return -1;
	}
	mkdir(UPGRADE_DIR, 0700);
	if (slots_read(UPGRADE_DIR, &h->slots, err, errlen) == -1)
		return -1;
	/* Hosts installed before the records: the running slot, its version, its menus. */
	if (h->slots.boot[0] == '\0')
		memcpy(h->slots.boot, h->running, 2);
	if (h->slots.version[slot_index(h->running)][0] == '\0')
		snprintf(h->slots.version[slot_index(h->running)], SLOT_VERSION_MAX, "%s",
		    h->version);
	return 0;
}

/* ============================== ATOLL-BOOT ============================== */

/* The first line of argv's output into out ("" when it fails). Returns its exit status. */
static int
first_line(struct report *r, const char *const argv[], char *out, size_t len)
{
	struct buf	b;
	int		st;

	buf_init(&b, 4096);
	st = exec_run(argv, &b, r->log);
	snprintf(out, len, "%s", st == 0 && b.p != NULL ? b.p : "");
	buf_free(&b);
	out[strcspn(out, "\n")] = '\0';
	return st;
}

/* Whether partition dev is labelled label; err says what it is when not. */
static int
labelled(struct report *r, const char *dev, const char *label, char *err, size_t errlen)
{
	char	got[64];

	(void)first_line(r, (const char *const[]){ "blkid", "-s", "LABEL", "-o", "value", dev,
	    NULL }, got, sizeof(got));
	if (strcmp(got, label) == 0)
		return 1;
	snprintf(err, errlen, "%s is not %s (its label: \"%s\"): is Atoll installed on this "
	    "disk?", dev, label, got);
	return 0;
}

/* ATOLL-BOOT at BOOTFS: partition dev, or the one of that label when dev is NULL. */
static int
mount_boot(struct report *r, const char *dev, char *err, size_t errlen)
{
	char	found[128];

	if (dev == NULL) {
		if (first_line(r, (const char *const[]){ "findfs", "LABEL=ATOLL-BOOT", NULL },
		    found, sizeof(found)) != 0 || found[0] == '\0') {
			snprintf(err, errlen, "no ATOLL-BOOT partition on this host");
			return -1;
		}
		dev = found;
	} else if (!labelled(r, dev, "ATOLL-BOOT", err, errlen))
		return -1;
	(void)REPORT_RUN(r, "modprobe", "-a", "vfat", "nls_cp437", "nls_utf8");
	mkdir(BOOTFS, 0700);
	if (mount(dev, BOOTFS, "vfat", 0, "iocharset=utf8,codepage=437") == -1) {
		snprintf(err, errlen, "mount %s (ATOLL-BOOT): %s", dev, strerror(errno));
		return -1;
	}
	return 0;
}

static void
unmount_boot(void)
{
	sync();
	if (umount(BOOTFS) == -1 && errno != EINVAL)
		fprintf(stderr, "atoll-upgrade: umount %s: %s\n", BOOTFS, strerror(errno));
}

/* Both menus: boot is the default, other is offered when it holds an image. */
static int
write_menus(const char *boot, const char *other, char *err, size_t errlen)
{
	char	cfg[8192];

	if (bootcfg_syslinux(cfg, sizeof(cfg), boot, other) == -1 ||
	    write_file_whole(SYSLINUX_DIR "/syslinux.cfg", cfg, strlen(cfg), 0644) == -1 ||
	    bootcfg_grub(cfg, sizeof(cfg), boot, other) == -1 ||
	    write_file_whole(GRUB_DIR "/grub.cfg", cfg, strlen(cfg), 0644) == -1) {
		snprintf(err, errlen, "writing the boot menus on ATOLL-BOOT: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The next boot, and only it, boots slot: syslinux's ADV and GRUB's environment block. */
static int
boot_once(struct report *r, const char *slot, char *err, size_t errlen)
{
	char	id[BOOTCFG_ID_MAX], opt[BOOTCFG_ID_MAX + 8], env[BOOTCFG_GRUBENV_SIZE];

	bootcfg_id(id, slot);
	snprintf(opt, sizeof(opt), "--once=%s", id);
	if (REPORT_RUN(r, "extlinux", opt, SYSLINUX_DIR) != 0) {
		snprintf(err, errlen, "extlinux %s could not set the BIOS boot (see %s)", opt,
		    r->log_path);
		return -1;
	}
	if (bootcfg_grubenv(env, id) == -1 ||
	    write_file_whole(GRUB_DIR "/grubenv", env, sizeof(env), 0644) == -1) {
		snprintf(err, errlen, "%s/grubenv: %s", GRUB_DIR, strerror(errno));
		return -1;
	}
	return 0;
}

/* Neither loader boots anything once (a trial committed, or given up). */
static void
boot_once_clear(struct report *r)
{
	char	env[BOOTCFG_GRUBENV_SIZE];

	(void)REPORT_RUN(r, "extlinux", "--clear-once", SYSLINUX_DIR);
	if (bootcfg_grubenv(env, NULL) == 0)
		(void)write_file_whole(GRUB_DIR "/grubenv", env, sizeof(env), 0644);
}

/* ============================== The new image ============================== */

/* The VERSION_ID of dir/dom0.img's os-release, unpacked into STAGING/release. */
static int
image_version(struct report *r, const char *dir, char *out, size_t len, char *err,
    size_t errlen)
{
	char	img[300];

	snprintf(img, sizeof(img), "%s/dom0.img", dir);
	(void)REPORT_RUN(r, "rm", "-rf", STAGING "/release");
	mkdir(STAGING, 0700);
	mkdir(STAGING "/release", 0700);
	if (REPORT_RUN(r, "sh", "-c", "cd \"$1\" && lz4 -dc < \"$2\" | cpio -i -d " IMAGE_RELEASE,
	    "sh", STAGING "/release", img) != 0) {
		snprintf(err, errlen, "%s: cannot read its %s", img, IMAGE_RELEASE);
		return -1;
	}
	file_value(STAGING "/release/" IMAGE_RELEASE, "VERSION_ID", out, len);
	(void)REPORT_RUN(r, "rm", "-rf", STAGING "/release");
	if (!version_ok(out)) {
		snprintf(err, errlen, "%s is not an Atoll image: its %s has no VERSION_ID", img,
		    IMAGE_RELEASE);
		return -1;
	}
	return 0;
}

/* The bytes of dir's boot files (those that are there). */
static unsigned long long
image_bytes(const char *dir)
{
	unsigned long long	total = 0;
	struct stat		st;
	char			path[300];
	size_t			f;

	for (f = 0; f < BOOTFILES_N; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, bootfiles_name(f));
		if (stat(path, &st) == 0)
			total += (unsigned long long)st.st_size;
	}
	return total;
}

/* SOURCE's boot files in a directory: dir set to it (an ISO is mounted, a URL downloaded
   into STAGING). Returns 0, or -1 with err. */
static int
open_source(struct report *r, const struct request *q, char *dir, size_t dirlen, char *err,
    size_t errlen)
{
	const char	*s = q->source;
	struct stat	 st;

	if (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) {
		(void)REPORT_RUN(r, "rm", "-rf", STAGING);
		if (mkdir(STAGING, 0700) == -1) {
			snprintf(err, errlen, "%s: %s", STAGING, strerror(errno));
			return -1;
		}
		snprintf(dir, dirlen, "%s", STAGING);
		return bootfiles_download(r, s, q->fingerprint, STAGING, err, errlen);
	}
	if (strncmp(s, "file://", 7) == 0)
		s += 7;
	if (stat(s, &st) == -1) {
		snprintf(err, errlen, "%s: %s (give an https:// or http:// URL, an ISO or a "
		    "directory)", s, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(dir, dirlen, "%s", s);
		return 0;
	}
	mkdir(ISO_MOUNT, 0700);
	(void)REPORT_RUN(r, "modprobe", "-a", "loop", "isofs");
	if (REPORT_RUN(r, "mount", "-o", "ro,loop", "-t", "iso9660", s, ISO_MOUNT) != 0) {
		snprintf(err, errlen, "%s is not an ISO image that can be mounted (see %s)", s,
		    r->log_path);
		return -1;
	}
	snprintf(dir, dirlen, "%s/boot", ISO_MOUNT);
	return 0;
}

static void
close_source(struct report *r, const char *dir)
{
	if (strncmp(dir, ISO_MOUNT, strlen(ISO_MOUNT)) == 0)
		(void)REPORT_RUN(r, "umount", ISO_MOUNT);
	if (strcmp(dir, STAGING) == 0)
		(void)REPORT_RUN(r, "rm", "-rf", STAGING);
}

/* The guests running now ("" when none), for the refusal that names them. */
static int
running_guests(struct report *r, char *names, size_t len)
{
	struct buf	 out;
	char		*line, *save = NULL, name[128];
	size_t		 used = 0;
	int		 n = 0;

	names[0] = '\0';
	buf_init(&out, 1 << 16);
	if (exec_run((const char *const[]){ "xl", "list", NULL }, &out, r->log) != 0) {
		buf_free(&out);
		return -1;
	}
	for (line = strtok_r(out.p, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%127s", name) != 1 || strcmp(name, "Name") == 0 ||
		    strcmp(name, "Domain-0") == 0)
			continue;
		used += snprintf(names + used, used < len ? len - used : 0, "%s%s",
		    n ? ", " : "", name);
		n++;
	}
	buf_free(&out);
	return n;
}

/* The image alone: its sums and its version. Returns 0, or -1 with err. */
static int
image_check(struct report *r, const char *dir, char *version, size_t vlen, char *err,
    size_t errlen)
{
	struct sums	sums;

	if (bootfiles_verify(r, dir, &sums, err, errlen) == -1)
		return -1;
	return image_version(r, dir, version, vlen, err, errlen);
}

/* Every refusal, before anything is written: the image and its sums, its version, the
   guests, the room in the slot. Fills version. Returns 0, or the exit status of the
   refusal (upgrade.h) with err. */
static int
precheck(struct report *r, const struct request *q, const struct host *h, const char *dir,
    const char *target, char *version, size_t vlen, char *err, size_t errlen)
{
	struct statvfs		fs;
	unsigned long long	need, room;
	char			names[512], slotdir[64];
	int			n;

	if (image_check(r, dir, version, vlen, err, errlen) == -1)
		return UPGRADE_EXIT_BAD_IMAGE;
	if (!q->allow_downgrade && version_ok(h->version) &&
	    version_cmp(version, h->version) < 0) {
		snprintf(err, errlen, "the image is version %s, older than the running %s: "
		    "give --allow-downgrade to go back", version, h->version);
		return UPGRADE_EXIT_OLDER;
	}
	if ((n = running_guests(r, names, sizeof(names))) != 0) {
		snprintf(err, errlen, n < 0 ? "xl list failed: cannot tell whether VMs run" :
		    "%d VM%s running (%s): shut %s down first", n, n == 1 ? " is" : "s are",
		    names, n == 1 ? "it" : "them");
		return n < 0 ? 1 : UPGRADE_EXIT_GUESTS;
	}
	snprintf(slotdir, sizeof(slotdir), BOOTFS "/%s", target);
	need = image_bytes(dir) + BOOT_MARGIN;
	if (statvfs(BOOTFS, &fs) == -1) {
		snprintf(err, errlen, "%s: %s", BOOTFS, strerror(errno));
		return 1;
	}
	room = (unsigned long long)fs.f_bavail * fs.f_frsize + image_bytes(slotdir);
	if (need > room) {
		snprintf(err, errlen, "slot %s does not fit the image: it needs %llu MiB, "
		    "ATOLL-BOOT has %llu MiB for it", target, need >> 20, room >> 20);
		return UPGRADE_EXIT_NO_ROOM;
	}
	return 0;
}

/* dir's boot files and SHA256SUMS into slot target, read back against the sums. */
static int
write_slot(struct report *r, const char *dir, const char *target, char *err, size_t errlen)
{
	struct sums	sums;
	char		slotdir[64], from[300], to[300];
	size_t		f;

	snprintf(slotdir, sizeof(slotdir), BOOTFS "/%s", target);
	(void)REPORT_RUN(r, "rm", "-rf", slotdir);
	if (mkdir(slotdir, 0755) == -1) {
		snprintf(err, errlen, "%s: %s", slotdir, strerror(errno));
		return -1;
	}
	for (f = 0; f <= BOOTFILES_N; f++) {
		const char	*name = f < BOOTFILES_N ? bootfiles_name(f) : "SHA256SUMS";

		snprintf(from, sizeof(from), "%s/%s", dir, name);
		snprintf(to, sizeof(to), "%s/%s", slotdir, name);
		if (REPORT_RUN(r, "cp", from, to) != 0) {
			snprintf(err, errlen, "copying %s into slot %s failed (see %s)", name,
			    target, r->log_path);
			return -1;
		}
	}
	sync();
	/* What was written is read from the disk, not from the page cache. */
	(void)REPORT_RUN(r, "sh", "-c", "echo 3 > /proc/sys/vm/drop_caches");
	if (bootfiles_verify(r, slotdir, &sums, err, errlen) == -1)
		return -1;
	return 0;
}

/* ============================== The commands ============================== */

/* The trial of slot target (version), arranged on a mounted ATOLL-BOOT. */
static int
arrange_trial(struct report *r, struct host *h, const char *target, const char *version,
    char *err, size_t errlen)
{
	struct trial	t;

	memset(&t, 0, sizeof(t));
	memcpy(t.slot, target, 2);
	snprintf(t.version, sizeof(t.version), "%s", version);
	snprintf(t.from, sizeof(t.from), "%s", h->version);
	snprintf(h->slots.version[slot_index(target)], SLOT_VERSION_MAX, "%s", version);
	/* The records first: a trial boot finds its own, whatever happens after. */
	if (trial_write(UPGRADE_DIR, &t) == -1 || slots_write(UPGRADE_DIR, &h->slots) == -1) {
		snprintf(err, errlen, "%s: %s", UPGRADE_DIR, strerror(errno));
		return -1;
	}
	if (write_menus(h->slots.boot, slot_other(h->slots.boot), err, errlen) == -1 ||
	    boot_once(r, target, err, errlen) == -1) {
		(void)trial_remove(UPGRADE_DIR);
		return -1;
	}
	publish(h);
	report_say(r, "atoll-upgrade: version %s is in slot %s; the next boot tries it once, "
	    "and slot %s (%s) boots again unless it comes up healthy", version, target,
	    h->running, h->version);
	return 0;
}

static int
finish(struct report *r, const struct request *q, int rc)
{
	if (rc == 0 && q->reboot && !q->check) {
		report_say(r, "atoll-upgrade: rebooting");
		fflush(NULL);
		return REPORT_RUN(r, "reboot") == 0 ? 0 : 1;
	}
	return rc == 0 ? 0 : rc > 0 ? rc : 1;
}

/* --inspect: the image's sums and version, and its line for xapi-lite. */
static int
inspect(struct report *r, const struct request *q)
{
	char	dir[300] = "", version[SLOT_VERSION_MAX], err[1024];
	int	rc = -1;

	report_steps(r, 1);
	report_step(r, "reading the image and checking it");
	if (open_source(r, q, dir, sizeof(dir), err, sizeof(err)) == 0 &&
	    (rc = image_check(r, dir, version, sizeof(version), err, sizeof(err))) == 0) {
		report_say(r, "atoll-upgrade: the image is Atoll %s", version);
		printf(UPGRADE_INSPECT_PREFIX "version=%s bytes=%llu\n", version,
		    image_bytes(dir));
	}
	if (dir[0] != '\0')
		close_source(r, dir);
	if (rc == 0)
		return 0;
	(void)report_fail(r, "%s", err);
	return UPGRADE_EXIT_BAD_IMAGE;
}

/* dir's image into the slot h does not boot, on trial: the refusals, the slot written and
   read back, the trial arranged (report steps 2 to 4 of 4). boot_dev is ATOLL-BOOT's
   partition (NULL: the one of that label). Returns 0, or the exit status of the refusal
   (upgrade_exit.h) or -1, with err. */
static int
install_image(struct report *r, const struct request *q, struct host *h, const char *dir,
    const char *boot_dev, char *err, size_t errlen)
{
	char	target[2], version[SLOT_VERSION_MAX];
	int	rc;

	memcpy(target, slot_other(h->running), 2);
	if (mount_boot(r, boot_dev, err, errlen) == -1)
		return -1;
	if ((rc = precheck(r, q, h, dir, target, version, sizeof(version), err, errlen)) != 0)
		goto out;
	report_step(r, q->check ? "the image can be installed" : "writing the image");
	if (q->check) {
		report_say(r, "atoll-upgrade: version %s would go into slot %s", version, target);
		goto out;
	}
	/* From here on slot target changes; the running slot and the state do not. */
	rc = -1;
	if (write_slot(r, dir, target, err, errlen) == -1)
		goto out;
	report_step(r, "arranging the trial boot");
	if (arrange_trial(r, h, target, version, err, errlen) == -1)
		goto out;
	report_step(r, "done");
	rc = 0;
out:
	unmount_boot();
	return rc;
}

static int
upgrade(struct report *r, const struct request *q)
{
	struct host	h;
	struct trial	t;
	char		dir[300] = "", err[1024];
	int		rc;

	report_steps(r, q->check ? 2 : 4);
	report_step(r, "reading the image and checking it");
	if (host_read(&h, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if (trial_read(UPGRADE_DIR, &t, err, sizeof(err)) == 1 && !t.booted)
		report_say(r, "atoll-upgrade: replacing the trial of slot %s (%s) not yet booted",
		    t.slot, t.version);
	else if (t.slot[0] != '\0' && strcmp(t.slot, h.running) == 0)
		return report_fail(r, "this boot is the trial of slot %s: wait for it to "
		    "commit (atoll-upgrade --status)", t.slot);
	if (open_source(r, q, dir, sizeof(dir), err, sizeof(err)) == -1)
		rc = UPGRADE_EXIT_BAD_IMAGE;
	else
		rc = install_image(r, q, &h, dir, NULL, err, sizeof(err));
	if (dir[0] != '\0')
		close_source(r, dir);
	if (rc == 0)
		return 0;
	(void)report_fail(r, "%s", err);
	return rc;
}

int
upgrade_installed(struct report *r, const char *boot_dev, const char *state_dev,
    const char *dir)
{
	struct request	q;
	struct host	h;
	char		err[1024];
	int		rc = -1;

	memset(&q, 0, sizeof(q));
	memset(&h, 0, sizeof(h));
	r->steps = r->step + 4;
	report_step(r, "reading the installed Atoll");
	if (!labelled(r, state_dev, "ATOLL-STATE", err, sizeof(err)))
		return report_fail(r, "%s", err);
	mkdir(STATE, 0755);
	if (mount(state_dev, STATE, "ext4", 0, NULL) == -1)
		return report_fail(r, "mount %s (ATOLL-STATE) on %s: %s", state_dev, STATE,
		    strerror(errno));
	mkdir(UPGRADE_DIR, 0700);
	if (slots_read(UPGRADE_DIR, &h.slots, err, sizeof(err)) == -1)
		goto out;
	/* Not running it, the installer upgrades what the disk boots by default; a host
	   installed before the records boots slot a. */
	if (h.slots.boot[0] == '\0')
		memcpy(h.slots.boot, "a", 2);
	memcpy(h.running, h.slots.boot, 2);
	/* Without a record (never upgraded): the version in the slot's own image. */
	if (h.slots.version[slot_index(h.running)][0] == '\0') {
		char	slotdir[64];
		int	bad;

		if (mount_boot(r, boot_dev, err, sizeof(err)) == -1)
			goto out;
		snprintf(slotdir, sizeof(slotdir), BOOTFS "/%s", h.running);
		bad = image_version(r, slotdir, h.slots.version[slot_index(h.running)],
		    SLOT_VERSION_MAX, err, sizeof(err));
		unmount_boot();
		if (bad == -1)
			goto out;
	}
	snprintf(h.version, sizeof(h.version), "%s", h.slots.version[slot_index(h.running)]);
	(void)trial_remove(UPGRADE_DIR);	/* this upgrade's trial replaces any other */
	rc = install_image(r, &q, &h, dir, boot_dev, err, sizeof(err));
out:
	sync();
	if (umount(STATE) == -1)
		report_say(r, "atoll-upgrade: umount %s: %s", STATE, strerror(errno));
	return rc == 0 ? 0 : report_fail(r, "%s", err);
}

static int
rollback(struct report *r)
{
	struct host	h;
	struct sums	sums;
	char		target[2], slotdir[64], err[1024];
	int		rc = -1;

	report_steps(r, 2);
	report_step(r, "checking the other slot's image");
	if (host_read(&h, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	memcpy(target, slot_other(h.running), 2);
	if (mount_boot(r, NULL, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	snprintf(slotdir, sizeof(slotdir), BOOTFS "/%s", target);
	if (bootfiles_verify(r, slotdir, &sums, err, sizeof(err)) == -1) {
		snprintf(err + strlen(err), sizeof(err) - strlen(err), " (slot %s holds no "
		    "image to go back to)", target);
		goto out;
	}
	report_step(r, "arranging the trial boot");
	rc = arrange_trial(r, &h, target, h.slots.version[slot_index(target)][0] != '\0' ?
	    h.slots.version[slot_index(target)] : "0", err, sizeof(err));
out:
	unmount_boot();
	return rc == 0 ? 0 : report_fail(r, "%s", err);
}

/* boot/slot, once the state is mounted: prints "trial" when this boot is one (the step
   then starts the watchdog); a trial that did not come up is recorded and raised. */
static int
boot_step(void)
{
	struct host	h;
	struct trial	t;
	struct buf	out;
	char		err[1024], body[SLOT_REASON_MAX * 2];
	int		have;

	if (host_read(&h, err, sizeof(err)) == -1)
		return 0;	/* live, or booted some other way: nothing to do */
	if ((have = trial_read(UPGRADE_DIR, &t, err, sizeof(err))) == -1) {
		fprintf(stderr, "atoll-upgrade: %s; the trial is dropped\n", err);
		(void)trial_remove(UPGRADE_DIR);
	}
	if (have == 1 && strcmp(t.slot, h.running) == 0 && !t.booted) {
		t.booted = 1;
		/* Before the new xapi-lite runs (and may migrate it): the database, kept. */
		buf_init(&out, 4096);
		if (exec_run((const char *const[]){ "sh", "-c", "rm -rf \"$1.new\" && "
		    "mkdir -m 700 \"$1.new\" && for f in \"$2\"/db.*; do [ ! -f \"$f\" ] || "
		    "cp -p \"$f\" \"$1.new/\" || exit 1; done && rm -rf \"$1\" && "
		    "mv \"$1.new\" \"$1\"", "sh", DB_BEFORE, STATE, NULL }, &out, NULL) != 0)
			fprintf(stderr, "atoll-upgrade: cannot keep a copy of the database in "
			    "%s (%.200s): a rollback past a schema change will have none\n",
			    DB_BEFORE, out.p ? out.p : "");
		buf_free(&out);
		if (trial_write(UPGRADE_DIR, &t) == 0) {
			publish(&h);
			puts("trial");
			return 0;
		}
	} else if (have == 1) {
		/* The trial's slot did not come up, or booted a second time (a boot picked by
		   hand after it gave up): either way it is over. */
		if (t.reason[0] == '\0')
			snprintf(t.reason, sizeof(t.reason), "its trial boot did not come up "
			    "healthy (a panic, a hang or a reset)");
		snprintf(body, sizeof(body), "Atoll %s in slot %s did not come up: %s. The "
		    "host is back on slot %s (Atoll %s).", t.version, t.slot, t.reason,
		    h.running, h.version);
		fprintf(stderr, "atoll-upgrade: %s\n", body);
		(void)slots_last(UPGRADE_DIR, "rolled-back", &t, (long long)time(NULL));
		alert(MSG_ROLLED_BACK, body);
		(void)trial_remove(UPGRADE_DIR);
		puts("rolled-back");
	}
	publish(&h);
	return 0;
}

/* boot/ready on a healthy trial: the trial's slot becomes the menus' default. */
static int
commit(struct report *r)
{
	struct host	h;
	struct trial	t;
	char		err[1024], body[SLOT_REASON_MAX];

	if (host_read(&h, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if (trial_read(UPGRADE_DIR, &t, err, sizeof(err)) != 1 || strcmp(t.slot, h.running) != 0)
		return report_fail(r, "this boot is no trial to commit");
	if (mount_boot(r, NULL, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	memcpy(h.slots.boot, h.running, 2);
	if (write_menus(h.running, slot_other(h.running), err, sizeof(err)) == -1) {
		unmount_boot();
		return report_fail(r, "%s", err);
	}
	boot_once_clear(r);
	unmount_boot();
	if (slots_write(UPGRADE_DIR, &h.slots) == -1)
		return report_fail(r, "%s: %s", UPGRADE_DIR, strerror(errno));
	(void)slots_last(UPGRADE_DIR, "upgraded", &t, (long long)time(NULL));
	(void)trial_remove(UPGRADE_DIR);
	snprintf(body, sizeof(body), "Atoll %s in slot %s came up healthy and is the host's "
	    "default now (Atoll %s stays in slot %s).", t.version, t.slot, t.from,
	    slot_other(t.slot));
	alert(MSG_UPGRADED, body);
	publish(&h);
	report_say(r, "atoll-upgrade: %s", body);
	return 0;
}

/* boot/ready on a trial that failed its check: the reason, for the old slot's boot. */
static int
abandon(const char *reason)
{
	struct host	h;
	struct trial	t;
	char		err[1024];

	if (host_read(&h, err, sizeof(err)) == -1 ||
	    trial_read(UPGRADE_DIR, &t, err, sizeof(err)) != 1 || strcmp(t.slot, h.running) != 0) {
		fprintf(stderr, "atoll-upgrade: this boot is no trial to give up\n");
		return 1;
	}
	clean_reason(t.reason, sizeof(t.reason), reason);
	return trial_write(UPGRADE_DIR, &t) == 0 ? 0 : 1;
}

static int
status(void)
{
	struct host	h;
	struct trial	t;
	char		err[1024], line[KVLINE_MAX];
	long		n;

	if (host_read(&h, err, sizeof(err)) == -1) {
		fprintf(stderr, "atoll-upgrade: %s\n", err);
		return 1;
	}
	printf("running slot %s, Atoll %s\n", h.running, h.version);
	printf("boots slot %s\n", h.slots.boot);
	printf("slot a: %s\nslot b: %s\n", h.slots.version[0][0] ? h.slots.version[0] :
	    "empty", h.slots.version[1][0] ? h.slots.version[1] : "empty");
	if (trial_read(UPGRADE_DIR, &t, err, sizeof(err)) == 1)
		printf("trial: slot %s, Atoll %s%s\n", t.slot, t.version,
		    t.booted ? ", booted" : ", at the next boot");
	if ((n = kvline_read(UPGRADE_DIR "/last", line)) > 0)
		printf("last: %.*s", (int)n, line);
	return 0;
}

/* 64 hex digits, "sha256:" before them or not, pairs separated by ':' or not. */
static int
fingerprint(char *out, const char *s)
{
	size_t	n = 0;
	int	v;

	if (strncmp(s, "sha256:", 7) == 0)
		s += 7;
	for (; *s != '\0'; s++) {
		if (*s == ':')
			continue;
		if ((v = hexval((unsigned char)*s)) < 0 || n == 64)
			return -1;
		out[n++] = "0123456789abcdef"[v];
	}
	out[n] = '\0';
	return n == 64 ? 0 : -1;
}

static int
usage(void)
{
	fprintf(stderr, "usage: atoll-upgrade [--check] [--allow-downgrade] [--fingerprint FP] "
	    "[--reboot] URL|ISO|DIR\n       atoll-upgrade --inspect [--fingerprint FP] "
	    "URL|ISO|DIR\n       atoll-upgrade --rollback [--reboot]\n"
	    "       atoll-upgrade --status\n");
	return 2;
}

int
upgrade_main(int argc, char *argv[])
{
	struct request	q;
	struct report	r;
	int		i, rc, lock, roll = 0;

	memset(&q, 0, sizeof(q));
	if (argc == 2 && strcmp(argv[1], "--status") == 0)
		return status();
	if (argc == 2 && strcmp(argv[1], "--boot") == 0)
		return boot_step();
	if (argc == 3 && strcmp(argv[1], "--abandon") == 0)
		return abandon(argv[2]);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--allow-downgrade") == 0)
			q.allow_downgrade = 1;
		else if (strcmp(argv[i], "--reboot") == 0)
			q.reboot = 1;
		else if (strcmp(argv[i], "--check") == 0)
			q.check = 1;
		else if (strcmp(argv[i], "--inspect") == 0)
			q.inspect = 1;
		else if (strcmp(argv[i], "--rollback") == 0)
			roll = 1;
		else if (strcmp(argv[i], "--commit") == 0 && argc == 2)
			roll = 2;
		else if (strcmp(argv[i], "--fingerprint") == 0 && i + 1 < argc) {
			if (fingerprint(q.fingerprint, argv[++i]) == -1) {
				fprintf(stderr, "atoll-upgrade: --fingerprint %s: expected the "
				    "certificate's SHA-256, 64 hex digits\n", argv[i]);
				return 2;
			}
		} else if (argv[i][0] == '-' || q.source != NULL)
			return usage();
		else
			q.source = argv[i];
	}
	if ((roll != 0) == (q.source != NULL) || (roll && (q.check || q.allow_downgrade)) ||
	    (q.inspect && (q.check || q.allow_downgrade || q.reboot)))
		return usage();
	mkdir(UPGRADE_DIR, 0700);
	report_init(&r);
	r.name = "atoll-upgrade";
	r.log_path = UPGRADE_LOG;
	r.failed = "UPGRADE FAILED";	/* UPGRADE_FAILED_WORDS */
	/* Two at once would share the staging directory, the ISO's mount and ATOLL-BOOT. */
	if ((lock = open(UPGRADE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    flock(lock, LOCK_EX | LOCK_NB) == -1) {
		fprintf(stderr, "atoll-upgrade: %sanother atoll-upgrade is running; try again "
		    "once it is done\n", UPGRADE_FAILED_WORDS);
		return UPGRADE_EXIT_BUSY;
	}
	if (report_open(&r) == -1) {
		fprintf(stderr, "atoll-upgrade: %s: %s\n", UPGRADE_LOG, strerror(errno));
		return 1;
	}
	if (roll == 2)
		rc = commit(&r);
	else
		rc = roll ? rollback(&r) : q.inspect ? inspect(&r, &q) : upgrade(&r, &q);
	rc = finish(&r, &q, rc);
	fclose(r.log);
	return rc;
}
