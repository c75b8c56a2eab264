/* mpu_unpriv_insn: LDRT, STRT and their byte/halfword forms access memory
 * with unprivileged rights even when privileged code runs them.
 *
 * Process-like set-up plus one 1 KiB region over a RAM arena holding a
 * data word.  Privileged code runs each probe with the region's AP set to
 * 1 (privileged RW only), 2 (unprivileged read-only) and 3 (RW for
 * everyone) and prints "<probe> ap=N" and what happened: the value read,
 * the fault (MemManage, IPSR 4, CFSR = DACCVIOL | MMARVALID, MMFAR = the
 * word, stacked PC = the probe) or none, and the word afterwards.  A
 * privileged LDR of the word just before an LDRT of it (one straight run
 * of code) does not lend the LDRT its rights.  With a 256-byte region
 * denying everyone in the middle of the arena's page (so the page is cut
 * by an edge), an LDRT just below it reads and one inside it faults.
 * Unprivileged code's LDRT is an ordinary unprivileged load.  An LDRT of
 * the System Control Space from privileged code is a precise BusFault
 * (BFAR = the address): the PPB refuses unprivileged accesses. */
#include "mpu_common.h"

#define ARENA_BYTES 1024
#define DATA_OFF    0x100u
#define CUT_OFF     0x200u /* the 256-byte region denying everyone */
#define REGION_TEST 2
#define REGION_CUT  3

#define SENTINEL 0x5E5E5E5Eu
#define INITIAL  0xC0DEC0DEu

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));

uint32_t probe_ldrt(uint32_t addr, uint32_t sentinel);
uint32_t probe_ldrbt(uint32_t addr, uint32_t sentinel);
uint32_t probe_strt(uint32_t addr, uint32_t value);
uint32_t probe_strht(uint32_t addr, uint32_t value);
uint32_t probe_ldr_ldrt(uint32_t addr, uint32_t sentinel);
extern const char probe_ldrt_insn[], probe_ldrbt_insn[], probe_strt_insn[], probe_strht_insn[];
extern const char probe_ldr_ldrt_insn[];

MPU_HANDLERS_DEFAULT

typedef struct probe {
    const char *name;
    uint32_t (*fn)(uint32_t addr, uint32_t arg);
    const char *insn;
    bool store;
} probe;

static const probe probes[] = {
    {"ldrt", probe_ldrt, probe_ldrt_insn, false},
    {"ldrbt", probe_ldrbt, probe_ldrbt_insn, false},
    {"strt", probe_strt, probe_strt_insn, true},
    {"strht", probe_strht, probe_strht_insn, true},
    {"ldr_ldrt", probe_ldr_ldrt, probe_ldr_ldrt_insn, false},
};

static uint32_t at(uint32_t off)
{
    return addr_of(arena) + off;
}

static uint32_t peek(uint32_t off)
{
    uint32_t ctrl = MPU_CTRL;
    mpu_ctrl(0);
    uint32_t v = *(volatile uint32_t *)(uintptr_t)at(off);
    mpu_ctrl(ctrl);
    return v;
}

static void poke(uint32_t off, uint32_t v)
{
    uint32_t ctrl = MPU_CTRL;
    mpu_ctrl(0);
    *(volatile uint32_t *)(uintptr_t)at(off) = v;
    mpu_ctrl(ctrl);
}

/* Unprivileged rights per AP: bit 0 read, bit 1 write. */
static unsigned unpriv_rights(unsigned ap)
{
    return ap == AP_FULL ? 3u : ap == AP_PRIV_RW_RO ? 1u : 0u;
}

static void run_probe(const probe *p, unsigned ap)
{
    mpu_set(REGION_TEST, at(0), RASR_ENABLE | RASR_SIZE(10) | RASR_AP(ap) | RASR_NORMAL);
    poke(DATA_OFF, INITIAL);
    fault_reset();
    uint32_t v = p->fn(at(DATA_OFF), p->store ? 0x00001234u : SENTINEL);
    uart_puts(p->name);
    print_kv_dec("ap", ap);
    if (!p->store) {
        print_kv_hex("value", v);
    }
    print_fault();
    print_kv_hex("word", peek(DATA_OFF));
    print_nl();
    bool allowed = unpriv_rights(ap) & (p->store ? 2u : 1u);
    if (allowed) {
        EXPECT_NO_FAULT();
    } else {
        EXPECT_MM_DATA(at(DATA_OFF), p->insn);
        CHECK(peek(DATA_OFF) == INITIAL && (p->store || v == SENTINEL),
              "a refused access has no effect");
    }
}

/* An LDRT on a page a region edge cuts: decided to the byte. */
static void cut_page(void)
{
    mpu_set(REGION_TEST, at(0), RASR_ENABLE | RASR_SIZE(10) | RASR_AP(AP_FULL) | RASR_NORMAL);
    mpu_set(REGION_CUT, at(CUT_OFF), RASR_ENABLE | RASR_SIZE(8) | RASR_AP(AP_NONE) | RASR_NORMAL);
    poke(CUT_OFF - 4u, INITIAL);
    fault_reset();
    uint32_t below = probe_ldrt(at(CUT_OFF - 4u), SENTINEL);
    print_line_hex("cut below", below);
    EXPECT_NO_FAULT();
    uint32_t inside = probe_ldrt(at(CUT_OFF), SENTINEL);
    uart_puts("cut inside");
    print_kv_hex("value", inside);
    print_fault();
    print_nl();
    EXPECT_MM_DATA(at(CUT_OFF), probe_ldrt_insn);
    mpu_off(REGION_CUT);
}

static void unprivileged_ldrt(void)
{
    mpu_set(REGION_TEST, at(0), RASR_ENABLE | RASR_SIZE(10) | RASR_AP(AP_PRIV_RW) | RASR_NORMAL);
    fault_reset();
    uint32_t v = unpriv_call(probe_ldrt, at(DATA_OFF), SENTINEL);
    uart_puts("unprivileged ldrt");
    print_kv_hex("value", v);
    print_fault();
    print_nl();
    EXPECT_MM_DATA(at(DATA_OFF), probe_ldrt_insn);
}

static void ppb_ldrt(void)
{
    fault_reset();
    uint32_t v = probe_ldrt(SCB_CPUID_ADDR, SENTINEL);
    uart_puts("ppb ldrt");
    print_kv_hex("value", v);
    print_fault();
    print_nl();
    EXPECT_FAULT(EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, SCB_CPUID_ADDR, probe_ldrt_insn);
}

int main(void)
{
    test_begin("mpu_unpriv_insn");
    mpu_process_setup();
    static const unsigned aps[] = {AP_PRIV_RW, AP_PRIV_RW_RO, AP_FULL};
    for (unsigned i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
        for (unsigned j = 0; j < sizeof(aps) / sizeof(aps[0]); j++) {
            run_probe(&probes[i], aps[j]);
        }
    }
    cut_page();
    unprivileged_ldrt();
    ppb_ldrt();
    mpu_reset();
    test_end();
}
