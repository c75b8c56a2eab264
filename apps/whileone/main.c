/* whileone: prints once, then spins forever without a system call, so only
 * preemption (the SysTick timeslice) lets other processes run. */
#include "console.h"

int main(void)
{
    printf("whileone: spinning forever\n");
    for (;;) {
        __asm__ volatile(""); /* keep the empty loop from being optimised into UB */
    }
}
