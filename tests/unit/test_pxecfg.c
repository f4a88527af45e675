/* Unit tests of pxe/pxecfg.c: the checks that keep a PXE config's values safe, the limits,
   and reading back what the configs say of themselves. (The configs' text is in the golden
   files of tests/pxe.) */
#include <stdio.h>
#include <string.h>

#include "pxecfg.h"
#include "tap.h"

static char	cfg[PXE_CFG_MAX];

/* check(s) passes; err is left alone. */
#define GOOD(check, s, why) do {						\
	char	e_[300] = "untouched";						\
	ok(check(s, e_, sizeof(e_)) == 0 && strcmp(e_, "untouched") == 0, "%s", why); \
} while (0)

/* check(s) fails with err holding what. */
#define BAD(check, s, what, why) do {						\
	char	e_[300] = "";							\
	ok(check(s, e_, sizeof(e_)) == -1 && strstr(e_, what) != NULL, "%s: %s", why, e_); \
} while (0)

/* A URL of exactly n bytes: http://10.0.2.100/ and zeros. */
static const char *
url_of(size_t n)
{
	static char	u[2048];
	size_t		i;

	snprintf(u, sizeof(u), "http://10.0.2.100/");
	for (i = strlen(u); i < n; i++)
		u[i] = '0';
	u[n] = '\0';
	return u;
}

static void
host_init(struct pxe_host *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "web1");
	snprintf(h->mac, sizeof(h->mac), "52:54:00:12:34:56");
	snprintf(h->answerfile, sizeof(h->answerfile), "http://10.0.2.100/a.xml");
	snprintf(h->atexit, sizeof(h->atexit), "reboot");
}

static void
names(void)
{
	char	s[80];

	GOOD(pxecfg_check_name, "web1", "a name");
	GOOD(pxecfg_check_name, "rack-2.node_07", "letters, digits, '.', '_', '-'");
	memset(s, 'a', 63);
	s[63] = '\0';
	GOOD(pxecfg_check_name, s, "63 characters");
	s[63] = 'a';
	s[64] = '\0';
	BAD(pxecfg_check_name, s, "1 to 63", "64 characters");
	BAD(pxecfg_check_name, "", "1 to 63", "empty");
	BAD(pxecfg_check_name, "web 1", "a space", "a space is named");
	BAD(pxecfg_check_name, "52:54", "':'", "a colon");
	BAD(pxecfg_check_name, "a\"b", "'\"'", "a double quote");
	BAD(pxecfg_check_name, "a\tb", "byte 0x09", "a tab, in hex");
	BAD(pxecfg_check_name, "caf\xc3\xa9", "byte 0xc3", "not ASCII");
}

static void
urls(void)
{
	static const char	bad[] = "'\"\\$;`{}";
	char			u[64], what[8];
	size_t			i;

	GOOD(pxecfg_check_url, "http://10.0.2.100/answers/web1.xml", "http://");
	GOOD(pxecfg_check_url, "https://deploy.example:8443/a?host=web1&x=1#f", "https://, port, "
	    "query, fragment");
	GOOD(pxecfg_check_url, "http://user:pw@host/a", "user@host");
	GOOD(pxecfg_check_url, "http://[fd00::1]/a", "an IPv6 literal");
	GOOD(pxecfg_check_url, "http://h", "a host alone");
	GOOD(pxecfg_check_url, url_of(PXE_URL_MAX), "PXE_URL_MAX bytes");
	BAD(pxecfg_check_url, url_of(PXE_URL_MAX + 1), "longer than 900", "one more");
	BAD(pxecfg_check_url, "ftp://h/a", "http:// or https://", "ftp://");
	BAD(pxecfg_check_url, "HTTP://h/a", "http:// or https://", "the scheme in capitals");
	BAD(pxecfg_check_url, "file:///a.xml", "http:// or https://", "file:///");
	BAD(pxecfg_check_url, "/srv/a.xml", "http:// or https://", "a path");
	BAD(pxecfg_check_url, "http://", "no host", "no host");
	BAD(pxecfg_check_url, "http:///a", "no host", "no host before the path");
	BAD(pxecfg_check_url, "http://:80/a", "no host", "a port without a host");
	BAD(pxecfg_check_url, "http://u@/a", "no host", "a user without a host");
	BAD(pxecfg_check_url, "http://h/a b", "a space", "a space");
	BAD(pxecfg_check_url, "http://h/a\tb", "byte 0x09", "a tab");
	BAD(pxecfg_check_url, "http://h/a\x7f", "byte 0x7f", "DEL");
	BAD(pxecfg_check_url, "http://h/\xc3\xa9", "byte 0xc3", "not ASCII");
	BAD(pxecfg_check_url, "http://h/a\nb", "byte 0x0a", "a newline");
	for (i = 0; bad[i] != '\0'; i++) {
		snprintf(u, sizeof(u), "http://h/a%cb", bad[i]);
		if (bad[i] == '\'')
			snprintf(what, sizeof(what), "\"'\"");
		else
			snprintf(what, sizeof(what), "'%c'", bad[i]);
		BAD(pxecfg_check_url, u, what, "a character GRUB or a command line would read");
	}
}

static void
hosts(void)
{
	struct pxe_host	h;
	char		e[300];
	size_t		fixed, room;

	host_init(&h);
	ok(pxecfg_check_host(&h, e, sizeof(e)) == 0, "a host");
	snprintf(h.name, sizeof(h.name), "52:54:00:12:34:56");
	ok(pxecfg_check_host(&h, e, sizeof(e)) == 0, "named by its MAC, the default");
	snprintf(h.name, sizeof(h.name), "52:54:00:12:34:57");
	ok(pxecfg_check_host(&h, e, sizeof(e)) == -1 && strstr(e, "--name") != NULL,
	    "another MAC is not a name: %s", e);
	host_init(&h);
	snprintf(h.mac, sizeof(h.mac), "52:54:00:AB:CD:EF");
	ok(pxecfg_check_host(&h, e, sizeof(e)) == -1, "the MAC in capitals: %s", e);
	snprintf(h.mac, sizeof(h.mac), "52-54-00-ab-cd-ef");
	ok(pxecfg_check_host(&h, e, sizeof(e)) == -1, "the MAC with dashes: %s", e);
	host_init(&h);
	snprintf(h.atexit, sizeof(h.atexit), "halt");
	ok(pxecfg_check_host(&h, e, sizeof(e)) == -1 && strstr(e, "--atexit") != NULL,
	    "atexit=halt: %s", e);
	host_init(&h);
	snprintf(h.report, sizeof(h.report), "http://h/$x");
	ok(pxecfg_check_host(&h, e, sizeof(e)) == -1 && strstr(e, "--report") != NULL,
	    "a bad report URL: %s", e);

	/* dom0's command line: up to PXE_DOM0_CMDLINE_MAX bytes, and no more. */
	host_init(&h);
	snprintf(h.answerfile, sizeof(h.answerfile), "%s", url_of(PXE_URL_MAX));
	ok(pxecfg_check_host(&h, e, sizeof(e)) == 0, "the longest answerfile URL alone fits");
	fixed = strlen("console=tty0 console=hvc0 quiet answerfile= atexit=reboot atoll.report=");
	snprintf(h.answerfile, sizeof(h.answerfile), "%s", url_of(500));
	room = PXE_DOM0_CMDLINE_MAX - fixed - 500;
	snprintf(h.report, sizeof(h.report), "%s", url_of(room));
	ok(pxecfg_check_host(&h, e, sizeof(e)) == 0, "dom0's line at %d bytes",
	    PXE_DOM0_CMDLINE_MAX);
	ok(pxecfg_host_pxelinux(cfg, sizeof(cfg), &h) == 0 &&
	    pxecfg_host_grub(cfg, sizeof(cfg), &h) == 0, "and both configs render");
	snprintf(h.report, sizeof(h.report), "%s", url_of(room + 1));
	ok(pxecfg_check_host(&h, e, sizeof(e)) == -1 && strstr(e, "dom0's command line would "
	    "be 960 bytes") != NULL && strstr(e, "or --report") != NULL, "one byte more: %s", e);
	ok(pxecfg_host_pxelinux(cfg, sizeof(cfg), &h) == -1 &&
	    pxecfg_host_grub(cfg, sizeof(cfg), &h) == -1, "and neither config renders");
}

static void
render(void)
{
	struct pxe_host	h;
	size_t		n, i;

	host_init(&h);
	ok(pxecfg_host_pxelinux(cfg, sizeof(cfg), &h) == 0 &&
	    strstr(cfg, " answerfile=http://10.0.2.100/a.xml atexit=reboot --- ") != NULL &&
	    strstr(cfg, "atoll.report") == NULL, "pxelinux: answerfile and atexit, no report");
	ok(pxecfg_host_grub(cfg, sizeof(cfg), &h) == 0 &&
	    strstr(cfg, " 'answerfile=http://10.0.2.100/a.xml' atexit=reboot\n") != NULL,
	    "GRUB: the answerfile in single quotes");
	snprintf(h.report, sizeof(h.report), "http://10.0.2.100/r");
	ok(pxecfg_host_pxelinux(cfg, sizeof(cfg), &h) == 0 &&
	    strstr(cfg, " atexit=reboot atoll.report=http://10.0.2.100/r --- ") != NULL,
	    "pxelinux: the report");
	ok(pxecfg_host_grub(cfg, sizeof(cfg), &h) == 0 &&
	    strstr(cfg, " atexit=reboot 'atoll.report=http://10.0.2.100/r'\n") != NULL,
	    "GRUB: the report in single quotes");

	/* Exactly its size fits; a byte less does not, and nothing is written past it. */
	n = strlen(cfg) + 1;
	ok(pxecfg_host_grub(cfg, n, &h) == 0, "a buffer of exactly its size");
	memset(cfg, 'G', sizeof(cfg));
	ok(pxecfg_host_grub(cfg, n - 1, &h) == -1 && cfg[n - 1] == 'G', "a byte less");
	memset(cfg, 'G', sizeof(cfg));
	ok(pxecfg_default_grub(cfg, 10, PXE_LIVE) == -1 && cfg[10] == 'G', "a default, too small");
	ok(pxecfg_default_pxelinux(cfg, sizeof(cfg), (enum pxe_mode)7) == -1, "an unknown mode");

	/* The largest host there can be fits PXE_CFG_MAX. */
	host_init(&h);
	memset(h.name, 'n', PXE_NAME_MAX);
	h.name[PXE_NAME_MAX] = '\0';
	snprintf(h.atexit, sizeof(h.atexit), "poweroff");
	snprintf(h.answerfile, sizeof(h.answerfile), "%s", url_of(450));
	snprintf(h.report, sizeof(h.report), "%s", url_of(PXE_DOM0_CMDLINE_MAX - 450 -
	    strlen("console=tty0 console=hvc0 quiet answerfile= atexit=poweroff atoll.report=")));
	ok(pxecfg_host_pxelinux(cfg, sizeof(cfg), &h) == 0 && strlen(cfg) < 4096,
	    "the longest pxelinux config fits (%zu bytes)", strlen(cfg));
	ok(pxecfg_host_grub(cfg, sizeof(cfg), &h) == 0 && strlen(cfg) < 4096,
	    "the longest GRUB config fits (%zu bytes)", strlen(cfg));

	for (i = 0; i < 3; i++) {
		ok(pxecfg_default_pxelinux(cfg, sizeof(cfg), (enum pxe_mode)i) == 0 &&
		    pxecfg_default_grub(cfg, sizeof(cfg), (enum pxe_mode)i) == 0,
		    "the %s default renders", pxecfg_mode_name((enum pxe_mode)i));
	}
	ok(pxecfg_default_grub(cfg, sizeof(cfg), PXE_INSTALL) == 0 &&
	    strstr(cfg, "quiet atoll.install\n") != NULL, "install asks: atoll.install");
	ok(pxecfg_default_grub(cfg, sizeof(cfg), PXE_LIVE) == 0 &&
	    strstr(cfg, "atoll.install") == NULL, "live does not");
}

static void
read_back(void)
{
	struct pxe_host	h, got;
	enum pxe_mode	m;
	size_t		i;
	int		r;

	host_init(&h);
	snprintf(h.report, sizeof(h.report), "http://10.0.2.100/r");
	r = pxecfg_host_pxelinux(cfg, sizeof(cfg), &h);
	memset(&got, 'x', sizeof(got));
	ok(r == 0 && pxecfg_read_host(cfg, strlen(cfg), &got) == 0 &&
	    strcmp(got.name, "web1") == 0 && strcmp(got.mac, h.mac) == 0 &&
	    strcmp(got.answerfile, h.answerfile) == 0 && got.report[0] == '\0' &&
	    got.atexit[0] == '\0', "pxelinux: name, MAC and answerfile read back");
	r = pxecfg_host_grub(cfg, sizeof(cfg), &h);
	ok(r == 0 && pxecfg_read_host(cfg, strlen(cfg), &got) == 0 &&
	    strcmp(got.name, "web1") == 0, "GRUB: likewise");
	snprintf(h.name, sizeof(h.name), "%s", h.mac);
	ok(pxecfg_host_grub(cfg, sizeof(cfg), &h) == 0 &&
	    pxecfg_read_host(cfg, strlen(cfg), &got) == 0 && strcmp(got.name, h.mac) == 0,
	    "named by its MAC");

#define NOT_OURS(text, why)	do {						\
	memset(&got, 'x', sizeof(got));						\
	ok(pxecfg_read_host(text, strlen(text), &got) == -1 && got.name[0] == 'x', "%s", why); \
} while (0)
	NOT_OURS("", "empty");
	NOT_OURS("DEFAULT install\n", "a hand-written config");
	NOT_OURS("# atoll-pxe host web1 52:54:00:12:34:56 http://h/a", "no newline");
	NOT_OURS("# atoll-pxe host web1 52:54:00:12:34:56\n", "no URL");
	NOT_OURS("# atoll-pxe host web1 52:54:00:12:34:56 http://h/a x\n", "a word too many");
	NOT_OURS("# atoll-pxe host web1  52:54:00:12:34:56 http://h/a\n", "two blanks");
	NOT_OURS("# atoll-pxe host web1 52:54:00:12:34:56 http://h/a \n", "a trailing blank");
	NOT_OURS("# atoll-pxe host web1 52-54-00-12-34-56 http://h/a\n", "the MAC with dashes");
	NOT_OURS("# atoll-pxe host w$b 52:54:00:12:34:56 http://h/a\n", "a bad name");
	NOT_OURS("# atoll-pxe host web1 52:54:00:12:34:56 http://h/$a\n", "a bad URL");
	NOT_OURS("# atoll-pxe default local\n", "a default");

	for (i = 0; i < 3; i++) {
		enum pxe_mode	want = (enum pxe_mode)i;

		r = pxecfg_default_pxelinux(cfg, sizeof(cfg), want);
		ok(r == 0 && pxecfg_read_default(cfg, strlen(cfg), &m) == 0 && m == want,
		    "pxelinux default %s reads back", pxecfg_mode_name(want));
		r = pxecfg_default_grub(cfg, sizeof(cfg), want);
		ok(r == 0 && pxecfg_read_default(cfg, strlen(cfg), &m) == 0 && m == want,
		    "GRUB default %s reads back", pxecfg_mode_name(want));
	}
	ok(pxecfg_read_default("# atoll-pxe default rescue\n", 27, &m) == -1, "an unknown mode");
	ok(pxecfg_read_default("# atoll-pxe default local", 25, &m) == -1, "no newline");
	ok(pxecfg_read_default("DEFAULT local\n", 14, &m) == -1, "a hand-written one");
}

static void
misc(void)
{
	static const unsigned char	mac[MAC_LEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	enum pxe_mode			m;
	char				f[PXE_FILE_LEN];

	ok(strcmp(pxecfg_file_name(f, mac), "01-52-54-00-ab-cd-ef") == 0, "file name: %s", f);
	ok(pxecfg_mode("local", &m) == 0 && m == PXE_LOCAL, "local");
	ok(pxecfg_mode("live", &m) == 0 && m == PXE_LIVE, "live");
	ok(pxecfg_mode("install", &m) == 0 && m == PXE_INSTALL, "install");
	ok(pxecfg_mode("Local", &m) == -1 && pxecfg_mode("", &m) == -1, "no other words");
}

int
main(void)
{
	names();
	urls();
	hosts();
	render();
	read_back();
	misc();
	return done_testing();
}
