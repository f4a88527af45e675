/*
 * The boot configs of a PXE tree, rendered as text: each host's unattended install for
 * pxelinux (BIOS) and GRUB (UEFI), and the tree's defaults for machines without their own.
 * Their entries are here, as data lib/bootmenu.c renders. Values are checked before they are
 * written into a config, since URLs end up in GRUB scripts and kernel command lines. Xen's
 * and dom0's options are the ISO's (config.mk's XEN_CMDLINE and DOM0_CMDLINE, compiled in).
 * Nothing is allocated.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bootargs.h"
#include "bootmenu.h"
#include "mac.h"
#include "nitems.h"
#include "pxecfg.h"

/* First lines, read back by list: "# atoll-pxe host NAME MAC URL", "# atoll-pxe default MODE". */
#define HOST_TAG	"atoll-pxe host "
#define DEFAULT_TAG	"atoll-pxe default "

/*
 * Xen on serial and screen, the serial line dom0's /dev/console: the unattended installer's
 * lines go to the serial console. The paths are pxelinux's directory's (the tree's root).
 */
#define ENTRY(name, title_, extra)	{ .id = name, .title = title_, .prefix = "atoll", \
	.xen_console = BOOT_SCREEN, .dom0_console = BOOT_SERIAL, .dom0_extra = { extra } }

/* What a tree boots by default, by mode; each entry's id is the mode's name. */
static const struct boot_entry modes[] = {
	[PXE_LOCAL] = { .id = "local", .title = "Boot from the local disk", .local = 1 },
	[PXE_LIVE] = ENTRY("live", "Atoll (live)", NULL),
	[PXE_INSTALL] = ENTRY("install", "Install Atoll", "atoll.install"),
};

static const char *const atexits[] = { "reboot", "poweroff", "shell" };

/* ============================== Checks ============================== */

/* c as a message names it: 'x', "'", a space or a byte in hex; in buf. */
static const char *
show_char(char *buf, size_t size, unsigned char c)
{
	if (c == ' ')
		snprintf(buf, size, "a space");
	else if (c == '\'')
		snprintf(buf, size, "\"'\"");
	else if (c > ' ' && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

int
pxecfg_check_name(const char *s, char *err, size_t errlen)
{
	char	what[16];
	size_t	i;

	for (i = 0; s[i] != '\0' && i <= PXE_NAME_MAX; i++) {
		unsigned char	c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
			snprintf(err, errlen, "the name may not hold %s (only letters, digits, "
			    "'.', '_' and '-')", show_char(what, sizeof(what), c));
			return -1;
		}
	}
	if (i == 0 || i > PXE_NAME_MAX) {
		snprintf(err, errlen, "the name must be 1 to %d characters long", PXE_NAME_MAX);
		return -1;
	}
	return 0;
}

int
pxecfg_check_url(const char *s, char *err, size_t errlen)
{
	const char	*host, *p;
	char		 what[16];
	size_t		 i, skip;

	if (strncmp(s, "http://", 7) == 0)
		skip = 7;
	else if (strncmp(s, "https://", 8) == 0)
		skip = 8;
	else {
		snprintf(err, errlen, "the URL must start with http:// or https://");
		return -1;
	}
	for (i = 0; s[i] != '\0' && i <= PXE_URL_MAX; i++) {
		unsigned char	c = s[i];

		if (c <= ' ' || c >= 0x7f || strchr("'\"\\$;`{}", c) != NULL) {
			snprintf(err, errlen, "the URL may not hold %s (it goes into GRUB scripts "
			    "and kernel command lines)", show_char(what, sizeof(what), c));
			return -1;
		}
	}
	if (i > PXE_URL_MAX) {
		snprintf(err, errlen, "the URL is longer than %d bytes", PXE_URL_MAX);
		return -1;
	}
	/* The host: after any user@, before any :port, /path, ?query or #fragment. */
	host = s + skip;
	for (p = host; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == '@')
			host = p + 1;
	if (host == p || *host == ':') {
		snprintf(err, errlen, "the URL has no host");
		return -1;
	}
	return 0;
}

/* Bytes of dom0's command line in h's configs, once GRUB has taken the quotes off. */
static size_t
dom0_cmdline_len(const struct pxe_host *h)
{
	size_t	n;

	n = strlen(bootmenu_dom0_console(BOOT_SERIAL)) + strlen(" " DOM0_CMDLINE " answerfile=") +
	    strlen(h->answerfile) +
	    strlen(" atexit=") + strlen(h->atexit);
	if (h->report[0] != '\0')
		n += strlen(" atoll.report=") + strlen(h->report);
	if (h->source[0] != '\0')
		n += strlen(" atoll.source=") + strlen(h->source);
	return n;
}

/* What a config says of its host on its first line: MAC, name and answerfile. */
static int
check_ids(const struct pxe_host *h, char *err, size_t errlen)
{
	unsigned char	m[MAC_LEN];
	char		mac[MAC_STRLEN], why[200];

	if (memchr(h->mac, '\0', sizeof(h->mac)) == NULL || mac_parse(h->mac, m) == -1 ||
	    strcmp(mac_format(mac, m, ':'), h->mac) != 0) {
		snprintf(err, errlen, "the MAC is not written aa:bb:cc:dd:ee:ff");
		return -1;
	}
	/* The name defaults to the MAC, which has colons. */
	if (strcmp(h->name, h->mac) != 0 && pxecfg_check_name(h->name, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "--name: %s", why);
		return -1;
	}
	if (pxecfg_check_url(h->answerfile, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "--answerfile: %s", why);
		return -1;
	}
	return 0;
}

int
pxecfg_check_host(const struct pxe_host *h, char *err, size_t errlen)
{
	char	why[200];
	size_t	i, n;

	if (check_ids(h, err, errlen) == -1)
		return -1;
	if (h->report[0] != '\0' && pxecfg_check_url(h->report, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "--report: %s", why);
		return -1;
	}
	if (h->source[0] != '\0' && pxecfg_check_url(h->source, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "--served-at: %s", why);
		return -1;
	}
	for (i = 0; i < nitems(atexits); i++)
		if (strcmp(h->atexit, atexits[i]) == 0)
			break;
	if (i == nitems(atexits)) {
		snprintf(err, errlen, "--atexit: expected reboot, poweroff or shell");
		return -1;
	}
	if ((n = dom0_cmdline_len(h)) > PXE_DOM0_CMDLINE_MAX) {
		snprintf(err, errlen, "dom0's command line would be %zu bytes, more than the %d "
		    "Xen passes on whole: shorten the answerfile's URL%s", n,
		    PXE_DOM0_CMDLINE_MAX, h->report[0] != '\0' ? " or --report" : "");
		return -1;
	}
	return 0;
}

char *
pxecfg_file_name(char out[PXE_FILE_LEN], const unsigned char m[MAC_LEN])
{
	memcpy(out, "01-", 3);
	mac_format(out + 3, m, '-');
	return out;
}

int
pxecfg_mode(const char *s, enum pxe_mode *m)
{
	size_t	i;

	for (i = 0; i < nitems(modes); i++)
		if (strcmp(s, modes[i].id) == 0) {
			*m = (enum pxe_mode)i;
			return 0;
		}
	return -1;
}

const char *
pxecfg_mode_name(enum pxe_mode m)
{
	return modes[m].id;
}

/* ============================== Configs ============================== */

/* A menu with no wait, for a machine that boots unattended. */
#define PXE_MENU(tag_, entry)	(struct boot_menu){ .tag = tag_, .timeout = 0, \
	.xen_args = XEN_CMDLINE, .dom0_args = DOM0_CMDLINE, .entries = entry, .n_entries = 1 }

/* A host's menu: what it says of itself, its unattended install's options and title. */
struct host_menu {
	char	tag[sizeof(HOST_TAG) + PXE_NAME_MAX + MAC_STRLEN + PXE_URL_MAX + 2];
	char	title[sizeof("Install Atoll ()") + PXE_NAME_MAX];
	char	answerfile[sizeof("answerfile=") + PXE_URL_MAX];
	char	atexit[sizeof("atexit=") + 16];
	char	report[sizeof("atoll.report=") + PXE_URL_MAX];
	char	source[sizeof("atoll.source=") + PXE_URL_MAX];
};

static int	fmt(char *, size_t, const char *, ...) __attribute__((format(printf, 3, 4)));

/* snprintf, with -1 when it did not fit. */
static int
fmt(char *out, size_t size, const char *f, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, f);
	n = vsnprintf(out, size, f, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

/* h's config, rendered by fn into out. */
static int
host_config(bootmenu_renderer *fn, char *out, size_t len, const struct pxe_host *h)
{
	struct host_menu	t;
	struct boot_entry	e = ENTRY("install", t.title, NULL);
	char			err[300];
	size_t			n = 0;

	if (pxecfg_check_host(h, err, sizeof(err)) == -1 ||
	    fmt(t.tag, sizeof(t.tag), HOST_TAG "%s %s %s", h->name, h->mac, h->answerfile) == -1 ||
	    fmt(t.title, sizeof(t.title), "Install Atoll (%s)", h->name) == -1 ||
	    fmt(t.answerfile, sizeof(t.answerfile), "answerfile=%s", h->answerfile) == -1 ||
	    fmt(t.atexit, sizeof(t.atexit), "atexit=%s", h->atexit) == -1 ||
	    fmt(t.report, sizeof(t.report), "atoll.report=%s", h->report) == -1 ||
	    fmt(t.source, sizeof(t.source), "atoll.source=%s", h->source) == -1)
		return -1;
	e.dom0_extra[n++] = t.answerfile;
	e.dom0_extra[n++] = t.atexit;
	if (h->report[0] != '\0')
		e.dom0_extra[n++] = t.report;
	if (h->source[0] != '\0')
		e.dom0_extra[n++] = t.source;
	return fn(out, len, &PXE_MENU(t.tag, &e));
}

int
pxecfg_host_pxelinux(char *out, size_t len, const struct pxe_host *h)
{
	return host_config(bootmenu_syslinux, out, len, h);
}

int
pxecfg_host_grub(char *out, size_t len, const struct pxe_host *h)
{
	return host_config(bootmenu_grub, out, len, h);
}

/*
 * grubx64.efi loads the default grub.cfg first. A machine with a config of its own gets it;
 * the test is -s (opens the file), not -f, which lists the directory: GRUB cannot list one
 * over TFTP or HTTP, so -f is false there for every file.
 */
#define OWN_CONFIG							\
	"# A known machine has its own config: grub.cfg-01-<its MAC with dashes>.\n" \
	"regexp --set=1:m1 --set=2:m2 --set=3:m3 --set=4:m4 --set=5:m5 --set=6:m6 " \
	"'^(..):(..):(..):(..):(..):(..)$' \"$net_default_mac\"\n"	\
	"if [ -s \"$prefix/grub.cfg-01-$m1-$m2-$m3-$m4-$m5-$m6\" ]; then\n" \
	"  configfile \"$prefix/grub.cfg-01-$m1-$m2-$m3-$m4-$m5-$m6\"\n" \
	"fi\n"

/* The default config of mode m, rendered by fn into out, after grub_script (or NULL). */
static int
default_config(bootmenu_renderer *fn, const char *grub_script, char *out, size_t len,
    enum pxe_mode m)
{
	struct boot_menu	menu;
	char			tag[sizeof(DEFAULT_TAG) + 16];

	if ((size_t)m >= nitems(modes) ||
	    fmt(tag, sizeof(tag), DEFAULT_TAG "%s", modes[m].id) == -1)
		return -1;
	menu = PXE_MENU(tag, &modes[m]);
	menu.grub_script = grub_script;
	return fn(out, len, &menu);
}

int
pxecfg_default_pxelinux(char *out, size_t len, enum pxe_mode m)
{
	return default_config(bootmenu_syslinux, NULL, out, len, m);
}

int
pxecfg_default_grub(char *out, size_t len, enum pxe_mode m)
{
	return default_config(bootmenu_grub, OWN_CONFIG, out, len, m);
}

/* ============================== Reading back ============================== */

/* The first line of text[0..len), without its newline, as (*line, return value). */
static size_t
first_line(const char *text, size_t len, const char **line)
{
	const char	*nl;

	*line = text;
	if ((nl = memchr(text, '\n', len)) == NULL)
		return 0;	/* not a whole line: not ours */
	return nl - text;
}

/* Copies the next space-separated word of (*s, *n) into dst (size bytes); 0 or -1. */
static int
word(const char **s, size_t *n, char *dst, size_t size)
{
	const char	*sp;
	size_t		 w;

	sp = memchr(*s, ' ', *n);
	w = sp != NULL ? (size_t)(sp - *s) : *n;
	if (w == 0 || w >= size || memchr(*s, '\0', w) != NULL)
		return -1;
	memcpy(dst, *s, w);
	dst[w] = '\0';
	*s += w;
	*n -= w;
	if (sp != NULL) {
		(*s)++;
		(*n)--;
	}
	return 0;
}

int
pxecfg_read_host(const char *text, size_t len, struct pxe_host *h)
{
	struct pxe_host	 got;
	const char	*s;
	size_t		 n, tag = strlen("# " HOST_TAG);
	char		 err[300];

	/* One blank between words, none at the end: as we write it. */
	n = first_line(text, len, &s);
	if (n <= tag || memcmp(s, "# " HOST_TAG, tag) != 0 || s[n - 1] == ' ')
		return -1;
	s += tag;
	n -= tag;
	memset(&got, 0, sizeof(got));
	if (word(&s, &n, got.name, sizeof(got.name)) == -1 ||
	    word(&s, &n, got.mac, sizeof(got.mac)) == -1 ||
	    word(&s, &n, got.answerfile, sizeof(got.answerfile)) == -1 || n != 0)
		return -1;
	if (check_ids(&got, err, sizeof(err)) == -1)
		return -1;
	*h = got;
	return 0;
}

int
pxecfg_read_default(const char *text, size_t len, enum pxe_mode *m)
{
	const char	*s;
	char		 mode[16];
	size_t		 n, tag = strlen("# " DEFAULT_TAG);

	n = first_line(text, len, &s);
	if (n <= tag || memcmp(s, "# " DEFAULT_TAG, tag) != 0 || s[n - 1] == ' ')
		return -1;
	s += tag;
	n -= tag;
	if (word(&s, &n, mode, sizeof(mode)) == -1 || n != 0)
		return -1;
	return pxecfg_mode(mode, m);
}
