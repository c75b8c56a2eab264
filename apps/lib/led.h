/* LED driver (0x2). Each call returns a TOCK_E* status. */
#ifndef BULWARK_LED_H
#define BULWARK_LED_H

#include <stdint.h>

int led_count(uint32_t *count);
int led_on(uint32_t index);
int led_off(uint32_t index);
int led_toggle(uint32_t index);

#endif
