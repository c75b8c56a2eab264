/* The board's driver table and the capsules' share of the kernel loop. */
#include "../kernel/bench.h"
#include "capsules.h"

const driver *const kernel_drivers[] = {
    &alarm_driver, &console_driver, &led_driver, &button_driver,
#ifdef KERNEL_BENCH
    &bench_driver,
#endif
};
const unsigned kernel_driver_count = sizeof kernel_drivers / sizeof kernel_drivers[0];

void capsules_init(void)
{
    button_init();
}

void capsules_events(uint32_t events)
{
    if (events & EV_ALARM) {
        alarm_handle_event();
    }
    if (events & EV_UART_RX) {
        console_handle_rx();
    }
    if (events & EV_UART_TX) {
        console_handle_tx();
    }
}
