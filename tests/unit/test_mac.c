/* Unit tests of lib/mac.c: reading MACs in three forms, writing them, telling which are
   machines' addresses. */
#include <stdlib.h>
#include <string.h>

#include "mac.h"
#include "tap.h"

/* mac_parse on a heap copy of s of exactly its size, so the sanitizers catch a read past it. */
static int
parse(const char *s, unsigned char m[MAC_LEN])
{
	size_t	 len = strlen(s);
	char	*copy = malloc(len + 1);
	int	 r;

	memcpy(copy, s, len + 1);
	r = mac_parse(copy, m);
	free(copy);
	return r;
}

/* s reads as the MAC written want (aa:bb:cc:dd:ee:ff). */
#define GOOD(s, want, why) do {							\
	unsigned char	m_[MAC_LEN];						\
	char		f_[MAC_STRLEN] = "";					\
	int		r_ = parse(s, m_);					\
	ok(r_ == 0 && strcmp(mac_format(f_, m_, ':'), want) == 0, "%s: %s -> %s", why, s, f_); \
} while (0)

/* s is refused, and the output is left alone. */
#define BAD(s, why) do {							\
	unsigned char	m_[MAC_LEN];						\
	int		r_;							\
	memset(m_, 0xa5, sizeof(m_));						\
	r_ = parse(s, m_);							\
	ok(r_ == -1 && m_[0] == 0xa5 && m_[5] == 0xa5, "refused: %s", why);		\
} while (0)

static void
forms(void)
{
	GOOD("52:54:00:12:34:56", "52:54:00:12:34:56", "colons");
	GOOD("52:54:00:AB:CD:EF", "52:54:00:ab:cd:ef", "colons, upper case");
	GOOD("52-54-00-ab-cd-ef", "52:54:00:ab:cd:ef", "dashes");
	GOOD("52-54-00-AB-cd-Ef", "52:54:00:ab:cd:ef", "dashes, mixed case");
	GOOD("525400abcdef", "52:54:00:ab:cd:ef", "no separator");
	GOOD("525400ABCDEF", "52:54:00:ab:cd:ef", "no separator, upper case");
	GOOD("00:00:00:00:00:00", "00:00:00:00:00:00", "all zeros reads (the caller refuses it)");
	GOOD("ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff", "broadcast reads too");
}

static void
refused(void)
{
	BAD("", "empty");
	BAD("52:54:00:12:34", "five octets");
	BAD("52:54:00:12:34:56:78", "seven octets");
	BAD("52:54:00:12:34:5", "a digit short");
	BAD("52:54:00:12:34:567", "a digit long");
	BAD("5254001234", "ten digits");
	BAD("5254001234567", "thirteen digits");
	BAD("52:54-00:12:34:56", "mixed separators");
	BAD("52-54-00-12-34:56", "mixed separators, the last");
	BAD("52.54.00.12.34.56", "dots");
	BAD("52 54 00 12 34 56", "blanks");
	BAD("5254.0012.3456", "Cisco's dotted form");
	BAD("525:400:123:456:", "separators in the wrong places");
	BAD("52:54:00:12:34:5g", "not hex");
	BAD("g2:54:00:12:34:56", "not hex, first");
	BAD("525400gg3456", "not hex, no separator");
	BAD(" 52:54:00:12:34:56", "a leading blank");
	BAD("52:54:00:12:34:56 ", "a trailing blank");
	BAD("52:54:00:12:34:56\n", "a trailing newline");
	BAD("0x5254001234", "a 0x prefix");
	BAD("52:54:00:12:34:56:", "a trailing colon");
	BAD("525400123456525400123456", "twice");
}

static void
format(void)
{
	static const unsigned char	m[MAC_LEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	unsigned char			back[MAC_LEN];
	char				s[MAC_STRLEN];
	int				i, b, bad = 0;

	ok(strcmp(mac_format(s, m, ':'), "52:54:00:ab:cd:ef") == 0, "colons: %s", s);
	ok(strcmp(mac_format(s, m, '-'), "52-54-00-ab-cd-ef") == 0, "dashes: %s", s);
	ok(strcmp(mac_format(s, m, '\0'), "525400abcdef") == 0, "no separator: %s", s);
	ok(mac_valid(mac_format(s, m, ':')), "what mac_format writes with colons is mac_valid");

	/* Every byte value in every position survives writing and reading back. */
	for (b = 0; b < 256; b++) {
		unsigned char	x[MAC_LEN];

		for (i = 0; i < MAC_LEN; i++)
			x[i] = (unsigned char)(b + i * 37);
		if (mac_parse(mac_format(s, x, ':'), back) == -1 || memcmp(x, back, MAC_LEN) != 0 ||
		    mac_parse(mac_format(s, x, '-'), back) == -1 || memcmp(x, back, MAC_LEN) != 0 ||
		    mac_parse(mac_format(s, x, '\0'), back) == -1 || memcmp(x, back, MAC_LEN) != 0)
			bad++;
	}
	ok(bad == 0, "256 addresses round-trip in all three forms (%d failed)", bad);
}

static void
kinds(void)
{
	unsigned char	m[MAC_LEN];

	ok(parse("52:54:00:12:34:56", m) == 0 && !mac_multicast(m) && !mac_zero(m),
	    "QEMU's 52:54:00 is a machine's");
	ok(parse("02:00:00:00:00:01", m) == 0 && !mac_multicast(m),
	    "a locally administered unicast address is a machine's");
	ok(parse("00:00:00:00:00:01", m) == 0 && !mac_zero(m) && !mac_multicast(m),
	    "one bit set is not zero");
	ok(parse("00:00:00:00:00:00", m) == 0 && mac_zero(m), "all zeros");
	ok(parse("01:00:5e:00:00:01", m) == 0 && mac_multicast(m), "IPv4 multicast");
	ok(parse("33:33:00:00:00:01", m) == 0 && mac_multicast(m), "IPv6 multicast");
	ok(parse("ff:ff:ff:ff:ff:ff", m) == 0 && mac_multicast(m), "broadcast is a group address");
	ok(parse("03-00-00-00-00-00", m) == 0 && mac_multicast(m), "odd first octet, dashes");
}

static void
valid(void)
{
	ok(mac_valid("52:54:00:12:34:56"), "mac_valid: colons");
	ok(mac_valid("52:54:00:AB:CD:EF"), "mac_valid: upper case");
	ok(!mac_valid("52-54-00-12-34-56"), "mac_valid still takes colons only");
	ok(!mac_valid("525400123456"), "and six pairs of digits only");
	ok(!mac_valid("52:54:00:12:34:56:"), "and nothing after");
}

int
main(void)
{
	forms();
	refused();
	format();
	kinds();
	valid();
	return done_testing();
}
