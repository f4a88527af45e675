/* Unit tests of xapi-lite/xentop.c: frames laid out as Xen 4.17's `xentop -b -v -f` prints
   them (its printf formats), then cut and damaged ones. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "xentop.h"

static const char frame[] =
	"                                NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"
	"                            Domain-0 -----r         21    3.4     786432   38.4   no limit       n/a     2    0        1        2    0        0       10       20        300        400    0\n"
	"VCPUs(sec):    0:         12s  1:          9s\n"
	"00000000-0000-4000-8000-000000000001 --b---          3   97.2     131072    6.4     132096       6.5     1    1        1        2    1        0       10       20        300        400    0\n"
	"VCPUs(sec):    0:          3s\n"
	"Net0 RX:     1848bytes       44pkts        0err        0drop  TX:     9000bytes      100pkts        0err        0drop\n"
	"VBD BlkBack 51712 [ca: 0]  OO:        0   RD:       10   WR:       20   RSECT:        300   WSECT:        400\n"
	;

/* A guest with seven vCPUs: xentop goes on to a new, indented line after every fifth. */
static const char wide[] =
	"      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS"
	" NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"
	"  Domain-0 -----r        100  150.0     786432   38.4   no limit       n/a     2    0"
	"        0        0    0        0        0        0          0          0    0\n"
	"VCPUs(sec):    0:         50s  1:         50s\n"
	"    guest7 -----r         70  700.0    1048576   51.2    1049600      51.3     7    0"
	"        0        0    0        0        0        0          0          0    0\n"
	"VCPUs(sec):    0:         10s  1:         10s  2:         10s  3:         10s  4:  "
	"       10s\n"
	"            5:         11s  6:         12s\n";

static int
parse(const char *text, struct xentop_dom *d, size_t max, const char **why)
{
	*why = "";
	return xentop_parse(text, strlen(text), d, max, why);
}

int
main(void)
{
	struct xentop_dom	*d = calloc(8, sizeof(*d));
	const char		*why = "";
	char			 two[8192], bad[XENTOP_LINE_MAX + 64];
	size_t			 end;
	int			 n;

	if (d == NULL)
		return 1;
	n = parse(frame, d, 8, &why);
	ok(n == 2, "a frame of dom0 and a guest: %d (%s)", n, why);
	ok(strcmp(d[0].name, "Domain-0") == 0 && strcmp(d[0].state, "-----r") == 0,
	    "dom0's name and state: '%s' '%s'", d[0].name, d[0].state);
	ok(d[0].cpu_s == 21 && d[0].cpu_pct == 3.4 && d[0].mem_kib == 786432 &&
	    d[0].maxmem_kib == -1 && d[0].vcpus == 2, "dom0's columns, MAXMEM 'no limit'");
	ok(d[0].nvcpu == 2 && d[0].vcpu_s[0] == 12 && d[0].vcpu_s[1] == 9 &&
	    d[0].vcpu_online[1], "dom0's VCPUs(sec)");
	ok(strcmp(d[1].name, "00000000-0000-4000-8000-000000000001") == 0 &&
	    d[1].cpu_pct == 97.2 && d[1].mem_kib == 131072 && d[1].maxmem_kib == 132096 &&
	    d[1].nvcpu == 1 && d[1].vcpu_s[0] == 3, "the guest's full name (-f) and columns; "
	    "its Net and VBD lines skipped");

	n = parse(wide, d, 8, &why);
	ok(n == 2 && strcmp(d[1].name, "guest7") == 0 && d[1].nvcpu == 7 &&
	    d[1].vcpu_s[4] == 10 && d[1].vcpu_s[5] == 11 && d[1].vcpu_s[6] == 12,
	    "seven vCPUs over two lines: %d %u (%s)", n, d[1].nvcpu, why);
	n = parse(wide, d, 1, &why);
	ok(n == -1 && strstr(why, "limit") != NULL,
	    "more domains than the array holds are refused: %s", why);

	/* Frames follow each other on the pipe: the first ends where the next header is. */
	snprintf(two, sizeof(two), "%s%s", frame, wide);
	end = xentop_frame_end(two, strlen(two));
	ok(end == strlen(frame), "the first of two frames ends at the second's header: %zu",
	    end);
	ok(xentop_frame_end(frame, strlen(frame)) == 0, "one frame alone may not be complete");
	ok(xentop_frame_end(two, strlen(frame) + 20) == 0,
	    "a header not yet whole does not end the frame");

	n = parse(frame + 1, d, 8, &why);
	ok(n >= 0, "leading blanks of the header are no matter");
	memcpy(bad, frame, strlen(frame) - 1);
	bad[strlen(frame) - 1] = '\0';
	n = parse(bad, d, 8, &why);
	ok(n == -1 && strstr(why, "cut short") != NULL,
	    "a last line without its newline: %s", why);
	n = parse(strchr(frame, '\n') + 1, d, 8, &why);
	ok(n == -1 && strstr(why, "header") != NULL,
	    "rows without the header: %s", why);
	n = parse("", d, 8, &why);
	ok(n == -1, "nothing at all: %s", why);
	snprintf(bad, sizeof(bad), "%sgarbage here\n", frame);
	n = parse(bad, d, 8, &why);
	ok(n == -1 && strstr(why, "STATE") != NULL,
	    "a garbage line: %s", why);
	snprintf(bad, sizeof(bad), "%s", frame);
	memcpy(strstr(bad, "97.2"), "9x.2", 4);
	n = parse(bad, d, 8, &why);
	ok(n == -1 && strstr(why, "CPU") != NULL,
	    "a CPU(%%) that is not a number: %s", why);
	snprintf(bad, sizeof(bad), "%s", frame);
	memcpy(strstr(bad, "  3s"), "  3 ", 4);
	n = parse(bad, d, 8, &why);
	ok(n == -1 && strstr(why, "VCPUs") != NULL,
	    "a vCPU's seconds without their s: %s", why);
	snprintf(bad, sizeof(bad), "%s", frame);
	memcpy(strstr(bad, "  0:         12s"), "999:         12s", 16);
	n = parse(bad, d, 8, &why);
	ok(n == -1 && strstr(why, "limit") != NULL,
	    "a vCPU past Xen's limit: %s", why);
	n = parse("NAME STATE\nVCPUs(sec):  0: 1s\n", d, 8, &why);
	ok(n == -1,
	    "VCPUs(sec) before any domain: %s", why);
	n = parse("NAME STATE\nNAME STATE\n", d, 8, &why);
	ok(n == -1, "two headers: %s", why);
	n = parse("NAME STATE\n x -----r 1 1.0 99999999999999999999999 1.0 1 1.0 1\n", d, 8,
	    &why);
	ok(n == -1, "a memory figure past 64 bits: %s", why);
	n = parse("NAME STATE\n x -----r 1 1.0 1 1.0 1 1.0\n", d, 8, &why);
	ok(n == -1,
	    "a row cut before VCPUS: %s", why);
	memset(bad, 'a', XENTOP_NAME_MAX);
	snprintf(bad + XENTOP_NAME_MAX, sizeof(bad) - XENTOP_NAME_MAX,
	    " -----r 1 1.0 1 1.0 1 1.0 1\n");
	snprintf(two, sizeof(two), "NAME STATE\n%s", bad);
	n = parse(two, d, 8, &why);
	ok(n == -1 && strstr(why, "name") != NULL,
	    "a name of XENTOP_NAME_MAX characters: %s", why);
	n = parse("NAME STATE\n x -----r 1 1.0 1 1.0 1 1.0 1\n", d, 8, &why);
	ok(n == 1 &&
	    strcmp(d[0].name, "x") == 0, "the shortest row: %s", why);
	memset(bad, ' ', XENTOP_LINE_MAX + 1);
	bad[XENTOP_LINE_MAX + 1] = '\n';
	n = xentop_parse(bad, XENTOP_LINE_MAX + 2, d, 8, &why);
	ok(n == -1 &&
	    strstr(why, "too long") != NULL, "a line past XENTOP_LINE_MAX: %s", why);
	free(d);
	return done_testing();
}
