/* The capsules of this board: alarm (0x0), console (0x1), led (0x2),
 * button (0x3).  Each is a const driver table plus its own state; see
 * kernel/driver.h for what a capsule may touch. */
#ifndef BULWARK_CAPSULES_H
#define BULWARK_CAPSULES_H

#include <stdint.h>

#include "../kernel/driver.h"

#define DRIVER_NUM_ALARM   0x0u
#define DRIVER_NUM_CONSOLE 0x1u
#define DRIVER_NUM_LED     0x2u
#define DRIVER_NUM_BUTTON  0x3u

extern const driver alarm_driver;
extern const driver console_driver;
extern const driver led_driver;
extern const driver button_driver;

/* Alarm: the virtualised 1 MHz alarm also serves the kernel's own clients. */
enum alarm_kernel_client { ALARM_KERNEL_BUTTON_POLL, ALARM_KERNEL_CLIENTS };
typedef void alarm_kernel_fn(void);
void alarm_kernel_set(enum alarm_kernel_client id, uint32_t dt, alarm_kernel_fn *fn);
void alarm_kernel_cancel(enum alarm_kernel_client id);
/* EV_ALARM: fire what expired and arm the next. */
void alarm_handle_event(void);

/* Console: bytes received (EV_UART_RX) and room to send (EV_UART_TX). */
void console_handle_rx(void);
void console_handle_tx(void);

void button_init(void);

#endif
