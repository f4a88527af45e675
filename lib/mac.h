#ifndef ATOLL_MAC_H
#define ATOLL_MAC_H

/* Returns 1 when s is a MAC address written aa:bb:cc:dd:ee:ff (either case), else 0. */
int	mac_valid(const char *s);

#endif
