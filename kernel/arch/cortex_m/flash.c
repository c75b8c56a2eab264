/* App flash programming through the Bulwark flash controller (see
 * sim/boards/README.md).  The controller exists only in Bulwark: under QEMU
 * its window reads as zero, so nothing is written there. */
#include "cm.h"
#include "regs.h"

#define FLASHCTL_BASE      0x4002D000u
#define FLASHCTL_ID        REG32(FLASHCTL_BASE + 0x00)
#define FLASHCTL_ADDR      REG32(FLASHCTL_BASE + 0x04)
#define FLASHCTL_DATA      REG32(FLASHCTL_BASE + 0x08)
#define FLASHCTL_ERASE     REG32(FLASHCTL_BASE + 0x0C)
#define FLASHCTL_STATUS    REG32(FLASHCTL_BASE + 0x10)
#define FLASHCTL_KEY       REG32(FLASHCTL_BASE + 0x14)
#define FLASHCTL_ID_VALUE  0x464C5348u
#define FLASHCTL_KEY_VALUE 0x4B455931u
#define FLASHCTL_ERRORS    0xEu
#define FLASHCTL_PAGE      1024u

uint32_t arch_flash_page(void)
{
    return cm_on_bulwark() && FLASHCTL_ID == FLASHCTL_ID_VALUE ? FLASHCTL_PAGE : 0;
}

/* Unlocked only for the one operation, so a stray store cannot write. */
static bool run(uaddr addr, volatile uint32_t *reg, uint32_t value)
{
    if (arch_flash_page() == 0) {
        return false;
    }
    FLASHCTL_STATUS = FLASHCTL_ERRORS;
    FLASHCTL_KEY = FLASHCTL_KEY_VALUE;
    FLASHCTL_ADDR = addr;
    *reg = value;
    FLASHCTL_KEY = 0;
    return (FLASHCTL_STATUS & FLASHCTL_ERRORS) == 0;
}

bool arch_flash_erase(uaddr addr)
{
    return run(addr, &FLASHCTL_ERASE, 0);
}

bool arch_flash_program(uaddr addr, uint32_t word)
{
    return run(addr, &FLASHCTL_DATA, word);
}
