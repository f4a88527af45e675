/* Unit tests of xapi-lite/xlparse.c with what Xen 4.17's xl prints (captured in dom0). */
#include <string.h>

#include "tap.h"
#include "xlparse.h"

static const char info[] =
	"host                   : atoll\n"
	"release                : 6.1.0-56-amd64\n"
	"version                : #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n"
	"machine                : x86_64\n"
	"nr_cpus                : 2\n"
	"max_cpu_id             : 1\n"
	"cpu_mhz                : 2596.138\n"
	"virt_caps              : pv hvm hap gnttab-v1 gnttab-v2\n"
	"total_memory           : 2047\n"
	"free_memory            : 1256\n"
	"free_cpus              : 0\n"
	"xen_major              : 4\n"
	"xen_version            : 4.17.7\n"
	"xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 \n"
	"xen_changeset          : \n"
	"xend_config_format     : 4\n";

static const char list[] =
	"Name                                        ID   Mem VCPUs\tState\tTime(s)\n"
	"Domain-0                                     0   768     2     r-----      21.5\n"
	"0f0e0d0c-0b0a-4908-8706-050403020100         3   128     1     --p---       0.0\n"
	"00000000-0000-4000-8000-000000000001         4  1024     2     -b----       3.2\n";

int
main(void)
{
	struct xl_info	i;
	struct xl_dom	d[8];
	char		err[128];
	int		n;

	ok(xl_info_parse(info, &i, err, sizeof(err)) == 0, "xl info parses: %s", err);
	ok(i.nr_cpus == 2 && i.total_memory_mib == 2047 && i.free_memory_mib == 1256,
	    "CPUs and memory");
	ok(strcmp(i.xen_version, "4.17.7") == 0 && strcmp(i.release, "6.1.0-56-amd64") == 0 &&
	    strcmp(i.host, "atoll") == 0, "versions and host name");
	ok(strcmp(i.xen_caps, "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64") == 0,
	    "capabilities, trailing blank dropped");
	ok(xl_info_parse("host : x\nnr_cpus : 2\n", &i, err, sizeof(err)) == -1 &&
	    strstr(err, "memory") != NULL, "missing memory is named: %s", err);
	ok(xl_info_parse("nr_cpus : many\n", &i, err, sizeof(err)) == -1, "bad nr_cpus");
	ok(xl_info_parse("", &i, err, sizeof(err)) == -1, "empty output");
	ok(xl_info_parse(info, &i, err, sizeof(err)) == 0 && i.threads_per_core == 0,
	    "no threads_per_core line: 0");
	ok(xl_info_parse("nr_cpus : 4\nthreads_per_core : 2\ntotal_memory : 1\n"
	    "free_memory : 1\nxen_version : 4.17.7\n", &i, err, sizeof(err)) == 0 &&
	    i.threads_per_core == 2, "threads_per_core: %d", i.threads_per_core);
	ok(xl_info_parse("nr_cpus : 4\nthreads_per_core : two\ntotal_memory : 1\n"
	    "free_memory : 1\nxen_version : 4.17.7\n", &i, err, sizeof(err)) == 0 &&
	    i.threads_per_core == 0, "a bad threads_per_core is not taken");

	n = xl_list_parse(list, d, 8, err, sizeof(err));
	ok(n == 3, "three domains: %d %s", n, err);
	ok(strcmp(d[0].name, "Domain-0") == 0 && d[0].domid == 0 && d[0].mem_mib == 768 &&
	    d[0].vcpus == 2 && d[0].running, "Domain-0");
	ok(d[1].domid == 3 && d[1].paused && !d[1].running, "a paused guest");
	ok(d[2].blocked && !d[2].paused && d[2].mem_mib == 1024, "a blocked (idle) guest");
	ok(xl_list_parse("Name ID Mem VCPUs State Time(s)\n", d, 8, err, sizeof(err)) == 0,
	    "no domains");
	ok(xl_list_parse("garbage\n", d, 8, err, sizeof(err)) == -1, "no header");
	ok(xl_list_parse("Name\nx 1 2\n", d, 8, err, sizeof(err)) == -1, "a short row");
	ok(xl_list_parse("Name\nx 1 2 3 r-?--- 1.0\n", d, 8, err, sizeof(err)) == -1,
	    "unknown state flags");
	ok(xl_list_parse(list, d, 2, err, sizeof(err)) == -1, "more domains than room");
	return done_testing();
}
