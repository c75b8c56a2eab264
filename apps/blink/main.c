/* blink: toggles LED 0 every 250 ms (alarm driver) and prints each blink. */
#include "alarm.h"
#include "console.h"
#include "led.h"
#include "tock.h"

#define BLINK_LED   0
#define INTERVAL_MS 250

int main(void)
{
    uint32_t leds = 0;
    int status = led_count(&leds);
    printf("blink: %u leds (status %d)\n", (unsigned)leds, status);
    for (unsigned n = 1;; n++) {
        status = led_toggle(BLINK_LED);
        printf("blink: %u led %d %s\n", n, BLINK_LED, (n & 1u) ? "on" : "off");
        if (status != TOCK_OK) {
            printf("blink: led_toggle failed (%d)\n", status);
        }
        delay_ms(INTERVAL_MS);
    }
}
