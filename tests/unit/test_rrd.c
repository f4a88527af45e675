/* Unit tests of xapi-lite/rrd*.c: consolidation checked against values worked out by hand
   (rows of one and of twelve PDPs, MIN and MAX, the xff, a gap within the heartbeat and one
   past it, a data source that comes late), the numbers as XAPI writes them, the export
   (JSON and XML, XAPI's choice of archive), the dump, and the file: a round trip, then
   every truncation and damaged or inconsistent files refused with a reason. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32.h"
#include "nitems.h"
#include "rrd_impl.h"
#include "tap.h"

#define T0	(86400LL * 12)		/* a day's boundary: every archive's rows start here */
#define HOST	"11111111-2222-3333-4444-555555555555"
#define VM	"66666666-7777-8888-9999-aaaaaaaaaaaa"

static int
update1(struct rrd *r, long long t, const char *name, double v)
{
	const char	*names[1] = { name };

	return rrd_update(r, t, names, &v, 1);
}

static size_t
count(const char *s, const char *what)
{
	size_t	n = 0;

	for (; (s = strstr(s, what)) != NULL; s++)
		n++;
	return n;
}

static void
test_consolidation(void)
{
	struct rrd	*h = rrd_new("host", HOST);
	int		 k, bad = 0;

	/* Updates 1 s into each slot, the k-th worth k: the k-th closes slot k - 1. */
	for (k = 0; k <= 24; k++)
		bad |= update1(h, T0 + 1 + 5 * k, "loadavg", k);
	ok(bad == 0, "25 updates recorded");
	ok(rrd_last_updated(h) == T0 + 1 + 5 * 24, "last update kept");
	ok(rrd_row(h, 0, 0, 0, 0) == 24 && rrd_row(h, 0, 0, 0, 23) == 1 &&
	    isnan(rrd_row(h, 0, 0, 0, 24)), "5 s rows: the PDPs, newest first, NaN before the "
	    "first (%g %g %g)", rrd_row(h, 0, 0, 0, 0), rrd_row(h, 0, 0, 0, 23),
	    rrd_row(h, 0, 0, 0, 24));
	ok(rrd_ds_last(h, 0) == 24, "the last value is the newest 5 s row");
	/* 60 s rows: PDPs 1..12 then 13..24. */
	ok(rrd_row(h, 0, 1, RRD_AVERAGE, 0) == 18.5 && rrd_row(h, 0, 1, RRD_MIN, 0) == 13 &&
	    rrd_row(h, 0, 1, RRD_MAX, 0) == 24, "60 s row: average 18.5, min 13, max 24 "
	    "(%g %g %g)", rrd_row(h, 0, 1, RRD_AVERAGE, 0), rrd_row(h, 0, 1, RRD_MIN, 0),
	    rrd_row(h, 0, 1, RRD_MAX, 0));
	ok(rrd_row(h, 0, 1, RRD_AVERAGE, 1) == 6.5 && isnan(rrd_row(h, 0, 1, RRD_AVERAGE, 2)),
	    "the 60 s row before: 6.5, then NaN");
	ok(isnan(rrd_row(h, 0, 2, RRD_AVERAGE, 0)), "no hour has passed: the hour rows are NaN");
	ok(h->ds[0]->cdp[2].known == 24 && h->ds[0]->cdp[2].unknown == 0,
	    "the hour being consolidated has counted 24 PDPs");
	rrd_free(h);
}

static void
test_xff_and_late_source(void)
{
	struct rrd	*v = rrd_new("vm", VM);
	const char	*names[2] = { "cpu0", "memory" };
	double		 vals[2];
	int		 k;

	ok(v != NULL && !v->minmax, "a VM's RRD keeps AVERAGE only");
	ok(update1(v, T0 + 1, "cpu0", 0) == 0, "first update");
	/* Minute one: PDPs 1..6 known (1), 7..12 missing: 6 unknown of 12 is not past 0.5. */
	for (k = 1; k <= 12; k++) {
		if (k <= 6)
			update1(v, T0 + 1 + 5 * k, "cpu0", 1);
		else
			rrd_update(v, T0 + 1 + 5 * k, names, vals, 0);
	}
	ok(rrd_row(v, 0, 1, 0, 0) == 1, "6 of 12 unknown: the row is the known ones' average "
	    "(%g)", rrd_row(v, 0, 1, 0, 0));
	/* Minute two: 7 missing (PDPs 13..19), then 5 known worth 2; memory appears at 20. */
	for (k = 13; k <= 24; k++) {
		vals[0] = 2;
		vals[1] = 100;
		rrd_update(v, T0 + 1 + 5 * k, names, vals, k <= 19 ? 0 : 2);
	}
	ok(isnan(rrd_row(v, 0, 1, 0, 0)), "7 of 12 unknown: NaN");
	ok(rrd_ds_count(v) == 2 && strcmp(rrd_ds_name(v, 1), "memory") == 0,
	    "a new name becomes a data source");
	ok(isnan(rrd_row(v, 1, 0, 0, 5)) && rrd_row(v, 1, 0, 0, 4) == 100 &&
	    isnan(rrd_row(v, 1, 1, 0, 0)), "a late source: NaN before it came, its 5 s rows "
	    "since; its minute (5 of 12 known) NaN");
	/* Minute three: memory known throughout, cpu0 gone: the minute is memory's. */
	for (k = 25; k <= 36; k++)
		update1(v, T0 + 1 + 5 * k, "memory", 50);
	ok(rrd_row(v, 1, 1, 0, 0) == 50 && isnan(rrd_row(v, 0, 1, 0, 0)),
	    "minute three: memory 50, cpu0 NaN");
	rrd_free(v);
}

static void
test_gaps(void)
{
	struct rrd	*v = rrd_new("vm", VM);
	unsigned	 i;
	int		 good = 1;

	update1(v, T0 + 1, "cpu0", 1);
	update1(v, T0 + 6, "cpu0", 2);
	/* 60 s of silence, within the heartbeat: the 12 slots it spans take the value that
	   ends it, as rrdd fills them. */
	update1(v, T0 + 66, "cpu0", 3);
	for (i = 0; i < 12; i++)
		good &= rrd_row(v, 0, 0, 0, i) == 3;
	ok(good && rrd_row(v, 0, 0, 0, 12) == 2, "a 60 s gap: 12 rows of 3, then 2");
	ok(rrd_row(v, 0, 1, 0, 0) == (float)(35.0 / 12) && isnan(rrd_row(v, 0, 1, 0, 1)),
	    "its minute: PDPs 2 and 11 x 3, (2 + 33) / 12 (%g)",
	    rrd_row(v, 0, 1, 0, 0));
	/* Past the heartbeat (300 s): unknown. */
	update1(v, T0 + 66 + 400, "cpu0", 4);
	good = 1;
	for (i = 0; i < 80; i++)
		good &= isnan(rrd_row(v, 0, 0, 0, i));
	ok(good && rrd_row(v, 0, 0, 0, 80) == 3, "a 400 s gap: 80 NaN rows");
	ok(update1(v, T0 + 100, "cpu0", 9) == 0 && rrd_last_updated(v) == T0 + 466,
	    "a clock gone back changes no row");
	/* A year of silence: each ring is refilled once, not once per slot. */
	update1(v, T0 + 86400LL * 400, "cpu0", 5);
	ok(isnan(rrd_row(v, 0, 3, 0, 0)) && isnan(rrd_row(v, 0, 3, 0, 365)),
	    "a 400-day gap: the day rows are NaN");
	rrd_free(v);
}

static void
test_numbers(void)
{
	static const struct { double v; int single; const char *want; } cases[] = {
		{ NAN, 1, "NaN" }, { INFINITY, 0, "Infinity" }, { -INFINITY, 0, "-Infinity" },
		{ 0, 1, "0.0" }, { 2, 1, "2" }, { -17, 1, "-17" }, { 1048576, 1, "1048576" },
		{ 0.1f, 1, "0.1" }, { 0.5, 1, "0.5" }, { 1.0f / 3, 1, "0.33333334" },
		{ 123456.789f, 1, "123456.79" }, { -0.00125f, 1, "-0.00125" },
		{ 12.5, 1, "12.5" }, { 0.1, 0, "0.1" }, { 1.0 / 3, 0, "0.333333333333333" },
		{ 300, 0, "300" }, { 1e20, 0, "1e+20" },
	};
	size_t		 i;
	struct buf	 b;

	buf_init(&b, 0);
	for (i = 0; i < nitems(cases); i++) {
		buf_reset(&b);
		rrd_num(&b, cases[i].v, cases[i].single);
		ok(b.p != NULL && strcmp(b.p, cases[i].want) == 0, "%s written as %s",
		    cases[i].want, b.p ? b.p : "(nothing)");
	}
	/* Every float written as a single reads back as itself. */
	{
		int	bad = 0;
		float	f;

		for (f = 1e-6f; f < 1e10f; f *= 1.0137f) {
			buf_reset(&b);
			rrd_num(&b, f, 1);
			bad += strtof(b.p, NULL) != f;
		}
		ok(bad == 0, "floats from 1e-6 to 1e10 read back exactly (%d did not)", bad);
	}
	buf_free(&b);
}

/* The host with loadavg, a VM with cpu0, three updates (the VM misses the third). */
static void
pair(struct rrd **h, struct rrd **v)
{
	*h = rrd_new("host", HOST);
	*v = rrd_new("vm", VM);
	update1(*h, T0 + 1, "loadavg", 0.5);
	update1(*v, T0 + 1, "cpu0", 0.25);
	update1(*h, T0 + 6, "loadavg", 1);
	update1(*v, T0 + 6, "cpu0", 0.5);
	update1(*h, T0 + 11, "loadavg", 2);
}

static void
test_xport(void)
{
	struct rrd	*h, *v, *both[2];
	struct buf	 b;
	const char	*why = NULL;
	char		 want[1024];

	pair(&h, &v);
	both[0] = h;
	both[1] = v;
	buf_init(&b, 0);
	ok(rrd_xport(both, 2, T0, 5, RRD_AVERAGE, 1, &b, &why) == 0, "export, JSON");
	snprintf(want, sizeof(want), "{\"meta\":{\"start\":\"%lld\",\"step\":\"5\",\"end\":"
	    "\"%lld\",\"rows\":\"3\",\"columns\":\"2\",\"legend\":[\"AVERAGE:host:" HOST
	    ":loadavg\",\"AVERAGE:vm:" VM ":cpu0\"]},\"data\":[{\"t\":\"%lld\",\"values\":"
	    "[\"2\",\"NaN\"]},{\"t\":\"%lld\",\"values\":[\"1\",\"0.5\"]},{\"t\":\"%lld\","
	    "\"values\":[\"NaN\",\"NaN\"]}]}", T0 + 5, T0 + 10, T0 + 10, T0 + 5, T0);
	if (!ok(b.p != NULL && strcmp(b.p, want) == 0, "as rrd_updates.ml writes it"))
		note("got %s\n# want %s", b.p ? b.p : "", want);
	buf_reset(&b);
	ok(rrd_xport(both, 2, T0, 5, RRD_AVERAGE, 0, &b, &why) == 0, "export, XML");
	snprintf(want, sizeof(want), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xport><meta>"
	    "<start>%lld</start><step>5</step><end>%lld</end><rows>3</rows><columns>2</columns>"
	    "<legend><entry>AVERAGE:host:" HOST ":loadavg</entry><entry>AVERAGE:vm:" VM
	    ":cpu0</entry></legend></meta><data><row><t>%lld</t><v>2</v><v>NaN</v></row><row>"
	    "<t>%lld</t><v>1</v><v>0.5</v></row><row><t>%lld</t><v>NaN</v><v>NaN</v></row>"
	    "</data></xport>", T0 + 5, T0 + 10, T0 + 10, T0 + 5, T0);
	if (!ok(b.p != NULL && strcmp(b.p, want) == 0, "the <xport> form"))
		note("got %s", b.p ? b.p : "");
	/* XO's query for minutes: start = now - 60 x 120 + 60 gets the 60 s archive, one
	   row fewer than it holds. */
	buf_reset(&b);
	ok(rrd_xport(both, 2, T0 + 11 - 7200 + 60, 60, RRD_AVERAGE, 1, &b, &why) == 0 &&
	    strstr(b.p, "\"step\":\"60\"") != NULL && strstr(b.p, "\"rows\":\"119\"") != NULL,
	    "minutes: step 60, 119 rows");
	buf_reset(&b);
	ok(rrd_xport(both, 2, T0 - 86400LL * 30, 5, RRD_AVERAGE, 1, &b, &why) == 0 &&
	    strstr(b.p, "\"step\":\"86400\"") != NULL, "a start a month back: the day archive, "
	    "as XAPI chooses");
	buf_reset(&b);
	ok(rrd_xport(both, 2, -10, 0, RRD_ANY_CF, 1, &b, &why) == 0 &&
	    strstr(b.p, "\"columns\":\"2\"") != NULL, "no cf at 5 s: AVERAGE only (the 1-PDP "
	    "archive keeps one)");
	buf_reset(&b);
	ok(rrd_xport(both, 2, T0, 60, RRD_ANY_CF, 1, &b, &why) == 0 &&
	    strstr(b.p, "\"columns\":\"4\"") != NULL && strstr(b.p, "\"MAX:host:") != NULL &&
	    strstr(b.p, "MIN:vm") == NULL, "no cf at 60 s: the host's AVERAGE, MIN, MAX and "
	    "the VM's AVERAGE");
	buf_reset(&b);
	ok(rrd_xport(both, 2, 0x7fffffffffffffffLL, 5, RRD_AVERAGE, 1, &b, &why) == 0 &&
	    strstr(b.p, "\"rows\":\"0\"") != NULL, "a start far in the future: no rows");
	buf_reset(&b);
	ok(rrd_xport(both, 2, -0x7fffffffffffffffLL - 1, 5, RRD_AVERAGE, 1, &b, &why) == 0,
	    "the most negative start: the whole day archive");
	buf_reset(&b);
	ok(rrd_xport(both, 2, T0, 2 * 86400, RRD_AVERAGE, 1, &b, &why) == -1 && why != NULL &&
	    strstr(why, "interval") != NULL, "an interval past a day: refused (%s)",
	    why ? why : "");
	{
		struct buf	small;

		buf_init(&small, 64);
		why = NULL;
		ok(rrd_xport(both, 2, T0, 5, RRD_AVERAGE, 1, &small, &why) == -1 && why != NULL,
		    "a reply past its cap: refused (%s)", why ? why : "");
		buf_free(&small);
	}
	{
		struct rrd	*fresh = rrd_new("host", HOST);

		why = NULL;
		ok(rrd_xport(&fresh, 1, T0, 5, RRD_AVERAGE, 1, &b, &why) == -1 && why != NULL,
		    "nothing recorded yet: refused (%s)", why ? why : "");
		rrd_free(fresh);
	}
	buf_free(&b);
	rrd_free(h);
	rrd_free(v);
}

static void
test_dump(void)
{
	struct rrd	*h, *v;
	struct buf	 b;

	pair(&h, &v);
	buf_init(&b, 0);
	ok(rrd_dump(h, &b) == 0, "dump of the host");
	ok(strncmp(b.p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rrd><version>0003"
	    "</version><step>5</step><lastupdate>", 80) == 0, "rrd.ml's header");
	ok(count(b.p, "<rra>") == 10 && count(b.p, "<row>") == 120 + 3 * (120 + 168 + 366),
	    "the host: 10 archives, %zu rows", count(b.p, "<row>"));
	ok(strstr(b.p, "<ds><name>loadavg</name><type>GAUGE</type><minimal_heartbeat>300"
	    "</minimal_heartbeat><min>-Infinity</min><max>Infinity</max><last_ds>2</last_ds>"
	    "<value>2</value><unknown_sec>0</unknown_sec></ds>") != NULL, "its data source");
	ok(strstr(b.p, "<rra><cf>MIN</cf><pdp_per_row>12</pdp_per_row><params><xff>0.5</xff>"
	    "</params><cdp_prep><ds><primary_value>0.0</primary_value><secondary_value>0.0"
	    "</secondary_value><value>1</value><unknown_datapoints>0</unknown_datapoints>"
	    "</ds></cdp_prep><database><row><v>NaN</v></row>") != NULL, "a MIN archive");
	ok(strstr(b.p, "<row><v>1</v></row><row><v>2</v></row></database></rra>") != NULL,
	    "rows oldest first");
	buf_reset(&b);
	ok(rrd_dump(v, &b) == 0 && count(b.p, "<rra>") == 4 && count(b.p, "<row>") == 774,
	    "a VM: 4 archives, 774 rows");
	buf_free(&b);
	rrd_free(h);
	rrd_free(v);
}

static void
fix_crc(unsigned char *p, size_t len)
{
	uint32_t	c = crc32_update(0, p, len - 4);
	int		i;

	for (i = 0; i < 4; i++)
		p[len - 4 + (size_t)i] = (unsigned char)(c >> (8 * i));
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*f = fopen(path, "rb");
	unsigned char	*p = malloc(1 << 20);

	*len = f != NULL ? fread(p, 1, 1 << 20, f) : 0;
	if (f != NULL)
		fclose(f);
	return p;
}

static void
test_file(void)
{
	char		 dir[] = "/tmp/test_rrd.XXXXXX", path[64], tmp[80];
	struct rrd	*h, *v, *back;
	struct buf	 a, b;
	const char	*why;
	unsigned char	*p, *q;
	size_t		 len, i;
	int		 refused = 1, reasons = 1;

	pair(&h, &v);
	update1(v, T0 + 16, "vbd_xvda_read", 1234.5);
	ok(mkdtemp(dir) != NULL, "a directory");
	snprintf(path, sizeof(path), "%s/vm.rrd", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ok(rrd_save(v, path) == 0 && access(tmp, F_OK) == -1, "saved, no temporary left");
	back = rrd_load(path, &why);
	ok(back != NULL, "loaded back (%s)", back ? "" : why);
	buf_init(&a, 0);
	buf_init(&b, 0);
	rrd_dump(v, &a);
	if (back != NULL)
		rrd_dump(back, &b);
	ok(back != NULL && strcmp(rrd_uuid(back), VM) == 0 &&
	    strcmp(rrd_owner(back), "vm") == 0 && a.len == b.len &&
	    memcmp(a.p, b.p, a.len) == 0, "the same archives (dumps equal)");
	/* It goes on consolidating as the original would. */
	update1(v, T0 + 21, "cpu0", 7);
	if (back != NULL)
		update1(back, T0 + 21, "cpu0", 7);
	buf_reset(&a);
	buf_reset(&b);
	rrd_dump(v, &a);
	if (back != NULL)
		rrd_dump(back, &b);
	ok(a.len == b.len && memcmp(a.p, b.p, a.len) == 0, "and updates alike");
	rrd_free(back);
	snprintf(path, sizeof(path), "%s/host.rrd", dir);
	ok(rrd_save(h, path) == 0 && (back = rrd_load(path, &why)) != NULL && back->minmax,
	    "the host's round trip keeps MIN and MAX");
	rrd_free(back);

	p = slurp(path, &len);
	q = malloc(len);
	for (i = 0; i < len; i++) {
		why = NULL;
		back = rrd_parse(p, i, &why);
		refused &= back == NULL;
		reasons &= why != NULL;
		rrd_free(back);
	}
	ok(refused && reasons, "every truncation of %zu bytes refused with a reason", len);
	refused = reasons = 1;
	for (i = 0; i < len; i += 7) {
		memcpy(q, p, len);
		q[i] ^= 0x40;
		why = NULL;
		back = rrd_parse(q, len, &why);
		refused &= back == NULL;
		reasons &= why != NULL;
		rrd_free(back);
	}
	ok(refused && reasons, "a flipped bit anywhere refused");
	/* Damage behind a right checksum: the fields are checked one by one. */
	{
		static const struct { size_t at; unsigned char to; const char *what; } bad[] = {
			{ 8, 2, "version" }, { 12, 7, "owner" }, { 14, 0xff, "data sources" },
			{ 60, 13, "pdp_per_row" }, { 68, 200, "newest row" },
			{ 108, 0, "name length" }, { 108, 70, "name length" },
			{ 109, ' ', "name character" },
		};

		for (i = 0; i < nitems(bad); i++) {
			memcpy(q, p, len);
			q[bad[i].at] = bad[i].to;
			fix_crc(q, len);
			why = NULL;
			back = rrd_parse(q, len, &why);
			ok(back == NULL && why != NULL, "a bad %s refused (%s)", bad[i].what,
			    why ? why : "");
			rrd_free(back);
		}
		/* known + unknown past 12 for the minute being consolidated */
		memcpy(q, p, len);
		q[108 + 1 + 7 + 8 + 32 + 24] = 13;
		fix_crc(q, len);
		back = rrd_parse(q, len, &why);
		ok(back == NULL, "a row counting more PDPs than it has refused (%s)",
		    back ? "" : why);
		rrd_free(back);
	}
	{
		unsigned char	*longer = malloc(len + 4);

		memcpy(longer, p, len - 4);
		memset(longer + len - 4, 0, 4);
		fix_crc(longer, len + 4);
		back = rrd_parse(longer, len + 4, &why);
		ok(back == NULL && strstr(why, "past") != NULL, "bytes after the last source "
		    "refused (%s)", back ? "" : why);
		rrd_free(back);
		free(longer);
	}
	ok(rrd_load("/nonexistent/x.rrd", &why) == NULL, "a missing file: NULL");
	free(p);
	free(q);
	buf_free(&a);
	buf_free(&b);
	rrd_free(h);
	rrd_free(v);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vm.rrd", dir);
	unlink(path);
	rmdir(dir);
}

static void
test_limits(void)
{
	struct rrd	*r = rrd_new("host", HOST);
	static char	 names[RRD_MAX_DS + 1][16];
	const char	*np[RRD_MAX_DS + 1];
	double		 vals[RRD_MAX_DS + 1];
	char		 longname[RRD_NAME_MAX + 1];
	int		 i;

	for (i = 0; i <= RRD_MAX_DS; i++) {
		snprintf(names[i], sizeof(names[i]), "ds%d", i);
		np[i] = names[i];
		vals[i] = i;
	}
	ok(rrd_update(r, T0, np, vals, RRD_MAX_DS + 1) == -1 && rrd_ds_count(r) == 0,
	    "RRD_MAX_DS + 1 sources refused, none added");
	ok(rrd_update(r, T0, np, vals, RRD_MAX_DS) == 0 && rrd_ds_count(r) == RRD_MAX_DS,
	    "RRD_MAX_DS sources taken");
	ok(update1(r, T0 + 5, "one_more", 1) == -1, "one more refused");
	ok(update1(r, RRD_TIME_MAX + 1, "ds0", 1) == -1, "a time past RRD_TIME_MAX refused");
	memset(longname, 'x', RRD_NAME_MAX);
	longname[RRD_NAME_MAX] = '\0';
	ok(update1(r, T0 + 5, longname, 1) == -1 && update1(r, T0 + 5, "", 1) == -1,
	    "a name too long or empty refused");
	{
		struct rrd	*v = rrd_new("vm", VM);

		ok(v != NULL && update1(v, T0, "vbd_xv da_read", 1) == -1 &&
		    update1(v, T0, "vif\n0", 1) == -1 && update1(v, T0, "cpu\xc3\xa9", 1) == -1 &&
		    rrd_ds_count(v) == 0 && update1(v, T0, "vbd_xvda_read", 1) == 0,
		    "a name with a space, a control byte or a non-ASCII byte refused (the file "
		    "would be), a plain one taken");
		rrd_free(v);
	}
	ok(rrd_name_ok("vbd_xvda_read", 13) && !rrd_name_ok("a b", 3) && !rrd_name_ok("", 0),
	    "rrd_name_ok: printable ASCII, no space, not empty");
	ok(rrd_forget(r, "ds3") == 0 && rrd_ds_count(r) == RRD_MAX_DS - 1 &&
	    rrd_forget(r, "ds3") == -1, "forget drops a source once");
	ok(rrd_new("sr", HOST) == NULL && rrd_new("vm", "") == NULL,
	    "an owner other than host or vm, or no uuid, refused");
	rrd_free(r);
}

int
main(void)
{
	test_consolidation();
	test_xff_and_late_source();
	test_gaps();
	test_numbers();
	test_xport();
	test_dump();
	test_file();
	test_limits();
	return done_testing();
}
