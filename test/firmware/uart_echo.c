/* uart_echo: interrupt-driven UART0 receive.
 *
 * Reads bytes through the RX interrupt (IRQ 0) into a ring buffer while
 * the thread sleeps in WFI (entered with PRIMASK set, so no interrupt is
 * lost between the check and the sleep), echoes each byte uppercased,
 * and on '\n' prints the byte count and PASS.  Asserts that the RX
 * interrupt fired and that at least one byte arrived before the newline. */
#include "fw.h"

#define RING_SIZE 64u /* power of two */

static volatile uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head, ring_tail;
static volatile unsigned rx_interrupts;

void uart0_rx_handler(void)
{
    UART_INTSTATUS(UART0_BASE) = UART_INT_RX; /* acknowledge */
    rx_interrupts++;
    while (UART_STATE(UART0_BASE) & UART_STATE_RXFULL) {
        uint8_t byte = (uint8_t)UART_DATA(UART0_BASE);
        if (ring_head - ring_tail < RING_SIZE) {
            ring[ring_head % RING_SIZE] = byte;
            ring_head++;
        }
    }
}

static char next_byte(void)
{
    __asm volatile("cpsid i" ::: "memory"); /* no RX interrupt between check and sleep */
    while (ring_head == ring_tail) {
        __asm volatile("wfi\n\t"     /* wakes on a pending interrupt even with PRIMASK */
                       "cpsie i\n\t" /* let the RX handler run */
                       "isb\n\t"     /* ... here */
                       "cpsid i" ::  /* and check again masked */
                       : "memory");
    }
    __asm volatile("cpsie i" ::: "memory"); /* unmask */
    char c = (char)ring[ring_tail % RING_SIZE];
    ring_tail++;
    return c;
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

int main(void)
{
    test_begin("uart_echo");
    UART_CTRL(UART0_BASE) |= UART_CTRL_RXEN | UART_CTRL_RXINTEN;
    nvic_enable(UART0_RX_IRQ);
    uart_puts("echo ");
    unsigned count = 0;
    for (char c = next_byte(); c != '\n'; c = next_byte()) {
        uart_putc(to_upper(c));
        count++;
    }
    print_nl();
    uart_puts("received");
    print_kv_dec("bytes", count);
    print_kv_dec("rx_irq", rx_interrupts > 0);
    print_nl();
    CHECK(count > 0, "bytes before the newline");
    CHECK(rx_interrupts > 0, "RX interrupt fired");
    test_end();
}
