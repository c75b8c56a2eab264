/* PMSAv7 MPU, 8 unified regions.
 *
 *   0x00 TYPE    RO  DREGION = 8, unified
 *   0x04 CTRL    RW  ENABLE, HFNMIENA, PRIVDEFENA
 *   0x08 RNR     RW  region number (0..7)
 *   0x0C RBAR    RW  ADDR[31:5]; VALID (bit 4) + REGION[3:0] on write selects the region
 *   0x10 RASR    RW  ENABLE, SIZE[5:1], SRD[15:8], B C S TEX, AP[26:24], XN (bit 28)
 *   0x14..0x28   RBAR_A1/RASR_A1 .. RBAR_A3/RASR_A3: aliases of RBAR/RASR
 *
 * Programming the architecture leaves UNPREDICTABLE is resolved as QEMU's
 * model does, so the two agree in differential tests: SIZE 0 or a base not
 * aligned to the region size never matches; SIZE 1..3 make regions of 4, 8
 * and 16 bytes; subregion bits of regions under 256 bytes are ignored. */
#include "mpu.h"

#include <assert.h>
#include <stdlib.h>

#define TYPE      0x00u
#define CTRL      0x04u
#define RNR       0x08u
#define RBAR      0x0Cu
#define RASR      0x10u
#define ALIAS_END 0x2Cu

#define RBAR_VALID     (1u << 4)
#define RBAR_ADDR_MASK 0xFFFFFFE0u
#define RASR_ENABLE    1u
#define RASR_XN        (1u << 28)
#define RASR_WRITABLE  0x173FFF3Fu /* XN, AP, TEX, S, C, B, SRD, SIZE, ENABLE */

struct mpu {
    uint32_t ctrl;
    uint32_t rnr;
    uint32_t rbar[MPU_REGIONS];
    uint32_t rasr[MPU_REGIONS];
    mpu_observer obs;
};

mpu *mpu_create(mpu_observer obs)
{
    mpu *m = calloc(1, sizeof(*m));
    assert(m != NULL);
    m->obs = obs;
    return m;
}

static void notify(mpu *m)
{
    if (m->obs.changed != NULL) {
        m->obs.changed(m->obs.ctx);
    }
}

uint32_t mpu_ctrl(const mpu *m)
{
    return m->ctrl;
}

void mpu_snapshot(const mpu *m, mpu_config *out)
{
    out->ctrl = m->ctrl;
    for (unsigned n = 0; n < MPU_REGIONS; n++) {
        out->rbar[n] = m->rbar[n];
        out->rasr[n] = m->rasr[n];
    }
}

void mpu_region(const mpu *m, unsigned n, uint32_t *rbar, uint32_t *rasr)
{
    *rbar = n < MPU_REGIONS ? m->rbar[n] : 0;
    *rasr = n < MPU_REGIONS ? m->rasr[n] : 0;
}

void mpu_set_region(mpu *m, unsigned n, uint32_t rbar, uint32_t rasr)
{
    if (n < MPU_REGIONS) {
        m->rbar[n] = rbar & RBAR_ADDR_MASK;
        m->rasr[n] = rasr & RASR_WRITABLE;
        notify(m);
    }
}

void mpu_set_ctrl(mpu *m, uint32_t ctrl)
{
    m->ctrl = ctrl & 7u;
    notify(m);
}

/* ---- decisions ------------------------------------------------------------ */

static unsigned size_log2(uint32_t rasr)
{
    return ((rasr >> 1) & 0x1Fu) + 1u; /* region size = 2^(SIZE+1) */
}

/* Usable region n: [*base, *base + 2^log2), false if it never matches. */
static bool region_extent(const mpu *m, unsigned n, uint64_t *base, unsigned *log2)
{
    uint32_t rasr = m->rasr[n];
    *log2 = size_log2(rasr);
    *base = m->rbar[n];
    uint64_t mask = (1ull << *log2) - 1u;
    return (rasr & RASR_ENABLE) && *log2 >= 2 && (*base & mask) == 0;
}

int mpu_match(const mpu *m, uint32_t addr)
{
    for (int n = MPU_REGIONS - 1; n >= 0; n--) {
        uint64_t base;
        unsigned log2;
        if (!region_extent(m, (unsigned)n, &base, &log2) || addr - base >= (1ull << log2)) {
            continue;
        }
        if (log2 >= 8) {
            unsigned sub = (unsigned)((addr - base) >> (log2 - 3));
            if (m->rasr[n] & (1u << (8 + sub))) {
                continue; /* subregion disabled: look further down */
            }
        }
        return n;
    }
    return -1;
}

unsigned mpu_default_perms(uint32_t addr)
{
    bool xn = (addr >= 0x40000000u && addr < 0x60000000u) || addr >= 0xA0000000u;
    return MPU_R | MPU_W | (xn ? 0 : MPU_X);
}

/* AP encodings (B3.5.8): priv/unpriv = none/none, RW/none, RW/RO, RW/RW,
 * reserved, RO/none, RO/RO, RO/RO. */
static unsigned ap_perms(unsigned ap, bool privileged)
{
    static const uint8_t priv[8] = {0, 3, 3, 3, 0, 1, 1, 1};
    static const uint8_t user[8] = {0, 0, 1, 3, 0, 0, 1, 1};
    return privileged ? priv[ap & 7u] : user[ap & 7u];
}

unsigned mpu_perms(const mpu *m, uint32_t addr, bool privileged, bool applies)
{
    unsigned dflt = mpu_default_perms(addr);
    if (!applies) {
        return dflt;
    }
    int n = mpu_match(m, addr);
    if (n < 0) {
        return privileged && (m->ctrl & MPU_CTRL_PRIVDEFENA) ? dflt : 0;
    }
    uint32_t rasr = m->rasr[n];
    unsigned p = ap_perms(rasr >> 24, privileged);
    /* Instruction fetch needs read permission, no XN, and an executable
     * part of the memory map. */
    if ((p & MPU_R) && !(rasr & RASR_XN) && (dflt & MPU_X)) {
        p |= MPU_X;
    }
    return p;
}

/* The first point after addr where any region or subregion edge, or an
 * edge of the default map, lies; `limit` if none comes sooner. */
static uint64_t next_edge(const mpu *m, uint32_t addr, uint64_t limit)
{
    static const uint64_t map_edges[] = {0x40000000u, 0x60000000u, 0xA0000000u, 0x100000000ull};
    uint64_t best = limit;
    for (unsigned i = 0; i < sizeof(map_edges) / sizeof(map_edges[0]); i++) {
        if (map_edges[i] > addr && map_edges[i] < best) {
            best = map_edges[i];
        }
    }
    for (unsigned n = 0; n < MPU_REGIONS; n++) {
        uint64_t base;
        unsigned log2;
        if (!region_extent(m, n, &base, &log2)) {
            continue;
        }
        uint64_t step = log2 >= 8 ? (1ull << (log2 - 3)) : (1ull << log2);
        uint64_t end = base + (1ull << log2);
        uint64_t edge = addr < base ? base : base + ((addr - base) / step + 1) * step;
        if (addr < end && edge < best) {
            best = edge;
        }
    }
    return best;
}

uint64_t mpu_uniform_until(const mpu *m, uint32_t addr, uint64_t limit, bool privileged,
                           bool applies)
{
    unsigned p = mpu_perms(m, addr, privileged, applies);
    uint64_t at = addr;
    while (at < limit) {
        uint64_t edge = next_edge(m, (uint32_t)at, limit);
        if (edge >= limit || mpu_perms(m, (uint32_t)edge, privileged, applies) != p) {
            return edge < limit ? edge : limit;
        }
        at = edge;
    }
    return limit;
}

/* ---- registers ------------------------------------------------------------- */

static uint32_t mpu_read(void *dev, uint32_t off, unsigned size)
{
    (void)size;
    mpu *m = dev;
    if (off == TYPE) {
        return (uint32_t)MPU_REGIONS << 8;
    }
    if (off == CTRL) {
        return m->ctrl;
    }
    if (off == RNR) {
        return m->rnr;
    }
    if (off >= RBAR && off < ALIAS_END) {
        /* RBAR_An/RASR_An are plain aliases: an STM of RBAR/RASR pairs with
         * VALID set in each RBAR programs several regions. */
        unsigned n = m->rnr;
        bool is_rbar = ((off - RBAR) & 4u) == 0;
        return is_rbar ? (m->rbar[n] | n) : m->rasr[n];
    }
    return 0;
}

/* A region number beyond the implemented ones is ignored, as QEMU does
 * (the architecture leaves it UNPREDICTABLE). */
static bool write_rbar(mpu *m, uint32_t v)
{
    if (v & RBAR_VALID) {
        if ((v & 0xFu) >= MPU_REGIONS) {
            return false;
        }
        m->rnr = v & 0xFu;
    }
    m->rbar[m->rnr] = v & RBAR_ADDR_MASK;
    return true;
}

static void mpu_write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    mpu *m = dev;
    if (size != 4) {
        return;
    }
    if (off == CTRL) {
        m->ctrl = v & 7u;
    } else if (off == RNR) {
        if (v < MPU_REGIONS) {
            m->rnr = v;
        }
        return; /* selecting a region changes no protection */
    } else if (off >= RBAR && off < ALIAS_END) {
        if (((off - RBAR) & 4u) == 0) {
            if (!write_rbar(m, v)) {
                return;
            }
        } else {
            m->rasr[m->rnr] = v & RASR_WRITABLE;
        }
    } else {
        return;
    }
    notify(m);
}

static void mpu_reset(void *dev)
{
    mpu *m = dev;
    mpu_observer obs = m->obs;
    *m = (struct mpu){.obs = obs};
    notify(m);
}

static void mpu_destroy(void *dev)
{
    free(dev);
}

static const device_ops mpu_ops = {
    .read = mpu_read,
    .write = mpu_write,
    .reset = mpu_reset,
    .destroy = mpu_destroy,
};

device mpu_device(mpu *m)
{
    device d = {
        .name = "mpu",
        .base = MPU_BASE,
        .size = MPU_SIZE,
        .widths = DEV_W32,
        .ops = &mpu_ops,
        .state = m,
    };
    return d;
}
