/* Button driver (0x3): count, read, per-button interrupts, one upcall. */
#include "button.h"

#define BUTTON_COUNT       0u
#define BUTTON_ENABLE_IRQ  1u
#define BUTTON_DISABLE_IRQ 2u
#define BUTTON_READ        3u
#define BUTTON_SUB_CHANGED 0u

int button_count(uint32_t *count)
{
    return tock_status_u32(command(DRIVER_BUTTON, BUTTON_COUNT, 0, 0), count);
}

int button_read(uint32_t index, bool *pressed)
{
    uint32_t value = 0;
    int status = tock_status_u32(command(DRIVER_BUTTON, BUTTON_READ, index, 0), &value);
    *pressed = status == TOCK_OK && value != 0;
    return status;
}

int button_enable_interrupt(uint32_t index)
{
    return tock_status(command(DRIVER_BUTTON, BUTTON_ENABLE_IRQ, index, 0));
}

int button_disable_interrupt(uint32_t index)
{
    return tock_status(command(DRIVER_BUTTON, BUTTON_DISABLE_IRQ, index, 0));
}

int button_subscribe(upcall_fn *fn, void *userdata)
{
    return tock_status(subscribe(DRIVER_BUTTON, BUTTON_SUB_CHANGED, fn, userdata));
}
