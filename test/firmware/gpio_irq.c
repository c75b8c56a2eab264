/* gpio_irq: the CMSDK GPIO on port 0 (0x40010000), driven from outside by
 * a scenario (test/test_scenario_inputs.py gives pin 3 the levels 1, 0, 1
 * at 1, 2 and 3 ms).
 *
 * Asserts: pin 3, rising-edge triggered, raises its own interrupt (IRQ 19
 * = 16 + pin) once per rising edge and not on the falling one; INTCLEAR
 * acknowledges it; the handler mirrors pin 3 onto output pin 8 through the
 * masked high-byte bank, and DATA reads back both.  Needs the inputs, so it
 * is not one of the stand-alone feature tests. */
#include "fw.h"

#define GPIO0           0x40010000u
#define GPIO(off)       (*(volatile uint32_t *)(GPIO0 + (off)))
#define GPIO_DATA       GPIO(0x000)
#define GPIO_OUTENSET   GPIO(0x010)
#define GPIO_INTENSET   GPIO(0x020)
#define GPIO_INTTYPESET GPIO(0x028)
#define GPIO_INTPOLSET  GPIO(0x030)
#define GPIO_INTSTATUS  GPIO(0x038)
/* high-byte bank with mask 0x01: writes touch pin 8 only */
#define GPIO_PIN8 GPIO(0x800 + (0x01u << 2))

#define IN_PIN  3u
#define OUT_PIN 8u
#define PIN_IRQ (16u + IN_PIN)
#define EDGES   2u

static volatile unsigned edges;

void irq19_handler(void)
{
    GPIO_INTSTATUS = 1u << IN_PIN; /* INTCLEAR: an edge clears at once */
    edges++;
    GPIO_PIN8 = ((GPIO_DATA >> IN_PIN) & 1u) << OUT_PIN;
}

int main(void)
{
    test_begin("gpio_irq");
    GPIO_OUTENSET = 1u << OUT_PIN;
    GPIO_INTTYPESET = 1u << IN_PIN; /* edge */
    GPIO_INTPOLSET = 1u << IN_PIN;  /* rising */
    GPIO_INTENSET = 1u << IN_PIN;
    nvic_enable(PIN_IRQ);
    uart_puts("gpio: waiting for pin 3\n");
    while (edges < EDGES) {
        __asm volatile("wfi");
    }
    print_line_dec("gpio: rising edges", edges);
    CHECK(edges == EDGES, "one interrupt per rising edge");
    CHECK(GPIO_INTSTATUS == 0, "INTCLEAR acknowledged the edge");
    CHECK(((GPIO_DATA >> OUT_PIN) & 1u) == 1u, "output pin 8 mirrors pin 3");
    CHECK(((GPIO_DATA >> IN_PIN) & 1u) == 1u, "DATA shows the input");
    test_end();
}
