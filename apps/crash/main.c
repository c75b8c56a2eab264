/* crash: faults on purpose.  After a short sleep it writes to the kernel's
 * RAM at 0x20000000, which the MPU closes to every process: the kernel must
 * stop this process alone (or apply its fault policy). */
#include <stdint.h>

#include "alarm.h"
#include "console.h"

#define KERNEL_RAM    0x20000000u
#define SLEEP_MS      100
#define POISON        0xDEADBEEFu
#define EXIT_SURVIVED 1

int main(void)
{
    printf("crash: writing to kernel RAM at %p in %d ms\n", (void *)KERNEL_RAM, SLEEP_MS);
    delay_ms(SLEEP_MS);
    *(volatile uint32_t *)KERNEL_RAM = POISON;
    printf("crash: still running: the write to kernel RAM was not stopped\n");
    return EXIT_SURVIVED;
}
