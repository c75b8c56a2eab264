/* tailchain: two pending exceptions of equal priority, pended from a
 * higher-priority context (the SVC handler), run back to back.
 *
 * Asserts: the order is SVC, A, B, thread (0x1ABF): neither A nor B goes
 * back to the thread before the next one runs; all three handlers see
 * EXC_RETURN 0xFFFFFFF9; IPSR is 36 in A and 37 in B; B is still pending
 * while A runs and A is no longer active while B runs.
 * In Bulwark only (detected through simulation control), with DWT CYCCNT:
 * exception entry costs 12 cycles, each tail-chain 6 and the final return
 * 10, once the instructions between the timestamps are taken off.  Cycle
 * numbers are printed only there, on a BULWARK_ONLY line that the QEMU
 * comparison skips. */
#include "fw.h"

#define IRQ_A                20
#define IRQ_B                21
#define SVC_PRIO             0x40u
#define IRQ_PRIO             0x80u
#define SHPR2_SVC(p)         ((uint32_t)(p) << 24)
#define ORDER_SVC_A_B_THREAD 0x1ABFu

/* Model costs of the instructions between two timestamps (see the .S):
 * timestamp LDR 2, SVC 1, BX LR to EXC_RETURN 1 + P = 3. */
#define COST_LDR_SVC     3u
#define COST_LDR_BX      5u
#define ENTRY_CYCLES     12u
#define TAILCHAIN_CYCLES 6u
#define RETURN_CYCLES    10u

struct tc_results {
    uint32_t t_thread_before, t_svc_entry, t_svc_exit, t_a_entry;
    uint32_t t_a_exit, t_b_entry, t_b_exit, t_thread_after;
    uint32_t order, lr_svc, lr_a, lr_b, ipsr_a, ipsr_b, ispr_in_a, iabr_in_b;
};

void tailchain_run(struct tc_results *res, volatile uint32_t *counter);

static struct tc_results res;
static volatile uint32_t no_counter; /* QEMU has no CYCCNT: read zeros */

static void check_order(void)
{
    uart_puts("tailchain");
    print_kv_hex("order", res.order);
    print_kv_hex("lr_svc", res.lr_svc);
    print_kv_hex("lr_a", res.lr_a);
    print_kv_hex("lr_b", res.lr_b);
    print_kv_dec("ipsr_a", res.ipsr_a);
    print_kv_dec("ipsr_b", res.ipsr_b);
    print_nl();
    uart_puts("state");
    print_kv_dec("b_pending_in_a", (res.ispr_in_a >> IRQ_B) & 1u);
    print_kv_dec("a_pending_in_a", (res.ispr_in_a >> IRQ_A) & 1u);
    print_kv_dec("a_active_in_b", (res.iabr_in_b >> IRQ_A) & 1u);
    print_kv_dec("b_active_in_b", (res.iabr_in_b >> IRQ_B) & 1u);
    print_nl();
    CHECK(res.order == ORDER_SVC_A_B_THREAD, "SVC, A, B, then thread");
    CHECK(res.lr_svc == EXC_RETURN_THREAD_MSP, "SVC returns to thread/MSP");
    CHECK(res.lr_a == EXC_RETURN_THREAD_MSP, "A (tail-chained) returns to thread/MSP");
    CHECK(res.lr_b == EXC_RETURN_THREAD_MSP, "B (tail-chained) returns to thread/MSP");
    CHECK(res.ipsr_a == EXC_IRQ0 + IRQ_A && res.ipsr_b == EXC_IRQ0 + IRQ_B, "IPSR in A and B");
    CHECK(((res.ispr_in_a >> IRQ_B) & 1u) && !((res.ispr_in_a >> IRQ_A) & 1u),
          "B pending, A not, while A runs");
    CHECK(!((res.iabr_in_b >> IRQ_A) & 1u) && ((res.iabr_in_b >> IRQ_B) & 1u),
          "only B active while B runs");
}

static void check_cycles(void)
{
    uint32_t entry = res.t_svc_entry - res.t_thread_before - COST_LDR_SVC;
    uint32_t chain1 = res.t_a_entry - res.t_svc_exit - COST_LDR_BX;
    uint32_t chain2 = res.t_b_entry - res.t_a_exit - COST_LDR_BX;
    uint32_t ret = res.t_thread_after - res.t_b_exit - COST_LDR_BX;
    uart_puts(BULWARK_ONLY "cycles");
    print_kv_dec("entry", entry);
    print_kv_dec("tailchain_svc_a", chain1);
    print_kv_dec("tailchain_a_b", chain2);
    print_kv_dec("return", ret);
    print_nl();
    CHECK(entry == ENTRY_CYCLES, "exception entry costs 12 cycles");
    CHECK(chain1 == TAILCHAIN_CYCLES, "tail-chain SVC -> A costs 6 cycles");
    CHECK(chain2 == TAILCHAIN_CYCLES, "tail-chain A -> B costs 6 cycles");
    CHECK(ret == RETURN_CYCLES, "exception return costs 10 cycles");
}

int main(void)
{
    test_begin("tailchain");
    bool bulwark = on_bulwark();
    if (bulwark) {
        dwt_enable();
    }
    SCB_SHPR2 = SHPR2_SVC(SVC_PRIO);
    nvic_set_priority(IRQ_A, IRQ_PRIO);
    nvic_set_priority(IRQ_B, IRQ_PRIO);
    nvic_enable(IRQ_A);
    nvic_enable(IRQ_B);
    tailchain_run(&res, bulwark ? &DWT_CYCCNT : &no_counter);
    check_order();
    if (bulwark) {
        check_cycles();
    }
    test_end();
}
