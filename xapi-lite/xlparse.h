#ifndef XAPI_XLPARSE_H
#define XAPI_XLPARSE_H

#include <stddef.h>

/* What `xl info` says about the host. */
struct xl_info {
	int		nr_cpus;
	int		threads_per_core;	/* 0 when xl did not say */
	long long	total_memory_mib, free_memory_mib;
	char		xen_version[32];
	char		release[64];		/* dom0's kernel */
	char		host[64];
	char		xen_caps[160];
};

/* Parses `xl info` output. Returns 0, or -1 with err naming the missing or bad line. */
int	xl_info_parse(const char *text, struct xl_info *out, char *err, size_t errlen);

/* One row of `xl list`. */
struct xl_dom {
	char		name[64];
	int		domid;
	long long	mem_mib;
	int		vcpus;
	int		paused, running, blocked, shutdown, crashed, dying;
};

/* Parses `xl list` output into out (at most max rows). Returns the number of domains, or
   -1 with err naming the bad line. */
int	xl_list_parse(const char *text, struct xl_dom *out, int max, char *err, size_t errlen);

#endif
