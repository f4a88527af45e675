/*
 * libFuzzer target: xapi-lite/xva_ova.c reads any ova.xml within its arena without
 * crashing; what it accepts lists each disk once, sorted as XAPI streams them, each a VDI
 * of the archive with a size, and what it refuses carries an error code.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xva_ova.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena	a;
	struct xva_ova	o;
	struct xva_err	e;
	size_t		i, j;

	arena_init(&a, 1 << 24);
	memset(&e, 0, sizeof(e));
	if (xva_ova_parse(&a, (const char *)data, size, &o, &e) == 0) {
		for (i = 0; i < o.ndisks; i++) {
			if (o.disks[i].obj >= o.nobjs || o.disks[i].size < 0 ||
			    strcmp(o.objs[o.disks[i].obj].cls, "VDI") != 0 ||
			    strcmp(o.objs[o.disks[i].obj].id, o.disks[i].id) != 0)
				__builtin_trap();
			if (i > 0 && strcmp(o.disks[i - 1].id, o.disks[i].id) > 0)
				__builtin_trap();
			for (j = 0; j < i; j++)
				if (o.disks[j].obj == o.disks[i].obj)
					__builtin_trap();
		}
	} else if (e.code == NULL || e.code[0] == '\0')
		__builtin_trap();
	arena_free(&a);
	return 0;
}
