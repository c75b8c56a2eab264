/* LED driver (0x2): 0 count, 1 on, 2 off, 3 toggle; a bad index is INVALID. */
#include "capsules.h"

static void led_command(proc_id pid, uint32_t cmd, uint32_t index, uint32_t unused, uint32_t ret[4])
{
    (void)pid;
    (void)unused;
    unsigned count = arch_led_count();
    if (cmd == 0) {
        ret_u32(ret, count);
    } else if (cmd > 3) {
        ret_fail(ret, E_NOSUPPORT);
    } else if (index >= count) {
        ret_fail(ret, E_INVALID);
    } else {
        bool on = cmd == 1 || (cmd == 3 && !arch_led_get(index));
        arch_led_set(index, on);
        ret_success(ret);
    }
}

const driver led_driver = {
    .num = DRIVER_NUM_LED,
    .command = led_command,
};
