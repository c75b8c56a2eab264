/* libcheck: exercises the library's corners that the demo apps do not
 * (printf conversions, memop, sbrk, yield-no-wait, error statuses) and prints
 * what it saw, for test_apps.py to compare.  Ends with completion code 7 to
 * show that main's return value reaches exit. */
#include <stdint.h>

#include "alarm.h"
#include "button.h"
#include "console.h"
#include "led.h"
#include "tock.h"

#define NO_SUCH_DRIVER 0x99999u
#define NO_SUCH_LED    99u
#define SBRK_STEP      64
#define COMPLETION     7

/* Function pointers in .data: relocated by crt0 through .rel.data. */
static int (*const volatile led_ops[])(uint32_t) = {led_on, led_off};

static void formats(void)
{
    printf("fmt [%d] [%i] [%u] [%x] [%X] [%c] [%s] [%ld]\n", -42, 7, 4000000000u, 0xbeefu, 0xBEEFu,
           'z', "str", -100000L);
    printf("width [%5d] [%-5d] [%05u] [%8s] [%-4c] [%p] [%%]\n", 42, 42, 42u, "right", 'l',
           (void *)0x1234);
}

static void memory(void)
{
    uint32_t ram_start = tock_memop_u32(MEMOP_RAM_START), ram_end = tock_memop_u32(MEMOP_RAM_END);
    uint32_t here = (uint32_t)&ram_start;
    printf("memop stack inside ram: %s\n", here >= ram_start && here < ram_end ? "yes" : "no");
    uint32_t flash = tock_memop_u32(MEMOP_FLASH_START);
    uint32_t code = (uint32_t)formats;
    printf("memop code inside flash: %s\n", code > flash ? "yes" : "no");
    uint8_t *grown = tock_sbrk(SBRK_STEP);
    if (grown != NULL) {
        grown[SBRK_STEP - 1] = 1; /* the new memory must be writable */
    }
    uint8_t *back = tock_sbrk(-SBRK_STEP);
    printf("sbrk: %s\n", grown != NULL && back == grown + SBRK_STEP ? "ok" : "failed");
}

static void statuses(void)
{
    printf("yield_no_wait with nothing pending: %d\n", yield_no_wait());
    printf("led %u: %d\n", NO_SUCH_LED, led_on(NO_SUCH_LED));
    printf("no such driver: %d\n", tock_status(command(NO_SUCH_DRIVER, 0, 0, 0)));
    printf("led via .data pointer: %d %d\n", led_ops[0](0), led_ops[1](0));
    uint32_t buttons = 0;
    bool pressed = true;
    int status = button_count(&buttons);
    printf("buttons: %d %u, read 0: %d %d\n", status, (unsigned)buttons, button_read(0, &pressed),
           pressed);
    printf("button subscribe: %d, interrupt: %d\n", button_subscribe(NULL, NULL),
           button_enable_interrupt(0));
    printf("ticks for 1500 ms at 1 MHz: %u\n", (unsigned)alarm_ms_to_ticks(1500, 1000000));
}

int main(void)
{
    formats();
    memory();
    statuses();
    return COMPLETION;
}
