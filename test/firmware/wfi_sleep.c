/* wfi_sleep: the core sleeps in WFI between timer interrupts.
 *
 * Asserts: timer0 (CMSDK APB timer, IRQ 8) interrupts TICKS times at a
 * fixed reload while the thread does nothing but WFI; every wakeup is
 * accounted for by an interrupt.  In Bulwark (where the run summary
 * should show a high sleep fraction) it also prints the cycles per tick
 * measured with DWT CYCCNT and requires exactly one wakeup per tick. */
#include "fw.h"

#define RELOAD 20000u
#define TICKS  50u

static volatile unsigned ticks;

void timer0_handler(void)
{
    TIMER_INTSTATUS(TIMER0_BASE) = 1u; /* acknowledge */
    ticks++;
}

static void timer_start(void)
{
    TIMER_CTRL(TIMER0_BASE) = 0;
    TIMER_RELOAD(TIMER0_BASE) = RELOAD;
    TIMER_VALUE(TIMER0_BASE) = RELOAD;
    TIMER_INTSTATUS(TIMER0_BASE) = 1u;
    nvic_enable(TIMER0_IRQ);
    TIMER_CTRL(TIMER0_BASE) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
}

int main(void)
{
    test_begin("wfi_sleep");
    bool bulwark = on_bulwark();
    if (bulwark) {
        dwt_enable();
    }
    unsigned wakeups = 0;
    uint32_t start = bulwark ? DWT_CYCCNT : 0;
    timer_start();
    while (ticks < TICKS) {
        __asm volatile("wfi"); /* sleep until the timer interrupt */
        wakeups++;
    }
    uint32_t elapsed = bulwark ? DWT_CYCCNT - start : 0;
    TIMER_CTRL(TIMER0_BASE) = 0;
    nvic_disable(TIMER0_IRQ);
    uart_puts("wfi");
    print_kv_dec("ticks", ticks);
    print_kv_dec("wakeups_ge_ticks", wakeups >= ticks);
    print_nl();
    CHECK(ticks == TICKS, "timer interrupts counted");
    CHECK(wakeups >= 1, "woke up from WFI");
    if (bulwark) {
        uart_puts(BULWARK_ONLY "sleep");
        print_kv_dec("wakeups", wakeups);
        print_kv_dec("cycles_per_tick", elapsed / TICKS);
        print_nl();
        CHECK(wakeups == TICKS, "one wakeup per interrupt");
        CHECK(elapsed / TICKS >= RELOAD, "the core slept a whole period per tick");
    }
    test_end();
}
