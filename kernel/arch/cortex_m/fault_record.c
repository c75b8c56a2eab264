/* Fault records and their decoding for dumps (ARM DDI 0403, B3.2.15-18). */
#include "fault_record.h"

#include "../../kprint.h"
#include "regs.h"

/* CFSR = MMFSR (7:0) | BFSR (15:8) | UFSR (31:16) */
#define CFSR_MSTKERR   (1u << 4)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_STKERR    (1u << 12)
#define CFSR_BFARVALID (1u << 15)
#define HFSR_FORCED    (1u << 30)

typedef struct fault_record {
    uint32_t exc, exc_return;
    uint32_t cfsr, hfsr, mmfar, bfar;
    uint32_t frame_addr;
    uint32_t frame[FR_WORDS];
    bool frame_ok;
} fault_record;

static fault_record rec;

static const char *const cfsr_bits[32] = {
    [0] = "IACCVIOL",     [1] = "DACCVIOL",    [3] = "MUNSTKERR",  [4] = "MSTKERR",
    [5] = "MLSPERR",      [7] = "MMARVALID",   [8] = "IBUSERR",    [9] = "PRECISERR",
    [10] = "IMPRECISERR", [11] = "UNSTKERR",   [12] = "STKERR",    [13] = "LSPERR",
    [15] = "BFARVALID",   [16] = "UNDEFINSTR", [17] = "INVSTATE",  [18] = "INVPC",
    [19] = "NOCP",        [24] = "UNALIGNED",  [25] = "DIVBYZERO",
};

/* The most telling bit, in words. */
static const char *describe(uint32_t cfsr, uint32_t hfsr)
{
    static const struct {
        uint32_t bit;
        const char *text;
    } reasons[] = {
        {1u << 4, "stack overflow or bad stack pointer (exception frame could not be pushed)"},
        {1u << 12, "stack overflow or bad stack pointer (exception frame could not be pushed)"},
        {1u << 3, "bad stack pointer on exception return"},
        {1u << 11, "bad stack pointer on exception return"},
        {1u << 0, "instruction fetch from memory it may not execute"},
        {1u << 1, "data access to memory it may not touch"},
        {1u << 8, "instruction fetch bus error"},
        {1u << 9, "data access bus error (nothing there)"},
        {1u << 10, "imprecise data bus error"},
        {1u << 16, "undefined instruction"},
        {1u << 17, "invalid state (e.g. ARM state / Thumb bit clear)"},
        {1u << 18, "invalid exception return"},
        {1u << 19, "coprocessor instruction"},
        {1u << 24, "unaligned access"},
        {1u << 25, "division by zero"},
    };
    for (unsigned i = 0; i < sizeof reasons / sizeof reasons[0]; i++) {
        if (cfsr & reasons[i].bit) {
            return reasons[i].text;
        }
    }
    return (hfsr & (1u << 31)) ? "breakpoint or debug event" : "hard fault";
}

static const char *exception_name(uint32_t exc)
{
    static const char *const names[] = {"?",         "?",        "NMI",       "HardFault",
                                        "MemManage", "BusFault", "UsageFault"};
    return exc < sizeof names / sizeof names[0] ? names[exc] : "?";
}

void fault_record_take(const uint32_t *frame, uint32_t exc_return, uaddr lo, uaddr hi)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr)); /* which exception we are in */
    rec = (fault_record){.exc = ipsr & 0x1FFu, .exc_return = exc_return};
    rec.cfsr = SCB_CFSR;
    rec.hfsr = SCB_HFSR;
    rec.mmfar = SCB_MMFAR;
    rec.bfar = SCB_BFAR;
    SCB_CFSR = rec.cfsr; /* write-one-to-clear: the next fault starts clean */
    SCB_HFSR = rec.hfsr;
    rec.frame_addr = (uint32_t)(uintptr_t)frame;
    bool stacked = (rec.cfsr & (CFSR_MSTKERR | CFSR_STKERR)) == 0;
    bool inside =
        rec.frame_addr >= lo && rec.frame_addr <= hi - FR_WORDS * 4u && rec.frame_addr % 4u == 0;
    rec.frame_ok = stacked && inside;
    for (unsigned i = 0; rec.frame_ok && i < FR_WORDS; i++) {
        rec.frame[i] = frame[i];
    }
}

static void print_status(void)
{
    klog(" %s: %s", exception_name(rec.exc), describe(rec.cfsr, rec.hfsr));
    kprintf(KLOG_PREFIX " CFSR 0x%08x HFSR 0x%08x", rec.cfsr, rec.hfsr);
    for (unsigned bit = 0; bit < 32; bit++) {
        if ((rec.cfsr & (1u << bit)) && cfsr_bits[bit] != NULL) {
            kprintf(" %s", cfsr_bits[bit]);
        }
    }
    kprintf("%s\n", (rec.hfsr & HFSR_FORCED) ? " FORCED" : "");
    if (rec.cfsr & CFSR_MMARVALID) {
        klog(" faulting data address (MMFAR) 0x%08x", rec.mmfar);
    }
    if (rec.cfsr & CFSR_BFARVALID) {
        klog(" faulting bus address (BFAR) 0x%08x", rec.bfar);
    }
}

static void print_frame(uint32_t sp)
{
    if (!rec.frame_ok) {
        klog(" r0-r3, r12, lr, pc, xpsr: not stacked (frame at 0x%08x unusable)", rec.frame_addr);
        return;
    }
    const uint32_t *f = rec.frame;
    klog(" r0  0x%08x  r1  0x%08x  r2  0x%08x  r3  0x%08x", f[FR_R0], f[FR_R1], f[FR_R2], f[FR_R3]);
    klog(" r12 0x%08x  sp  0x%08x  lr  0x%08x  pc  0x%08x", f[FR_R12], sp, f[FR_LR], f[FR_PC]);
    klog(" xpsr 0x%08x", f[FR_XPSR]);
}

void arch_fault_print(const arch_ctx *ctx, bool forced)
{
    if (forced) {
        klog(" fault forced from the process console");
    } else {
        print_status();
        print_frame(rec.frame_addr + FR_WORDS * 4u + ((rec.frame[FR_XPSR] >> 9) & 1u) * 4u);
    }
    const uint32_t *r = ctx->r4_r11;
    klog(" r4  0x%08x  r5  0x%08x  r6  0x%08x  r7  0x%08x", r[0], r[1], r[2], r[3]);
    klog(" r8  0x%08x  r9  0x%08x  r10 0x%08x  r11 0x%08x", r[4], r[5], r[6], r[7]);
}

void fault_record_print_kernel(void)
{
    klog("kernel fault (EXC_RETURN 0x%08x)", rec.exc_return);
    print_status();
    print_frame(rec.frame_addr + FR_WORDS * 4u);
}
