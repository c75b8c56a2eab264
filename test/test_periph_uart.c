/* CMSDK APB UART model, driven through its device ops on a real event queue. */
#include <check.h>

#include "check_main.h"
#include "periph_harness.h"

#define DATA      0x000u
#define STATE     0x004u
#define CTRL      0x008u
#define INTSTATUS 0x00Cu
#define BAUDDIV   0x010u

#define TXEN       0x01u
#define RXEN       0x02u
#define TXINTEN    0x04u
#define RXINTEN    0x08u
#define TXOVRINTEN 0x10u

static struct {
    uint8_t bytes[256];
    uint64_t at[256];
    int n;
    int index;
} sent;

static void sink_tx(void *ctx, int index, uint8_t byte, uint64_t cycle)
{
    (void)ctx;
    sent.index = index;
    sent.bytes[sent.n] = byte;
    sent.at[sent.n] = cycle;
    sent.n++;
}

static struct probe rx_probe, tx_probe, ovr_probe;
static cmsdk_uart *u;

static void setup(void)
{
    harness_setup(25000000);
    rx_probe = tx_probe = ovr_probe = (struct probe){0};
    sent.n = 0;
    irq_line rx = {probe_set, &rx_probe, 0};
    irq_line tx = {probe_set, &tx_probe, 1};
    u = cmsdk_uart_create("uart0", 0x40004000, 0, &clk, rx, tx,
                          (uart_sink){.tx = sink_tx, .ctx = NULL});
    dev = cmsdk_uart_device(u);
}

/* ---- transmitter ------------------------------------------------------ */

START_TEST(device_describes_itself)
{
    ck_assert_str_eq(dev.name, "uart0");
    ck_assert_uint_eq(dev.base, 0x40004000);
    ck_assert_uint_eq(dev.size, 0x1000);
    ck_assert_uint_eq(rd(0xFD0), 0x04);
    ck_assert_uint_eq(rd(0xFE0), 0x21);
    ck_assert_uint_eq(rd(0xFE4), 0xB8);
    ck_assert_uint_eq(rd(0xFE8), 0x1B);
    ck_assert_uint_eq(rd(0xFEC), 0x00);
    ck_assert_uint_eq(rd(0xFF0), 0x0D);
    ck_assert_uint_eq(rd(0xFF4), 0xF0);
    ck_assert_uint_eq(rd(0xFF8), 0x05);
    ck_assert_uint_eq(rd(0xFFC), 0xB1);
    wr(0xFE0, 0x55); /* read-only */
    ck_assert_uint_eq(rd(0xFE0), 0x21);
    ck_assert_uint_eq(rd(0x100), 0);
    wr(0x100, 0xFFFFFFFF); /* reserved: ignored, no crash */
    ck_assert_uint_eq(rd(CTRL), 0);
    wr(BAUDDIV, 0xFFFFFFFF);
    ck_assert_uint_eq(rd(BAUDDIV), 0xFFFFF);
    ck_assert_uint_eq(dev.ops->read(dev.state, BAUDDIV + 2, 1), 0x0F);
}
END_TEST

START_TEST(byte_reaches_sink_when_it_leaves_the_shifter)
{
    wr(BAUDDIV, 100);
    wr(CTRL, TXEN);
    now = 1000;
    wr(DATA, 'A');
    run_until(1999);
    ck_assert_int_eq(sent.n, 0);
    run_until(2000); /* 10 bits x 100 cycles */
    ck_assert_int_eq(sent.n, 1);
    ck_assert_uint_eq(sent.bytes[0], 'A');
    ck_assert_uint_eq(sent.at[0], 2000);
    ck_assert_int_eq(sent.index, 0);
}
END_TEST

START_TEST(txfull_while_a_byte_waits_behind_the_shifter)
{
    wr(BAUDDIV, 100);
    wr(CTRL, TXEN);
    wr(DATA, 'A');
    ck_assert_uint_eq(rd(STATE) & 1u, 0); /* moved straight into the shifter */
    now = 10;
    wr(DATA, 'B');
    ck_assert_uint_eq(rd(STATE) & 1u, 1);
    run_until(999);
    ck_assert_uint_eq(rd(STATE) & 1u, 1);
    run_until(1000);
    ck_assert_uint_eq(rd(STATE) & 1u, 0);
    run_until(2000);
    ck_assert_int_eq(sent.n, 2);
    ck_assert_uint_eq(sent.bytes[1], 'B');
    ck_assert_uint_eq(sent.at[1], 2000);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

START_TEST(write_while_full_is_an_overrun)
{
    cmsdk_uart_set_overflow_irq(u, (irq_line){probe_set, &ovr_probe, 12});
    wr(BAUDDIV, 16);
    wr(CTRL, TXEN | TXOVRINTEN);
    wr(DATA, 'A');
    wr(DATA, 'B');
    ck_assert(!ovr_probe.level);
    wr(DATA, 'C'); /* replaces 'B' */
    ck_assert_uint_eq(rd(STATE), 0x5);
    ck_assert_uint_eq(rd(INTSTATUS), 0x4);
    ck_assert(ovr_probe.level);
    wr(STATE, 0x4);
    ck_assert_uint_eq(rd(STATE) & 0x4, 0);
    ck_assert(!ovr_probe.level);
    run_until(10000);
    ck_assert_int_eq(sent.n, 2);
    ck_assert_uint_eq(sent.bytes[1], 'C');
}
END_TEST

START_TEST(bauddiv_below_16_counts_as_16)
{
    wr(CTRL, TXEN);
    wr(DATA, 'x');
    run_until(159);
    ck_assert_int_eq(sent.n, 0);
    run_until(160);
    ck_assert_int_eq(sent.n, 1);
}
END_TEST

START_TEST(writes_with_txen_clear_are_dropped_and_counted)
{
    wr(BAUDDIV, 16);
    wr(DATA, 'x');
    wr(DATA, 'y');
    ck_assert_uint_eq(rd(STATE), 0);
    ck_assert_uint_eq(cmsdk_uart_tx_dropped(u), 2);
    wr(CTRL, TXEN);
    run_until(100000);
    ck_assert_int_eq(sent.n, 0);
    wr(DATA, 'z');
    run_until(200000);
    ck_assert_int_eq(sent.n, 1);
    ck_assert_uint_eq(sent.bytes[0], 'z');
}
END_TEST

START_TEST(tx_interrupt_when_the_buffer_empties)
{
    wr(BAUDDIV, 100);
    wr(CTRL, TXEN | TXINTEN);
    ck_assert(!tx_probe.level);
    wr(DATA, 'A');
    ck_assert(tx_probe.level);
    ck_assert_uint_eq(rd(INTSTATUS), 1);
    wr(INTSTATUS, 1);
    ck_assert(!tx_probe.level);
    now = 50;
    wr(DATA, 'B'); /* waits: no interrupt yet */
    ck_assert(!tx_probe.level);
    run_until(999);
    ck_assert(!tx_probe.level);
    run_until(1000); /* 'A' done, 'B' enters the shifter */
    ck_assert(tx_probe.level);
    ck_assert_uint_eq(tx_probe.last_rise, 1000);
    run_until(5000); /* level: stays up until cleared */
    ck_assert(tx_probe.level);
    ck_assert_int_eq(tx_probe.rises, 2);
    ck_assert(!rx_probe.level);
}
END_TEST

START_TEST(held_byte_goes_out_after_txen_is_cleared_without_interrupt)
{
    wr(BAUDDIV, 100);
    wr(CTRL, TXEN | TXINTEN);
    wr(DATA, 'A');
    wr(INTSTATUS, 1);
    wr(DATA, 'B');
    wr(CTRL, TXINTEN); /* the RTL finishes what it holds */
    run_until(2000);
    ck_assert_int_eq(sent.n, 2);
    ck_assert_uint_eq(sent.bytes[1], 'B');
    ck_assert(!tx_probe.level); /* TXINT needs TXEN when the buffer empties */
    ck_assert_uint_eq(cmsdk_uart_tx_dropped(u), 0);
}
END_TEST

START_TEST(intclear_clears_only_the_bits_written)
{
    wr(BAUDDIV, 16);
    wr(CTRL, TXEN | RXEN | TXINTEN | RXINTEN);
    cmsdk_uart_feed_rx(u, (const uint8_t *)"r", 1);
    wr(DATA, 't');
    run_until(1000);
    ck_assert_uint_eq(rd(INTSTATUS), 3);
    wr(INTSTATUS, 1);
    ck_assert_uint_eq(rd(INTSTATUS), 2);
    ck_assert(!tx_probe.level);
    ck_assert(rx_probe.level);
    wr(INTSTATUS, 2);
    ck_assert_uint_eq(rd(INTSTATUS), 0);
    ck_assert(!rx_probe.level);
}
END_TEST

/* ---- receiver --------------------------------------------------------- */

START_TEST(rx_byte_arrives_one_character_after_feed)
{
    wr(BAUDDIV, 100);
    wr(CTRL, RXEN | RXINTEN);
    now = 500;
    cmsdk_uart_feed_rx(u, (const uint8_t *)"hi", 2);
    ck_assert_uint_eq(cmsdk_uart_rx_backlog(u), 2);
    run_until(1499);
    ck_assert_uint_eq(rd(STATE) & 2u, 0);
    ck_assert(!rx_probe.level);
    run_until(1500);
    ck_assert_uint_eq(rd(STATE) & 2u, 2);
    ck_assert(rx_probe.level);
    ck_assert_uint_eq(rd(INTSTATUS), 2);
    ck_assert_uint_eq(evq_size(q), 0); /* nothing moves while RXFULL */
    /* Flow control: 'i' waits until 'h' is read, then takes a character. */
    run_until(4000);
    ck_assert_uint_eq(rd(DATA), 'h');
    ck_assert_uint_eq(rd(STATE) & 2u, 0);
    ck_assert(rx_probe.level); /* reading does not clear the interrupt */
    wr(INTSTATUS, 2);
    ck_assert(!rx_probe.level);
    run_until(4999);
    ck_assert_uint_eq(rd(STATE) & 2u, 0);
    run_until(5000);
    ck_assert_uint_eq(rd(STATE) & 2u, 2);
    ck_assert_uint_eq(rx_probe.last_rise, 5000);
    ck_assert_uint_eq(rd(DATA), 'i');
    ck_assert_uint_eq(cmsdk_uart_rx_backlog(u), 0);
    ck_assert_uint_eq(rd(DATA), 'i'); /* stale, as on hardware */
}
END_TEST

START_TEST(no_input_lost_when_read_slowly)
{
    uint8_t in[100], out[100];
    for (int i = 0; i < 100; i++) {
        in[i] = (uint8_t)(i * 7 + 3);
    }
    wr(BAUDDIV, 16);
    wr(CTRL, RXEN | RXINTEN);
    cmsdk_uart_feed_rx(u, in, 60);
    cmsdk_uart_feed_rx(u, in + 60, 40); /* grows the queue while busy */
    int got = 0;
    uint64_t last_read = 0;
    for (uint64_t t = 0; got < 100 && t < 10000000; t += 997) {
        run_until(t);
        uint32_t st = rd(STATE);
        ck_assert_uint_eq(st & 0x8u, 0); /* never an RX overrun */
        if (st & 2u) {
            /* each byte starts once the previous one was read */
            ck_assert_uint_eq(rx_probe.last_rise, last_read + 160);
            out[got++] = (uint8_t)rd(DATA);
            wr(INTSTATUS, 2);
            last_read = t;
        }
    }
    ck_assert_int_eq(got, 100);
    for (int i = 0; i < 100; i++) {
        ck_assert_uint_eq(out[i], in[i]);
    }
    ck_assert_uint_eq(cmsdk_uart_rx_backlog(u), 0);
    ck_assert_uint_eq(evq_size(q), 0);
}
END_TEST

START_TEST(rx_waits_for_rxen)
{
    wr(BAUDDIV, 100);
    cmsdk_uart_feed_rx(u, (const uint8_t *)"k", 1);
    run_until(100000);
    ck_assert_uint_eq(rd(STATE), 0);
    wr(CTRL, RXEN);
    run_until(100999);
    ck_assert_uint_eq(rd(STATE), 0);
    now = 100500;
    wr(CTRL, 0); /* disabled mid-byte: the byte stays queued */
    run_until(200000);
    ck_assert_uint_eq(rd(STATE), 0);
    ck_assert_uint_eq(cmsdk_uart_rx_backlog(u), 1);
    wr(CTRL, RXEN);
    run_until(201000);
    ck_assert_uint_eq(rd(STATE), 2);
    ck_assert_uint_eq(rd(INTSTATUS), 0); /* RXINTEN is clear */
    ck_assert(!rx_probe.level);
    ck_assert_uint_eq(rd(DATA), 'k');
}
END_TEST

START_TEST(rx_holds_while_the_buffer_is_full)
{
    wr(BAUDDIV, 100);
    wr(CTRL, RXEN | RXINTEN);
    cmsdk_uart_feed_rx(u, (const uint8_t *)"a", 1);
    run_until(1000);
    ck_assert_uint_eq(rd(STATE), 2);
    wr(INTSTATUS, 2);
    cmsdk_uart_feed_rx(u, (const uint8_t *)"b", 1);
    wr(CTRL, RXEN | RXINTEN);
    ck_assert_uint_eq(evq_size(q), 0);
    run_until(50000);
    ck_assert(!rx_probe.level);
    ck_assert_uint_eq(rd(DATA), 'a');
    run_until(51000);
    ck_assert(rx_probe.level);
    ck_assert_uint_eq(rd(DATA), 'b');
}
END_TEST

START_TEST(reset_cancels_and_keeps_host_input)
{
    wr(BAUDDIV, 100);
    wr(CTRL, TXEN | RXEN | RXINTEN);
    cmsdk_uart_feed_rx(u, (const uint8_t *)"ab", 2);
    wr(DATA, 'Z');
    run_until(1000);
    ck_assert(rx_probe.level);
    ck_assert_int_eq(sent.n, 1);
    wr(DATA, 'Y');
    dev.ops->reset(dev.state);
    ck_assert_uint_eq(evq_size(q), 0);
    ck_assert(!rx_probe.level);
    ck_assert_uint_eq(rd(CTRL), 0);
    ck_assert_uint_eq(rd(STATE), 0);
    ck_assert_uint_eq(rd(BAUDDIV), 0);
    run_until(100000);
    ck_assert_int_eq(sent.n, 1);                    /* 'Y' was lost with the shifter */
    ck_assert_uint_eq(cmsdk_uart_rx_backlog(u), 2); /* 'a' unread: kept */
    wr(CTRL, RXEN);
    run_until(100160);
    ck_assert_uint_eq(rd(DATA), 'a');
}
END_TEST

int main(void)
{
    Suite *s = suite_create("periph_uart");
    TCase *tc = tcase_create("uart");
    tcase_add_checked_fixture(tc, setup, harness_teardown);
    tcase_add_test(tc, device_describes_itself);
    tcase_add_test(tc, byte_reaches_sink_when_it_leaves_the_shifter);
    tcase_add_test(tc, txfull_while_a_byte_waits_behind_the_shifter);
    tcase_add_test(tc, write_while_full_is_an_overrun);
    tcase_add_test(tc, bauddiv_below_16_counts_as_16);
    tcase_add_test(tc, writes_with_txen_clear_are_dropped_and_counted);
    tcase_add_test(tc, tx_interrupt_when_the_buffer_empties);
    tcase_add_test(tc, held_byte_goes_out_after_txen_is_cleared_without_interrupt);
    tcase_add_test(tc, intclear_clears_only_the_bits_written);
    tcase_add_test(tc, rx_byte_arrives_one_character_after_feed);
    tcase_add_test(tc, no_input_lost_when_read_slowly);
    tcase_add_test(tc, rx_waits_for_rxen);
    tcase_add_test(tc, rx_holds_while_the_buffer_is_full);
    tcase_add_test(tc, reset_cancels_and_keeps_host_input);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
