/* What the fault handler saw: fault status registers, the exception, and
 * the stacked registers when the frame could be stacked. */
#ifndef BULWARK_FAULT_RECORD_H
#define BULWARK_FAULT_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "../arch.h"

/* Records the current fault (and clears the sticky status bits).  The frame
 * is copied only if it lies inside [lo, hi) and was stacked. */
void fault_record_take(const uint32_t *frame, uint32_t exc_return, uaddr lo, uaddr hi);
/* The panic lines for a fault in the kernel itself. */
void fault_record_print_kernel(void);

#endif
