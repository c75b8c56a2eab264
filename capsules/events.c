/* The capsules' share of the kernel loop: set-up and the events the
 * interrupt handlers leave for it.  Shared by the kernel and its host unit
 * tests; the driver table is the board's (capsules.c). */
#include "capsules.h"

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
