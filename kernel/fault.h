/* Process faults: the policy decision and the dump (like Tock's: fault
 * status decoded, registers, the memory map of the process with stack,
 * heap and grant use). */
#ifndef BULWARK_FAULT_H
#define BULWARK_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "kconfig.h"
#include "process.h"

enum fault_action { FA_STOP, FA_RESTART, FA_PANIC };

/* What to do after a process's `restarts`-th fault restart. */
enum fault_action fault_decide(uint32_t policy, uint32_t restarts, uint32_t max_restarts);
/* Print the dump and apply the policy to a process marked PF_FAULT_PENDING
 * (kernel loop).  forced: from the process console. */
void fault_handle(struct proc *p, bool forced);
/* The memory map part of the dump. */
void fault_print_map(struct proc *p);

#endif
