#ifndef ATOLL_TAP_H
#define ATOLL_TAP_H
/* A tiny TAP producer for unit tests: ok(), note(), done_testing(). */
#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...) do {						\
	int ok_ = (cond) != 0;						\
	printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n);		\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
	if (!ok_) {							\
		tap_failed++;						\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

#define note(...) do { printf("# "); printf(__VA_ARGS__); putchar('\n'); } while (0)

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
