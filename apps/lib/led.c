/* LED driver (0x2): one command each. */
#include "led.h"

#include "tock.h"

#define LED_COUNT  0u
#define LED_ON     1u
#define LED_OFF    2u
#define LED_TOGGLE 3u

int led_count(uint32_t *count)
{
    return tock_status_u32(command(DRIVER_LED, LED_COUNT, 0, 0), count);
}

int led_on(uint32_t index)
{
    return tock_status(command(DRIVER_LED, LED_ON, index, 0));
}

int led_off(uint32_t index)
{
    return tock_status(command(DRIVER_LED, LED_OFF, index, 0));
}

int led_toggle(uint32_t index)
{
    return tock_status(command(DRIVER_LED, LED_TOGGLE, index, 0));
}
