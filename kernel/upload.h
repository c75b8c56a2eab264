/* `load SIZE` on the process console: an app image received as hex text,
 * written into free app flash and started (kernel/ABI.md, "Loading"). */
#ifndef BULWARK_UPLOAD_H
#define BULWARK_UPLOAD_H

#include <stdbool.h>
#include <stdint.h>

/* Prepare flash for an image of `size` bytes; the console's next
 * characters are its hex digits.  Refused with a message if it cannot fit. */
void upload_begin(uint32_t size);
/* Is the console feeding an image (or discarding a refused one's line)? */
bool upload_active(void);
/* Are an image's digits (or the rest of their line) arriving right now? */
bool upload_receiving(void);
void upload_input(char c);

#endif
