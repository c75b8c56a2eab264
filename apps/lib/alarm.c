/* Alarm driver (0x0): frequency, now, set absolute, and waiting for the
 * fired upcall. */
#include "alarm.h"

#include <stdbool.h>

#include "tock.h"

#define ALARM_FREQUENCY    1u
#define ALARM_NOW          2u
#define ALARM_STOP         3u
#define ALARM_SET_ABSOLUTE 6u
#define ALARM_SUB_FIRED    0u
#define MS_PER_SECOND      1000u

int alarm_frequency(uint32_t *hz)
{
    return tock_status_u32(command(DRIVER_ALARM, ALARM_FREQUENCY, 0, 0), hz);
}

int alarm_now(uint32_t *ticks)
{
    return tock_status_u32(command(DRIVER_ALARM, ALARM_NOW, 0, 0), ticks);
}

uint32_t alarm_ms_to_ticks(uint32_t ms, uint32_t hz)
{
    uint32_t seconds = ms / MS_PER_SECOND, rest = ms % MS_PER_SECOND;
    /* Splitting hz into hz / 1000 and hz % 1000 keeps both products below
     * 2^32 for any 32-bit hz, since rest < 1000. */
    return seconds * hz + rest * (hz / MS_PER_SECOND) + rest * (hz % MS_PER_SECOND) / MS_PER_SECOND;
}

static void fired(uint32_t now, uint32_t expiration, uint32_t unused, void *userdata)
{
    (void)now;
    (void)expiration;
    (void)unused;
    *(volatile bool *)userdata = true;
}

int delay_ms(uint32_t ms)
{
    uint32_t hz, now, expiration;
    volatile bool done = false;
    int status = alarm_frequency(&hz);
    if (status == TOCK_OK) {
        status = alarm_now(&now);
    }
    if (status != TOCK_OK || ms == 0) {
        return status;
    }
    status = tock_status(subscribe(DRIVER_ALARM, ALARM_SUB_FIRED, fired, (void *)&done));
    if (status == TOCK_OK) {
        uint32_t dt = alarm_ms_to_ticks(ms, hz);
        status = tock_status_u32(command(DRIVER_ALARM, ALARM_SET_ABSOLUTE, now, dt), &expiration);
    }
    while (status == TOCK_OK && !done) {
        yield();
    }
    subscribe(DRIVER_ALARM, ALARM_SUB_FIRED, NULL, NULL);
    return status;
}
