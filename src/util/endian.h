#ifndef HASHMINT_UTIL_ENDIAN_H
#define HASHMINT_UTIL_ENDIAN_H
/* Byte-order helpers: explicit loads and stores, no alignment assumptions. */
#include <stdint.h>

static inline uint16_t le16_read(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t le32_read(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64_read(const uint8_t *p) { return (uint64_t)le32_read(p) | (uint64_t)le32_read(p + 4) << 32; }
static inline uint32_t be32_read(const uint8_t *p)
{
    return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}
static inline uint64_t be64_read(const uint8_t *p) { return (uint64_t)be32_read(p) << 32 | be32_read(p + 4); }

static inline void le16_write(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void le32_write(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void le64_write(uint8_t *p, uint64_t v) { le32_write(p, (uint32_t)v); le32_write(p + 4, (uint32_t)(v >> 32)); }
static inline void be32_write(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline void be64_write(uint8_t *p, uint64_t v) { be32_write(p, (uint32_t)(v >> 32)); be32_write(p + 4, (uint32_t)v); }

#endif
