/*
 * CRC-32 as zlib computes it (reflected polynomial 0xedb88320), bit by bit per byte with a
 * table built at compile time. A checksum against torn and corrupt records, not security.
 */
#include "crc32.h"

#define P	0xedb88320u
#define S1(c)	(((c) & 1) ? ((c) >> 1) ^ P : (c) >> 1)
#define S8(c)	S1(S1(S1(S1(S1(S1(S1(S1(c))))))))
#define R4(i)	S8(i), S8(i + 1), S8(i + 2), S8(i + 3)
#define R16(i)	R4(i), R4(i + 4), R4(i + 8), R4(i + 12)
#define R64(i)	R16(i), R16(i + 16), R16(i + 32), R16(i + 48)

static const uint32_t table[256] = { R64(0u), R64(64u), R64(128u), R64(192u) };

uint32_t
crc32_update(uint32_t crc, const void *data, size_t len)
{
	const unsigned char	*p = data;

	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}
