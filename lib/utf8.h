#ifndef ATOLL_UTF8_H
#define ATOLL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the well-formed UTF-8 sequence at s (n bytes available), or 0 if there is none. */
size_t	utf8_seq(const unsigned char *s, size_t n);

/* Writes code point cp (not a surrogate, <= 0x10FFFF) as UTF-8 into o (4 bytes of room);
   returns the byte count. */
size_t	utf8_put(char *o, uint32_t cp);

/* Returns 1 when s[0..len) is all well-formed UTF-8. */
int	utf8_valid(const char *s, size_t len);

#endif
