/*
 * Boot menus rendered from data (lib/bootmenu.h): syslinux's config and GRUB's, for the ISO,
 * the installed disk and a PXE tree alike. The console options and the layout of both
 * loaders' configs are here and nowhere else. Nothing is allocated.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bootmenu.h"

/* The serial line: syslinux's and GRUB's own, and Xen's com1 at the same speed. syslinux
   wants SERIAL before any other directive (a comment may come first). */
#define SERIAL_SYSLINUX	"SERIAL 0 115200\n"
#define SERIAL_GRUB	"serial --unit=0 --speed=115200\nterminal_input serial console\n" \
			"terminal_output serial console\n"

/* A config being written into a caller's buffer; full once anything did not fit. */
struct out {
	char	*p;
	size_t	 len, size;
	int	 full;
};

static void	put(struct out *, const char *, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->full = 1;
	else
		o->len += n;
}

/* 0 when o holds the whole config, else -1 with out emptied. */
static int
finish(struct out *o)
{
	if (!o->full)
		return 0;
	if (o->size > 0)
		o->p[0] = '\0';
	return -1;
}

const char *
bootmenu_xen_console(enum boot_console c)
{
	return c == BOOT_SERIAL ? "console=com1 com1=115200" : "console=com1,vga com1=115200";
}

/* The console named last is /dev/console. */
const char *
bootmenu_dom0_console(enum boot_console c)
{
	return c == BOOT_SERIAL ? "console=tty0 console=hvc0" : "console=hvc0 console=tty0";
}

/* ============================== Checks ============================== */

/* s is printable ASCII (spaces only if blanks) without a byte of forbid. */
static int
clean(const char *s, int blanks, const char *forbid)
{
	for (; *s != '\0'; s++) {
		unsigned char	c = *s;

		if (c < ' ' || c >= 0x7f || (c == ' ' && !blanks) || strchr(forbid, c) != NULL)
			return 0;
	}
	return 1;
}

/* What both loaders need of m; GRUB's double-quoted titles would expand $ and \. */
static int
writable(const struct boot_menu *m)
{
	size_t	i, j;

	if (m->n_entries == 0 || m->default_entry >= m->n_entries ||
	    (m->tag != NULL && !clean(m->tag, 1, "")) ||
	    (m->title != NULL && !clean(m->title, 1, "")) ||
	    !clean(m->xen_args, 1, "") || !clean(m->dom0_args, 1, "") ||
	    (m->grub_env != NULL && (m->grub_env[0] == '\0' || !clean(m->grub_env, 0,
	    "'\"$\\;{}"))))
		return 0;
	for (i = 0; i < m->n_entries; i++) {
		const struct boot_entry	*e = &m->entries[i];

		if (e->id[0] == '\0' || !clean(e->id, 0, "\"'") || !clean(e->title, 1, "\"$\\"))
			return 0;
		if (e->local)
			continue;
		if (!clean(e->prefix, 0, "'\""))
			return 0;
		for (j = 0; j < BOOT_EXTRA_MAX && e->dom0_extra[j] != NULL; j++)
			if (e->dom0_extra[j][0] == '\0' || !clean(e->dom0_extra[j], 0, "'"))
				return 0;
	}
	return 1;
}

/* o set to write m into out[0..len), starting with its tag and the loader's serial lines. */
static void
start(struct out *o, char *out, size_t len, const struct boot_menu *m, const char *serial)
{
	*o = (struct out){ out, 0, len, len == 0 || !writable(m) };
	if (m->tag != NULL)
		put(o, "# %s\n", m->tag);
	put(o, "%s", serial);
}

/* ============================== syslinux ============================== */

static void
syslinux_entry(struct out *o, const struct boot_menu *m, size_t i)
{
	const struct boot_entry	*e = &m->entries[i];
	size_t			 j;

	put(o, "\nLABEL %s\n", e->id);
	if (m->title != NULL) {
		put(o, "  MENU LABEL %s\n", e->title);
		if (i == m->default_entry)
			put(o, "  MENU DEFAULT\n");
	}
	if (e->local) {
		put(o, "  LOCALBOOT 0\n");
		return;
	}
	put(o, "  KERNEL mboot.c32\n");
	put(o, "  APPEND %s/xen.gz %s %s --- %s/vmlinuz %s %s", e->prefix,
	    bootmenu_xen_console(e->xen_console), m->xen_args, e->prefix,
	    bootmenu_dom0_console(e->dom0_console), m->dom0_args);
	for (j = 0; j < BOOT_EXTRA_MAX && e->dom0_extra[j] != NULL; j++)
		put(o, " %s", e->dom0_extra[j]);
	put(o, " --- %s/dom0.img\n", e->prefix);
}

int
bootmenu_syslinux(char *out, size_t len, const struct boot_menu *m)
{
	struct out	o;
	size_t		i;

	start(&o, out, len, m, SERIAL_SYSLINUX);
	if (m->title != NULL)
		put(&o, "UI menu.c32\n");
	else if (!o.full)
		put(&o, "DEFAULT %s\n", m->entries[m->default_entry].id);
	put(&o, "PROMPT 0\nTIMEOUT %u\n", m->timeout * 10);	/* in tenths of a second */
	if (m->title != NULL)
		put(&o, "MENU TITLE %s\n", m->title);
	for (i = 0; i < m->n_entries; i++)
		syslinux_entry(&o, m, i);
	return finish(&o);
}

/* ============================== GRUB ============================== */

/* A word GRUB's script reader takes as it is: letters, digits and . _ = , - */
static int
grub_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("._=,-", *s) != NULL))
			return 0;
	return 1;
}

static void
grub_entry(struct out *o, const struct boot_menu *m, size_t i)
{
	const struct boot_entry	*e = &m->entries[i];
	const char		*root;
	size_t			 j;

	if (m->grub_script == NULL)
		put(o, "\n");
	put(o, "menuentry \"%s\"", e->title);
	if (m->title != NULL || m->grub_env != NULL)
		put(o, " --id %s", e->id);
	put(o, " {\n");
	if (e->local) {
		put(o, "  exit\n}\n");
		return;
	}
	root = e->prefix[0] == '/' ? "" : "/";
	put(o, "  multiboot2 %s%s/xen.gz %s %s\n", root, e->prefix,
	    bootmenu_xen_console(e->xen_console), m->xen_args);
	put(o, "  module2 %s%s/vmlinuz %s %s", root, e->prefix,
	    bootmenu_dom0_console(e->dom0_console), m->dom0_args);
	for (j = 0; j < BOOT_EXTRA_MAX && e->dom0_extra[j] != NULL; j++)
		put(o, grub_plain(e->dom0_extra[j]) ? " %s" : " '%s'", e->dom0_extra[j]);
	put(o, "\n  module2 %s%s/dom0.img\n}\n", root, e->prefix);
}

int
bootmenu_grub(char *out, size_t len, const struct boot_menu *m)
{
	struct out	o;
	size_t		i;

	start(&o, out, len, m, SERIAL_GRUB);
	if (m->grub_script != NULL)
		put(&o, "%s", m->grub_script);
	if (m->title != NULL)
		put(&o, "set default=%zu\nset timeout=%u\n", m->default_entry, m->timeout);
	else
		put(&o, "set timeout=%u\nset default=%zu\n", m->timeout, m->default_entry);
	if (m->grub_env != NULL)
		put(&o, "load_env --file %s next_entry\n"
		    "if [ -n \"${next_entry}\" ]; then\n"
		    "  set default=\"${next_entry}\"\n"
		    "  set next_entry=\n"
		    "  save_env --file %s next_entry\n"
		    "fi\n", m->grub_env, m->grub_env);
	for (i = 0; i < m->n_entries; i++)
		grub_entry(&o, m, i);
	return finish(&o);
}
