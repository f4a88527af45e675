#ifndef ATOLL_MAC_H
#define ATOLL_MAC_H

#define MAC_LEN		6	/* octets */
#define MAC_STRLEN	18	/* "aa:bb:cc:dd:ee:ff" and its NUL */

/* Returns 1 when s is a MAC address written aa:bb:cc:dd:ee:ff (either case), else 0. */
int	mac_valid(const char *s);

/*
 * Reads a MAC address written aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabbccddeeff (either
 * case, one separator throughout) into out. Returns 0, or -1 with out unchanged.
 */
int	mac_parse(const char *s, unsigned char out[MAC_LEN]);

/*
 * Writes m as six pairs of lower-case hex digits separated by sep, or not separated when
 * sep is '\0', and a NUL into out (MAC_STRLEN bytes). Returns out.
 */
char	*mac_format(char out[MAC_STRLEN], const unsigned char m[MAC_LEN], char sep);

/* Returns 1 when m is a group address (multicast or broadcast: the first octet's low bit). */
int	mac_multicast(const unsigned char m[MAC_LEN]);

/* Returns 1 when m is 00:00:00:00:00:00, which no interface has. */
int	mac_zero(const unsigned char m[MAC_LEN]);

#endif
