/* mpu_stm_rom: a store multiple whose first word the MPU allows but the bus
 * refuses (read-only code memory), and whose second word the MPU refuses.
 *
 * Privileged code, process-like set-up plus a 1 KiB region RW for everyone
 * over an unused 1 KiB of code memory and a 32-byte region denying
 * everyone right after it.  STMIA of two words at the last word of the
 * first region: on silicon the words are stored in order, so the first
 * one's bus error comes first: a precise BusFault (IPSR 5, CFSR = PRECISERR
 * | BFARVALID, BFAR = that word), the base register not written back and
 * code memory unchanged.  QEMU's mps2-an386 has writable RAM at those
 * addresses, so the outcome is checked in Bulwark only. */
#include "mpu_common.h"

#define ROM_PAGE 0x00070000u /* far above the firmware's code */
#define ROM_LG2  10

MPU_HANDLERS_DEFAULT

static uint32_t rom_word(uint32_t addr)
{
    return *(volatile uint32_t *)(uintptr_t)addr;
}

int main(void)
{
    test_begin("mpu_stm_rom");
    mpu_process_setup();
    uint32_t last = ROM_PAGE + (1u << ROM_LG2) - 4u;
    uint32_t before = rom_word(last);
    mpu_set(2, ROM_PAGE, RASR_ENABLE | RASR_SIZE(ROM_LG2) | RASR_AP(AP_FULL) | RASR_NORMAL);
    mpu_set(3, ROM_PAGE + (1u << ROM_LG2),
            RASR_ENABLE | RASR_SIZE(5) | RASR_AP(AP_NONE) | RASR_NORMAL);
    fault_reset();
    uint32_t base = probe_stm(last, ~before);
    uart_puts(BULWARK_ONLY "stm");
    print_kv_hex("base", base);
    print_fault();
    print_kv_dec("written", rom_word(last) != before);
    print_nl();
    if (on_bulwark()) {
        EXPECT_FAULT(EXC_BUSFAULT, CFSR_PRECISERR | CFSR_BFARVALID, last, probe_stm_insn);
        CHECK(base == last, "the base register is not written back");
        CHECK(rom_word(last) == before, "code memory is not written");
    }
    mpu_reset();
    test_end();
}
