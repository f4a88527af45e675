/* Unit tests of installer/disklist.c: what blkid's output says is on a disk. */
#include <string.h>

#include "disklist.h"
#include "tap.h"

/* blkid -c /dev/null -o export on a machine with an installed Atoll disk, a disk with a
   file system and no partitions, an empty GPT disk and an NVMe disk. */
static const char blkid[] =
	"DEVNAME=/dev/vda1\nLABEL_FATBOOT=ATOLL-BOOT\nLABEL=ATOLL-BOOT\nUUID=1234-ABCD\n"
	"TYPE=vfat\nPARTLABEL=ATOLL-BOOT\nPARTUUID=aa\n\n"
	"DEVNAME=/dev/vda2\nLABEL=ATOLL-STATE\nUUID=bb\nBLOCK_SIZE=4096\nTYPE=ext4\n"
	"PARTLABEL=ATOLL-STATE\n\n"
	"DEVNAME=/dev/vda3\nPARTLABEL=spare\nPARTUUID=cc\n\n"
	"DEVNAME=/dev/vdb\nLABEL=My\\ Data\nUUID=dd\nTYPE=ext4\n\n"
	"DEVNAME=/dev/vdc\nPTUUID=ee\nPTTYPE=gpt\n\n"
	"DEVNAME=/dev/nvme0n1p1\nTYPE=swap\n\n"
	"DEVNAME=/dev/vdaa1\nTYPE=xfs\n";

int
main(void)
{
	char	out[256], small[24];

	disklist_contents(blkid, "vda", out, sizeof(out));
	ok(strcmp(out, "vda1 vfat ATOLL-BOOT, vda2 ext4 ATOLL-STATE, vda3 (no file system)") == 0,
	    "partitions, types and labels: %s", out);
	disklist_contents(blkid, "vdb", out, sizeof(out));
	ok(strcmp(out, "ext4 My Data (no partitions)") == 0, "a whole-disk file system, its "
	    "label unescaped: %s", out);
	disklist_contents(blkid, "vdc", out, sizeof(out));
	ok(strcmp(out, "a gpt partition table, no partitions") == 0, "an empty table: %s", out);
	disklist_contents(blkid, "vdd", out, sizeof(out));
	ok(strcmp(out, "empty") == 0, "a disk blkid did not list: %s", out);
	disklist_contents(blkid, "nvme0n1", out, sizeof(out));
	ok(strcmp(out, "nvme0n1p1 swap") == 0, "an NVMe partition (p1): %s", out);
	disklist_contents(blkid, "vdaa", out, sizeof(out));
	ok(strcmp(out, "vdaa1 xfs") == 0, "vdaa1 is vdaa's, not vda's: %s", out);
	disklist_contents("", "vda", out, sizeof(out));
	ok(strcmp(out, "empty") == 0, "no blkid output");
	disklist_contents("DEVNAME=/dev/vda1\nTYPE=ext4\nLABEL=\x01\x7f\xc3\xa9", "vda", out,
	    sizeof(out));
	ok(strcmp(out, "vda1 ext4 ????") == 0, "a label shown as printable ASCII: %s", out);
	disklist_contents(blkid, "vda", small, sizeof(small));
	ok(strlen(small) == sizeof(small) - 1 && strcmp(small + sizeof(small) - 4, "...") == 0,
	    "cut with ... when it does not fit: %s", small);
	return done_testing();
}
