/* preempt: nesting decided by group priority.
 *
 * Part 1 (PRIGROUP 0): LOW (0xC0) pends HIGH (0x40), which preempts at
 * once (EXC_RETURN 0xFFFFFFF1, LOW still active); LOW then pends SAME
 * (0xC0), which waits until LOW returns and then runs (tail-chained,
 * EXC_RETURN 0xFFFFFFF9).
 * Part 2 (PRIGROUP 5: group = priority bits 7:6, subpriority = bits 5:0):
 * SUB_LOW (0x60) pends SUB_HIGH (0x40): same group, so no preemption;
 * SUB_LOW then pends GROUP_HIGH (0x20, group 0): preempts.  With both
 * SUB_LOW and SUB_HIGH pending at once, SUB_HIGH (better subpriority,
 * higher IRQ number) runs first.
 * Priorities differ in their top three bits, so the result is the same
 * with 3 implemented priority bits (an M4) or 8 (QEMU). */
#include "fw.h"

#define IRQ_LOW        22
#define IRQ_HIGH       23
#define IRQ_SAME       24
#define IRQ_SUB_LOW    25
#define IRQ_SUB_HIGH   26
#define IRQ_GROUP_HIGH 27
#define PRIGROUP_SPLIT 5u

#define LOG_MAX 16

static char log_buf[LOG_MAX + 1];
static unsigned log_len;
static uint32_t high_lr, same_lr, low_active_in_high, same_pending_in_low;
static uint32_t sub_high_pending_in_sub_low;
static bool sub_low_pends_others = true;

static void log_event(char c)
{
    if (log_len < LOG_MAX) {
        log_buf[log_len++] = c;
        log_buf[log_len] = '\0';
    }
}

void irq22_handler(void) /* LOW */
{
    log_event('L');
    nvic_pend(IRQ_HIGH);
    barrier();
    nvic_pend(IRQ_SAME);
    barrier();
    same_pending_in_low = nvic_is_pending(IRQ_SAME);
    log_event('l');
}

__attribute__((naked)) void irq23_handler(void) /* HIGH */
{
    __asm volatile("mov r0, lr\n\t"    /* EXC_RETURN as the argument */
                   "b high_body\n\t"); /* tail call; returns through LR */
}

void high_body(uint32_t lr)
{
    high_lr = lr;
    low_active_in_high = nvic_is_active(IRQ_LOW);
    log_event('H');
}

__attribute__((naked)) void irq24_handler(void) /* SAME */
{
    __asm volatile("mov r0, lr\n\t"    /* EXC_RETURN as the argument */
                   "b same_body\n\t"); /* tail call; returns through LR */
}

void same_body(uint32_t lr)
{
    same_lr = lr;
    log_event('S');
}

void irq25_handler(void) /* SUB_LOW */
{
    log_event('P');
    if (sub_low_pends_others) {
        nvic_pend(IRQ_SUB_HIGH);
        barrier();
        sub_high_pending_in_sub_low = nvic_is_pending(IRQ_SUB_HIGH);
        nvic_pend(IRQ_GROUP_HIGH);
        barrier();
    }
    log_event('p');
}

void irq26_handler(void) /* SUB_HIGH */
{
    log_event('Q');
}

void irq27_handler(void) /* GROUP_HIGH */
{
    log_event('G');
}

static void setup(unsigned irq, uint8_t prio)
{
    nvic_set_priority(irq, prio);
    nvic_enable(irq);
}

static void reset_log(void)
{
    log_len = 0;
    log_buf[0] = '\0';
}

static void part_nesting(void)
{
    reset_log();
    nvic_pend(IRQ_LOW);
    barrier();
    uart_puts("nesting order=");
    uart_puts(log_buf);
    print_kv_hex("high_lr", high_lr);
    print_kv_dec("low_active_in_high", low_active_in_high);
    print_kv_dec("same_pending_in_low", same_pending_in_low);
    print_kv_hex("same_lr", same_lr);
    print_nl();
    /* L: LOW starts, H: HIGH preempts, l: LOW ends, S: SAME afterwards */
    CHECK(log_len == 4 && log_buf[0] == 'L' && log_buf[1] == 'H', "HIGH preempts LOW");
    CHECK(log_buf[2] == 'l' && log_buf[3] == 'S', "SAME waits for LOW to finish");
    CHECK(high_lr == EXC_RETURN_HANDLER, "preempting handler returns to handler mode");
    CHECK(low_active_in_high, "LOW still active under HIGH");
    CHECK(same_pending_in_low, "SAME pending while LOW runs");
    CHECK(same_lr == EXC_RETURN_THREAD_MSP, "SAME returns to thread");
}

static void set_prigroup(uint32_t group)
{
    SCB_AIRCR = AIRCR_VECTKEY | (group << AIRCR_PRIGROUP_SHIFT);
    barrier();
}

static void part_subpriority(void)
{
    reset_log();
    nvic_pend(IRQ_SUB_LOW);
    barrier();
    uart_puts("subpriority order=");
    uart_puts(log_buf);
    print_kv_dec("sub_high_pending_in_sub_low", sub_high_pending_in_sub_low);
    print_nl();
    /* P: SUB_LOW starts, G: GROUP_HIGH preempts, p: SUB_LOW ends, Q: SUB_HIGH */
    CHECK(log_len == 4 && log_buf[0] == 'P' && log_buf[1] == 'G', "better group preempts");
    CHECK(log_buf[2] == 'p' && log_buf[3] == 'Q', "better subpriority does not preempt");
    CHECK(sub_high_pending_in_sub_low, "SUB_HIGH pending while SUB_LOW runs");
}

static void part_sub_order(void)
{
    reset_log();
    sub_low_pends_others = false;
    __asm volatile("cpsid i" ::: "memory"); /* hold both pending */
    nvic_pend(IRQ_SUB_LOW);
    nvic_pend(IRQ_SUB_HIGH);
    barrier();
    __asm volatile("cpsie i\n\t" /* release both */
                   "isb" ::      /* take them before going on */
                   : "memory");
    uart_puts("pending_order order=");
    uart_puts(log_buf);
    print_nl();
    /* Q: SUB_HIGH first, then P, p: SUB_LOW */
    CHECK(log_len == 3 && log_buf[0] == 'Q' && log_buf[1] == 'P', "subpriority orders pending");
}

int main(void)
{
    test_begin("preempt");
    setup(IRQ_LOW, 0xC0);
    setup(IRQ_HIGH, 0x40);
    setup(IRQ_SAME, 0xC0);
    setup(IRQ_SUB_LOW, 0x60);
    setup(IRQ_SUB_HIGH, 0x40);
    setup(IRQ_GROUP_HIGH, 0x20);
    part_nesting();
    set_prigroup(PRIGROUP_SPLIT);
    uart_puts("prigroup");
    print_kv_dec("value", (SCB_AIRCR & AIRCR_PRIGROUP_MASK) >> AIRCR_PRIGROUP_SHIFT);
    print_nl();
    part_subpriority();
    part_sub_order();
    set_prigroup(0);
    test_end();
}
