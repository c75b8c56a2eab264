/* UART0 (CMSDK APB UART): the console.  Output goes through a ring drained
 * by the TX interrupt (and by polling whenever the ring is full, so that
 * output works in every context, fault handlers included); input is read
 * by the RX interrupt into a small ring, with flow control: when the ring
 * is full the byte stays in the UART until the kernel takes one. */
#include "cm.h"
#include "regs.h"

#define TX_SIZE      512u
#define RX_SIZE      64u
#define UART_DIVISOR 16u /* the smallest QEMU's model transmits with */

static char tx_ring[TX_SIZE];
static volatile uint32_t tx_head, tx_tail; /* head: next free; tail: next to send */
static char rx_ring[RX_SIZE];
static volatile uint32_t rx_head, rx_tail;
static volatile bool tx_wanted;

void cm_uart_init(void)
{
    UART_BAUDDIV = UART_DIVISOR;
    UART_CTRL = UART_CTRL_TXEN | UART_CTRL_RXEN | UART_CTRL_TXINTEN | UART_CTRL_RXINTEN;
    nvic_enable_irq(IRQ_UART0_RX, PRIO_DEVICE);
    nvic_enable_irq(IRQ_UART0_TX, PRIO_DEVICE);
}

static uint32_t tx_used(void)
{
    return (tx_head - tx_tail) % TX_SIZE;
}

size_t arch_console_space(void)
{
    return TX_SIZE - 1u - tx_used();
}

/* Ring to UART while it takes bytes (interrupts masked or in the ISR). */
static void tx_feed(void)
{
    while (tx_tail != tx_head && !(UART_STATE & UART_STATE_TXFULL)) {
        UART_DATA = (uint8_t)tx_ring[tx_tail];
        tx_tail = (tx_tail + 1u) % TX_SIZE;
    }
}

static void tx_feed_masked(void)
{
    uint32_t primask = irq_save();
    tx_feed();
    irq_restore(primask);
}

void arch_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        while (arch_console_space() == 0) {
            tx_feed_masked(); /* the ISR may not get to run here (fault handler) */
        }
        tx_ring[tx_head] = s[i];
        tx_head = (tx_head + 1u) % TX_SIZE;
    }
    tx_feed_masked();
}

void arch_console_flush(void)
{
    while (tx_used() != 0) {
        tx_feed_masked();
    }
    while (UART_STATE & UART_STATE_TXFULL) {
    }
}

void arch_console_want_space(void)
{
    tx_wanted = true;
}

void uart0_tx_handler(void)
{
    UART_INTSTATUS = UART_INT_TX;
    tx_feed();
    if (tx_wanted && arch_console_space() >= TX_SIZE / 2u) {
        tx_wanted = false;
        cm_raise(EV_UART_TX);
    }
}

/* UART to ring while both have room; false when the ring is full. */
static bool rx_pull(void)
{
    while (UART_STATE & UART_STATE_RXFULL) {
        if ((rx_head - rx_tail) % RX_SIZE == RX_SIZE - 1u) {
            return false;
        }
        rx_ring[rx_head] = (char)UART_DATA;
        rx_head = (rx_head + 1u) % RX_SIZE;
    }
    return true;
}

void uart0_rx_handler(void)
{
    UART_INTSTATUS = UART_INT_RX;
    if (!rx_pull()) {
        UART_CTRL &= ~UART_CTRL_RXINTEN; /* flow control: arch_console_getc resumes */
    }
    cm_raise(EV_UART_RX);
}

int arch_console_getc(void)
{
    uint32_t primask = irq_save();
    int c = -1;
    if (rx_tail != rx_head) {
        c = (unsigned char)rx_ring[rx_tail];
        rx_tail = (rx_tail + 1u) % RX_SIZE;
    }
    if (rx_pull()) {
        UART_CTRL |= UART_CTRL_RXINTEN;
    }
    irq_restore(primask);
    return c;
}
