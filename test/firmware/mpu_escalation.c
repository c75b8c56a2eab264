/* mpu_escalation: MPU faults that cannot use the MemManage handler, and
 * the MPU at negative execution priority (HFNMIENA).
 *
 * Process-like set-up plus DENIED, a 1 KiB RAM region nobody may access
 * (AP 0), holding a known word, and NX, a 1 KiB region of code that is
 * RW for everyone but execute-never.
 * - MemManage disabled in SHCSR: an unprivileged and a privileged load
 *   from DENIED are HardFaults (IPSR 3) with HFSR = FORCED, CFSR =
 *   DACCVIOL | MMARVALID, MMFAR = the word, stacked PC = the load, the
 *   load's destination unchanged; an unprivileged call into NX is a
 *   HardFault with HFSR = FORCED, CFSR = IACCVIOL, stacked PC = the code.
 * - MemManage enabled but at priority 0x80, raised inside the SVC handler
 *   (priority 0): HardFault, FORCED, DACCVIOL | MMARVALID, EXC_RETURN
 *   0xFFFFFFF1.
 * - HFNMIENA clear (CTRL = ENABLE | PRIVDEFENA): the HardFault handler
 *   (from the escalation above) and the NMI handler read the word in
 *   DENIED without a fault; so does a privileged thread with FAULTMASK
 *   set, while the same thread without FAULTMASK takes a MemManage.
 * - HFNMIENA set: a HardFault handler that stays out of DENIED runs as
 *   usual (reading DENIED there would lock the core up: not done). */
#include "mpu_common.h"

#define ARENA_BYTES   2048
#define DENIED_OFF    0x000u
#define NX_OFF        0x400u
#define WORD_OFF      0x40u
#define REGION_DENIED 2
#define REGION_NX     3

#define SENTINEL        0x5E5E5E5Eu
#define SECRET          0x5EC2E700u
#define SVC_DENIED      1
#define ICSR_NMIPENDSET (1u << 31)
#define MEMMANAGE_PRIO  0x80u
#define T_MOVS_R0(imm)  (0x2000u | (imm)) /* movs r0, #imm */
#define T_BX_LR         0x4770u           /* bx lr */

static uint8_t arena[ARENA_BYTES] __attribute__((aligned(1024)));

static struct {
    bool read_in_hardfault;
    uint32_t hardfault_value, nmi_value, svc_value;
    unsigned nmi_runs;
} seen;

MPU_HANDLERS_DEFAULT

static uint32_t secret_addr(void)
{
    return addr_of(arena) + DENIED_OFF + WORD_OFF;
}

/* Reads DENIED from inside the HardFault handler when asked to. */
static bool hardfault_hook(exc_frame *f, uint32_t exc_return)
{
    (void)f;
    (void)exc_return;
    if (seen.read_in_hardfault && get_ipsr() == EXC_HARDFAULT) {
        seen.hardfault_value = *(volatile uint32_t *)(uintptr_t)secret_addr();
    }
    return false;
}

void nmi_handler(void)
{
    seen.nmi_runs++;
    seen.nmi_value = *(volatile uint32_t *)(uintptr_t)secret_addr();
}

static void svc_denied(exc_frame *f, uint32_t number)
{
    if (number == SVC_DENIED) {
        seen.svc_value = probe_ldr(secret_addr(), SENTINEL);
        f->r0 = seen.svc_value;
    }
}

/* uint32_t svc_read_denied(void) as a plain call: SVC 1, result in r0. */
static uint32_t svc_read_denied(void)
{
    register uint32_t r0 __asm("r0") = 0;
    __asm volatile("svc %1" /* the handler loads DENIED privileged, at SVC priority */
                   : "+r"(r0)
                   : "i"(SVC_DENIED)
                   : "memory");
    return r0;
}

static void observe(const char *what, uint32_t value)
{
    uart_puts(what);
    print_kv_hex("value", value);
    print_fault();
    if (fault_seen.count != 0) {
        print_kv_hex("exc_return", fault_seen.exc_return);
    }
    print_nl();
}

static void set_up(void)
{
    *(volatile uint32_t *)(uintptr_t)secret_addr() = SECRET;
    volatile uint16_t *code = (volatile uint16_t *)(uintptr_t)(addr_of(arena) + NX_OFF);
    code[0] = T_MOVS_R0(1);
    code[1] = T_BX_LR;
    barrier();
    mpu_process_setup();
    mpu_set(REGION_DENIED, addr_of(arena) + DENIED_OFF,
            RASR_ENABLE | RASR_SIZE(10) | RASR_AP(AP_NONE) | RASR_XN | RASR_NORMAL);
    mpu_set(REGION_NX, addr_of(arena) + NX_OFF,
            RASR_ENABLE | RASR_SIZE(10) | RASR_AP(AP_FULL) | RASR_XN | RASR_NORMAL);
    fault_hook = hardfault_hook;
    svc_hook = svc_denied;
}

static void test_memmanage_disabled(void)
{
    SCB_SHCSR &= ~SHCSR_MEMFAULTENA;
    barrier();
    seen.read_in_hardfault = true;
    uint32_t v = unpriv_call(probe_ldr, secret_addr(), SENTINEL);
    observe("disabled_unpriv_load", v);
    EXPECT_FAULT(EXC_HARDFAULT, CFSR_DACCVIOL | CFSR_MMARVALID, secret_addr(), probe_ldr_insn);
    CHECK(v == SENTINEL, "destination unchanged");
    seen.read_in_hardfault = false;
    uart_puts("hardfault_handler_reads_denied");
    print_kv_hex("value", seen.hardfault_value);
    print_nl();
    CHECK(seen.hardfault_value == SECRET,
          "HFNMIENA clear: the MPU is off in the HardFault handler");
    v = probe_ldr(secret_addr(), SENTINEL);
    observe("disabled_priv_load", v);
    EXPECT_FAULT(EXC_HARDFAULT, CFSR_DACCVIOL | CFSR_MMARVALID, secret_addr(), probe_ldr_insn);
    CHECK(v == SENTINEL, "destination unchanged");
    uint32_t nx = addr_of(arena) + NX_OFF;
    v = unpriv_call(probe_call, nx, SENTINEL);
    observe("disabled_unpriv_exec", v);
    CHECK(fault_seen.frame.pc == nx, "stacked PC = the code");
    EXPECT_FAULT(EXC_HARDFAULT, CFSR_IACCVIOL, 0, NULL);
    CHECK(v == SENTINEL, "the code did not run");
    SCB_SHCSR |= SHCSR_MEMFAULTENA;
    barrier();
}

static void test_priority_escalation(void)
{
    SCB_SHPR1 = (SCB_SHPR1 & ~0xFFu) | MEMMANAGE_PRIO;
    SCB_SHPR2 = 0; /* SVCall at priority 0, above MemManage */
    barrier();
    uint32_t v = svc_read_denied();
    observe("memmanage_below_svc", v);
    CHECK(fault_seen.exc_return == EXC_RETURN_HANDLER, "the fault came from a handler");
    EXPECT_FAULT(EXC_HARDFAULT, CFSR_DACCVIOL | CFSR_MMARVALID, secret_addr(), probe_ldr_insn);
    CHECK(v == SENTINEL, "destination unchanged");
    SCB_SHPR1 &= ~0xFFu;
    barrier();
}

static void test_negative_priority(void)
{
    SCB_ICSR = ICSR_NMIPENDSET;
    barrier();
    uart_puts("nmi_handler_reads_denied");
    print_kv_dec("runs", seen.nmi_runs);
    print_kv_hex("value", seen.nmi_value);
    print_nl();
    CHECK(seen.nmi_runs == 1 && seen.nmi_value == SECRET, "the MPU is off in the NMI handler");
    uint32_t v = probe_ldr(secret_addr(), SENTINEL);
    observe("thread_load", v);
    EXPECT_MM_DATA(secret_addr(), probe_ldr_insn);
    __asm volatile("cpsid f" ::: "memory"); /* FAULTMASK: execution priority -1 */
    v = probe_ldr(secret_addr(), SENTINEL);
    __asm volatile("cpsie f" ::: "memory"); /* back to thread priority */
    observe("faultmask_thread_load", v);
    EXPECT_NO_FAULT();
    CHECK(v == SECRET, "the MPU is off while FAULTMASK is set");
}

static void test_hfnmiena(void)
{
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_HFNMIENA | MPU_CTRL_PRIVDEFENA);
    SCB_SHCSR &= ~SHCSR_MEMFAULTENA;
    barrier();
    uint32_t v = unpriv_call(probe_ldr, secret_addr(), SENTINEL);
    observe("hfnmiena_unpriv_load", v);
    EXPECT_FAULT(EXC_HARDFAULT, CFSR_DACCVIOL | CFSR_MMARVALID, secret_addr(), probe_ldr_insn);
    SCB_SHCSR |= SHCSR_MEMFAULTENA;
    mpu_ctrl(MPU_CTRL_ENABLE | MPU_CTRL_PRIVDEFENA);
}

int main(void)
{
    test_begin("mpu_escalation");
    set_up();
    test_memmanage_disabled();
    test_priority_escalation();
    test_negative_priority();
    test_hfnmiena();
    mpu_reset();
    test_end();
}
