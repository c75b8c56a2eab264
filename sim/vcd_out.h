/* --vcd FILE: LEDs (one wire each), UART0 TX (8 bits, the value of each
 * transmitted byte) and the board's GPIO pins (one wire each: what the pin
 * shows, driven by firmware or from outside) as an IEEE 1364 Value Change
 * Dump for GTKWave.  Time
 * is simulated nanoseconds from the cycle count; written as it happens. */
#ifndef BULWARK_VCD_OUT_H
#define BULWARK_VCD_OUT_H

#include <stddef.h>

#include "machine.h"

typedef struct vcd_out vcd_out;

/* NULL on failure, with the reason in err. */
vcd_out *vcd_out_open(const char *path, const board *b, char *err, size_t errlen);
void vcd_out_uart_tx(vcd_out *v, uint64_t cycle, int index, uint8_t byte);
void vcd_out_leds(vcd_out *v, uint64_t cycle, uint32_t leds);
/* GPIO port `port`'s 16 pin levels (bit n = pin n). */
void vcd_out_gpio(vcd_out *v, uint64_t cycle, int port, uint32_t levels);
/* Write the end time, close, free v.  Returns 0, or -1 on a write error. */
int vcd_out_close(vcd_out *v, uint64_t end_cycle);

#endif
