#ifndef ATOLL_HEX_H
#define ATOLL_HEX_H

/* Returns the value of the hex digit c (0-9, a-f, A-F), or -1 when it is not one. The
   one reader of hex digits: percent escapes, MAC addresses, JSON's \uXXXX. */
int	hexval(int c);

#endif
