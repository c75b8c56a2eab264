/* DWT, the Armv7-M Data Watchpoint and Trace unit (Armv7-M ARM C1.8), at
 * 0xE0001000.  Only the cycle counter is modelled:
 *
 *   0x000 CTRL      [31:28] NUMCOMP = 4 (read-only), [0] CYCCNTENA; the other
 *                   control bits [22:1] read back as written, without effect
 *   0x004 CYCCNT    model cycles while CYCCNTENA and DEMCR.TRCENA; writable;
 *                   wraps at 2^32
 *   0x008 CPICNT, 0x00C EXCCNT, 0x010 SLEEPCNT, 0x014 LSUCNT, 0x018 FOLDCNT
 *                   read as zero (the profiling counters are not modelled)
 *   0x01C PCSR      reads as zero (no PC sampling)
 *   0xFB0 LAR       write-only, ignored; 0xFB4 LSR reads 0 (no lock)
 *   0xFD0-0xFFC     Cortex-M4 DWT PID4..7, PID0..3, CID0..3
 *   comparators (0x020 + 16n) and everything else: RAZ/WI.
 *
 * Reset values: CTRL = 0x40000000, CYCCNT = 0 (architecturally UNKNOWN).
 * DEMCR.TRCENA lives in the debug block; whoever models it drives
 * dwt_set_trace_enable(), and a DWT reset leaves that input alone.
 *
 * CYCCNT is (value at sync, sync cycle) and is brought up to date whenever
 * counting starts or stops; it needs no events. */
#include <assert.h>
#include <stdlib.h>

#include "periph.h"

#define DWT_BASE 0xE0001000u
#define DWT_SIZE 0x1000u

#define R_CTRL   0x000u
#define R_CYCCNT 0x004u
#define R_PID4   0xFD0u
#define R_CID3   0xFFCu

#define CTRL_NUMCOMP   (4u << 28)
#define CTRL_CYCCNTENA (1u << 0)
#define CTRL_RW_MASK   0x007FFFFFu

/* PID4..PID7, PID0..PID3, CID0..CID3 of the Cortex-M4 DWT. */
static const uint8_t dwt_id[12] = {0x04, 0x00, 0x00, 0x00, 0x02, 0xB0,
                                   0x3B, 0x00, 0x0D, 0xE0, 0x05, 0xB1};

struct dwt {
    const vclock *clk;
    bool trace_enabled;
    uint32_t ctrl;   /* writable bits only */
    uint32_t cyccnt; /* at sync */
    uint64_t sync;
};

static bool counting(const dwt *d)
{
    return d->trace_enabled && (d->ctrl & CTRL_CYCCNTENA);
}

/* Fold the cycles since `sync` into cyccnt; called before any change. */
static void settle(dwt *d)
{
    uint64_t now = vclock_now(d->clk);
    if (counting(d)) {
        d->cyccnt += (uint32_t)(now - d->sync);
    }
    d->sync = now;
}

static uint32_t cyccnt_now(const dwt *d)
{
    if (!counting(d)) {
        return d->cyccnt;
    }
    return d->cyccnt + (uint32_t)(vclock_now(d->clk) - d->sync);
}

void dwt_set_trace_enable(dwt *d, bool enabled)
{
    settle(d);
    d->trace_enabled = enabled;
}

static uint32_t dwt_read_reg(const dwt *d, uint32_t reg)
{
    switch (reg) {
    case R_CTRL:
        return CTRL_NUMCOMP | d->ctrl;
    case R_CYCCNT:
        return cyccnt_now(d);
    default:
        if (reg >= R_PID4 && reg <= R_CID3) {
            return dwt_id[(reg - R_PID4) / 4];
        }
        return 0;
    }
}

static uint32_t dwt_read(void *dev, uint32_t offset, unsigned size)
{
    uint32_t v = dwt_read_reg(dev, offset & ~3u) >> (8u * (offset & 3u));
    return size >= 4 ? v : v & ((1u << (8u * size)) - 1u);
}

static void dwt_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    dwt *d = dev;
    (void)size;
    switch (offset) {
    case R_CTRL:
        settle(d);
        d->ctrl = value & CTRL_RW_MASK;
        break;
    case R_CYCCNT:
        settle(d);
        d->cyccnt = value;
        break;
    default:
        break; /* LAR and the unmodelled registers ignore writes */
    }
}

static void dwt_reset(void *dev)
{
    dwt *d = dev;
    d->ctrl = 0;
    d->cyccnt = 0;
    d->sync = vclock_now(d->clk);
}

static void dwt_destroy(void *dev)
{
    free(dev);
}

static const device_ops dwt_ops = {
    .read = dwt_read,
    .write = dwt_write,
    .reset = dwt_reset,
    .destroy = dwt_destroy,
};

dwt *dwt_create(const vclock *clk)
{
    dwt *d = calloc(1, sizeof(*d));
    assert(d != NULL);
    d->clk = clk;
    return d; /* reset state, synchronised to cycle 0 */
}

device dwt_device(dwt *d)
{
    return (device){
        .name = "dwt",
        .base = DWT_BASE,
        .size = DWT_SIZE,
        .widths = DEV_W32,
        .ops = &dwt_ops,
        .state = d,
    };
}
