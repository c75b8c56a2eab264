/* primask: the three execution-priority masks.
 *
 * Asserts: with PRIMASK set an enabled, pended IRQ stays pending and is
 * taken right after CPSIE I (before the next instruction after the ISB);
 * BASEPRI = 0x80 holds back a 0x80 IRQ but lets a 0x40 one in, and the
 * held one runs once BASEPRI is 0; BASEPRI_MAX only raises the mask;
 * FAULTMASK holds back even a priority-0 IRQ until CPSIE F; FAULTMASK set
 * in a handler is cleared by the exception return. */
#include "fw.h"

#define IRQ_MID  28 /* priority 0x80 */
#define IRQ_HIGH 29 /* priority 0x40 */
#define IRQ_TOP  30 /* priority 0x00 */
#define SVC_PRIO 0x20u

static volatile unsigned taken[3];

void irq28_handler(void)
{
    taken[0]++;
}

void irq29_handler(void)
{
    taken[1]++;
}

void irq30_handler(void)
{
    taken[2]++;
}

/* Sets FAULTMASK inside the handler; the return must clear it. */
void svc_handler(void)
{
    __asm volatile("cpsid f"); /* FAULTMASK = 1 for the rest of this handler */
}

static void set_basepri(uint32_t v)
{
    __asm volatile("msr basepri, %0\n\t" /* mask priorities >= v (0 = off) */
                   "isb" ::"r"(v)        /* the new mask applies from here */
                   : "memory");
}

static void set_basepri_max(uint32_t v)
{
    __asm volatile("msr basepri_max, %0\n\t" /* only ever raises the mask */
                   "isb" ::"r"(v)            /* the new mask applies from here */
                   : "memory");
}

static uint32_t get_basepri(void)
{
    uint32_t v;
    __asm volatile("mrs %0, basepri" : "=r"(v)); /* current BASEPRI */
    return v;
}

static uint32_t get_faultmask(void)
{
    uint32_t v;
    __asm volatile("mrs %0, faultmask" : "=r"(v)); /* current FAULTMASK */
    return v;
}

static void pend_and_settle(unsigned irq)
{
    nvic_pend(irq);
    barrier();
}

static void test_primask(void)
{
    __asm volatile("cpsid i" ::: "memory"); /* PRIMASK = 1 */
    pend_and_settle(IRQ_MID);
    unsigned masked = taken[0];
    bool pending = nvic_is_pending(IRQ_MID);
    __asm volatile("cpsie i\n\t" /* PRIMASK = 0: the pended IRQ is taken */
                   "isb" ::      /* ... before the next instruction */
                   : "memory");
    unsigned after = taken[0];
    uart_puts("primask");
    print_kv_dec("taken_masked", masked);
    print_kv_dec("pending_masked", pending);
    print_kv_dec("taken_after_cpsie", after);
    print_nl();
    CHECK(masked == 0 && pending, "PRIMASK holds an enabled IRQ pending");
    CHECK(after == 1, "taken right after CPSIE I");
}

static void test_basepri(void)
{
    set_basepri(0x80);
    pend_and_settle(IRQ_MID);
    pend_and_settle(IRQ_HIGH);
    unsigned mid = taken[0], high = taken[1];
    set_basepri(0x40);
    set_basepri_max(0x80); /* lower priority than 0x40: ignored */
    uint32_t kept = get_basepri();
    set_basepri_max(0x20); /* higher priority: taken */
    uint32_t raised = get_basepri();
    set_basepri(0);
    unsigned mid_after = taken[0];
    uart_puts("basepri");
    print_kv_dec("mid_taken_masked", mid - 1);
    print_kv_dec("high_taken", high);
    print_kv_hex("basepri_max_lower", kept);
    print_kv_hex("basepri_max_higher", raised);
    print_kv_dec("mid_taken_after", mid_after - 1);
    print_nl();
    CHECK(mid == 1, "BASEPRI 0x80 masks a 0x80 IRQ");
    CHECK(high == 1, "BASEPRI 0x80 lets a 0x40 IRQ in");
    CHECK(kept == 0x40, "BASEPRI_MAX does not lower the mask");
    CHECK(raised == 0x20, "BASEPRI_MAX raises the mask");
    CHECK(mid_after == 2, "held IRQ taken once BASEPRI is 0");
}

static void test_faultmask(void)
{
    __asm volatile("cpsid f" ::: "memory"); /* FAULTMASK = 1: priority -1 */
    pend_and_settle(IRQ_TOP);
    unsigned masked = taken[2];
    __asm volatile("cpsie f\n\t" /* FAULTMASK = 0 */
                   "isb" ::      /* the IRQ is taken here */
                   : "memory");
    unsigned after = taken[2];
    __asm volatile("svc #0"); /* its handler sets FAULTMASK */
    uint32_t fm = get_faultmask();
    uart_puts("faultmask");
    print_kv_dec("top_taken_masked", masked);
    print_kv_dec("top_taken_after", after);
    print_kv_dec("faultmask_after_return", fm);
    print_nl();
    CHECK(masked == 0, "FAULTMASK masks a priority-0 IRQ");
    CHECK(after == 1, "taken right after CPSIE F");
    CHECK(fm == 0, "exception return clears FAULTMASK");
}

int main(void)
{
    test_begin("primask");
    nvic_set_priority(IRQ_MID, 0x80);
    nvic_set_priority(IRQ_HIGH, 0x40);
    nvic_set_priority(IRQ_TOP, 0x00);
    SCB_SHPR2 = SVC_PRIO << 24;
    nvic_enable(IRQ_MID);
    nvic_enable(IRQ_HIGH);
    nvic_enable(IRQ_TOP);
    test_primask();
    test_basepri();
    test_faultmask();
    test_end();
}
