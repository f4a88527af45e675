/*
 * Reading what xl prints: `xl info` ("key : value" lines) for the host's record, and
 * `xl list` (a header and one row per domain: name, id, memory, vCPUs, state flags) for
 * reconciling VMs with the domains that run. Unknown lines are skipped; bad values refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlparse.h"

static int
fail(char *err, size_t errlen, const char *what)
{
	if (errlen > 0)
		snprintf(err, errlen, "%s", what);
	return -1;
}

/* Copies the value of "key : value" at line (up to its end) into out if key matches. */
static int
take(const char *line, size_t len, const char *key, char *out, size_t size)
{
	size_t		 klen = strlen(key);
	const char	*v, *end = line + len;

	if (len < klen || memcmp(line, key, klen) != 0 || (line[klen] != ' ' && line[klen] != ':'))
		return 0;
	if ((v = memchr(line, ':', len)) == NULL)
		return 0;
	for (v++; v < end && *v == ' '; v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	if ((size_t)(end - v) >= size)
		return -1;
	memcpy(out, v, end - v);
	out[end - v] = '\0';
	return 1;
}

static int
number(const char *s, long long *out)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' || *end == '.' ? 0 : -1;
}

int
xl_info_parse(const char *text, struct xl_info *out, char *err, size_t errlen)
{
	const char	*line = text, *nl;
	char		 v[160];
	long long	 n;
	unsigned	 seen = 0;

	memset(out, 0, sizeof(*out));
	for (; *line; line = nl + 1) {
		size_t	len;

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (take(line, len, "nr_cpus", v, sizeof(v)) == 1 && number(v, &n) == 0 &&
		    n > 0 && n < 100000) {
			out->nr_cpus = (int)n;
			seen |= 1;
		} else if (take(line, len, "threads_per_core", v, sizeof(v)) == 1 &&
		    number(v, &n) == 0 && n > 0 && n < 1000) {
			out->threads_per_core = (int)n;
		} else if (take(line, len, "total_memory", v, sizeof(v)) == 1 && number(v, &n) == 0) {
			out->total_memory_mib = n;
			seen |= 2;
		} else if (take(line, len, "free_memory", v, sizeof(v)) == 1 && number(v, &n) == 0) {
			out->free_memory_mib = n;
			seen |= 4;
		} else if (take(line, len, "xen_version", out->xen_version,
		    sizeof(out->xen_version)) == 1) {
			seen |= 8;
		} else {
			(void)take(line, len, "release", out->release, sizeof(out->release));
			(void)take(line, len, "host", out->host, sizeof(out->host));
			(void)take(line, len, "xen_caps", out->xen_caps, sizeof(out->xen_caps));
		}
		if (nl == NULL)
			break;
	}
	if (!(seen & 1))
		return fail(err, errlen, "xl info: no nr_cpus line");
	if (!(seen & 2) || !(seen & 4))
		return fail(err, errlen, "xl info: no total_memory or free_memory line");
	if (!(seen & 8))
		return fail(err, errlen, "xl info: no xen_version line");
	return 0;
}

int
xl_list_parse(const char *text, struct xl_dom *out, int max, char *err, size_t errlen)
{
	const char	*line = text, *nl;
	int		 n = 0, header = 0;

	for (; *line; line = nl + 1) {
		char		name[64], state[16], extra;
		int		domid, vcpus, f;
		long long	mem;
		double		secs;
		size_t		len;
		char		row[256];

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (len == 0)
			goto next;
		if (len >= sizeof(row))
			return fail(err, errlen, "xl list: a line is too long");
		memcpy(row, line, len);
		row[len] = '\0';
		if (!header) {
			if (strncmp(row, "Name", 4) != 0)
				return fail(err, errlen, "xl list: no header line");
			header = 1;
			goto next;
		}
		if (n == max)
			return fail(err, errlen, "xl list: too many domains");
		/* Names have no blanks here: ours are uuids, dom0's is Domain-0. */
		if (sscanf(row, "%63s %d %lld %d %15s %lf %c", name, &domid, &mem, &vcpus, state,
		    &secs, &extra) != 6 || strlen(state) != 6 || domid < 0 || vcpus < 0)
			return fail(err, errlen, "xl list: a row is not name id mem vcpus state time");
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(out[n].name, name, strlen(name) + 1);
		out[n].domid = domid;
		out[n].mem_mib = mem;
		out[n].vcpus = vcpus;
		for (f = 0; f < 6; f++)
			if (state[f] != '-' && state[f] != "rbpscd"[f])
				return fail(err, errlen, "xl list: unknown state flags");
		out[n].running = state[0] == 'r';
		out[n].blocked = state[1] == 'b';
		out[n].paused = state[2] == 'p';
		out[n].shutdown = state[3] == 's';
		out[n].crashed = state[4] == 'c';
		out[n].dying = state[5] == 'd';
		n++;
next:
		if (nl == NULL)
			break;
	}
	if (!header)
		return fail(err, errlen, "xl list: no header line");
	return n;
}
