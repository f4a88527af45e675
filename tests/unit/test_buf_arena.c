/* Unit tests of lib/buf.c and lib/arena.c: caps are hard, nothing is truncated. */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "tap.h"

int
main(void)
{
	struct buf	 b;
	struct arena	 a;
	char		*p, *q;
	int		 i, fails = 0;

	buf_init(&b, 8);
	ok(buf_puts(&b, "abcd") == 0 && b.len == 4 && strcmp(b.p, "abcd") == 0, "append fits");
	ok(buf_puts(&b, "efghi") == -1 && b.len == 4 && strcmp(b.p, "abcd") == 0,
	    "an append past the cap fails whole and leaves the buffer as it was");
	ok(buf_printf(&b, "%d", 1234) == 0 && strcmp(b.p, "abcd1234") == 0, "printf to the cap");
	buf_consume(&b, 3);
	ok(b.len == 5 && strcmp(b.p, "d1234") == 0, "consume keeps the rest");
	buf_free(&b);

	buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		fails += buf_printf(&b, "%0300d", i) != 0;
	ok(fails == 0 && b.len == 300000, "printf longer than the small buffer, many times");
	buf_free(&b);

	arena_init(&a, 100000);
	p = arena_alloc(&a, 10);
	q = arena_strndup(&a, "hello", 5);
	ok(p != NULL && q != NULL && strcmp(q, "hello") == 0, "allocations");
	ok(((uintptr_t)p % sizeof(long double)) == 0 || ((uintptr_t)p % 16) == 0, "aligned");
	ok(arena_alloc(&a, 200000) == NULL, "over the limit fails");
	ok(arena_alloc(&a, 50000) != NULL && arena_alloc(&a, 49000) != NULL &&
	    arena_alloc(&a, 2000) == NULL, "the limit counts everything handed out");
	arena_reset(&a);
	ok(a.used == 0 && arena_alloc(&a, 90000) != NULL, "reset gives the budget back");
	ok(arena_alloc(&a, (size_t)-1) == NULL, "a huge size does not wrap");
	arena_free(&a);
	return done_testing();
}
