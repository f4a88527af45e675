/*
 * The interactive install (atoll.install): dialog screens, XenServer's order, fill the
 * answers an answerfile would hold, then install_disk runs under a gauge. Each screen
 * goes forward, back one screen (Cancel, Esc) or to the first (No on the summary); values
 * are checked as the answerfile's are (validate.h) and asked again when bad.
 */
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answerfile.h"
#include "dialog.h"
#include "disklist.h"
#include "exec.h"
#include "inet.h"
#include "install.h"
#include "interactive.h"
#include "nitems.h"
#include "plan.h"
#include "report.h"
#include "validate.h"
#include "zonename.h"

#ifndef ZONE_DIR
#define ZONE_DIR	"/usr/share/zoneinfo"
#endif
#define ZONE_TAB	ZONE_DIR "/zone1970.tab"
#ifndef KEYMAP_DIR
#define KEYMAP_DIR	"/usr/share/keymaps/i386"
#endif
#define MIN_PASSWORD	6	/* XenServer's installer asks for as many */
#define REGIONS_MAX	32
#define ANSWER_MAX	4096

/* What a screen does next. */
enum { NEXT, BACK, START, FAIL };

struct zone {
	char	name[64];	/* "Europe/Paris" */
	char	about[96];	/* "FR,MC", and zone1970.tab's comment */
};

struct keymap {
	char	name[32];	/* "de-latin1" */
	char	layout[16];	/* "qwertz" */
};

/* The screens' state: the answers so far and what the menus offer. */
struct ctx {
	struct install_ctx	*x;		/* the run's report and options */
	struct answers		 a;
	struct disk_entry	 disks[DISKS_MAX];
	char			 items[DISKS_MAX][340];	/* the disk menu's lines */
	int			 ndisks;
	int			 disk;		/* the chosen one, -1 before */
	int			 is_static;
	char			 ip[64], mask[64], gw[64], dns[128];	/* the form's */
	struct zone		*zones;
	int			 nzones;
	char			 regions[REGIONS_MAX][16];
	char			 region_about[REGIONS_MAX][24];	/* "38 zones" */
	int			 nregions;
	struct keymap		*keymaps;
	int			 nkeymaps;
	char			 answer[ANSWER_MAX];
	char			 text[4096];	/* a screen's message */
	char			 why[512];	/* what went wrong, with FAIL */
};

/* A message box; its answer does not matter. Returns 0, or -1 when dialog failed. */
static int
message(struct ctx *c, const char *title, const char *text)
{
	struct dialog	d;
	char		rows[8];

	dialog_rows(text, 64, 4, rows, sizeof(rows));
	dialog_new(&d, title);
	dialog_add(&d, "--msgbox", text, rows, "64", NULL);
	return dialog_run(&d, c->answer, sizeof(c->answer)) == -1 ? -1 : 0;
}

static int
dialog_failed(struct ctx *c)
{
	snprintf(c->why, sizeof(c->why), "the installer's screens cannot be shown on this "
	    "console (dialog failed; see the log)");
	return FAIL;
}

/* ============================== Disk ============================== */

static int
screen_disk(struct ctx *c)
{
	struct dialog	 d;
	struct buf	 blkid;
	int		 i, r;

	for (;;) {
		buf_init(&blkid, 256 * 1024);
		(void)exec_run((const char *const[]){ "blkid", "-c", "/dev/null", "-o", "export",
		    NULL }, &blkid, c->x->report.log);
		c->ndisks = disklist_read(c->disks, DISKS_MAX, blkid.p != NULL ? blkid.p : "");
		buf_free(&blkid);
		if (c->ndisks == 0) {
			snprintf(c->why, sizeof(c->why), "this machine has no disk to install "
			    "to");
			if (message(c, "No disk", "This machine has no disk Atoll could be "
			    "installed on (the installation medium aside).") == -1)
				return dialog_failed(c);
			return FAIL;
		}
		dialog_new(&d, "Welcome to Atoll");
		dialog_add(&d, "--cancel-label", "Quit", NULL);
		if (c->disk >= 0)
			dialog_add(&d, "--default-item", c->a.primary_disk, NULL);
		dialog_add(&d, "--menu", "This installs Atoll, a Xen host, on a disk of this "
		    "machine.\nChoose the disk. Everything on it will be erased.", "0", "76",
		    "0", NULL);
		for (i = 0; i < c->ndisks; i++) {
			snprintf(c->items[i], sizeof(c->items[i]), "%6.1f GiB  %s%s%s",
			    (double)c->disks[i].bytes / (1 << 30), c->disks[i].model,
			    c->disks[i].model[0] ? "  " : "", c->disks[i].contents);
			dialog_add(&d, c->disks[i].name, c->items[i], NULL);
		}
		if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
			return dialog_failed(c);
		if (r != DIALOG_OK)
			return BACK;
		for (i = 0; i < c->ndisks && strcmp(c->disks[i].name, c->answer) != 0; i++)
			;
		if (i == c->ndisks)
			return dialog_failed(c);
		if (c->disks[i].bytes < PLAN_MIN_BYTES) {
			snprintf(c->text, sizeof(c->text), "%s has %.1f GiB: Atoll needs a disk "
			    "of at least %llu GiB. Choose another disk.", c->disks[i].name,
			    (double)c->disks[i].bytes / (1 << 30), PLAN_MIN_BYTES >> 30);
			if (message(c, "Disk too small", c->text) == -1)
				return dialog_failed(c);
			continue;
		}
		c->disk = i;
		snprintf(c->a.primary_disk, sizeof(c->a.primary_disk), "%s", c->disks[i].name);
		return NEXT;
	}
}

static int
screen_confirm(struct ctx *c)
{
	struct disk_entry	*x = &c->disks[c->disk];
	struct dialog		 d;
	char			 rows[8];
	int			 r;

	snprintf(c->text, sizeof(c->text), "Everything on %s (%.1f GiB%s%s) will be "
	    "erased.\n\nOn it now: %s\n\nErase %s and install Atoll on it?", x->name,
	    (double)x->bytes / (1 << 30), x->model[0] ? ", " : "", x->model, x->contents,
	    x->name);
	dialog_rows(c->text, 70, 4, rows, sizeof(rows));
	dialog_new(&d, "Erase the disk?");
	dialog_add(&d, "--defaultno", "--yes-label", "Erase", "--no-label", "Back", "--yesno",
	    c->text, rows, "70", NULL);
	if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
		return dialog_failed(c);
	return r == DIALOG_OK ? NEXT : BACK;
}

/* ============================== Host name, network ============================== */

static int
screen_hostname(struct ctx *c)
{
	struct dialog	 d;
	const char	*why;
	int		 r;

	for (;;) {
		dialog_new(&d, "Host name");
		dialog_add(&d, "--cancel-label", "Back", "--inputbox", "The host's name (such "
		    "as xen1 or xen1.example.com): letters, digits and '-', with dots between "
		    "its parts.", "10", "70", c->a.hostname, NULL);
		if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
			return dialog_failed(c);
		if (r != DIALOG_OK)
			return BACK;
		if ((why = inet_hostname_invalid(c->answer)) == NULL) {
			memcpy(c->a.hostname, c->answer, strlen(c->answer) + 1);
			return NEXT;
		}
		snprintf(c->text, sizeof(c->text), "\"%.80s\" is not a host name (%s).\n\n"
		    "Use letters, digits and '-' (not first or last in a part), parts of at most "
		    "%d characters joined by dots, %d characters in all.", c->answer, why,
		    INET_LABEL_MAX, INET_HOSTNAME_MAX);
		if (message(c, "Host name", c->text) == -1)
			return dialog_failed(c);
	}
}

/* Checks the static form's answer (ip, netmask, gateway, DNS servers, a line each) into
   c->a, or says what is wrong in c->text. Returns 0 or -1. */
static int
static_values(struct ctx *c)
{
	char		*line[4], *p, *w, *save = NULL;
	int		 i;
	size_t		 used = 0;

	p = c->answer;
	for (i = 0; i < 4; i++) {
		line[i] = p;
		if (p != NULL && (p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	for (i = 0; i < 4; i++)
		if (line[i] == NULL)
			line[i] = (char *)(uintptr_t)"";
	snprintf(c->ip, sizeof(c->ip), "%s", line[0]);
	snprintf(c->mask, sizeof(c->mask), "%s", line[1]);
	snprintf(c->gw, sizeof(c->gw), "%s", line[2]);
	snprintf(c->dns, sizeof(c->dns), "%s", line[3]);
	c->text[0] = '\0';
	if (!inet_is_ipv4(c->ip))
		used += snprintf(c->text + used, sizeof(c->text) - used, "The IP address \"%s\" "
		    "is not an IPv4 address (such as 192.0.2.10).\n", c->ip);
	if (!inet_is_netmask(c->mask))
		used += snprintf(c->text + used, sizeof(c->text) - used, "The netmask \"%s\" is "
		    "not a netmask (such as 255.255.255.0).\n", c->mask);
	if (!inet_is_ipv4(c->gw))
		used += snprintf(c->text + used, sizeof(c->text) - used, "The gateway \"%s\" is "
		    "not an IPv4 address (such as 192.0.2.1).\n", c->gw);
	c->a.ndns = 0;
	for (w = strtok_r(line[3], " ,", &save); w != NULL; w = strtok_r(NULL, " ,", &save)) {
		if (!inet_is_ipv4(w))
			used += snprintf(c->text + used, sizeof(c->text) - used, "The DNS server "
			    "\"%s\" is not an IPv4 address (such as 192.0.2.53).\n", w);
		else if (c->a.ndns == AF_MAX_DNS)
			used += snprintf(c->text + used, sizeof(c->text) - used, "At most %d DNS "
			    "servers, please.\n", AF_MAX_DNS);
		else
			snprintf(c->a.dns[c->a.ndns++], sizeof(c->a.dns[0]), "%.15s", w);
		if (used >= sizeof(c->text))
			break;
	}
	if (c->text[0] != '\0') {
		c->a.ndns = 0;
		return -1;
	}
	/* Checked: dotted quads fit. */
	snprintf(c->a.ipaddr, sizeof(c->a.ipaddr), "%.15s", c->ip);
	snprintf(c->a.subnet, sizeof(c->a.subnet), "%.15s", c->mask);
	snprintf(c->a.gateway, sizeof(c->a.gateway), "%.15s", c->gw);
	return 0;
}

/* The static address form. Returns NEXT, BACK (to the network menu) or FAIL. */
static int
screen_static(struct ctx *c)
{
	struct dialog	d;
	int		r;

	for (;;) {
		dialog_new(&d, "Static address");
		dialog_add(&d, "--cancel-label", "Back", "--form", "The management network's "
		    "IPv4 settings. DNS servers: up to three, separated by spaces (or none).",
		    "13", "70", "4",
		    "IP address:", "1", "2", c->ip, "1", "16", "16", "15",
		    "Netmask:", "2", "2", c->mask, "2", "16", "16", "15",
		    "Gateway:", "3", "2", c->gw, "3", "16", "16", "15",
		    "DNS servers:", "4", "2", c->dns, "4", "16", "48", "47", NULL);
		if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
			return dialog_failed(c);
		if (r != DIALOG_OK)
			return BACK;
		if (static_values(c) == 0)
			return NEXT;
		if (message(c, "Static address", c->text) == -1)
			return dialog_failed(c);
	}
}

static int
screen_network(struct ctx *c)
{
	struct dialog	d;
	int		r;

	for (;;) {
		dialog_new(&d, "Network");
		dialog_add(&d, "--cancel-label", "Back", "--default-item",
		    c->is_static ? "static" : "dhcp", "--menu", "How the host's management "
		    "network (the first network card with a link) gets its IPv4 address:", "12",
		    "70", "2", "dhcp", "Automatically (DHCP)", "static",
		    "A static address, netmask, gateway and DNS servers", NULL);
		if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
			return dialog_failed(c);
		if (r != DIALOG_OK)
			return BACK;
		c->is_static = strcmp(c->answer, "static") == 0;
		memset(c->a.ipaddr, 0, sizeof(c->a.ipaddr));
		memset(c->a.subnet, 0, sizeof(c->a.subnet));
		memset(c->a.gateway, 0, sizeof(c->a.gateway));
		c->a.ndns = 0;
		if (!c->is_static) {
			memcpy(c->a.proto, "dhcp", 5);
			return NEXT;
		}
		memcpy(c->a.proto, "static", 7);
		if ((r = screen_static(c)) != BACK)
			return r;
	}
}

/* ============================== Password ============================== */

/* One password box; the answer in c->answer. Returns DIALOG_OK..., or -1. */
static int
ask_password(struct ctx *c, const char *text)
{
	struct dialog	d;

	dialog_new(&d, "Root password");
	d.secret = 1;
	dialog_add(&d, "--cancel-label", "Back", "--insecure", "--passwordbox", text, "10",
	    "70", NULL);
	return dialog_run(&d, c->answer, sizeof(c->answer));
}

static int
screen_password(struct ctx *c)
{
	char		 first[sizeof(c->a.password)];
	const char	*why;
	int		 r;

	for (;;) {
		r = ask_password(c, "The password of root, for the console and the XenAPI "
		    "(at least 6 characters):");
		if (r == -1)
			return dialog_failed(c);
		if (r != DIALOG_OK)
			return BACK;
		why = validate_password(c->answer);
		if (why == NULL && strlen(c->answer) < MIN_PASSWORD)
			why = "the password is shorter than 6 characters";
		if (why == NULL && strlen(c->answer) >= sizeof(first))
			why = "the password is longer than 255 bytes";
		if (why != NULL) {
			snprintf(c->text, sizeof(c->text), "%c%s. Choose another.",
			    toupper((unsigned char)why[0]), why + 1);
			explicit_bzero(c->answer, sizeof(c->answer));
			if (message(c, "Root password", c->text) == -1)
				return dialog_failed(c);
			continue;
		}
		memcpy(first, c->answer, strlen(c->answer) + 1);
		r = ask_password(c, "The same password again:");
		if (r == -1) {
			explicit_bzero(first, sizeof(first));
			return dialog_failed(c);
		}
		if (r == DIALOG_OK && strcmp(first, c->answer) == 0) {
			memcpy(c->a.password, first, strlen(first) + 1);
			c->a.password_is_hash = 0;
			explicit_bzero(first, sizeof(first));
			explicit_bzero(c->answer, sizeof(c->answer));
			return NEXT;
		}
		explicit_bzero(first, sizeof(first));
		explicit_bzero(c->answer, sizeof(c->answer));
		if (r == DIALOG_OK && message(c, "Root password", "The two passwords are not "
		    "the same. Type them again.") == -1)
			return dialog_failed(c);
	}
}

/* ============================== Time zone, keymap ============================== */

static int
zone_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zone *)a)->name, ((const struct zone *)b)->name);
}

static int
region_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* zone1970.tab's zones (codes, coordinates, TZ, comment; tab-separated), in name order,
   and their regions. Without it only UTC is offered. */
static void
load_zones(struct ctx *c)
{
	char		 line[512], path[200], *f[4], *p, *save = NULL;
	struct zone	*z;
	size_t		 n;
	FILE		*in;
	int		 i, j, cap = 0;

	if ((in = fopen(ZONE_TAB, "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), in) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		f[0] = strtok_r(line, "\t", &save);
		for (i = 1; i < 4; i++)
			f[i] = strtok_r(NULL, "\t", &save);
		if (f[2] == NULL || strlen(f[2]) >= sizeof(z->name) || !zone_name_ok(f[2]) ||
		    (p = strchr(f[2], '/')) == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/%s", ZONE_DIR, f[2]);
		if (access(path, R_OK) == -1)
			continue;
		if (c->nzones == cap) {
			cap = cap * 2 + 64;
			if ((z = realloc(c->zones, (size_t)cap * sizeof(*z))) == NULL)
				break;
			c->zones = z;
		}
		z = &c->zones[c->nzones++];
		snprintf(z->name, sizeof(z->name), "%s", f[2]);
		snprintf(z->about, sizeof(z->about), "%s%s%s", f[0], f[3] ? "  " : "",
		    f[3] ? f[3] : "");
		/* The region: the name up to its first '/'. */
		n = (size_t)(p - f[2]);
		for (i = 0; i < c->nregions; i++)
			if (strlen(c->regions[i]) == n && strncmp(c->regions[i], f[2], n) == 0)
				break;
		if (i == c->nregions && c->nregions < REGIONS_MAX && n < sizeof(c->regions[0]))
			snprintf(c->regions[c->nregions++], sizeof(c->regions[0]), "%.*s", (int)n,
			    f[2]);
	}
	fclose(in);
	if (c->nzones > 0)
		qsort(c->zones, (size_t)c->nzones, sizeof(*c->zones), zone_cmp);
	if (c->nregions > 0)
		qsort(c->regions, (size_t)c->nregions, sizeof(c->regions[0]), region_cmp);
	for (i = 0; i < c->nregions; i++) {
		n = strlen(c->regions[i]);
		for (cap = 0, j = 0; j < c->nzones; j++)
			cap += strncmp(c->zones[j].name, c->regions[i], n) == 0 &&
			    c->zones[j].name[n] == '/';
		snprintf(c->region_about[i], sizeof(c->region_about[i]), "%d zones", cap);
	}
}

/* The zones of region; BACK returns to the regions. */
static int
screen_zone(struct ctx *c, const char *region)
{
	struct dialog	 d;
	size_t		 n = strlen(region);
	const char	*cur = "";
	char		 title[64];
	int		 i, r;

	if (strncmp(c->a.timezone, region, n) == 0 && c->a.timezone[n] == '/')
		cur = c->a.timezone + n + 1;
	snprintf(title, sizeof(title), "Time zone: %s", region);
	dialog_new(&d, title);
	dialog_add(&d, "--cancel-label", "Back", NULL);
	if (cur[0] != '\0')
		dialog_add(&d, "--default-item", cur, NULL);
	dialog_add(&d, "--menu", "The host's time zone:", "0", "76", "0", NULL);
	for (i = 0; i < c->nzones; i++)
		if (strncmp(c->zones[i].name, region, n) == 0 && c->zones[i].name[n] == '/')
			dialog_add(&d, c->zones[i].name + n + 1, c->zones[i].about, NULL);
	if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
		return dialog_failed(c);
	if (r != DIALOG_OK)
		return BACK;
	if (n + 1 + strlen(c->answer) >= sizeof(c->a.timezone))
		return dialog_failed(c);
	memcpy(c->text, region, n);
	c->text[n] = '/';
	memcpy(c->text + n + 1, c->answer, strlen(c->answer) + 1);
	if (!zone_name_ok(c->text))
		return dialog_failed(c);
	memcpy(c->a.timezone, c->text, strlen(c->text) + 1);
	return NEXT;
}

static int
screen_timezone(struct ctx *c)
{
	struct dialog	d;
	char		cur[16], region[16];
	int		i, r;

	for (;;) {
		snprintf(cur, sizeof(cur), "%.*s", (int)strcspn(c->a.timezone, "/"),
		    c->a.timezone);
		dialog_new(&d, "Time zone");
		dialog_add(&d, "--cancel-label", "Back", "--default-item", cur, "--menu",
		    "The host's time zone: UTC, or choose a region, then a city.", "0", "76",
		    "0", "UTC", "Coordinated Universal Time", NULL);
		for (i = 0; i < c->nregions; i++)
			dialog_add(&d, c->regions[i], c->region_about[i], NULL);
		if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
			return dialog_failed(c);
		if (r != DIALOG_OK)
			return BACK;
		if (strcmp(c->answer, "UTC") == 0) {
			memcpy(c->a.timezone, "UTC", 4);
			return NEXT;
		}
		if (strlen(c->answer) >= sizeof(region))
			return dialog_failed(c);
		memcpy(region, c->answer, strlen(c->answer) + 1);
		if ((r = screen_zone(c, region)) != BACK)
			return r;
	}
}

static int
keymap_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keymap *)a)->name, ((const struct keymap *)b)->name);
}

/* The console keymaps: KEYMAP_DIR/<layout>/<name>.kmap.gz, in name order, each once. */
static void
load_keymaps(struct ctx *c)
{
	DIR		*top, *sub;
	struct dirent	*l, *e;
	struct keymap	*k;
	char		 path[300];
	size_t		 n;
	int		 cap = 0, i, j;

	if ((top = opendir(KEYMAP_DIR)) == NULL)
		return;
	while ((l = readdir(top)) != NULL) {
		if (l->d_name[0] == '.' || strcmp(l->d_name, "include") == 0 ||
		    strlen(l->d_name) >= sizeof(k->layout))
			continue;
		snprintf(path, sizeof(path), "%s/%s", KEYMAP_DIR, l->d_name);
		if ((sub = opendir(path)) == NULL)
			continue;
		while ((e = readdir(sub)) != NULL) {
			n = strlen(e->d_name);
			if (n <= 8 || strcmp(e->d_name + n - 8, ".kmap.gz") != 0 ||
			    n - 8 >= sizeof(k->name))
				continue;
			if (c->nkeymaps == cap) {
				cap = cap * 2 + 64;
				if ((k = realloc(c->keymaps, (size_t)cap * sizeof(*k))) == NULL)
					break;
				c->keymaps = k;
			}
			k = &c->keymaps[c->nkeymaps];
			memcpy(k->name, e->d_name, n - 8);
			k->name[n - 8] = '\0';
			memcpy(k->layout, l->d_name, strlen(l->d_name) + 1);
			if (validate_keymap(k->name))
				c->nkeymaps++;
		}
		closedir(sub);
	}
	closedir(top);
	if (c->nkeymaps == 0)
		return;
	qsort(c->keymaps, (size_t)c->nkeymaps, sizeof(*c->keymaps), keymap_cmp);
	for (i = 1, j = 1; i < c->nkeymaps; i++)
		if (strcmp(c->keymaps[i].name, c->keymaps[j - 1].name) != 0)
			c->keymaps[j++] = c->keymaps[i];
	c->nkeymaps = j;
}

static int
screen_keymap(struct ctx *c)
{
	struct dialog	d;
	int		i, r;

	dialog_new(&d, "Keymap");
	dialog_add(&d, "--cancel-label", "Back", "--default-item", c->a.keymap, "--menu",
	    "The keyboard layout of the host's console:", "0", "76", "0", NULL);
	for (i = 0; i < c->nkeymaps; i++)
		dialog_add(&d, c->keymaps[i].name, c->keymaps[i].layout, NULL);
	if (c->nkeymaps == 0)
		dialog_add(&d, "us", "qwerty", NULL);
	if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
		return dialog_failed(c);
	if (r != DIALOG_OK)
		return BACK;
	if (strlen(c->answer) >= sizeof(c->a.keymap) || !validate_keymap(c->answer))
		return dialog_failed(c);
	memcpy(c->a.keymap, c->answer, strlen(c->answer) + 1);
	return NEXT;
}

/* ============================== Summary ============================== */

/* The network as the summary and the log say it; the DNS servers after dns (", DNS ",
   or "\n  DNS:        " for the summary). */
static void
network_words(const struct answers *a, const char *dns, char *out, size_t len)
{
	size_t	used;
	int	i;

	if (strcmp(a->proto, "static") != 0) {
		snprintf(out, len, "DHCP");
		return;
	}
	used = (size_t)snprintf(out, len, "static %s/%s, gateway %s", a->ipaddr, a->subnet,
	    a->gateway);
	for (i = 0; i < a->ndns && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " " : dns,
		    a->dns[i]);
}

static int
screen_summary(struct ctx *c)
{
	struct disk_entry	*x = &c->disks[c->disk];
	struct dialog		 d;
	char			 net[200], rows[8];
	int			 r;

	network_words(&c->a, "\n  DNS:        ", net, sizeof(net));
	snprintf(c->text, sizeof(c->text), "Atoll is about to be installed:\n\n"
	    "  Disk:       %s, %.1f GiB%s%s (ERASED)\n"
	    "  Host name:  %s\n"
	    "  Network:    %s\n"
	    "  Time zone:  %s\n"
	    "  Keymap:     %s\n\n"
	    "Install, or start over?", x->name, (double)x->bytes / (1 << 30),
	    x->model[0] ? ", " : "", x->model, c->a.hostname, net, c->a.timezone, c->a.keymap);
	dialog_rows(c->text, 76, 4, rows, sizeof(rows));
	dialog_new(&d, "Summary");
	dialog_add(&d, "--no-collapse", "--yes-label", "Install", "--no-label", "Start over",
	    "--yesno", c->text, rows, "76", NULL);
	if ((r = dialog_run(&d, c->answer, sizeof(c->answer))) == -1)
		return dialog_failed(c);
	return r == DIALOG_OK ? NEXT : r == DIALOG_CANCEL ? START : BACK;
}

/* ============================== The install ============================== */

static int	(*const screens[])(struct ctx *) = {
	screen_disk, screen_confirm, screen_hostname, screen_network, screen_password,
	screen_timezone, screen_keymap, screen_summary,
};

#define NSCREENS	((int)(nitems(screens)))

/* Whether the user wants to leave (Cancel on the first screen). */
static int
quit(struct ctx *c)
{
	struct dialog	d;

	dialog_new(&d, "Quit");
	dialog_add(&d, "--defaultno", "--yesno", "Quit the installer? Nothing has been "
	    "written to any disk.", "7", "60", NULL);
	return dialog_run(&d, c->answer, sizeof(c->answer));
}

/* Runs install_disk under the gauge, then says how it went. Returns 0 or -1. */
static int
install(struct ctx *c)
{
	struct report	*r = &c->x->report;
	const char	*after = c->x->options->atexit;
	char		 tail[3072], net[200], dev[300];
	int		 rc;

	network_words(&c->a, ", DNS ", net, sizeof(net));
	report_log_line(r, "atoll-install: interactive install on %s: host name %s, network "
	    "%s, time zone %s, keymap %s", c->a.primary_disk, c->a.hostname, net,
	    c->a.timezone, c->a.keymap);
	snprintf(dev, sizeof(dev), "/dev/%s", c->a.primary_disk);
	snprintf(c->text, sizeof(c->text), "Installing Atoll on %s", dev);
	report_steps(r, INSTALL_STEPS);
	if (dialog_gauge_start("Installing", c->text) == 0)
		report_gauge(r, dialog_gauge);
	rc = install_disk(c->x, &c->a);
	dialog_gauge_stop();
	report_gauge(r, NULL);
	if (rc == 0) {
		snprintf(c->text, sizeof(c->text), "Atoll is installed on %s.\n\nRemove the "
		    "installation medium (CD or USB stick), then press Enter %s.", dev,
		    strcmp(after, "poweroff") == 0 ? "to power the machine off" :
		    strcmp(after, "shell") == 0 ? "to get a console login" :
		    "to reboot into Atoll");
		(void)message(c, "Done", c->text);
		return 0;
	}
	report_tail(r, 12, tail, sizeof(tail));
	snprintf(c->text, sizeof(c->text), "The installation failed. The log's last lines:\n\n"
	    "%.3072s\nThe whole log is %s; the machine waits.", tail, LOG_PATH);
	(void)message(c, "Installation failed", c->text);
	return -1;
}

int
interactive_install(struct install_ctx *x)
{
	struct report	*r = &x->report;
	struct ctx	*c;
	char		 err[512];
	int		 i = 0, next, rc;

	signal(SIGPIPE, SIG_IGN);
	dialog_setup("atoll-install", "Atoll installer", r->log);
	if (dialog_console(err, sizeof(err)) == -1)
		return report_fail(r, "%s", err);
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return report_fail(r, "out of memory");
	c->x = x;
	c->disk = -1;
	/* The answerfile parser's defaults. */
	memcpy(c->a.mode, "fresh", 6);
	memcpy(c->a.hostname, "atoll", 6);
	memcpy(c->a.proto, "dhcp", 5);
	memcpy(c->a.timezone, "UTC", 4);
	memcpy(c->a.keymap, "us", 3);
	memcpy(c->a.source_type, "local", 6);
	load_zones(c);
	load_keymaps(c);
	report_log_line(r, "atoll-install: interactive install: %d time zones, %d keymaps",
	    c->nzones, c->nkeymaps);
	while (i < NSCREENS) {
		switch ((next = screens[i](c))) {
		case NEXT:
			i++;
			break;
		case START:
			i = 0;
			break;
		case BACK:
			if (i > 0) {
				i--;
				break;
			}
			if ((next = quit(c)) == -1) {
				(void)dialog_failed(c);
				rc = report_fail(r, "%s", c->why);
				goto done;
			}
			if (next == DIALOG_OK) {
				rc = report_fail(r, "the install was cancelled");
				goto done;
			}
			break;
		default:
			rc = report_fail(r, "%s", c->why);
			goto done;
		}
	}
	rc = install(c);
done:
	explicit_bzero(&c->a, sizeof(c->a));
	free(c->zones);
	free(c->keymaps);
	free(c);
	return rc;
}
