/*
 * DateTime text to unix time (datetime.h), without the C library's time zone state.
 */
#include "datetime.h"

/* n digits at *p into *v; advances *p. */
static int
digits(const char **p, const char *end, int n, int *v)
{
	*v = 0;
	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		*v = *v * 10 + (**p - '0');
	}
	return 0;
}

static int
sep(const char **p, const char *end, char c)
{
	if (*p < end && **p == c) {
		(*p)++;
		return 1;
	}
	return 0;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
month_days(int y, int m)
{
	static const int	days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
datetime_parse(const char *text, size_t len, long long *out)
{
	const char	*p = text, *end = text + len;
	int		 y, mo, d, h, mi, s, dashes, colons, oh = 0, om = 0, sign = 0;

	if (digits(&p, end, 4, &y) == -1)
		return -1;
	dashes = sep(&p, end, '-');
	if (digits(&p, end, 2, &mo) == -1 || sep(&p, end, '-') != dashes ||
	    digits(&p, end, 2, &d) == -1 || !sep(&p, end, 'T') ||
	    digits(&p, end, 2, &h) == -1)
		return -1;
	colons = sep(&p, end, ':');
	if (digits(&p, end, 2, &mi) == -1 || sep(&p, end, ':') != colons ||
	    digits(&p, end, 2, &s) == -1)
		return -1;
	if (sep(&p, end, '.')) {
		if (p == end || *p < '0' || *p > '9')
			return -1;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (sep(&p, end, 'Z'))
		;
	else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '+' ? 1 : -1;
		if (digits(&p, end, 2, &oh) == -1)
			return -1;
		(void)sep(&p, end, ':');
		if (digits(&p, end, 2, &om) == -1 || oh > 23 || om > 59)
			return -1;
	}
	if (p != end || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
	    mi > 59 || s > 60)
		return -1;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	    sign * (oh * 3600 + om * 60);
	return 0;
}
