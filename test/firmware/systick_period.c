/* systick_period: SysTick on the processor clock with RVR = 999.
 *
 * Asserts (both machines): the SysTick exception fires TICKS times while
 * the thread sleeps in WFI, and COUNTFLAG reads 1 in the first handler.
 * In Bulwark only: a second read right after returns 0 (reading clears
 * it; QEMU's SysTick follows host time, so there another wrap may come in
 * between), and DWT CYCCNT read first thing in the handler shows
 * successive interrupts exactly 1000 cycles apart (the thread is asleep,
 * so entry never waits for an instruction to finish). */
#include "fw.h"

#define RELOAD 999u
#define PERIOD (RELOAD + 1u)
#define TICKS  10u

static volatile uint32_t stamps[TICKS];
static volatile unsigned ticks;
static bool bulwark;
static uint32_t countflag_first, countflag_second;

void systick_handler(void)
{
    uint32_t now = bulwark ? DWT_CYCCNT : 0;
    if (ticks == 0) {
        countflag_first = SYST_CSR & SYST_CSR_COUNTFLAG;
        countflag_second = SYST_CSR & SYST_CSR_COUNTFLAG;
    }
    if (ticks < TICKS) {
        stamps[ticks] = now;
    }
    ticks++;
    if (ticks == TICKS) {
        SYST_CSR = 0;
    }
}

static void check_intervals(void)
{
    unsigned exact = 0;
    for (unsigned i = 1; i < TICKS; i++) {
        uint32_t d = stamps[i] - stamps[i - 1];
        uart_puts(BULWARK_ONLY "interval");
        print_kv_dec("n", i);
        print_kv_dec("cycles", d);
        print_nl();
        exact += d == PERIOD;
    }
    CHECK(exact == TICKS - 1, "SysTick interrupts 1000 cycles apart");
}

int main(void)
{
    test_begin("systick_period");
    bulwark = on_bulwark();
    if (bulwark) {
        dwt_enable();
    }
    SYST_RVR = RELOAD;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    while (ticks < TICKS) {
        __asm volatile("wfi"); /* sleep until the next tick */
    }
    uart_puts("systick");
    print_kv_dec("ticks", ticks);
    print_kv_hex("rvr", SYST_RVR);
    print_kv_dec("countflag", countflag_first != 0);
    print_nl();
    CHECK(ticks == TICKS, "SysTick fired");
    CHECK(SYST_RVR == RELOAD, "RVR reads back");
    CHECK(countflag_first, "COUNTFLAG set by the wrap");
    if (bulwark) {
        uart_puts(BULWARK_ONLY "countflag");
        print_kv_dec("second_read", countflag_second != 0);
        print_nl();
        CHECK(!countflag_second, "reading CSR cleared COUNTFLAG");
        check_intervals();
    }
    test_end();
}
