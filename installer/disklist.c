/*
 * The disks an install could go to (see disklist.h): /sys/block's whole disks with their
 * model and size, less the pseudo-devices and the Atoll medium, and what blkid reports on
 * each (partitions, file systems, labels), in words for the disk screen.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disklist.h"
#include "nitems.h"

#define LINE_MAX_LEN	256	/* of a blkid line we look at */

/* One device's block of blkid -o export output. */
struct found {
	char	dev[64], type[32], label[64], pttype[16];
};

/* s[0..n) into out as printable ASCII, blkid's backslash escapes removed. */
static void
printable(const char *s, size_t n, char *out, size_t len)
{
	size_t	i, o = 0;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		out[o++] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : s[i] == ' ' ? ' ' : '?';
	}
	out[o] = '\0';
}

/* Appends to out (used bytes so far), cut with "..." when full. */
static void
append(char *out, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
append(char *out, size_t len, size_t *used, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *used) {
		*used = len;
		if (len >= 4)
			memcpy(out + len - 4, "...", 4);
		return;
	}
	*used += (size_t)n;
}

/* The partition's name when dev (/dev/vda1, /dev/nvme0n1p2) is one of disk's, else NULL. */
static const char *
partition_of(const char *dev, const char *disk)
{
	const char	*rest;
	size_t		 n = strlen(disk);

	if (strncmp(dev, "/dev/", 5) != 0 || strncmp(dev + 5, disk, n) != 0)
		return NULL;
	rest = dev + 5 + n;
	if (*rest == 'p' && n > 0 && disk[n - 1] >= '0' && disk[n - 1] <= '9')
		rest++;
	if (*rest == '\0' || strspn(rest, "0123456789") != strlen(rest))
		return NULL;
	return dev + 5;
}

void
disklist_contents(const char *blkid, const char *disk, char *out, size_t len)
{
	struct found	 f, whole;
	const char	*p = blkid != NULL ? blkid : "", *eol, *part;
	size_t		 n, used = 0;
	int		 parts = 0, have = 0, end;

	memset(&whole, 0, sizeof(whole));
	memset(&f, 0, sizeof(f));
	out[0] = '\0';
	for (;;) {
		eol = strchr(p, '\n');
		n = eol != NULL ? (size_t)(eol - p) : strlen(p);
		end = n == 0;
		if (!end) {
			have = 1;
			if (n > 8 && strncmp(p, "DEVNAME=", 8) == 0)
				printable(p + 8, n - 8, f.dev, sizeof(f.dev));
			else if (n > 5 && strncmp(p, "TYPE=", 5) == 0)
				printable(p + 5, n - 5, f.type, sizeof(f.type));
			else if (n > 6 && strncmp(p, "LABEL=", 6) == 0)
				printable(p + 6, n - 6, f.label, sizeof(f.label));
			else if (n > 7 && strncmp(p, "PTTYPE=", 7) == 0)
				printable(p + 7, n - 7, f.pttype, sizeof(f.pttype));
		}
		/* A blank line or the end closes a device's block. */
		if ((end || eol == NULL) && have) {
			if (strncmp(f.dev, "/dev/", 5) == 0 && strcmp(f.dev + 5, disk) == 0) {
				whole = f;
			} else if ((part = partition_of(f.dev, disk)) != NULL) {
				append(out, len, &used, "%s%s", parts++ ? ", " : "", part);
				if (f.type[0] != '\0')
					append(out, len, &used, " %s%s%s", f.type,
					    f.label[0] ? " " : "", f.label);
				else
					append(out, len, &used, " (no file system)");
			}
			memset(&f, 0, sizeof(f));
			have = 0;
		}
		if (eol == NULL)
			break;
		p = eol + 1;
	}
	if (parts > 0)
		return;
	if (whole.type[0] != '\0')
		snprintf(out, len, "%s%s%s (no partitions)", whole.type, whole.label[0] ? " " : "",
		    whole.label);
	else if (whole.pttype[0] != '\0')
		snprintf(out, len, "a %s partition table, no partitions", whole.pttype);
	else
		snprintf(out, len, "empty");
}

int
disklist_is_medium(const char *dev)
{
	char	head[2048];
	int	fd, is;

	if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/* The volume descriptor at 32 KiB: "CD001", and the volume label at offset 40. */
	is = pread(fd, head, sizeof(head), 32768) == (ssize_t)sizeof(head) &&
	    memcmp(head + 1, "CD001", 5) == 0 && memcmp(head + 40, "ATOLL", 5) == 0;
	close(fd);
	return is;
}

/* The first line of a sysfs file, trailing blanks removed; "" when there is none. */
static void
sysfs_line(const char *path, char *out, size_t len)
{
	FILE	*f;
	size_t	 n;

	out[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fgets(out, (int)len, f) == NULL)
		out[0] = '\0';
	fclose(f);
	for (n = strlen(out); n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '); n--)
		out[n - 1] = '\0';
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct disk_entry *)a)->name,
	    ((const struct disk_entry *)b)->name);
}

int
disklist_read(struct disk_entry *d, int max, const char *blkid)
{
	static const char	*skip[] = { "loop", "ram", "sr", "zram" };
	DIR			*dir;
	struct dirent		*e;
	char			 path[320], line[64];
	struct disk_entry	*x;
	size_t			 i;
	int			 n = 0;

	if ((dir = opendir("/sys/block")) == NULL)
		return 0;
	while (n < max && (e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(d->name))
			continue;
		for (i = 0; i < nitems(skip); i++)
			if (strncmp(e->d_name, skip[i], strlen(skip[i])) == 0)
				break;
		if (i < nitems(skip))
			continue;
		x = &d[n];
		memset(x, 0, sizeof(*x));
		memcpy(x->name, e->d_name, strlen(e->d_name) + 1);
		/* sysfs counts 512-byte units, whatever the sector size. */
		snprintf(path, sizeof(path), "/sys/block/%s/size", x->name);
		sysfs_line(path, line, sizeof(line));
		x->bytes = strtoull(line, NULL, 10) * 512;
		snprintf(path, sizeof(path), "/dev/%s", x->name);
		if (x->bytes == 0 || disklist_is_medium(path))
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/device/model", x->name);
		sysfs_line(path, line, sizeof(line));
		printable(line, strlen(line), x->model, sizeof(x->model));
		if (x->model[0] == '\0' && strncmp(x->name, "vd", 2) == 0)
			snprintf(x->model, sizeof(x->model), "VirtIO disk");
		else if (x->model[0] == '\0' && strncmp(x->name, "xvd", 3) == 0)
			snprintf(x->model, sizeof(x->model), "Xen virtual disk");
		if (blkid != NULL)
			disklist_contents(blkid, x->name, x->contents, sizeof(x->contents));
		n++;
	}
	closedir(dir);
	if (n > 0)
		qsort(d, (size_t)n, sizeof(*d), by_name);
	return n;
}
