/* lockup: a fault inside the HardFault handler locks the core up.
 *
 * A load from 0x60000000 with BusFault disabled escalates to HardFault;
 * the HardFault handler then loads from 0x60000000 again.  A fault at
 * priority -1 cannot be taken, so the core enters lockup.  Bulwark must
 * report the lockup and end the run with exit status 1; QEMU aborts with
 * "Lockup: can't escalate".  The firmware never prints PASS.
 * Its own output avoids the word the runners look for (it says "stall"),
 * so that only the machine's report can satisfy them. */
#include "fw.h"

uint32_t fault_load(uint32_t addr);

static _Noreturn void say_still_running(const char *where)
{
    uart_puts("FAIL: still running after the second fault in ");
    uart_puts(where);
    print_nl();
    fw_exit(1);
}

void hardfault_handler(void)
{
    uart_puts("hardfault: loading from 0x60000000 again\n");
    fault_load(UNMAPPED_ADDR);
    say_still_running("hardfault");
}

int main(void)
{
    test_begin("core stall");
    SCB_SHCSR &= ~SHCSR_BUSFAULTENA;
    uart_puts("thread: loading from 0x60000000 with BusFault disabled\n");
    fault_load(UNMAPPED_ADDR);
    say_still_running("thread");
}
