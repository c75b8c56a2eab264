/* Human-readable dump of a decoded TBF header (elf2tbf --inspect). */
#ifndef BULWARK_TBF_PRINT_H
#define BULWARK_TBF_PRINT_H

#include <stdio.h>

#include "tbf.h"

/* Prints the base header, every TLV kept by the decoder and every problem
 * (each "PATH: error: FIELD: ...").  buf is the decoded file (d came from
 * tbf_decode on it).  Returns the number of problems. */
unsigned tbf_print(FILE *out, const char *path, const uint8_t *buf, const tbf_decoded *d);

#endif
