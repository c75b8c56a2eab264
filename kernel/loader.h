/* Finding the TBF images in app flash and making processes of them. */
#ifndef BULWARK_LOADER_H
#define BULWARK_LOADER_H

#include <stdint.h>

#include "arch/arch.h"

/* Scans app flash from where the last scan stopped (the start, the first
 * time): each image is loaded, or skipped with a line naming it and the
 * reason; later images still load.  Returns the number of new processes. */
unsigned loader_scan(void);
/* Forget what was scanned (tests). */
void loader_reset(void);
/* A free, aligned block of 2^log2 bytes of process RAM, or 0. */
uaddr loader_find_block(unsigned log2);

/* The end of the app flash in use: past every image scanned and every
 * process's image. */
uaddr loader_used_end(void);
/* Load the image written at img (at most len bytes) at run time, with the
 * same checks and messages as a scan.  True if it became a process. */
bool loader_load_at(uaddr img, uint32_t len);

#endif
