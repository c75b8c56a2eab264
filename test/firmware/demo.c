/* demo: a short banner, then the FPGA IO LEDs count in binary, one step
 * per timer0 interrupt (50 ms at sim64's 64 MHz), while the core sleeps
 * in WFI.  Reads no input; ends with PASS demo and exit code 0. */
#include "fw.h"

#define STEP_RELOAD 3200000u /* 50 ms at 64 MHz */
#define STEPS       8u
#define LED_MASK    0x3u /* MPS2 FPGA IO drives two user LEDs */

static volatile unsigned steps;

void timer0_handler(void)
{
    TIMER_INTSTATUS(TIMER0_BASE) = 1u; /* acknowledge */
    steps++;
    FPGAIO_LED0 = steps & LED_MASK;
}

static void banner(void)
{
    uart_puts("Bulwark demo firmware: Cortex-M4, MPS2 AN386 memory map\n");
    uart_puts("machine: ");
    uart_puts(on_bulwark() ? "bulwark" : "other (qemu?)");
    print_nl();
}

int main(void)
{
    test_begin("demo");
    banner();
    FPGAIO_LED0 = 0;
    TIMER_RELOAD(TIMER0_BASE) = STEP_RELOAD;
    TIMER_VALUE(TIMER0_BASE) = STEP_RELOAD;
    nvic_enable(TIMER0_IRQ);
    TIMER_CTRL(TIMER0_BASE) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
    for (unsigned seen = 0; seen < STEPS;) {
        __asm volatile("wfi"); /* sleep until the next step */
        if (steps != seen) {
            seen = steps;
            print_line_hex("leds", seen & LED_MASK);
        }
    }
    TIMER_CTRL(TIMER0_BASE) = 0;
    FPGAIO_LED0 = 0;
    uart_puts("leds off, bye\n");
    test_end();
}
