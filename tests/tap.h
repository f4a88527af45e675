#ifndef ATOLL_TAP_H
#define ATOLL_TAP_H
/* A tiny TAP producer for unit tests: ok(), note(), done_testing(). */
#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

/* ok(cond, fmt, ...): one test line; evaluates to whether cond held. */
#define ok(cond, ...) tap_ok((cond) != 0, __FILE__, __LINE__, #cond, __VA_ARGS__)

static inline int
tap_ok(int pass, const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static inline int
tap_ok(int pass, const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list	ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d: %s\n", file, line, cond);
	}
	return pass;
}

#define note(...) do { printf("# "); printf(__VA_ARGS__); putchar('\n'); } while (0)

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
