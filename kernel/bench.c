/* Self-measurement (see bench.h).  Only the analysis is always built (it is
 * unit-tested); the recorder does something only with KERNEL_BENCH. */
#include "bench.h"

#include "abi.h"
#include "kernel.h"
#include "kprint.h"

static bench_raw raw[BENCH_SAMPLES];
static unsigned raw_count;
static uint32_t overhead;
static bool spoiled, printed;
static bench_result result;

void bench_reset(void)
{
    raw_count = 0;
    spoiled = false;
    printed = false;
}

void bench_set_overhead(uint32_t cycles)
{
    overhead = cycles;
}

void bench_svc(uint32_t stamp, unsigned slot, unsigned cls, uint32_t r0, uint32_t r1)
{
    if (raw_count < BENCH_SAMPLES) {
        raw[raw_count++] = (bench_raw){stamp, (uint8_t)(slot | (spoiled ? BENCH_SPOILED : 0u)),
                                       (uint8_t)cls, (uint8_t)r0, (uint8_t)r1};
        spoiled = false;
        if (raw_count == BENCH_SAMPLES) {
            kernel_request_service(); /* bench_poll runs in the kernel loop */
        }
    }
}

void bench_other_trap(void)
{
    spoiled = true;
}

static void sort(uint32_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint32_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
}

static uint32_t median(uint32_t *v, unsigned n)
{
    if (n == 0) {
        return 0;
    }
    sort(v, n);
    return v[n / 2];
}

/* Interval a -> b: which figure it measures, net of the app's cycles and
 * the recorder; 0 if neither, or if another trap came in between. */
static uint32_t classify(const bench_raw *a, const bench_raw *b, uint32_t ovh, bool *is_switch)
{
    uint32_t span = b->stamp - a->stamp;
    unsigned a_slot = a->slot & ~BENCH_SPOILED, b_slot = b->slot & ~BENCH_SPOILED;
    if (b->slot & BENCH_SPOILED) {
        return 0;
    }
    if (a->cls == SYS_COMMAND && a->r0 == 2 && a->r1 == 0 && a_slot == b_slot) {
        *is_switch = false;
        return span - ovh - BENCH_APP_AFTER_NULL;
    }
    if (a->cls == SYS_YIELD && a->r0 == YIELD_WAIT && a_slot != b_slot) {
        *is_switch = true;
        return span - ovh - BENCH_APP_AFTER_SWITCH;
    }
    return 0;
}

bench_result bench_analyze(const bench_raw *r, unsigned n, uint32_t ovh)
{
    static uint32_t nulls[BENCH_SAMPLES], switches[BENCH_SAMPLES];
    unsigned nn = 0, ns = 0;
    for (unsigned i = 1; i < n && i < BENCH_SAMPLES; i++) {
        bool is_switch = false;
        uint32_t v = classify(&r[i - 1], &r[i], ovh, &is_switch);
        if (v != 0 && is_switch) {
            switches[ns++] = v;
        } else if (v != 0) {
            nulls[nn++] = v;
        }
    }
    return (bench_result){median(nulls, nn), nn, median(switches, ns), ns};
}

void bench_print(void)
{
    if (result.null_samples == 0 && result.switch_samples == 0) {
        klog(" no cycle figures (they come from the bench kernel with the bench app)");
        return;
    }
    klog("bench: null command round trip: median %u cycles (%u samples)", result.null_median,
         result.null_samples);
    klog("bench: process switch (yield-wait -> kernel -> other process): median %u cycles "
         "(%u samples)",
         result.switch_median, result.switch_samples);
    klog("bench: recorder overhead %u cycles per svc, subtracted", overhead);
}

void bench_poll(void)
{
    if (!printed && raw_count == BENCH_SAMPLES) {
        printed = true;
        result = bench_analyze(raw, raw_count, overhead);
        bench_print();
    }
}

/* ---- the bench driver: command 1 wakes every other process --------------- */

typedef struct wake {
    proc_id self;
} wake;

static void wake_one(proc_id pid, void *data, void *ctx)
{
    (void)data;
    if (pid != ((wake *)ctx)->self) {
        upcall_schedule(pid, &bench_driver, 0, 0, 0, 0);
    }
}

static void bench_command(proc_id pid, uint32_t cmd, uint32_t a1, uint32_t a2, uint32_t ret[4])
{
    (void)a1;
    (void)a2;
    if (cmd == 1) {
        wake w = {pid};
        grant_each(&bench_driver, wake_one, &w);
    } else if (cmd != 0) {
        ret_fail(ret, E_NOSUPPORT);
        return;
    }
    ret_success(ret);
}

const driver bench_driver = {
    .num = BENCH_DRIVER,
    .subscribes = 1,
    .command = bench_command,
};
