/* Alarm driver (0x0): the kernel's virtualised tick counter. */
#ifndef BULWARK_ALARM_H
#define BULWARK_ALARM_H

#include <stdint.h>

int alarm_frequency(uint32_t *hz);
int alarm_now(uint32_t *ticks);
/* Sleeps for ms milliseconds: the alarm is set from `now` and we yield
 * until it fires (other upcalls may run meanwhile).  Returns a TOCK_E*
 * status. */
int delay_ms(uint32_t ms);
/* Converts ms to ticks at hz without 64-bit arithmetic. */
uint32_t alarm_ms_to_ticks(uint32_t ms, uint32_t hz);

#endif
