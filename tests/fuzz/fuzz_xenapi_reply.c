/* libFuzzer target: atoll-console's reader of xapi-lite's responses (console-ui/xenapi.c). */
#include <stddef.h>
#include <stdint.h>

#include "xenapi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xenapi	x;
	static int		ready;
	struct val		*v;

	if (!ready) {
		xenapi_init(&x, "/nonexistent");
		ready = 1;
	}
	if ((v = xenapi_reply(&x, (const char *)data, size)) != NULL && v->type == VAL_STRUCT)
		(void)xv_field(v, "IP");
	xenapi_reset(&x);
	return 0;
}
