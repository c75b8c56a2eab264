/* CMSDK APB UART (Arm DDI0479C, "APB UART"), as on MPS2 AN385/AN386.
 *
 *   0x000 DATA       R: received byte (clears RXFULL)  W: byte to send
 *   0x004 STATE      [0] TXFULL [1] RXFULL [2] TX overrun [3] RX overrun (W1C)
 *   0x008 CTRL       [0] TXEN [1] RXEN [2] TXINTEN [3] RXINTEN
 *                    [4] TXOVRINTEN [5] RXOVRINTEN [6] HSTEST
 *   0x00C INTSTATUS  R: [0] TX [1] RX [2] TXOVR [3] RXOVR  W: INTCLEAR (W1C)
 *   0x010 BAUDDIV    [19:0]
 *   0xFD0-0xFFC      PID4..7, PID0..3, CID0..3
 *
 * The transmitter is double-buffered as in the RTL: a byte written while the
 * shifter is idle moves into the shifter at once (TXFULL stays clear and the
 * TX interrupt fires because the buffer emptied); TXFULL is set only while a
 * second byte waits behind the one being shifted.  A byte written while the
 * shifter is idle and TXEN is clear is discarded, as the RTL does; those
 * writes are counted (cmsdk_uart_tx_dropped).  A character takes
 * 10 x max(BAUDDIV, 16) cycles (PCLK is the core clock), 10 with HSTEST.
 *
 * The receiver is fed from the host with flow control: the next byte starts
 * shifting in only when the line is idle, the receive buffer is empty and
 * RXEN is set, and arrives one character time later.  So RX overrun never
 * happens and host input is never lost.  Received bytes stay in the host
 * queue until firmware reads them, so a reset re-delivers an unread byte. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "periph.h"

#define UART_SIZE 0x1000u

#define R_DATA      0x000u
#define R_STATE     0x004u
#define R_CTRL      0x008u
#define R_INTSTATUS 0x00Cu
#define R_BAUDDIV   0x010u
#define R_PID4      0xFD0u
#define R_CID3      0xFFCu

#define STATE_TXFULL (1u << 0)
#define STATE_RXFULL (1u << 1)
#define STATE_TXOVR  (1u << 2)
#define STATE_RXOVR  (1u << 3)

#define CTRL_TXEN       (1u << 0)
#define CTRL_RXEN       (1u << 1)
#define CTRL_TXINTEN    (1u << 2)
#define CTRL_RXINTEN    (1u << 3)
#define CTRL_TXOVRINTEN (1u << 4)
#define CTRL_RXOVRINTEN (1u << 5)
#define CTRL_HSTEST     (1u << 6)
#define CTRL_MASK       0x7Fu

#define INT_TX    (1u << 0)
#define INT_RX    (1u << 1)
#define INT_TXOVR (1u << 2)
#define INT_RXOVR (1u << 3)

#define BAUDDIV_MASK  0xFFFFFu
#define BAUDDIV_MIN   16u
#define BITS_PER_CHAR 10u

/* PID4..PID7, PID0..PID3, CID0..CID3: part number 0x821. */
static const uint8_t uart_id[12] = {0x04, 0x00, 0x00, 0x00, 0x21, 0xB8,
                                    0x1B, 0x00, 0x0D, 0xF0, 0x05, 0xB1};

struct cmsdk_uart {
    char name[32];
    uint32_t base;
    int index;
    const vclock *clk;
    irq_line rx_irq, tx_irq, ovr_irq;
    bool rx_level, tx_level, ovr_level;
    uart_sink sink;

    uint32_t state, ctrl, bauddiv;
    uint32_t intr; /* latched TX/RX interrupt bits; overrun bits are derived */
    uint8_t tx_hold, tx_shift, rx_data;
    bool tx_busy;
    uint64_t tx_dropped;
    struct event tx_done;

    /* Host input: rxq[rx_head] is the next byte firmware has not read. */
    uint8_t *rxq;
    size_t rx_head, rx_len, rx_cap;
    bool rx_busy; /* a byte is shifting in */
    struct event rx_done;
};

static uint32_t lane(uint32_t word, uint32_t offset, unsigned size)
{
    word >>= 8u * (offset & 3u);
    return size >= 4 ? word : word & ((1u << (8u * size)) - 1u);
}

/* HSTEST speeds up only the transmitter (one bit per PCLK), as in the RTL. */
static uint64_t char_cycles(const cmsdk_uart *u, bool tx)
{
    if (tx && (u->ctrl & CTRL_HSTEST)) {
        return BITS_PER_CHAR;
    }
    uint32_t div = u->bauddiv < BAUDDIV_MIN ? BAUDDIV_MIN : u->bauddiv;
    return (uint64_t)BITS_PER_CHAR * div;
}

static uint32_t intstatus(const cmsdk_uart *u)
{
    uint32_t ovr = u->state & (u->ctrl >> 2) & (INT_TXOVR | INT_RXOVR);
    return u->intr | ovr;
}

static void drive(irq_line line, bool *level, bool want)
{
    if (*level != want) {
        *level = want;
        irq_set_level(line, want);
    }
}

static void update_irqs(cmsdk_uart *u)
{
    uint32_t st = intstatus(u);
    drive(u->tx_irq, &u->tx_level, (st & INT_TX) != 0);
    drive(u->rx_irq, &u->rx_level, (st & INT_RX) != 0);
    drive(u->ovr_irq, &u->ovr_level, (st & (INT_TXOVR | INT_RXOVR)) != 0);
}

/* ---- transmitter ------------------------------------------------------ */

static void tx_start(cmsdk_uart *u, uint8_t byte, uint64_t now)
{
    u->tx_shift = byte;
    u->tx_busy = true;
    evq_schedule(u->clk->events, &u->tx_done, now + char_cycles(u, true));
    /* The holding buffer just emptied into the shifter. */
    if ((u->ctrl & CTRL_TXINTEN) && (u->ctrl & CTRL_TXEN)) {
        u->intr |= INT_TX;
    }
}

static void tx_finished(void *ctx, uint64_t when)
{
    cmsdk_uart *u = ctx;
    u->tx_busy = false;
    if (u->sink.tx != NULL) {
        u->sink.tx(u->sink.ctx, u->index, u->tx_shift, when);
    }
    if (u->state & STATE_TXFULL) {
        u->state &= ~STATE_TXFULL;
        tx_start(u, u->tx_hold, when);
    }
    update_irqs(u);
}

static void write_data(cmsdk_uart *u, uint8_t byte)
{
    if (u->state & STATE_TXFULL) {
        u->tx_hold = byte; /* the RTL overwrites the waiting byte */
        u->state |= STATE_TXOVR;
    } else if (u->tx_busy) {
        u->tx_hold = byte;
        u->state |= STATE_TXFULL;
    } else if (u->ctrl & CTRL_TXEN) {
        tx_start(u, byte, vclock_now(u->clk));
    } else {
        u->tx_dropped++;
    }
    update_irqs(u);
}

/* ---- receiver --------------------------------------------------------- */

static size_t rx_undelivered(const cmsdk_uart *u)
{
    size_t waiting = u->rx_len - u->rx_head;
    return (u->state & STATE_RXFULL) ? waiting - 1 : waiting;
}

static void rx_try_start(cmsdk_uart *u, uint64_t now)
{
    if (u->rx_busy || !(u->ctrl & CTRL_RXEN) || (u->state & STATE_RXFULL) ||
        rx_undelivered(u) == 0) {
        return;
    }
    u->rx_busy = true;
    evq_schedule(u->clk->events, &u->rx_done, now + char_cycles(u, false));
}

static void rx_stop(cmsdk_uart *u)
{
    u->rx_busy = false;
    evq_cancel(u->clk->events, &u->rx_done);
}

static void rx_arrived(void *ctx, uint64_t when)
{
    cmsdk_uart *u = ctx;
    (void)when;
    u->rx_busy = false;
    u->rx_data = u->rxq[u->rx_head];
    u->state |= STATE_RXFULL;
    if (u->ctrl & CTRL_RXINTEN) {
        u->intr |= INT_RX;
    }
    update_irqs(u);
}

static uint8_t read_data(cmsdk_uart *u)
{
    if (u->state & STATE_RXFULL) {
        u->state &= ~STATE_RXFULL;
        u->rx_head++;
        rx_try_start(u, vclock_now(u->clk));
    }
    return u->rx_data;
}

static void rxq_make_room(cmsdk_uart *u, size_t len)
{
    if (u->rx_head > 0) {
        memmove(u->rxq, u->rxq + u->rx_head, u->rx_len - u->rx_head);
        u->rx_len -= u->rx_head;
        u->rx_head = 0;
    }
    if (u->rx_len + len > u->rx_cap) {
        size_t cap = u->rx_cap ? u->rx_cap : 64;
        while (cap < u->rx_len + len) {
            cap *= 2;
        }
        u->rxq = realloc(u->rxq, cap);
        assert(u->rxq != NULL);
        u->rx_cap = cap;
    }
}

void cmsdk_uart_feed_rx(cmsdk_uart *u, const uint8_t *data, size_t len)
{
    if (len == 0) {
        return;
    }
    rxq_make_room(u, len);
    memcpy(u->rxq + u->rx_len, data, len);
    u->rx_len += len;
    rx_try_start(u, vclock_now(u->clk));
}

size_t cmsdk_uart_rx_backlog(const cmsdk_uart *u)
{
    return u->rx_len - u->rx_head;
}

uint64_t cmsdk_uart_tx_dropped(const cmsdk_uart *u)
{
    return u->tx_dropped;
}

void cmsdk_uart_set_overflow_irq(cmsdk_uart *u, irq_line ovr_irq)
{
    u->ovr_irq = ovr_irq;
    u->ovr_level = false;
    update_irqs(u);
}

/* ---- registers -------------------------------------------------------- */

static uint32_t uart_read_reg(cmsdk_uart *u, uint32_t reg)
{
    switch (reg) {
    case R_DATA:
        return read_data(u);
    case R_STATE:
        return u->state;
    case R_CTRL:
        return u->ctrl;
    case R_INTSTATUS:
        return intstatus(u);
    case R_BAUDDIV:
        return u->bauddiv;
    default:
        if (reg >= R_PID4 && reg <= R_CID3) {
            return uart_id[(reg - R_PID4) / 4];
        }
        return 0;
    }
}

static uint32_t uart_read(void *dev, uint32_t offset, unsigned size)
{
    cmsdk_uart *u = dev;
    uint32_t word = uart_read_reg(u, offset & ~3u);
    update_irqs(u);
    return lane(word, offset, size);
}

static void write_ctrl(cmsdk_uart *u, uint32_t value)
{
    u->ctrl = value & CTRL_MASK;
    if (u->ctrl & CTRL_RXEN) {
        rx_try_start(u, vclock_now(u->clk));
    } else {
        rx_stop(u); /* the byte in flight stays queued */
    }
}

static void uart_write(void *dev, uint32_t offset, uint32_t value, unsigned size)
{
    cmsdk_uart *u = dev;
    (void)size;
    switch (offset) {
    case R_DATA:
        write_data(u, (uint8_t)value);
        return;
    case R_STATE:
        u->state &= ~(value & (STATE_TXOVR | STATE_RXOVR));
        break;
    case R_CTRL:
        write_ctrl(u, value);
        break;
    case R_INTSTATUS:
        u->state &= ~(value & (INT_TXOVR | INT_RXOVR));
        u->intr &= ~(value & (INT_TX | INT_RX));
        break;
    case R_BAUDDIV:
        u->bauddiv = value & BAUDDIV_MASK;
        break;
    default:
        return; /* ID registers are read-only; the rest is reserved */
    }
    update_irqs(u);
}

static void uart_reset(void *dev)
{
    cmsdk_uart *u = dev;
    evq_cancel(u->clk->events, &u->tx_done);
    rx_stop(u);
    u->state = 0;
    u->ctrl = 0;
    u->bauddiv = 0;
    u->intr = 0;
    u->tx_hold = 0;
    u->tx_shift = 0;
    u->rx_data = 0;
    u->tx_busy = false;
    update_irqs(u);
}

static void uart_destroy(void *dev)
{
    cmsdk_uart *u = dev;
    evq_cancel(u->clk->events, &u->tx_done);
    evq_cancel(u->clk->events, &u->rx_done);
    free(u->rxq);
    free(u);
}

static const device_ops uart_ops = {
    .read = uart_read,
    .write = uart_write,
    .reset = uart_reset,
    .destroy = uart_destroy,
};

cmsdk_uart *cmsdk_uart_create(const char *name, uint32_t base, int index, const vclock *clk,
                              irq_line rx_irq, irq_line tx_irq, uart_sink sink)
{
    cmsdk_uart *u = calloc(1, sizeof(*u));
    assert(u != NULL);
    snprintf(u->name, sizeof(u->name), "%s", name);
    u->base = base;
    u->index = index;
    u->clk = clk;
    u->rx_irq = rx_irq;
    u->tx_irq = tx_irq;
    u->sink = sink;
    event_init(&u->tx_done, tx_finished, u);
    event_init(&u->rx_done, rx_arrived, u);
    return u;
}

device cmsdk_uart_device(cmsdk_uart *u)
{
    return (device){
        .name = u->name,
        .base = u->base,
        .size = UART_SIZE,
        .widths = DEV_WALL,
        .ops = &uart_ops,
        .state = u,
    };
}
