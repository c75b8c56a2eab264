/* MPU reprogramming benchmark: an unprivileged thread asks the kernel for a
 * "context switch" with an SVC 200,000 times; each time the handler moves
 * region 2 (the running process's private 4 KiB of RAM) between two
 * blocks, as a kernel does when it switches processes, and the thread
 * then writes into the block it now owns. */
#include <stdint.h>

#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define SWITCHES 200000

static uint32_t blocks[2][1024] __attribute__((aligned(4096)));
static volatile unsigned current;

void svc_handler(void)
{
    current ^= 1u;
    MPU_RBAR = (uint32_t)(uintptr_t)blocks[current] | 0x10u | 2u; /* VALID, region 2 */
    MPU_RASR = 0x13000017u; /* XN, AP=3, SIZE=11 (4 KiB), ENABLE */
    __asm volatile("dsb\n\tisb" ::: "memory"); /* the new map before returning */
}

int main(void)
{
    for (int i = 0; i < SWITCHES; i++) {
        __asm volatile("svc #1" ::: "memory");
        blocks[current][i & 1023] = (uint32_t)i;
    }
    return 0;
}
