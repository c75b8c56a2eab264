/* Driver lookup: a linear scan of the board's (short) const table. */
#include "driver.h"

int driver_find(uint32_t num)
{
    for (unsigned i = 0; i < kernel_driver_count; i++) {
        if (kernel_drivers[i]->num == num) {
            return (int)i;
        }
    }
    return -1;
}

int driver_index(const driver *d)
{
    for (unsigned i = 0; i < kernel_driver_count; i++) {
        if (kernel_drivers[i] == d) {
            return (int)i;
        }
    }
    return -1;
}
