/* Unit tests of xapi-lite/datetime.c: the DateTime forms clients send, time zones, and
   bad input refused. */
#include <string.h>

#include "datetime.h"
#include "nitems.h"
#include "tap.h"

static long long
parse(const char *s)
{
	long long	t = -12345;

	return datetime_parse(s, strlen(s), &t) == 0 ? t : -12345;
}

int
main(void)
{
	static const char *const bad[] = {
		"", "2026", "20260821", "20260821T", "20260821T02:00", "2026-0821T02:00:23Z",
		"20260821T02:0023Z", "20261321T02:00:23Z", "20260230T02:00:23Z",
		"20260821T24:00:23Z", "20260821T02:60:23Z", "20260821T02:00:23ZZ",
		"20260821T02:00:23+25:00", "20260821T02:00:23.Z", "20260821 02:00:23Z",
		"2026082lT02:00:23Z", "20260821T02:00:23+0", "x20260821T02:00:23Z",
		"20260821T02:00:23Z ", "-0260821T02:00:23Z",
	};
	size_t	i;

	ok(parse("19700101T00:00:00Z") == 0, "the epoch");
	ok(parse("20260821T02:00:23Z") == 1787277623LL, "XAPI's form (%lld)",
	    parse("20260821T02:00:23Z"));
	ok(parse("2026-08-21T02:00:23Z") == 1787277623LL, "with dashes");
	ok(parse("20260821T020023Z") == 1787277623LL, "a time without colons");
	ok(parse("20260821T02:00:23") == 1787277623LL, "no zone: UTC, as XAPI assumes");
	ok(parse("20260821T02:00:23.999Z") == 1787277623LL, "a fraction is dropped");
	ok(parse("20260821T04:00:23+02:00") == 1787277623LL, "+HH:MM");
	ok(parse("20260820T23:30:23-0230") == 1787277623LL, "-HHMM");
	ok(parse("20240229T00:00:00Z") == 1709164800LL, "a leap day");
	ok(parse("19691231T23:59:59Z") == -1, "before the epoch");
	for (i = 0; i < nitems(bad); i++)
		ok(parse(bad[i]) == -12345, "refused: '%s'", bad[i]);
	ok(datetime_parse("20260821T02:00:23Z", 10, &(long long){ 0 }) == -1,
	    "cut short by its length");
	return done_testing();
}
