/* Unit tests of lib/bootmenu.c: each field of a menu and of an entry as both loaders write it,
   menus that do not fit, and values a loader cannot carry. (The ISO's, the installed disk's
   and the PXE menus whole are in golden files and test_bootcfg, test_pxecfg.) */
#include <stdio.h>
#include <string.h>

#include "bootmenu.h"
#include "nitems.h"
#include "tap.h"

static char	cfg[4096];

static const struct boot_entry two[] = {
	{ .id = "one", .title = "One", .prefix = "/boot",
	  .xen_console = BOOT_SCREEN, .dom0_console = BOOT_SCREEN },
	{ .id = "two", .title = "Two (serial)", .prefix = "/boot",
	  .xen_console = BOOT_SERIAL, .dom0_console = BOOT_SERIAL,
	  .dom0_extra = { "atoll.install", "x=1" } },
};

static struct boot_menu
menu_of(const struct boot_entry *e, size_t n)
{
	return (struct boot_menu){ .timeout = 2, .xen_args = "XA", .dom0_args = "DA",
	    .entries = e, .n_entries = n };
}

static void
whole(void)
{
	struct boot_menu	m = menu_of(two, 2);

	if (!ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 && strcmp(cfg,
	    "SERIAL 0 115200\nDEFAULT one\nPROMPT 0\nTIMEOUT 20\n\n"
	    "LABEL one\n  KERNEL mboot.c32\n"
	    "  APPEND /boot/xen.gz console=com1,vga com1=115200 XA --- /boot/vmlinuz "
	    "console=hvc0 console=tty0 DA --- /boot/dom0.img\n\n"
	    "LABEL two\n  KERNEL mboot.c32\n"
	    "  APPEND /boot/xen.gz console=com1 com1=115200 XA --- /boot/vmlinuz "
	    "console=tty0 console=hvc0 DA atoll.install x=1 --- /boot/dom0.img\n") == 0,
	    "syslinux, no menu shown"))
		note("got:\n%s", cfg);
	if (!ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 && strcmp(cfg,
	    "serial --unit=0 --speed=115200\nterminal_input serial console\n"
	    "terminal_output serial console\nset timeout=2\nset default=0\n\n"
	    "menuentry \"One\" {\n  multiboot2 /boot/xen.gz console=com1,vga com1=115200 XA\n"
	    "  module2 /boot/vmlinuz console=hvc0 console=tty0 DA\n  module2 /boot/dom0.img\n}\n\n"
	    "menuentry \"Two (serial)\" {\n  multiboot2 /boot/xen.gz console=com1 com1=115200 XA\n"
	    "  module2 /boot/vmlinuz console=tty0 console=hvc0 DA atoll.install x=1\n"
	    "  module2 /boot/dom0.img\n}\n") == 0, "GRUB, no menu shown"))
		note("got:\n%s", cfg);
}

static void
fields(void)
{
	struct boot_menu	m = menu_of(two, 2);
	struct boot_entry	e[2];

	/* A title: a menu shown, its default marked. */
	m.title = "Menu 1.0";
	m.default_entry = 1;
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, "SERIAL 0 115200\nUI menu.c32\nPROMPT 0\nTIMEOUT 20\nMENU TITLE "
	    "Menu 1.0\n\nLABEL one\n  MENU LABEL One\n  KERNEL") != NULL &&
	    strstr(cfg, "LABEL two\n  MENU LABEL Two (serial)\n  MENU DEFAULT\n") != NULL &&
	    strstr(cfg, "DEFAULT two") == NULL, "syslinux: the title, labels, the default");
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, "set default=1\nset timeout=2\n\nmenuentry \"One\" --id one {\n") != NULL &&
	    strstr(cfg, "menuentry \"Two (serial)\" --id two {\n") != NULL,
	    "GRUB: the default, ids");
	m.title = NULL;
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, "\nDEFAULT two\n") != NULL && strstr(cfg, "MENU") == NULL,
	    "syslinux without a title: DEFAULT names the default");
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "set default=1\n") != NULL &&
	    strstr(cfg, "--id") == NULL, "GRUB without a title: no ids");

	/* The timeout: tenths for syslinux, seconds for GRUB. */
	m.timeout = 0;
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "\nTIMEOUT 0\n") != NULL,
	    "syslinux: TIMEOUT 0");
	m.timeout = 1;
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "\nTIMEOUT 10\n") != NULL,
	    "syslinux: 1 s is TIMEOUT 10");
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "set timeout=1\n") != NULL,
	    "GRUB: 1 s");

	/* The tag, first. */
	m.tag = "atoll-pxe default live";
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 &&
	    strncmp(cfg, "# atoll-pxe default live\nSERIAL 0 115200\n", 41) == 0, "syslinux: tag");
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 &&
	    strncmp(cfg, "# atoll-pxe default live\nserial ", 32) == 0, "GRUB: tag");

	/* A GRUB script before the settings, which run on into the entries. */
	m.grub_script = "echo hi\n";
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "terminal_output serial "
	    "console\necho hi\nset timeout=1\nset default=1\nmenuentry \"One\" {\n") != NULL,
	    "GRUB: the script, then settings and entries as one block");
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "echo") == NULL,
	    "syslinux: no GRUB script");

	/* A relative prefix is pxelinux's; GRUB's paths start at its root. */
	memcpy(e, two, sizeof(e));
	e[0].prefix = "atoll";
	m = menu_of(e, 1);
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, "APPEND atoll/xen.gz ") != NULL && strstr(cfg, " atoll/vmlinuz ") != NULL &&
	    strstr(cfg, " atoll/dom0.img\n") != NULL, "syslinux: a relative prefix as it is");
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, "multiboot2 /atoll/xen.gz ")
	    != NULL && strstr(cfg, "module2 /atoll/vmlinuz ") != NULL &&
	    strstr(cfg, "module2 /atoll/dom0.img\n") != NULL, "GRUB: from its root");

	/* Xen and dom0's consoles apart: the screen for Xen, the serial line dom0's. */
	e[0].dom0_console = BOOT_SERIAL;
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, "xen.gz console=com1,vga com1=115200 XA\n") != NULL &&
	    strstr(cfg, "vmlinuz console=tty0 console=hvc0 DA\n") != NULL, "consoles apart");
	ok(strcmp(bootmenu_xen_console(BOOT_SERIAL), "console=com1 com1=115200") == 0 &&
	    strcmp(bootmenu_dom0_console(BOOT_SCREEN), "console=hvc0 console=tty0") == 0,
	    "the console options");

	/* The local disk. */
	e[1] = (struct boot_entry){ .id = "local", .title = "Local disk", .local = 1 };
	m = menu_of(e + 1, 1);
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 && strcmp(cfg, "SERIAL 0 115200\n"
	    "DEFAULT local\nPROMPT 0\nTIMEOUT 20\n\nLABEL local\n  LOCALBOOT 0\n") == 0,
	    "syslinux: LOCALBOOT");
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, "\n\nmenuentry \"Local disk\" {\n  exit\n}\n") != NULL, "GRUB: exit");
}

static void
extras(void)
{
	struct boot_entry	e = two[0];
	struct boot_menu	m = menu_of(&e, 1);
	char			words[BOOT_EXTRA_MAX][8];
	size_t			i;

	e.dom0_extra[0] = "answerfile=http://h/a?x=1&y#z";
	e.dom0_extra[1] = "atexit=reboot";
	e.dom0_extra[2] = "a_b.c,d-E9";
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, " DA "
	    "'answerfile=http://h/a?x=1&y#z' atexit=reboot a_b.c,d-E9\n") != NULL,
	    "GRUB: a URL in single quotes, plain words as they are");
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 && strstr(cfg, " DA "
	    "answerfile=http://h/a?x=1&y#z atexit=reboot a_b.c,d-E9 --- ") != NULL,
	    "syslinux: no quotes");

	/* BOOT_EXTRA_MAX of them, every one written. */
	for (i = 0; i < BOOT_EXTRA_MAX; i++) {
		snprintf(words[i], sizeof(words[i]), "w%zu", i);
		e.dom0_extra[i] = words[i];
	}
	ok(bootmenu_syslinux(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, " DA w0 w1 w2 w3 w4 w5 w6 w7 --- ") != NULL, "syslinux: %d extras",
	    BOOT_EXTRA_MAX);
	ok(bootmenu_grub(cfg, sizeof(cfg), &m) == 0 &&
	    strstr(cfg, " DA w0 w1 w2 w3 w4 w5 w6 w7\n") != NULL, "GRUB: %d extras",
	    BOOT_EXTRA_MAX);
}

/* m renders with neither loader, leaving cfg "". */
static void
refused(const struct boot_menu *m, const char *why)
{
	int	s, g;

	memset(cfg, 'x', sizeof(cfg));
	s = bootmenu_syslinux(cfg, sizeof(cfg), m);
	ok(s == -1 && cfg[0] == '\0', "syslinux refuses %s", why);
	memset(cfg, 'x', sizeof(cfg));
	g = bootmenu_grub(cfg, sizeof(cfg), m);
	ok(g == -1 && cfg[0] == '\0', "GRUB refuses %s", why);
}

static void
bad(void)
{
	struct boot_entry	e[2];
	struct boot_menu	m;
	static const struct {
		const char	*word, *why;
	} words[] = {
		{ "a b", "a space in an extra option" },
		{ "it's", "a single quote in an extra option" },
		{ "a\nb", "a newline in an extra option" },
		{ "", "an empty extra option" },
	};
	size_t			i;

	m = menu_of(two, 0);
	refused(&m, "no entries");
	m = menu_of(two, 2);
	m.default_entry = 2;
	refused(&m, "a default past the entries");
	m = menu_of(two, 2);
	m.tag = "a\nb";
	refused(&m, "a newline in the tag");
	m = menu_of(two, 2);
	m.title = "a\tb";
	refused(&m, "a tab in the menu's title");
	m = menu_of(two, 2);
	m.dom0_args = "quiet\n";
	refused(&m, "a newline in dom0's options");
	m = menu_of(two, 2);
	m.grub_env = "/EFI/BOOT/grub env";
	refused(&m, "a space in GRUB's environment block's path");
	m.grub_env = "/grubenv;reboot";
	refused(&m, "a ';' in GRUB's environment block's path");
	m.grub_env = "";
	refused(&m, "an empty environment block's path");
	memcpy(e, two, sizeof(e));
	m = menu_of(e, 2);
	e[1].title = "say \"hi\"";
	refused(&m, "a '\"' in a title");
	e[1].title = "$x";
	refused(&m, "a '$' in a title");
	e[1].title = two[1].title;
	e[1].id = "t w o";
	refused(&m, "a space in an id");
	e[1].id = "";
	refused(&m, "an empty id");
	e[1].id = two[1].id;
	e[1].prefix = "/bo ot";
	refused(&m, "a space in the prefix");
	e[1].prefix = two[1].prefix;
	for (i = 0; i < nitems(words); i++) {
		e[1].dom0_extra[1] = words[i].word;
		refused(&m, words[i].why);
	}
}

static void
too_small(void)
{
	struct boot_menu	m = menu_of(two, 2);
	size_t			n;
	int			(*fn[2])(char *, size_t, const struct boot_menu *) = {
		bootmenu_syslinux, bootmenu_grub };
	const char		*name[2] = { "syslinux", "GRUB" };
	int			i;

	m.tag = "tag";
	m.title = "Title";
	for (i = 0; i < 2; i++) {
		ok(fn[i](cfg, sizeof(cfg), &m) == 0, "%s renders", name[i]);
		n = strlen(cfg) + 1;
		ok(fn[i](cfg, n, &m) == 0 && strlen(cfg) == n - 1, "%s: a buffer of exactly its "
		    "size (%zu)", name[i], n);
		memset(cfg, 'G', sizeof(cfg));
		ok(fn[i](cfg, n - 1, &m) == -1 && cfg[0] == '\0' && cfg[n - 1] == 'G',
		    "%s: a byte less is -1, \"\", nothing written past it", name[i]);
		memset(cfg, 'G', sizeof(cfg));
		ok(fn[i](cfg, 1, &m) == -1 && cfg[0] == '\0' && cfg[1] == 'G', "%s: 1 byte",
		    name[i]);
		ok(fn[i](cfg + 5, 0, &m) == -1 && cfg[5] == 'G', "%s: none at all", name[i]);
	}
}

int
main(void)
{
	whole();
	fields();
	extras();
	bad();
	too_small();
	return done_testing();
}
