/* mpu_tlb: a denied access must stay denied however often it is repeated,
 * whatever was allowed on the same page before, and without anything in
 * between that would change the protection (the simulator keeps no
 * translation of the page that still lets the access through).
 *
 * Process-like set-up plus one 1 KiB region over a RAM arena.  Each line
 * names a sequence of LDRs and STRs of one word; every denied access must
 * be exactly one MemManage with MMFAR = the word and the stacked PC = the
 * probe, and have no effect; every allowed one must read or write.
 * - priv_read_twice / priv_write_twice: AP 0 (no access for anyone),
 *   privileged LDR (STR) twice: the fault handler runs with the same
 *   rights as the code that faulted, so nothing is reprogrammed between;
 * - priv_ro_write: AP 6 (read-only), privileged LDR (allowed), then STR
 *   twice (denied), then LDR again (allowed);
 * - unpriv_read_twice / unpriv_write_twice: AP 0, unprivileged, twice in
 *   one unprivileged call;
 * - unpriv_ro_write: AP 2 (privileged RW, unprivileged RO), unprivileged
 *   LDR, STR, STR, LDR;
 * - priv_after_denied: AP 1 (privileged RW only): an unprivileged LDR
 *   (denied) and then privileged LDR and STR (allowed), then unprivileged
 *   LDR and STR again (denied);
 * - read_revoked: AP 6 (read-only for everyone), two unprivileged LDRs
 *   (allowed), then AP 5 (privileged read-only): two more (denied).
 * Output lines: "<name> rd=<reads denied> wr=<writes denied> skipped=<bit
 * per read that was skipped> data=<the word afterwards>". */
#include "mpu_common.h"

#define ARENA_BYTES 1024
#define DATA_OFF    0x200u
#define REGION_TEST 2

#define SENTINEL 0x5E5E5E5Eu

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(ARENA_BYTES)));

/* What the faults of one sequence were (the fault handler fills it in). */
static unsigned denied_reads, denied_writes, odd_faults;

MPU_HANDLERS_DEFAULT

static uint32_t data_addr(void)
{
    return addr_of(arena) + DATA_OFF;
}

/* The data word as memory holds it, whatever the MPU says. */
static uint32_t peek(void)
{
    uint32_t ctrl = MPU_CTRL;
    mpu_ctrl(0);
    uint32_t v = *(volatile uint32_t *)(uintptr_t)data_addr();
    mpu_ctrl(ctrl);
    return v;
}

/* Every fault must be a MemManage on the data word at one of the probes;
 * the default fix-up then skips the access. */
static bool count_fault(exc_frame *f, uint32_t exc_return)
{
    (void)exc_return;
    bool mm = get_ipsr() == EXC_MEMMANAGE && SCB_MMFAR == data_addr();
    if (mm && f->pc == addr_of(probe_ldr_insn)) {
        denied_reads++;
    } else if (mm && f->pc == addr_of(probe_str_insn)) {
        denied_writes++;
    } else {
        odd_faults++;
    }
    return false;
}

/* Runs n accesses (bit i of ops: 1 write, 0 read) on the data word; write
 * i stores WRITTEN(i).  Returns a bit per read that got the sentinel back
 * (was skipped).  Touches no memory but the stack: it also runs
 * unprivileged. */
#define WRITTEN(i) (0xA5A50000u | (i))
static uint32_t run_seq(uint32_t ops, uint32_t n)
{
    uint32_t skipped = 0;
    for (uint32_t i = 0; i < n; i++) {
        if ((ops >> i) & 1u) {
            probe_str(data_addr(), WRITTEN(i));
        } else if (probe_ldr(data_addr(), SENTINEL) == SENTINEL) {
            skipped |= 1u << i;
        }
    }
    return skipped;
}

static void set_ap(unsigned ap)
{
    mpu_set(REGION_TEST, addr_of(arena), RASR_ENABLE | RASR_SIZE(10) | RASR_AP(ap) | RASR_NORMAL);
}

typedef struct expect {
    unsigned reads, writes; /* denied */
    uint32_t skipped;       /* reads that were denied, as run_seq returns */
    uint32_t data;          /* the word afterwards */
} expect;

static void start_seq(unsigned ap)
{
    set_ap(ap);
    mpu_ctrl(0);
    *(volatile uint32_t *)(uintptr_t)data_addr() = 0xC0DEC0DEu;
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
    fault_reset();
    denied_reads = denied_writes = odd_faults = 0;
}

/* "<name> rd=N wr=N skipped=0x.. data=0x.." and the checks. */
static void report(const char *name, uint32_t skipped, const expect *e)
{
    uint32_t data = peek();
    uart_puts(name);
    print_kv_dec("rd", denied_reads);
    print_kv_dec("wr", denied_writes);
    print_kv_hex("skipped", skipped);
    print_kv_hex("data", data);
    if (odd_faults) {
        print_kv_dec("odd", odd_faults);
    }
    print_nl();
    CHECK(odd_faults == 0 && denied_reads == e->reads && denied_writes == e->writes &&
              skipped == e->skipped && data == e->data,
          name);
}

static void priv_seq(const char *name, unsigned ap, uint32_t ops, uint32_t n, const expect *e)
{
    start_seq(ap);
    uint32_t skipped = run_seq(ops, n);
    report(name, skipped, e);
}

static void unpriv_seq(const char *name, unsigned ap, uint32_t ops, uint32_t n, const expect *e)
{
    start_seq(ap);
    uint32_t skipped = unpriv_call(run_seq, ops, n);
    report(name, skipped, e);
}

/* Denied unprivileged, allowed privileged, denied unprivileged again. */
static void priv_after_denied(void)
{
    start_seq(AP_PRIV_RW);
    uint32_t skipped = unpriv_call(run_seq, 0x2u, 2); /* read, write */
    skipped |= run_seq(0x2u, 2) << 2;                 /* read, write */
    skipped |= unpriv_call(run_seq, 0x2u, 2) << 4;    /* read, write */
    static const expect e = {2, 2, 0x11u, WRITTEN(1)};
    report("priv_after_denied", skipped, &e);
}

/* Read allowed, then the read right alone taken away (AP 6 to AP 5: the
 * page was never writable unprivileged): the read must fault now. */
static void read_revoked(void)
{
    start_seq(AP_RO);
    uint32_t skipped = unpriv_call(run_seq, 0x0u, 2);
    set_ap(AP_PRIV_RO);
    skipped |= unpriv_call(run_seq, 0x0u, 2) << 2;
    static const expect e = {2, 0, 0xCu, 0xC0DEC0DEu};
    report("read_revoked", skipped, &e);
}

int main(void)
{
    test_begin("mpu_tlb");
    mpu_process_setup();
    fault_hook = count_fault;
    static const expect none2 = {2, 0, 0x3u, 0xC0DEC0DEu};
    static const expect wnone2 = {0, 2, 0, 0xC0DEC0DEu};
    static const expect ro = {0, 2, 0, 0xC0DEC0DEu};
    priv_seq("priv_read_twice", AP_NONE, 0x0u, 2, &none2);
    priv_seq("priv_write_twice", AP_NONE, 0x3u, 2, &wnone2);
    priv_seq("priv_ro_write", AP_RO, 0x6u, 4, &ro);
    unpriv_seq("unpriv_read_twice", AP_NONE, 0x0u, 2, &none2);
    unpriv_seq("unpriv_write_twice", AP_NONE, 0x3u, 2, &wnone2);
    unpriv_seq("unpriv_ro_write", AP_PRIV_RW_RO, 0x6u, 4, &ro);
    priv_after_denied();
    read_revoked();
    fault_hook = NULL;
    mpu_reset();
    test_end();
}
