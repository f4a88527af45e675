/*
 * atoll-pxe: manages the boot configs of a PXE tree (made by make pxe). A host is a machine,
 * known by its MAC, that boots an unattended install: pxelinux.cfg/01-<mac> for BIOS,
 * grub.cfg-01-<mac> for UEFI, and answers/01-<mac>.xml when its answerfile was given as a
 * file. The default is what every other machine boots. Each file is written whole beside
 * its place, then renamed into it; a command that fails leaves the tree as it was.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdio.h"
#include "mac.h"
#include "nitems.h"
#include "pxecfg.h"

#define SHOW_MAX	60	/* bytes of an argument quoted in a message */

static const char usage_text[] =
    "usage: atoll-pxe add-host DIR --mac MAC --answerfile URL|FILE [--name NAME]\n"
    "                 [--served-at URL] [--report URL] [--atexit reboot|poweroff|shell]\n"
    "       atoll-pxe add-host DIR --mac MAC --upgrade DISK --served-at URL [--name NAME]\n"
    "                 [--report URL] [--atexit reboot|poweroff|shell]\n"
    "       atoll-pxe remove-host DIR --mac MAC\n"
    "       atoll-pxe list DIR\n"
    "       atoll-pxe set-default DIR live|local|install\n"
    "DIR is a PXE tree. A FILE answerfile is copied to DIR/answers/ and served from\n"
    "--served-at, the tree's HTTP address, from which the installer also takes Xen, the\n"
    "kernel and dom0.img (without it, the answerfile must name a <source type=\"url\">).\n"
    "--upgrade writes the host an answerfile that upgrades the Atoll installed on DISK\n"
    "(sda, nvme0n1, /dev/disk/by-id/...) to the tree's image, keeping its state.\n";

enum { OPT_MAC, OPT_ANSWERFILE, OPT_NAME, OPT_SERVED_AT, OPT_REPORT, OPT_ATEXIT, OPT_UPGRADE,
	OPT_COUNT };

static const char *const opt_names[OPT_COUNT] = {
	"mac", "answerfile", "name", "served-at", "report", "atexit", "upgrade",
};

#define DISK_NAME_MAX	200	/* bytes of --upgrade's disk */
#define DISK_CHARS	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:+@,=-"

/* The command line, as main() read it. */
struct args {
	const char	*dir;
	const char	*mode;		/* set-default's */
	const char	*opt[OPT_COUNT];	/* NULL when not given */
};

/* A file a command writes: data goes to tmp, then is renamed to path. */
struct out {
	char		 path[PATH_MAX];
	char		 tmp[PATH_MAX];
	const char	*data;
	size_t		 len;
};

/* A host's files, by MAC, as list finds them. */
struct found {
	unsigned char	mac[MAC_LEN];
	int		pxelinux, grub;
};

static int	msg(const char *, ...) __attribute__((format(printf, 1, 2)));
static int	usage_error(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
vsay(const char *fmt, va_list ap)
{
	fputs("atoll-pxe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* "atoll-pxe: message" on stderr; returns -1. */
static int
msg(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	return -1;
}

/* The message, if any, then the usage, on stderr; returns 2, the exit status. */
static int
usage_error(const char *fmt, ...)
{
	va_list	ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsay(fmt, ap);
		va_end(ap);
	}
	fputs(usage_text, stderr);
	return 2;
}

/* s as a message quotes it: printable ASCII, '?' for other bytes, a long one cut. */
static const char *
show(char buf[SHOW_MAX + 1], const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i < SHOW_MAX; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0')
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

/* dir/name into out. Returns 0, or -1 with a message. */
static int
join(char out[PATH_MAX], const char *dir, const char *name)
{
	int	n;

	n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX)
		return msg("%s/%s: the path is too long", dir, name);
	return 0;
}

/* ============================== Files ============================== */

/*
 * Takes the tree's lock (LOCK_SH to read, LOCK_EX to change it), so that two runs at once
 * cannot interleave. Returns the descriptor that holds it, or -1 with a message.
 */
static int
lock_tree(const char *dir, int how)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return msg("%s: %s", dir, strerror(errno));
	if (flock(fd, how) == -1) {
		msg("%s: cannot lock: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Whether path exists (as anything: a directory in the way is a conflict too). */
static int
exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

/* Reads fd until its end or size bytes, their count in *len. Returns 0, or -1 with errno. */
static int
read_fd(int fd, char *buf, size_t size, size_t *len)
{
	ssize_t	r;

	for (*len = 0; *len < size; *len += r) {
		if ((r = read(fd, buf + *len, size - *len)) == 0)
			break;
		if (r == -1) {
			if (errno != EINTR)
				return -1;
			r = 0;
		}
	}
	return 0;
}

/* The first size - 1 bytes of path, NUL-terminated, into buf. Returns 0, or -1 with errno. */
static int
read_head(const char *path, char *buf, size_t size, size_t *len)
{
	int	fd, r, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = read_fd(fd, buf, size - 1, len);
	saved = errno;
	close(fd);
	errno = saved;
	if (r == 0)
		buf[*len] = '\0';
	return r;
}

/*
 * Reads the answerfile FILE whole into a malloc'd buffer (the caller frees it), its size in
 * *len. It must be a regular file of 1 to PXE_ANSWERFILE_MAX bytes; its XML is not read.
 * Returns NULL with a message.
 */
static char *
read_answerfile(const char *file, size_t *len)
{
	struct stat	 st;
	char		 shown[SHOW_MAX + 1];
	char		*buf = NULL;
	int		 fd;

	show(shown, file);
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		msg("--answerfile %s: %s (a URL starts with http:// or https://)", shown,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		msg("--answerfile %s: %s", shown, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		msg("--answerfile %s: not a regular file", shown);
		goto fail;
	}
	if (st.st_size > PXE_ANSWERFILE_MAX)
		goto toolarge;
	/* One byte more than allowed, in case it grows while read. */
	if ((buf = malloc(PXE_ANSWERFILE_MAX + 1)) == NULL) {
		msg("out of memory");
		goto fail;
	}
	if (read_fd(fd, buf, PXE_ANSWERFILE_MAX + 1, len) == -1) {
		msg("--answerfile %s: %s", shown, strerror(errno));
		goto fail;
	}
	if (*len > PXE_ANSWERFILE_MAX)
		goto toolarge;
	if (*len == 0) {
		msg("--answerfile %s: the file is empty", shown);
		goto fail;
	}
	close(fd);
	return buf;

toolarge:
	msg("--answerfile %s: larger than %d MiB; an answerfile is a few KiB of XML", shown,
	    PXE_ANSWERFILE_MAX / (1024 * 1024));
fail:
	free(buf);
	close(fd);
	return NULL;
}

/*
 * Writes o's data to o->tmp, on disk before it returns. Returns 0, or -1 with a message and
 * no tmp left behind.
 */
static int
stage(const struct out *o)
{
	int	fd;

	/* No following a link planted in a served directory. */
	if ((fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)) == -1)
		return msg("%s: cannot write: %s", o->tmp, strerror(errno));
	if (write_all(fd, o->data, o->len) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;

fail:
	msg("%s: cannot write: %s", o->tmp, strerror(errno));
	if (fd != -1)
		close(fd);
	unlink(o->tmp);
	return -1;
}

/*
 * Puts the n files of o in place: all are staged first, then renamed in order (so list
 * them in the order a booting machine may use them: the answerfile before the configs that
 * name it). When created is set the files are new, and a failure removes those already in
 * place; else they replace others, and a failure between two renames leaves the first.
 * Returns 0, or -1 with a message.
 */
static int
put(const struct out *o, size_t n, int created)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		if (stage(&o[i]) == -1) {
			for (j = 0; j < i; j++)
				unlink(o[j].tmp);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (rename(o[i].tmp, o[i].path) == -1) {
			msg("%s: cannot rename to %s: %s", o[i].tmp, o[i].path,
			    strerror(errno));
			for (j = 0; created && j < i; j++)
				unlink(o[j].path);
			for (j = 0; !created && j < i; j++)
				msg("%s is written already; run this again once the above is "
				    "fixed", o[j].path);
			for (j = i; j < n; j++)
				unlink(o[j].tmp);
			return -1;
		}
	}
	return 0;
}

/* Sets up o to write len bytes of data to dir/name. Returns 0, or -1 with a message. */
static int
out_init(struct out *o, const char *dir, const char *name, const char *data, size_t len)
{
	int	n;

	if (join(o->path, dir, name) == -1)
		return -1;
	n = snprintf(o->tmp, sizeof(o->tmp), "%s.tmp", o->path);
	if (n < 0 || (size_t)n >= sizeof(o->tmp))
		return msg("%s.tmp: the path is too long", o->path);
	o->data = data;
	o->len = len;
	return 0;
}

/* Makes dir/name unless it is there; *made says whether it was made. 0, or -1 with a message. */
static int
make_dir(const char *dir, const char *name, char path[PATH_MAX], int *made)
{
	*made = 0;
	if (join(path, dir, name) == -1)
		return -1;
	if (mkdir(path, 0755) == 0)
		*made = 1;
	else if (errno != EEXIST)
		return msg("%s: %s", path, strerror(errno));
	return 0;
}

/* ============================== Hosts ============================== */

/* Reads --mac into m, in any of the three forms. Returns 0, or -1 with a message. */
static int
read_mac(const char *arg, unsigned char m[MAC_LEN])
{
	char	shown[SHOW_MAX + 1];

	if (mac_parse(arg, m) == -1)
		return msg("--mac %s: not a MAC address (expected aa:bb:cc:dd:ee:ff, "
		    "aa-bb-cc-dd-ee-ff or aabbccddeeff)", show(shown, arg));
	return 0;
}

/* Likewise, and it must be a machine's address. */
static int
host_mac(const char *arg, unsigned char m[MAC_LEN])
{
	char	mac[MAC_STRLEN];

	if (read_mac(arg, m) == -1)
		return -1;
	mac_format(mac, m, ':');
	if (mac_zero(m))
		return msg("--mac %s is all zeros, which is no machine's address", mac);
	if (mac_multicast(m))
		return msg("--mac %s is a multicast address (its first octet is odd), which "
		    "is no machine's address", mac);
	return 0;
}

/* The host a config at path describes, into h. Returns 0, or -1 when it is not ours. */
static int
read_host(const char *path, struct pxe_host *h)
{
	static char	buf[PXE_CFG_MAX];
	size_t		len;

	if (read_head(path, buf, sizeof(buf), &len) == -1)
		return -1;
	return pxecfg_read_host(buf, len, h);
}

/*
 * The answerfile's URL into h: --answerfile itself when it is one, else the copy's address
 * under --served-at. Returns 0, or -1 with a message.
 */
static int
answer_url(const struct args *a, int is_url, const char *file, struct pxe_host *h)
{
	const char	*base = a->opt[OPT_SERVED_AT];
	char		 err[300];
	size_t		 blen;
	int		 n;

	if (is_url) {
		if (pxecfg_check_url(a->opt[OPT_ANSWERFILE], err, sizeof(err)) == -1)
			return msg("--answerfile: %s", err);
		snprintf(h->answerfile, sizeof(h->answerfile), "%s", a->opt[OPT_ANSWERFILE]);
		return 0;
	}
	if (base == NULL)
		return msg("--answerfile is a file, so --served-at URL is required: the tree's "
		    "HTTP address, from which the installer fetches answers/%s.xml", file);
	if (pxecfg_check_url(base, err, sizeof(err)) == -1)
		return msg("--served-at: %s", err);
	if (strpbrk(base, "?#") != NULL)
		return msg("--served-at: the tree's address may not hold '?' or '#' "
		    "(answers/%s.xml is appended to it)", file);
	for (blen = strlen(base); base[blen - 1] == '/'; blen--)
		;
	n = snprintf(h->answerfile, sizeof(h->answerfile), "%.*s/answers/%s.xml", (int)blen,
	    base, file);
	if (n < 0 || (size_t)n >= sizeof(h->answerfile))
		return msg("--served-at: the answerfile's URL under it would be longer than "
		    "%d bytes", PXE_URL_MAX);
	return 0;
}

/*
 * With --served-at, the installer takes Xen, the kernel and dom0.img from the tree's
 * atoll/ over HTTP (atoll.source=): a machine booted from the network has no Atoll medium.
 * Returns 0, or -1 with a message.
 */
static int
source_url(const struct args *a, struct pxe_host *h)
{
	const char	*base = a->opt[OPT_SERVED_AT];
	char		 err[300];
	size_t		 blen;
	int		 n;

	if (base == NULL)
		return 0;
	if (pxecfg_check_url(base, err, sizeof(err)) == -1)
		return msg("--served-at: %s", err);
	if (strpbrk(base, "?#") != NULL)
		return msg("--served-at: the tree's address may not hold '?' or '#' (paths in "
		    "the tree are appended to it)");
	for (blen = strlen(base); base[blen - 1] == '/'; blen--)
		;
	n = snprintf(h->source, sizeof(h->source), "%.*s/atoll", (int)blen, base);
	if (n < 0 || (size_t)n >= sizeof(h->source))
		return msg("--served-at: longer than %d bytes", PXE_URL_MAX - 6);
	return 0;
}

/* --upgrade DISK's answerfile (XenServer's upgrade form; the boot files come from the
   tree, atoll.source=), into a new buffer; NULL after a message. */
static char *
upgrade_answerfile(const char *disk, size_t *len)
{
	const char	*name = strncmp(disk, "/dev/", 5) == 0 ? disk + 5 : disk;
	char		 shown[SHOW_MAX + 1], *buf;
	int		 n;

	/* sda, nvme0n1, or disk/by-id/NAME: the forms the installer takes, nothing to quote. */
	if (*name == '\0' || strlen(name) > DISK_NAME_MAX ||
	    strspn(name, DISK_CHARS "/") != strlen(name) || strstr(name, "..") != NULL ||
	    (strchr(name, '/') != NULL && strncmp(name, "disk/by-", 8) != 0))
		return msg("--upgrade %s: expected a disk such as sda, nvme0n1 or "
		    "/dev/disk/by-id/NAME", show(shown, disk)), NULL;
	if ((buf = malloc(PXE_ANSWERFILE_MAX)) == NULL)
		return msg("out of memory"), NULL;
	n = snprintf(buf, PXE_ANSWERFILE_MAX, "<?xml version=\"1.0\"?>\n"
	    "<installation mode=\"upgrade\">\n"
	    "  <existing-installation>%s%s</existing-installation>\n"
	    "</installation>\n", name == disk ? "" : "/dev/", name);
	*len = (size_t)n;
	return buf;
}

static int
cmd_add_host(const struct args *a)
{
	static char	 pxelinux[PXE_CFG_MAX], grub[PXE_CFG_MAX];
	struct pxe_host	 h, old;
	struct out	 o[3];
	unsigned char	 m[MAC_LEN];
	char		 file[PXE_FILE_LEN], name[64], err[300], path[PATH_MAX];
	char		 cfgdir[PATH_MAX], ansdir[PATH_MAX];
	char		*answers = NULL;
	size_t		 alen = 0, n = 0, i;
	int		 is_url, lock = -1, made_cfg = 0, made_ans = 0, rc = -1;

	memset(&h, 0, sizeof(h));
	if (host_mac(a->opt[OPT_MAC], m) == -1)
		return -1;
	mac_format(h.mac, m, ':');
	pxecfg_file_name(file, m);
	if (a->opt[OPT_NAME] != NULL) {
		if (pxecfg_check_name(a->opt[OPT_NAME], err, sizeof(err)) == -1)
			return msg("--name: %s", err);
		snprintf(h.name, sizeof(h.name), "%s", a->opt[OPT_NAME]);
	} else
		snprintf(h.name, sizeof(h.name), "%s", h.mac);
	if (a->opt[OPT_REPORT] != NULL) {
		if (pxecfg_check_url(a->opt[OPT_REPORT], err, sizeof(err)) == -1)
			return msg("--report: %s", err);
		snprintf(h.report, sizeof(h.report), "%s", a->opt[OPT_REPORT]);
	}
	snprintf(h.atexit, sizeof(h.atexit), "%s",
	    a->opt[OPT_ATEXIT] != NULL ? a->opt[OPT_ATEXIT] : "reboot");
	if (strcmp(h.atexit, "reboot") != 0 && strcmp(h.atexit, "poweroff") != 0 &&
	    strcmp(h.atexit, "shell") != 0)
		return msg("--atexit: expected reboot, poweroff or shell");
	if ((a->opt[OPT_ANSWERFILE] == NULL) == (a->opt[OPT_UPGRADE] == NULL))
		return msg("add-host: --answerfile or --upgrade is required (one of them)");
	if (a->opt[OPT_UPGRADE] != NULL && a->opt[OPT_SERVED_AT] == NULL)
		return msg("--upgrade needs --served-at URL: the tree's HTTP address, from which "
		    "the host fetches its answerfile and the new image");
	is_url = a->opt[OPT_ANSWERFILE] != NULL &&
	    (strncmp(a->opt[OPT_ANSWERFILE], "http://", 7) == 0 ||
	    strncmp(a->opt[OPT_ANSWERFILE], "https://", 8) == 0);
	if (answer_url(a, is_url, file, &h) == -1 || source_url(a, &h) == -1)
		return -1;
	if (pxecfg_check_host(&h, err, sizeof(err)) == -1)
		return msg("%s", err);
	if (pxecfg_host_pxelinux(pxelinux, sizeof(pxelinux), &h) == -1 ||
	    pxecfg_host_grub(grub, sizeof(grub), &h) == -1)
		return msg("%s: the configs do not fit in %d bytes", h.mac, PXE_CFG_MAX);
	if (a->opt[OPT_UPGRADE] != NULL)
		answers = upgrade_answerfile(a->opt[OPT_UPGRADE], &alen);
	else if (!is_url)
		answers = read_answerfile(a->opt[OPT_ANSWERFILE], &alen);
	if (!is_url && answers == NULL)
		return -1;

	if ((lock = lock_tree(a->dir, LOCK_EX)) == -1)
		goto done;
	/* Either config alone makes it a host (the other may be gone by a hand edit). */
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), i == 0 ? "pxelinux.cfg/%s" : "grub.cfg-%s", file);
		if (join(path, a->dir, name) == -1)
			goto done;
		if (!exists(path))
			continue;
		if (read_host(path, &old) == 0)
			msg("MAC %s is already host %s; remove-host it first", h.mac, old.name);
		else
			msg("MAC %s already has a config (%s); remove-host it first", h.mac,
			    path);
		goto done;
	}

	if (make_dir(a->dir, "pxelinux.cfg", cfgdir, &made_cfg) == -1)
		goto done;
	if (answers != NULL) {
		if (make_dir(a->dir, "answers", ansdir, &made_ans) == -1)
			goto done;
		snprintf(name, sizeof(name), "answers/%s.xml", file);
		if (out_init(&o[n++], a->dir, name, answers, alen) == -1)
			goto done;
	}
	snprintf(name, sizeof(name), "pxelinux.cfg/%s", file);
	if (out_init(&o[n++], a->dir, name, pxelinux, strlen(pxelinux)) == -1)
		goto done;
	snprintf(name, sizeof(name), "grub.cfg-%s", file);
	if (out_init(&o[n++], a->dir, name, grub, strlen(grub)) == -1)
		goto done;
	if (put(o, n, 1) == -1)
		goto done;
	rc = 0;

done:
	if (rc != 0) {
		/* rmdir leaves a directory that is not empty. */
		if (made_ans)
			rmdir(ansdir);
		if (made_cfg)
			rmdir(cfgdir);
	}
	free(answers);
	if (lock != -1)
		close(lock);
	return rc;
}

static int
cmd_remove_host(const struct args *a)
{
	unsigned char	m[MAC_LEN];
	char		file[PXE_FILE_LEN], mac[MAC_STRLEN], name[64];
	char		path[3][PATH_MAX];
	size_t		i;
	int		lock, found = 0, rc = -1;

	if (read_mac(a->opt[OPT_MAC], m) == -1)
		return -1;
	mac_format(mac, m, ':');
	pxecfg_file_name(file, m);
	if ((lock = lock_tree(a->dir, LOCK_EX)) == -1)
		return -1;
	/* The configs first: a booting machine never finds one naming a missing answerfile. */
	snprintf(name, sizeof(name), "pxelinux.cfg/%s", file);
	if (join(path[0], a->dir, name) == -1)
		goto done;
	snprintf(name, sizeof(name), "grub.cfg-%s", file);
	if (join(path[1], a->dir, name) == -1)
		goto done;
	snprintf(name, sizeof(name), "answers/%s.xml", file);
	if (join(path[2], a->dir, name) == -1)
		goto done;
	for (i = 0; i < 2; i++)
		found |= exists(path[i]);
	if (!found) {
		msg("MAC %s is not a host in %s", mac, a->dir);
		goto done;
	}
	for (i = 0; i < nitems(path); i++)
		if (unlink(path[i]) == -1 && errno != ENOENT) {
			msg("%s: %s", path[i], strerror(errno));
			goto done;
		}
	rc = 0;
done:
	close(lock);
	return rc;
}

/* ============================== list ============================== */

static int
found_cmp(const void *x, const void *y)
{
	const struct found	*a = x, *b = y;

	return memcmp(a->mac, b->mac, MAC_LEN);
}

/*
 * Adds to *f (*n entries, *cap allocated) the MAC of each file in dir named prefix and
 * 01-aa-bb-cc-dd-ee-ff (as we name them: other names are not hosts). Returns 0, or -1 with a
 * message; a missing dir has none.
 */
static int
scan(const char *dir, const char *prefix, int is_grub, struct found **f, size_t *n,
    size_t *cap)
{
	struct dirent	*e;
	struct found	*nf;
	unsigned char	 m[MAC_LEN];
	char		 want[PXE_FILE_LEN];
	size_t		 plen = strlen(prefix);
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : msg("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		const char	*s = e->d_name;

		if (strncmp(s, prefix, plen) != 0 || strlen(s + plen) != PXE_FILE_LEN - 1 ||
		    strncmp(s + plen, "01-", 3) != 0 || mac_parse(s + plen + 3, m) == -1 ||
		    strcmp(pxecfg_file_name(want, m), s + plen) != 0)
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			if ((nf = reallocarray(*f, *cap, sizeof(**f))) == NULL) {
				closedir(d);
				return msg("out of memory");
			}
			*f = nf;
		}
		memcpy((*f)[*n].mac, m, MAC_LEN);
		(*f)[*n].pxelinux = !is_grub;
		(*f)[*n].grub = is_grub;
		(*n)++;
	}
	closedir(d);
	return 0;
}

/* Prints "MAC  NAME  URL" for the host f, warning of what is amiss. */
static void
list_host(const char *dir, const struct found *f)
{
	struct pxe_host	h;
	char		file[PXE_FILE_LEN], mac[MAC_STRLEN], name[64], path[PATH_MAX];

	mac_format(mac, f->mac, ':');
	pxecfg_file_name(file, f->mac);
	if (!f->grub)
		msg("warning: %s has no grub.cfg-%s, so UEFI machines boot the default; "
		    "remove-host and add-host it again", mac, file);
	if (!f->pxelinux)
		msg("warning: %s has no pxelinux.cfg/%s, so BIOS machines boot the default; "
		    "remove-host and add-host it again", mac, file);
	snprintf(name, sizeof(name), f->pxelinux ? "pxelinux.cfg/%s" : "grub.cfg-%s", file);
	if (join(path, dir, name) == -1 || read_host(path, &h) == -1 ||
	    strcmp(h.mac, mac) != 0) {
		msg("warning: %s: not written by atoll-pxe (no \"# atoll-pxe host\" line naming "
		    "%s)", path, mac);
		printf("%s  ?  ?\n", mac);
		return;
	}
	printf("%s  %s  %s\n", mac, h.name, h.answerfile);
}

/* Prints "default  MODE": none before set-default, ? when the configs are not ours. */
static void
list_default(const char *dir)
{
	static char	buf[PXE_CFG_MAX];
	static const char *const names[2] = { "pxelinux.cfg/default", "grub.cfg" };
	enum pxe_mode	m[2];
	char		path[2][PATH_MAX];
	size_t		len, i;
	int		state[2];	/* 1 ours, 0 missing, -1 not ours */

	for (i = 0; i < 2; i++) {
		if (join(path[i], dir, names[i]) == -1)
			state[i] = -1;
		else if (read_head(path[i], buf, sizeof(buf), &len) == -1)
			state[i] = errno == ENOENT ? 0 : -1;
		else
			state[i] = pxecfg_read_default(buf, len, &m[i]) == 0 ? 1 : -1;
		if (state[i] == -1)
			msg("warning: %s: not written by atoll-pxe set-default", path[i]);
	}
	if (state[0] == 0 && state[1] == 0) {
		printf("default  none\n");
		return;
	}
	if (state[0] != 1 || state[1] != 1 || m[0] != m[1]) {
		if (state[0] == 1 && state[1] == 1)
			msg("warning: %s says %s and %s says %s; set-default again", path[0],
			    pxecfg_mode_name(m[0]), path[1], pxecfg_mode_name(m[1]));
		else if (state[0] == 0 || state[1] == 0)
			msg("warning: %s is missing; set-default again",
			    state[0] == 0 ? path[0] : path[1]);
		printf("default  ?\n");
		return;
	}
	printf("default  %s\n", pxecfg_mode_name(m[0]));
}

static int
cmd_list(const struct args *a)
{
	struct found	*f = NULL;
	char		 cfgdir[PATH_MAX];
	size_t		 n = 0, cap = 0, i, j;
	int		 lock, rc = -1;

	if ((lock = lock_tree(a->dir, LOCK_SH)) == -1)
		return -1;
	if (join(cfgdir, a->dir, "pxelinux.cfg") == -1 ||
	    scan(cfgdir, "", 0, &f, &n, &cap) == -1 ||
	    scan(a->dir, "grub.cfg-", 1, &f, &n, &cap) == -1)
		goto done;
	/* Sorted by MAC, a host's two files merged into one entry. */
	if (n > 0)
		qsort(f, n, sizeof(*f), found_cmp);
	for (i = 0, j = 0; i < n; i++) {
		if (j > 0 && memcmp(f[j - 1].mac, f[i].mac, MAC_LEN) == 0) {
			f[j - 1].pxelinux |= f[i].pxelinux;
			f[j - 1].grub |= f[i].grub;
		} else
			f[j++] = f[i];
	}
	for (i = 0; i < j; i++)
		list_host(a->dir, &f[i]);
	list_default(a->dir);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		msg("stdout: %s", strerror(errno));
		goto done;
	}
	rc = 0;
done:
	free(f);
	close(lock);
	return rc;
}

/* ============================== set-default ============================== */

static int
cmd_set_default(const struct args *a)
{
	static char	pxelinux[PXE_CFG_MAX], grub[PXE_CFG_MAX];
	struct out	o[2];
	enum pxe_mode	m;
	char		cfgdir[PATH_MAX], shown[SHOW_MAX + 1];
	int		lock, made = 0, rc = -1;

	if (pxecfg_mode(a->mode, &m) == -1)
		return msg("unknown default '%s' (expected live, local or install)",
		    show(shown, a->mode));
	if (pxecfg_default_pxelinux(pxelinux, sizeof(pxelinux), m) == -1 ||
	    pxecfg_default_grub(grub, sizeof(grub), m) == -1)
		return msg("the default configs do not fit in %d bytes", PXE_CFG_MAX);
	if ((lock = lock_tree(a->dir, LOCK_EX)) == -1)
		return -1;
	if (make_dir(a->dir, "pxelinux.cfg", cfgdir, &made) == -1 ||
	    out_init(&o[0], a->dir, "pxelinux.cfg/default", pxelinux, strlen(pxelinux)) == -1 ||
	    out_init(&o[1], a->dir, "grub.cfg", grub, strlen(grub)) == -1 ||
	    put(o, nitems(o), 0) == -1) {
		if (made)
			rmdir(cfgdir);
		goto done;
	}
	rc = 0;
done:
	close(lock);
	return rc;
}

/* ============================== main ============================== */

static const struct command {
	const char	*name;
	int		 mode;		/* takes a mode after DIR */
	unsigned	 allowed;	/* 1 << OPT_*, options it takes */
	unsigned	 required;	/* and must be given */
	int		(*fn)(const struct args *);
} commands[] = {
	{ "add-host", 0, (1 << OPT_COUNT) - 1, 1 << OPT_MAC, cmd_add_host },
	{ "remove-host", 0, 1 << OPT_MAC, 1 << OPT_MAC, cmd_remove_host },
	{ "list", 0, 0, 0, cmd_list },
	{ "set-default", 1, 0, 0, cmd_set_default },
};

int
main(int argc, char *argv[])
{
	const struct command	*c = NULL;
	struct args		 a;
	const char		*arg, *eq, *val;
	char			 shown[SHOW_MAX + 1];
	size_t			 i, len;
	int			 k, dashdash = 0;

	if (argc < 2)
		return usage_error(NULL);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (i = 0; i < nitems(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			c = &commands[i];
	if (c == NULL)
		return usage_error("unknown command '%s'", show(shown, argv[1]));

	memset(&a, 0, sizeof(a));
	for (k = 2; k < argc; k++) {
		arg = argv[k];
		if (!dashdash && strcmp(arg, "--") == 0) {
			dashdash = 1;
			continue;
		}
		if (dashdash || arg[0] != '-' || arg[1] == '\0') {
			if (a.dir == NULL)
				a.dir = arg;
			else if (c->mode && a.mode == NULL)
				a.mode = arg;
			else
				return usage_error("%s: unexpected argument '%s'", c->name,
				    show(shown, arg));
			continue;
		}
		/* --name VALUE or --name=VALUE */
		len = (eq = strchr(arg, '=')) != NULL ? (size_t)(eq - arg) : strlen(arg);
		for (i = 0; i < OPT_COUNT; i++)
			if (arg[0] == '-' && arg[1] == '-' && len == strlen(opt_names[i]) + 2 &&
			    memcmp(arg + 2, opt_names[i], len - 2) == 0)
				break;
		if (i == OPT_COUNT || !(c->allowed & 1U << i))
			return usage_error("%s: unknown option '%.*s'", c->name,
			    (int)(len < SHOW_MAX ? len : SHOW_MAX), show(shown, arg));
		if (eq != NULL)
			val = eq + 1;
		else if (k + 1 < argc)
			val = argv[++k];
		else
			return usage_error("--%s needs a value", opt_names[i]);
		if (a.opt[i] != NULL)
			return usage_error("--%s is given twice", opt_names[i]);
		a.opt[i] = val;
	}
	if (a.dir == NULL)
		return usage_error("%s: DIR, the PXE tree, is missing", c->name);
	if (c->mode && a.mode == NULL)
		return usage_error("%s: the default is missing (live, local or install)", c->name);
	for (i = 0; i < OPT_COUNT; i++)
		if ((c->required & 1U << i) && a.opt[i] == NULL)
			return usage_error("%s: --%s is required", c->name, opt_names[i]);
	return c->fn(&a) == 0 ? 0 : 1;
}
