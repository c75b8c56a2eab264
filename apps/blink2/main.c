/* blink2: the second version of blink, for live-update scenarios
 * (scenarios/live_update.json): loaded at run time in place of blink, it
 * toggles LED 1 every 100 ms and says which version it is. */
#include "alarm.h"
#include "console.h"
#include "led.h"
#include "tock.h"

#define BLINK_LED   1
#define INTERVAL_MS 100

int main(void)
{
    printf("%s: version 2 started\n", APP_NAME);
    for (unsigned n = 1;; n++) {
        int status = led_toggle(BLINK_LED);
        printf("%s: %u led %d %s\n", APP_NAME, n, BLINK_LED, (n & 1u) ? "on" : "off");
        if (status != TOCK_OK) {
            printf("%s: led_toggle failed (%d)\n", APP_NAME, status);
        }
        delay_ms(INTERVAL_MS);
    }
}
