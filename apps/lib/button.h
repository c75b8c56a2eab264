/* Button driver (0x3). Each call returns a TOCK_E* status. */
#ifndef BULWARK_BUTTON_H
#define BULWARK_BUTTON_H

#include <stdbool.h>
#include <stdint.h>

#include "tock.h"

int button_count(uint32_t *count);
int button_read(uint32_t index, bool *pressed);
int button_enable_interrupt(uint32_t index);
int button_disable_interrupt(uint32_t index);
/* fn(index, pressed, 0, userdata) runs (during a yield) when an enabled
 * button changes. */
int button_subscribe(upcall_fn *fn, void *userdata);

#endif
