/* PMSAv7 region arithmetic for process isolation: which RBAR/RASR pairs open
 * exactly a process's flash and exactly [block, brk) of its RAM.  Pure
 * arithmetic (no register is touched), so the host unit tests build it too.
 *
 * A region is 2^n bytes (n >= 5) aligned to its size; from 256 bytes up it
 * has eight subregions that can be switched off one by one (SRD).  RAM
 * blocks are powers of two aligned to their size, so two regions always
 * suffice: the block with its first k subregions, and one subregion's worth
 * at a finer grain after them.
 * Flash images follow each other at any 4-byte boundary, so the flash
 * cover is a greedy search: at either end of what is left, the region that
 * covers the most whole subregions. */
#include "../arch.h"

/* RASR fields (ARM DDI 0403, B3.5.9). */
#define RASR_ENABLE    (1u << 0)
#define RASR_SIZE(log) (((uint32_t)(log)-1u) << 1)
#define RASR_SRD(mask) ((uint32_t)(mask) << 8)
#define RASR_C         (1u << 17)
#define RASR_S         (1u << 18)
#define RASR_AP_RO     (6u << 24) /* read-only, privileged and unprivileged */
#define RASR_AP_RW     (3u << 24) /* read/write, privileged and unprivileged */
#define RASR_XN        (1u << 28)
#define RBAR_VALID     (1u << 4)

#define FLASH_ATTR (RASR_AP_RO | RASR_C)
#define RAM_ATTR   (RASR_AP_RW | RASR_XN | RASR_C | RASR_S)

#define MIN_LOG2    5u /* 32-byte regions */
#define SUB_MIN_LOG 8u /* subregions from 256-byte regions up */

typedef struct region {
    uint32_t base;
    unsigned log2;
    uint8_t srd; /* subregions switched off */
} region;

typedef struct cover {
    region r[ARCH_MPU_FLASH_MAX];
    unsigned n;
    bool overflow;
} cover;

static void add(cover *c, uint32_t base, unsigned log2, uint8_t srd)
{
    if (c->n == ARCH_MPU_FLASH_MAX) {
        c->overflow = true;
        return;
    }
    c->r[c->n++] = (region){base, log2, srd};
}

/* The best region touching one end of [a, b): for every subregion size g
 * that the end is aligned to, the region of 8g bytes around that end covers
 * whole g-units up to the other end; the one that covers most wins.  left:
 * grow from a, else from b.  Returns the bytes covered (0: none fits). */
static uint32_t best_at_end(uint32_t a, uint32_t b, bool left, region *out)
{
    uint32_t best = 0;
    for (unsigned glog = MIN_LOG2; glog + 3 < 32; glog++) {
        uint32_t g = 1u << glog, size = g * 8u;
        uint32_t edge = left ? a : b;
        if (edge % g != 0) {
            break;
        }
        uint32_t base = left ? a & ~(size - 1u) : (b - 1u) & ~(size - 1u);
        uint32_t lo = left ? a : (a + g - 1u) / g * g;
        uint32_t hi = left ? b / g * g : b;
        lo = lo > base ? lo : base;
        hi = hi - base < size ? hi : base + size;
        if (hi <= lo || (glog + 3 < SUB_MIN_LOG && (lo != base || hi != base + size))) {
            continue; /* nothing whole, or a small region used partly (no subregions) */
        }
        if (hi - lo > best) {
            best = hi - lo;
            uint32_t u0 = (lo - base) / g, u1 = (hi - base) / g;
            uint8_t on = (uint8_t)(((1u << u1) - 1u) & ~((1u << u0) - 1u));
            *out = (region){base, glog + 3, glog + 3 < SUB_MIN_LOG ? (uint8_t)0 : (uint8_t)~on};
        }
    }
    return best;
}

/* Covers [a, b) (multiples of 32) exactly: each step takes, at either end,
 * the region that covers the most. */
static void cover_range(cover *c, uint32_t a, uint32_t b)
{
    while (a < b && !c->overflow) {
        region left, right;
        uint32_t from_left = best_at_end(a, b, true, &left);
        uint32_t from_right = best_at_end(a, b, false, &right);
        if (from_left == 0 && from_right == 0) {
            c->overflow = true; /* cannot happen for 32-byte multiples */
            return;
        }
        if (from_left >= from_right) {
            add(c, left.base, left.log2, left.srd);
            a += from_left;
        } else {
            add(c, right.base, right.log2, right.srd);
            b -= from_right;
        }
    }
}

static void put(arch_mpu_cfg *cfg, unsigned index, const region *r, uint32_t attr)
{
    cfg->reg[2 * index] = r->base | RBAR_VALID | index;
    cfg->reg[2 * index + 1] = attr | RASR_SRD(r->srd) | RASR_SIZE(r->log2) | RASR_ENABLE;
}

static void put_off(arch_mpu_cfg *cfg, unsigned index)
{
    cfg->reg[2 * index] = RBAR_VALID | index;
    cfg->reg[2 * index + 1] = 0;
}

bool arch_mpu_flash(arch_mpu_cfg *cfg, uaddr start, uaddr end, uaddr *open_start, uaddr *open_end)
{
    cover c;
    uint64_t grain = 32;
    do {
        *open_start = (uaddr)(start & ~(grain - 1u));
        *open_end = (uaddr)(((uint64_t)end + grain - 1u) & ~(grain - 1u));
        c = (cover){.n = 0};
        cover_range(&c, *open_start, *open_end);
        grain *= 2;
    } while (c.overflow);
    for (unsigned i = 0; i < ARCH_MPU_FLASH_MAX; i++) {
        if (i < c.n) {
            put(cfg, i, &c.r[i], FLASH_ATTR);
        } else {
            put_off(cfg, i);
        }
    }
    return *open_start == start && *open_end == end;
}

uint32_t arch_mpu_granule(unsigned block_log2)
{
    return block_log2 >= 11 ? 1u << (block_log2 - 6) : 1u << (block_log2 - 3);
}

void arch_mpu_ram(arch_mpu_cfg *cfg, uaddr block, unsigned block_log2, uaddr brk)
{
    const unsigned first = ARCH_MPU_FLASH_MAX;
    uint32_t g = 1u << (block_log2 - 3);
    uint32_t whole = (brk - block) / g;
    uint32_t rest = (brk - block) % g;
    if (whole != 0) {
        region r = {block, block_log2, (uint8_t) ~((1u << whole) - 1u)};
        put(cfg, first, &r, RAM_ATTR);
    } else {
        put_off(cfg, first);
    }
    if (rest != 0) {
        uint32_t fine = g / 8u;
        region r = {block + whole * g, block_log2 - 3, (uint8_t) ~((1u << (rest / fine)) - 1u)};
        put(cfg, first + 1, &r, RAM_ATTR);
    } else {
        put_off(cfg, first + 1);
    }
}
