/* Writing a scenario's scheduler and per-app fault policies into the kernel's
 * configuration word (`bulwark_kconfig`, kernel/kconfig.h and kernel/ABI.md)
 * in the loaded ELF image, before the machine is built from it. */
#ifndef BULWARK_KCONFIG_PATCH_H
#define BULWARK_KCONFIG_PATCH_H

#include <stddef.h>

#include "../kernel/kconfig.h"
#include "elf_load.h"
#include "scenario.h"

#define KCONFIG_SYMBOL          "bulwark_kconfig"
#define KCONFIG_FAULT_RESTART_N FAULT_RESTART_N

/* Patches img's copy of the configuration word (the file is untouched).
 * Does nothing if the scenario sets nothing.  Returns 0, or -1 with a
 * message in err: no such symbol, a symbol outside the ELF's data, a bad
 * magic or version, or more apps with a policy than the kernel's override
 * table holds (that message starts FILE:LINE:COL of the first app that does
 * not fit). */
int kconfig_patch(elf_image *img, const scenario *s, char *err, size_t errlen);

#endif
