#ifndef XAPI_HVAL_H
#define XAPI_HVAL_H

#include "value.h"

/*
 * Heap-owned value trees: what the database stores. Each tree is one malloc per node and per
 * string; hval_free releases a whole tree. Constructors return NULL when out of memory.
 */

/* Returns a deep heap copy of v (which may live in an arena), or NULL. */
struct val	*hval_dup(const struct val *v);
/* Frees a tree made by this module (NULL is fine). */
void		 hval_free(struct val *v);

struct val	*hval_string(const char *s);
struct val	*hval_stringn(const char *s, size_t len);
struct val	*hval_int(long long i);
struct val	*hval_bool(int b);
struct val	*hval_double(double d);
struct val	*hval_datetime(long long unix_seconds);
struct val	*hval_array(void);
struct val	*hval_struct(void);

/* Appends item (taking ownership) to array a. Returns 0, or -1 (item freed). */
int	hval_push(struct val *a, struct val *item);
/* Sets key to v (taking ownership) in struct s, replacing an old value. Returns 0 or -1. */
int	hval_put(struct val *s, const char *key, struct val *v);
/* Returns the value of key in struct s, or NULL. */
struct val *hval_get(const struct val *s, const char *key, size_t keylen);
/* Removes key from struct s; returns 1 when it was there. */
int	hval_del(struct val *s, const char *key, size_t keylen);
/* Removes the string items equal to str from array a; returns how many. */
int	hval_remove_string(struct val *a, const char *str, size_t len);

/* Formats unix time t as XAPI's datetime text (20260821T02:00:23Z) into out[20]. */
void	hval_format_time(long long t, char out[20]);

#endif
