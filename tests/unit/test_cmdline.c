/* Unit tests of lib/cmdline.c: the kernel's own splitting rules, and bad input. */
#include <string.h>

#include "cmdline.h"
#include "guard.h"
#include "tap.h"

/*
 * Splits line and renders the words as "key=val|key|..." into out. The line is placed
 * against an unmapped page (guard.h), so any read past its end faults.
 */
static int
split(const char *line, char *out, size_t outsz)
{
	static struct guarded	 g;
	size_t			 len = strlen(line), left = len, used = 0;
	const char		*pos = guard(&g, line, len);
	struct cmdline_arg	 a;
	int			 r;

	out[0] = '\0';
	while ((r = cmdline_next(&pos, &left, &a)) == 1) {
		used += snprintf(out + used, outsz - used, "%s%.*s", used ? "|" : "",
		    (int)a.keylen, a.key);
		if (a.val != NULL)
			used += snprintf(out + used, outsz - used, "=%.*s", (int)a.vallen, a.val);
	}
	return r;
}

#define SPLIT(line, want_r, want, why) do {					\
	char got_[512];								\
	int r_ = split(line, got_, sizeof(got_));				\
	ok(r_ == (want_r) && strcmp(got_, want) == 0, "%s: got %d [%s]",	\
	    why, r_, got_);							\
} while (0)

int
main(void)
{
	struct cmdline_arg	 a;
	const char		*p = "atoll.install";
	size_t			 n = strlen(p);

	SPLIT("", 0, "", "empty line");
	SPLIT("   \t\n", 0, "", "only blanks");
	SPLIT("quiet", 0, "quiet", "a flag");
	SPLIT("console=hvc0 console=tty0 quiet\n", 0, "console=hvc0|console=tty0|quiet",
	    "words, trailing newline as /proc/cmdline has");
	SPLIT("a=b=c", 0, "a=b=c", "the first '=' splits");
	SPLIT("a=", 0, "a=", "empty value");
	SPLIT("x=\"two words\" y", 0, "x=two words|y", "quoted value loses its quotes");
	SPLIT("\"x=two words\" y", 0, "x=two words|y", "quoted word loses its quotes");
	SPLIT("x=\"\"", 0, "x=", "empty quoted value");
	SPLIT("x=\"", -1, "", "a lone quote is unclosed");
	SPLIT("a x=\"open", -1, "a", "unclosed quote: reported, rest consumed");
	SPLIT("atoll.password_hash=$6$ab$cd", 0, "atoll.password_hash=$6$ab$cd",
	    "dollars are plain characters");

	ok(cmdline_next(&p, &n, &a) == 1 && cmdline_is(&a, "atoll.install") &&
	    !cmdline_is(&a, "atoll.inst") && !cmdline_is(&a, "atoll.installx"),
	    "cmdline_is matches the whole key only");
	return done_testing();
}
