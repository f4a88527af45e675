/*
 * The install itself: checks the target disk, then writes the GPT layout of plan.c, the
 * boot files in slot a/, both bootloaders (syslinux for BIOS, GRUB at the removable path
 * for UEFI) and the host's state, calling the answerfile's scripts at their stages. What it
 * mounts, assembles and downloads is noted in a struct held and let go of in one place,
 * release(), however the install ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootcfg.h"
#include "bootfiles.h"
#include "disklist.h"
#include "exec.h"
#include "fdio.h"
#include "fetch.h"
#include "install.h"
#include "plan.h"
#include "report.h"
#include "upgrade.h"

#define MEDIUM		"/tmp/atoll-medium"
#define TARGET		"/tmp/atoll-target"
#define SYSLINUX	"/usr/lib/syslinux"		/* Debian's syslinux-common */
#define HOST_CERT	"/usr/lib/atoll/host-cert"	/* the certificate's one maker */
#define NETWORK_STATE	"/run/atoll/network"	/* the lease, as udhcpc.script records it */
#define GRUB_EFI	"/usr/lib/atoll/install/BOOTX64.EFI"	/* made with the image */
#define SR_ARRAY	"/dev/md0"		/* ATOLL-SR over guest disks */

/* What install_disk has taken and release() gives back, in the reverse order. */
struct held {
	int	medium;		/* the Atoll medium is mounted at MEDIUM */
	int	downloaded;	/* MEDIUM/boot holds downloaded boot files (RAM) */
	int	array;		/* SR_ARRAY is assembled */
	int	boot;		/* TARGET/boot is mounted */
	int	state;		/* TARGET/state is mounted */
};

/* The disks this machine has, for a message: "vda (10.0 GiB), sda (500.1 GiB)". */
static void
list_disks(char *out, size_t len)
{
	struct disk_entry	d[DISKS_MAX];
	size_t			used = 0;
	int			i, n;

	out[0] = '\0';
	n = disklist_read(d, DISKS_MAX, NULL);
	for (i = 0; i < n && used < len; i++)
		used += snprintf(out + used, len - used, "%s%s (%.1f GiB)", i ? ", " : "",
		    d[i].name, (double)d[i].bytes / (1 << 30));
	if (n == 0)
		snprintf(out, len, "none");
}

/* A number from /sys/class/block/<dev's name>/<what>. Returns 0 or -1. */
static int
sysfs_number(const char *dev, const char *what, uint64_t *out)
{
	char	path[400], line[32], *end;
	FILE	*f;

	snprintf(path, sizeof(path), "/sys/class/block/%s/%s", strrchr(dev, '/') + 1, what);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*out = strtoull(line, &end, 10);
	return end == line ? -1 : 0;
}

/* The target disk: its device, size and sector size, checked. */
static int
open_disk(const char *what, const char *name, char *dev, size_t devlen, uint64_t *bytes,
    unsigned *sector, char *err, size_t errlen)
{
	char		 path[300], disks[512], real[PATH_MAX];
	struct stat	 st;
	uint64_t	 sectors512, ss;
	int		 fd;

	snprintf(path, sizeof(path), "%s%s", strncmp(name, "/dev/", 5) == 0 ? "" : "/dev/", name);
	if (realpath(path, real) == NULL || stat(real, &st) == -1 || !S_ISBLK(st.st_mode)) {
		list_disks(disks, sizeof(disks));
		snprintf(err, errlen, "<%s> %s: no such disk; this machine has: %s",
		    what, name, disks);
		return -1;
	}
	if (strlen(real) >= devlen || strlen(real) > 255) {
		snprintf(err, errlen, "<%s> %s: the device path is too long", what,
		    name);
		return -1;
	}
	snprintf(dev, devlen, "%.255s", real);
	/* Its size and sector size, as the kernel tells them (sysfs counts 512-byte units). */
	if (sysfs_number(real, "size", &sectors512) == -1 ||
	    sysfs_number(real, "queue/logical_block_size", &ss) == -1) {
		snprintf(err, errlen, "<%s> %s is not a whole disk", what, dev);
		return -1;
	}
	*bytes = sectors512 * 512;
	*sector = (unsigned)ss;
	if ((fd = open(real, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "<%s> %s: %s", what, dev, strerror(errno));
		return -1;
	}
	close(fd);
	if (disklist_is_medium(real)) {
		snprintf(err, errlen, "<%s> %s is the Atoll medium this machine booted from",
		    what, dev);
		return -1;
	}
	return 0;
}

/* Partition n's device: vda1, nvme0n1p1. */
static void
part_dev(const char *disk, int n, char *out, size_t len)
{
	size_t	l = strlen(disk);

	snprintf(out, len, "%s%s%d", disk, l && disk[l - 1] >= '0' && disk[l - 1] <= '9' ?
	    "p" : "", n);
}

/* The kernel makes partition nodes after sfdisk re-reads the table; wait for them. */
static int
wait_node(const char *path)
{
	int	i;

	for (i = 0; i < 100; i++) {
		if (access(path, F_OK) == 0)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

/* The Atoll medium (CD or USB stick), mounted read-only at MEDIUM. */
static int
mount_medium(struct held *h, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*e;
	char		 dev[300];
	int		 found = -1;

	mkdir(MEDIUM, 0700);
	if ((d = opendir("/sys/block")) == NULL) {
		snprintf(err, errlen, "/sys/block: %s", strerror(errno));
		return -1;
	}
	while (found == -1 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (mount(dev, MEDIUM, "iso9660", MS_RDONLY, NULL) == 0) {
			if (access(MEDIUM "/boot/dom0.img", R_OK) == 0)
				found = 0;
			else
				umount(MEDIUM);
		}
	}
	closedir(d);
	h->medium = found == 0;
	if (found == -1)
		snprintf(err, errlen, "<source type=\"local\">: no Atoll CD or USB stick found "
		    "(give <source type=\"url\"> instead)");
	return found;
}

/*
 * <source type="url">: Xen, the kernel, dom0.img and their SHA256SUMS from URL (a PXE
 * tree's atoll/, a web copy of the ISO's boot/) into MEDIUM/boot, in RAM, before any
 * disk is touched. Returns 0, or -1 with err.
 */
static int
download_boot_files(struct report *r, struct held *h, const char *url, char *err,
    size_t errlen)
{
	mkdir(MEDIUM, 0700);
	mkdir(MEDIUM "/boot", 0700);
	h->downloaded = 1;
	return bootfiles_download(r, url, "", MEDIUM "/boot", err, errlen);
}

static int
copy_file(struct report *r, const char *from, const char *to)
{
	return REPORT_RUN(r, "cp", from, to);
}

static int
write_file(const char *path, const char *text)
{
	FILE	*f;
	char	 tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	if (fputs(text, f) == EOF || fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* gptmbr.bin into the protective MBR's first 440 bytes: BIOS boots the partition with the
   legacy-BIOS-bootable attribute. */
static int
write_mbr(const char *disk)
{
	char	code[440];
	int	in, out, fails;

	if ((in = open(SYSLINUX "/mbr/gptmbr.bin", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	fails = read(in, code, sizeof(code)) != (ssize_t)sizeof(code);
	close(in);
	if (fails || (out = open(disk, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	fails = pwrite(out, code, sizeof(code), 0) != (ssize_t)sizeof(code) || fsync(out) == -1;
	close(out);
	return fails ? -1 : 0;
}

/* The host's state, as its first boot reads it (/var/lib/atoll/host.conf). */
static int
write_state(const struct answers *a, const char *hash)
{
	struct buf	b;
	int		i, e;

	buf_init(&b, 0);
	e = buf_printf(&b, "# Written by atoll-install; read at every boot.\n"
	    "hostname=%s\npassword_hash='%s'\ntimezone=%s\nkeymap=%s\n", a->hostname, hash,
	    a->timezone, a->keymap);
	e |= buf_printf(&b, "proto=%s\niface_name=%s\niface_hwaddr=%s\n", a->proto,
	    a->iface_name, a->iface_hwaddr);
	if (strcmp(a->proto, "static") == 0)
		e |= buf_printf(&b, "ipaddr=%s\nsubnet=%s\ngateway=%s\n", a->ipaddr, a->subnet,
		    a->gateway);
	e |= buf_lit(&b, "dns='");
	for (i = 0; i < a->ndns; i++)
		e |= buf_printf(&b, "%s%s", i ? " " : "", a->dns[i]);
	e |= buf_lit(&b, "'\nntp='");
	for (i = 0; i < a->nntp; i++)
		e |= buf_printf(&b, "%s%s", i ? " " : "", a->ntp[i]);
	e |= buf_lit(&b, "'\n");
	mkdir(TARGET "/state", 0700);
	e |= e ? 0 : write_file(TARGET "/state/host.conf", b.p);
	buf_free(&b);
	return e ? -1 : 0;
}

/* The address the host's certificate names: its static one, or the lease this install
   boot has (a DHCP server gives the NIC's MAC its address again); NULL when none. */
static const char *
cert_address(const struct answers *a, char *lease, size_t len)
{
	FILE	*f;
	char	 line[128];

	if (strcmp(a->proto, "static") == 0)
		return a->ipaddr;
	lease[0] = '\0';
	if ((f = fopen(NETWORK_STATE, "r")) == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "ip=", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(lease, len, "%s", line + 3);
		}
	fclose(f);
	return lease[0] ? lease : NULL;
}

/* The root password as a sha512-crypt hash, made by openssl (never by our code). */
static int
password_hash(const struct answers *a, char *out, size_t len)
{
	struct buf	b;
	char		in[300];

	if (a->password_is_hash) {
		snprintf(out, len, "%s", a->password);
		return 0;
	}
	snprintf(in, sizeof(in), "%s\n", a->password);
	buf_init(&b, 4096);
	/* The password goes in on stdin and is never logged. */
	if (exec_run_input((const char *const[]){ "openssl", "passwd", "-6", "-stdin", NULL }, in,
	    &b, NULL) != 0 || b.len < 4 || strncmp(b.p, "$6$", 3) != 0) {
		buf_free(&b);
		return -1;
	}
	b.p[strcspn(b.p, "\n")] = '\0';
	snprintf(out, len, "%s", b.p);
	buf_free(&b);
	return 0;
}

/* The guest disks: each checked as the primary disk is, and each a disk of its own (two
   names, such as sdb and a /dev/disk/by-id/ link, may be one disk). */
static int
open_guest_disks(const struct answers *a, const char *primary, char gdev[][300], char *err,
    size_t errlen)
{
	uint64_t	bytes;
	unsigned	sector;
	int		i, j;

	for (i = 0; i < a->nguest_disks; i++) {
		if (open_disk("guest-disk", a->guest_disks[i], gdev[i], 300, &bytes, &sector,
		    err, errlen) == -1)
			return -1;
		if (strcmp(gdev[i], primary) == 0) {
			snprintf(err, errlen, "<guest-disk> %.255s is the primary disk %.255s",
			    a->guest_disks[i], primary);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(gdev[i], gdev[j]) == 0) {
				snprintf(err, errlen, "<guest-disk> %.255s and %.255s are the same disk, %.255s",
				    a->guest_disks[j], a->guest_disks[i], gdev[i]);
				return -1;
			}
	}
	return 0;
}

/* Zeroes a disk's first and last MiB: old partition tables and RAID superblocks go. */
static int
wipe_ends(const char *dev)
{
	static const char	zero[1 << 20];
	off_t			size;
	int			fd, fails;

	if ((fd = open(dev, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	size = lseek(fd, 0, SEEK_END);
	fails = size < (off_t)sizeof(zero) ||
	    pwrite(fd, zero, sizeof(zero), 0) != (ssize_t)sizeof(zero) ||
	    pwrite(fd, zero, sizeof(zero), size - (off_t)sizeof(zero)) != (ssize_t)sizeof(zero) ||
	    fsync(fd) == -1;
	close(fd);
	return fails ? -1 : 0;
}

/*
 * The local SR's block device: the third partition alone, or with guest disks a linear md
 * array of it and them (XenServer spans its local SR's volume group over them the same
 * way). Its name goes into sr.
 */
static int
sr_device(struct report *r, struct held *h, const char *part, char gdev[][300], int n,
    char *sr, size_t srlen)
{
	const char	*argv[16 + AF_MAX_GUEST_DISKS];
	char		 count[12];
	int		 i, k = 0;

	if (n == 0) {
		snprintf(sr, srlen, "%s", part);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (wipe_ends(gdev[i]) == -1) {
			report_say(r, "atoll-install: cannot wipe %s: %s", gdev[i],
			    strerror(errno));
			return -1;
		}
	snprintf(count, sizeof(count), "%d", n + 1);
	snprintf(sr, srlen, "%s", SR_ARRAY);
	argv[k++] = "mdadm";
	argv[k++] = "--create";
	argv[k++] = SR_ARRAY;
	argv[k++] = "--run";
	argv[k++] = "--level=linear";
	argv[k++] = "--metadata=1.2";
	argv[k++] = "--name=atoll-sr";
	argv[k++] = "--raid-devices";
	argv[k++] = count;
	argv[k++] = part;
	for (i = 0; i < n; i++)
		argv[k++] = gdev[i];
	argv[k] = NULL;
	if (REPORT_RUN(r, "modprobe", "linear") != 0 || report_run(r, NULL, argv) != 0)
		return -1;
	h->array = 1;
	return wait_node(SR_ARRAY);
}

/* The time zone and keymap must be ones the host can load (tzdata, console-data). */
static int
locale_known(const struct answers *a, char *err, size_t errlen)
{
	char		path[PATH_MAX];
	struct stat	st;
	glob_t		g;
	int		found;

	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", a->timezone);
	if (strstr(a->timezone, "..") != NULL || stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "<timezone> %s: no such time zone (expected a name such "
		    "as UTC or Europe/Paris)", a->timezone);
		return -1;
	}
	snprintf(path, sizeof(path), "/usr/share/keymaps/i386/*/%s.kmap.gz", a->keymap);
	found = glob(path, 0, NULL, &g) == 0;
	globfree(&g);
	if (!found) {
		snprintf(err, errlen, "<keymap> %s: no such keymap (expected a name such as us, "
		    "uk, de or fr)", a->keymap);
		return -1;
	}
	return 0;
}

/* Script i of the answerfile, fetched into path and made executable. Returns 0, or -1
   after saying why. */
static int
fetch_script(struct report *r, const struct answers *a, int i, const char *path,
    struct buf *text)
{
	char	err[1024];
	int	fd;

	if (fetch_url(r, a->scripts[i].url, "", text, err, sizeof(err)) == -1) {
		report_say(r, "atoll-install: the %s script: %s", a->scripts[i].stage, err);
		return -1;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700)) == -1 ||
	    write_all(fd, text->p ? text->p : "", text->len) == -1) {
		report_say(r, "atoll-install: %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The answerfile's scripts for stage, in their order: each is fetched, made executable and
 * run with arg (XenServer passes the target's root at filesystem-populated and 0 or 1 at
 * installation-complete). Returns 0, or -1 after the first that could not be fetched or
 * exited non-zero (its output is in the log).
 */
int
install_scripts(struct install_ctx *x, const struct answers *a, const char *stage,
    const char *arg)
{
	struct report	*r = &x->report;
	struct buf	 text;
	char		 path[64];
	int		 i, status;

	for (i = 0; i < a->nscripts; i++) {
		if (strcmp(a->scripts[i].stage, stage) != 0)
			continue;
		report_say(r, "atoll-install: running the %s script %s", stage,
		    a->scripts[i].url);
		snprintf(path, sizeof(path), "/tmp/atoll-script-%d", i);
		buf_init(&text, 1 << 20);
		if (fetch_script(r, a, i, path, &text) == -1) {
			buf_free(&text);
			return -1;
		}
		/* A script without "#!" is a shell script, as XenServer runs them. */
		status = text.len > 2 && memcmp(text.p, "#!", 2) == 0 ?
		    REPORT_RUN(r, "timeout", "600", path, arg) :
		    REPORT_RUN(r, "timeout", "600", "sh", path, arg);
		buf_free(&text);
		if (status != 0) {
			report_say(r, "atoll-install: the %s script %s exited with status %d",
			    stage, a->scripts[i].url, status);
			return -1;
		}
	}
	return 0;
}

/* Mounts dev at dir (made first), noting it in *held. Returns 0, or -1 with errno. */
static int
mount_at(const char *dev, const char *dir, const char *type, const char *opts, int *held)
{
	mkdir(dir, 0700);
	if (mount(dev, dir, type, 0, opts) == -1)
		return -1;
	*held = 1;
	return 0;
}

/* Lets go of what h holds, the last taken first: the target's file systems (flushed
   first), the SR array, the medium, the downloaded boot files. */
static void
release(struct report *r, struct held *h)
{
	if (h->state || h->boot)
		sync();
	if (h->state && umount(TARGET "/state") == -1)
		report_log_line(r, "atoll-install: umount %s: %s", TARGET "/state",
		    strerror(errno));
	if (h->boot && umount(TARGET "/boot") == -1)
		report_log_line(r, "atoll-install: umount %s: %s", TARGET "/boot",
		    strerror(errno));
	if (h->array)
		(void)REPORT_RUN(r, "mdadm", "--stop", SR_ARRAY);
	if (h->medium && umount(MEDIUM) == -1)
		report_log_line(r, "atoll-install: umount %s: %s", MEDIUM, strerror(errno));
	if (h->downloaded)
		bootfiles_remove(MEDIUM "/boot");
	memset(h, 0, sizeof(*h));
}

/* The boot files in MEDIUM/boot, checked against their sums: from <source type="url">,
   the medium, or atoll.source= when booted from the network. Returns 0, or -1 after
   report_fail. */
static int
boot_files(struct install_ctx *x, struct held *h, const struct answers *a,
    struct sums *sums)
{
	struct report	*r = &x->report;
	const char	*fallback = x->options->source;
	char		 err[2048];

	if (strcmp(a->source_type, "url") == 0) {
		if (download_boot_files(r, h, a->source_url, err, sizeof(err)) == -1)
			return report_fail(r, "<source type=\"url\">: %s", err);
	} else if (mount_medium(h, err, sizeof(err)) == -1) {
		/* Booted from the network: the boot files are where atoll.source= says. */
		if (fallback[0] == '\0')
			return report_fail(r, "%s", err);
		if (download_boot_files(r, h, fallback, err, sizeof(err)) == -1)
			return report_fail(r, "atoll.source=%s", err);
	}
	if (bootfiles_verify(r, MEDIUM "/boot", sums, err, sizeof(err)) == -1)
		return report_fail(r, "the boot files: %s", err);
	return 0;
}

/* The checks that come before any write, and the boot files in MEDIUM/boot. */
static int
prepare(struct install_ctx *x, struct held *h, const struct answers *a, struct plan *p,
    struct sums *sums, char *disk, size_t disklen, char gdev[][300], char *hash,
    size_t hashlen)
{
	struct report	*r = &x->report;
	char		 err[2048];
	uint64_t	 bytes;
	unsigned	 sector;

	report_step(r, "checking the target disk");
	if (open_disk("primary-disk", a->primary_disk, disk, disklen, &bytes, &sector, err,
	    sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if (plan_disk(bytes, sector, p, err, sizeof(err)) == -1)
		return report_fail(r, "<primary-disk> %s: %s", disk, err);
	if (open_guest_disks(a, disk, gdev, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if (locale_known(a, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if (password_hash(a, hash, hashlen) == -1)
		return report_fail(r, "<root-password>: cannot hash it with openssl");
	if (boot_files(x, h, a, sums) == -1)
		return -1;
	if (install_scripts(x, a, "installation-start", "") == -1)
		return report_fail(r, "the installation-start script failed (see the log)");
	return 0;
}

/* <installation mode="upgrade">: the boot files as an install gets them, then into the
   installed disk's other slot, tried at its next boot (upgrade.c). */
static int
upgrade_steps(struct install_ctx *x, struct held *h, const struct answers *a)
{
	struct report	*r = &x->report;
	struct sums	 sums;
	char		 disk[300], boot[320], state[320], err[2048];
	uint64_t	 bytes;
	unsigned	 sector;

	report_step(r, "checking the installed disk");
	if (open_disk("existing-installation", a->primary_disk, disk, sizeof(disk), &bytes,
	    &sector, err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if (boot_files(x, h, a, &sums) == -1)
		return -1;
	if (install_scripts(x, a, "installation-start", "") == -1)
		return report_fail(r, "the installation-start script failed (see the log)");
	part_dev(disk, 1, boot, sizeof(boot));		/* plan.c's order: BOOT, STATE, SR */
	part_dev(disk, 2, state, sizeof(state));
	if (upgrade_installed(r, boot, state, MEDIUM "/boot") == -1)
		return -1;
	report_say(r, "atoll-install: Atoll on %s is upgraded: its next boot tries the new "
	    "image, and the old one boots again unless that comes up healthy", disk);
	return 0;
}

/* The install's steps, from the checks to the state; what they take goes into h. */
static int
install_steps(struct install_ctx *x, struct held *h, const struct answers *a)
{
	struct report	*r = &x->report;
	struct plan	 p;
	struct sums	 sums;
	struct buf	 script;
	char		 disk[300], part[PLAN_PARTS][320], hash[300], cfg[4096];
	char		 gdev[AF_MAX_GUEST_DISKS][300], sr[320], lease[128], err[1024];
	int		 i, status;

	if (prepare(x, h, a, &p, &sums, disk, sizeof(disk), gdev, hash, sizeof(hash)) == -1)
		return -1;
	/* Nothing has been written so far: from here on, the disk changes. */

	report_step(r, "partitioning");
	buf_init(&script, 4096);
	status = plan_sfdisk(&p, &script) == -1 ? -1 : report_run(r, script.p,
	    (const char *const[]){ "sfdisk", "--wipe", "always", "--wipe-partitions", "always",
	    disk, NULL });
	buf_free(&script);
	if (status != 0)
		return report_fail(r, "sfdisk could not write the partition table of %s", disk);
	for (i = 0; i < PLAN_PARTS; i++) {
		part_dev(disk, i + 1, part[i], sizeof(part[i]));
		if (wait_node(part[i]) == -1)
			return report_fail(r, "%s did not appear after partitioning", part[i]);
	}

	report_step(r, "making file systems");
	if (REPORT_RUN(r, "mkfs.vfat", "-F", "32", "-n", "ATOLL-BOOT", part[0]) != 0 ||
	    /* Inode tables sized for what each holds (a few files; VDIs of GiBs) and written
	       now: lazily initialised ones keep the kernel zeroing them through the host's
	       first minutes. */
	    REPORT_RUN(r, "mkfs.ext4", "-F", "-q", "-L", "ATOLL-STATE", "-i", "65536", "-E",
	    "lazy_itable_init=0,lazy_journal_init=0", part[1]) != 0 ||
	    sr_device(r, h, part[2], gdev, a->nguest_disks, sr, sizeof(sr)) == -1 ||
	    /* XFS with reflink: a VDI snapshot or clone is a copy that shares the file's
	       blocks (FICLONE) until either side writes. Its geometry, reflink=1 among it,
	       goes into the log. */
	    REPORT_RUN(r, "mkfs.xfs", "-f", "-m", "reflink=1", "-L", "ATOLL-SR", sr) != 0)
		return report_fail(r, "making the file systems failed (see the log)");
	if (h->array) {
		if (REPORT_RUN(r, "mdadm", "--stop", SR_ARRAY) != 0)
			return report_fail(r, "mdadm could not stop %s (see the log)", SR_ARRAY);
		h->array = 0;
	}

	report_step(r, "installing the BIOS bootloader (syslinux)");
	mkdir(TARGET, 0700);
	if (mount_at(part[0], TARGET "/boot", "vfat", "iocharset=utf8,codepage=437",
	    &h->boot) == -1)
		return report_fail(r, "mount %s: %s", part[0], strerror(errno));
	mkdir(TARGET "/boot/syslinux", 0755);
	if (REPORT_RUN(r, "extlinux", "--install", TARGET "/boot/syslinux") != 0)
		return report_fail(r, "extlinux could not install syslinux on %s", part[0]);
	if (write_mbr(disk) == -1)
		return report_fail(r, "cannot write the boot code into %s's MBR", disk);

	report_step(r, "copying Xen, the dom0 kernel and image into slot a");
	mkdir(TARGET "/boot/a", 0755);
	mkdir(TARGET "/boot/EFI", 0755);
	mkdir(TARGET "/boot/EFI/BOOT", 0755);
	if (copy_file(r, MEDIUM "/boot/xen.gz", TARGET "/boot/a/xen.gz") != 0 ||
	    copy_file(r, MEDIUM "/boot/vmlinuz", TARGET "/boot/a/vmlinuz") != 0 ||
	    copy_file(r, MEDIUM "/boot/dom0.img", TARGET "/boot/a/dom0.img") != 0 ||
	    /* Kept with them: an upgrade's rollback checks the slot against them. */
	    copy_file(r, MEDIUM "/boot/SHA256SUMS", TARGET "/boot/a/SHA256SUMS") != 0)
		return report_fail(r, "copying the boot files failed (see the log)");
	/* What was written is read back: a disk that lost a block says so now. */
	if (bootfiles_check(r, TARGET "/boot/a", &sums, err, sizeof(err)) == -1)
		return report_fail(r, "the boot files written to slot a: %s", err);

	report_step(r, "installing the boot menus and the UEFI bootloader (GRUB)");
	if (copy_file(r, SYSLINUX "/modules/bios/mboot.c32",
	    TARGET "/boot/syslinux/mboot.c32") != 0 ||
	    copy_file(r, SYSLINUX "/modules/bios/libcom32.c32",
	    TARGET "/boot/syslinux/libcom32.c32") != 0 ||
	    copy_file(r, GRUB_EFI, TARGET "/boot/EFI/BOOT/BOOTX64.EFI") != 0 ||
	    bootcfg_syslinux(cfg, sizeof(cfg), "a", NULL) == -1 ||
	    write_file(TARGET "/boot/syslinux/syslinux.cfg", cfg) == -1 ||
	    bootcfg_grub(cfg, sizeof(cfg), "a", NULL) == -1 ||
	    write_file(TARGET "/boot/EFI/BOOT/grub.cfg", cfg) == -1 ||
	    /* An empty environment block: GRUB's load_env finds one from the first boot. */
	    bootcfg_grubenv(cfg, NULL) == -1 ||
	    write_file_whole(TARGET "/boot" BOOTCFG_GRUBENV, cfg, BOOTCFG_GRUBENV_SIZE,
	    0644) == -1)
		return report_fail(r, "writing the bootloaders' files failed (see the log)");

	report_step(r, "writing the host's state");
	if (mount_at(part[1], TARGET "/state", "ext4", NULL, &h->state) == -1)
		return report_fail(r, "mount %s: %s", part[1], strerror(errno));
	if (write_state(a, hash) == -1)
		return report_fail(r, "writing the host's state failed: %s", strerror(errno));
	/* The XenAPI's certificate, made here rather than on the first boot, whose way to its
	   first HTTPS answer it would lengthen (an openssl start takes a second or more
	   under emulation). */
	if (REPORT_RUN(r, HOST_CERT, "make", TARGET "/state/tls", a->hostname,
	    cert_address(a, lease, sizeof(lease))) != 0)
		return report_fail(r, "making the XenAPI's TLS certificate failed (see the log)");
	if (install_scripts(x, a, "filesystem-populated", TARGET) == -1)
		return report_fail(r, "the filesystem-populated script failed (see the log)");

	report_step(r, "done");
	report_say(r, "atoll-install: Atoll is installed on %s (%s)", disk, a->hostname);
	fflush(r->log);
	(void)copy_file(r, LOG_PATH, TARGET "/state/install.log");
	return 0;
}

int
install_disk(struct install_ctx *x, const struct answers *a)
{
	struct held	h = { 0 };
	int		rc;

	rc = strcmp(a->mode, "upgrade") == 0 ? upgrade_steps(x, &h, a) : install_steps(x, &h, a);
	release(&x->report, &h);
	return rc;
}
