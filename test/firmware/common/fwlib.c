/* Console, exit and the test protocol shared by all test firmware. */
#include "fw.h"

/* QEMU's CMSDK UART only transmits with BAUDDIV >= 16. */
#define UART_BAUDDIV_MIN 16
/* Spins after the last byte so that Bulwark's transmitter can shift it out
 * before the run ends (a byte takes about 10 * BAUDDIV cycles). */
#define UART_DRAIN_SPINS 2000

#define SEMIHOST_SYS_EXIT_EXTENDED  0x20
#define ADP_STOPPED_APPLICATIONEXIT 0x20026

static const char *test_name = "?";
static unsigned failures;

void uart_init(void)
{
    UART_BAUDDIV(UART0_BASE) = UART_BAUDDIV_MIN;
    UART_CTRL(UART0_BASE) |= UART_CTRL_TXEN;
}

void uart_putc(char c)
{
    while (UART_STATE(UART0_BASE) & UART_STATE_TXFULL) {
    }
    UART_DATA(UART0_BASE) = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s) {
        uart_putc(*s++);
    }
}

int uart_getc(void)
{
    UART_CTRL(UART0_BASE) |= UART_CTRL_RXEN;
    while (!(UART_STATE(UART0_BASE) & UART_STATE_RXFULL)) {
    }
    return (int)(UART_DATA(UART0_BASE) & 0xFFu);
}

void print_hex(uint32_t v)
{
    static const char digits[] = "0123456789ABCDEF";
    uart_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        uart_putc(digits[(v >> shift) & 0xFu]);
    }
}

void print_dec(uint32_t v)
{
    char buf[11];
    int i = 0;
    do {
        buf[i++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    while (i > 0) {
        uart_putc(buf[--i]);
    }
}

void print_sdec(int32_t v)
{
    if (v < 0) {
        uart_putc('-');
        print_dec(0u - (uint32_t)v);
    } else {
        print_dec((uint32_t)v);
    }
}

void print_nl(void)
{
    uart_putc('\n');
}

void print_kv_hex(const char *key, uint32_t v)
{
    uart_putc(' ');
    uart_puts(key);
    uart_putc('=');
    print_hex(v);
}

void print_kv_dec(const char *key, uint32_t v)
{
    uart_putc(' ');
    uart_puts(key);
    uart_putc('=');
    print_dec(v);
}

void print_line_hex(const char *label, uint32_t v)
{
    uart_puts(label);
    uart_putc(' ');
    print_hex(v);
    print_nl();
}

void print_line_dec(const char *label, uint32_t v)
{
    uart_puts(label);
    uart_putc(' ');
    print_dec(v);
    print_nl();
}

bool on_bulwark(void)
{
    return SIMCTRL_ID == SIMCTRL_ID_VALUE;
}

void dwt_enable(void)
{
    DEMCR |= DEMCR_TRCENA;
    DWT_CYCCNT = 0;
    DWT_CTRL |= DWT_CTRL_CYCCNTENA;
}

static void uart_drain(void)
{
    while (UART_STATE(UART0_BASE) & UART_STATE_TXFULL) {
    }
    for (volatile int i = 0; i < UART_DRAIN_SPINS; i++) {
    }
}

static _Noreturn void semihost_exit(uint32_t code)
{
    static uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATIONEXIT;
    block[1] = code;
    register uint32_t op __asm("r0") = SEMIHOST_SYS_EXIT_EXTENDED;
    register uint32_t arg __asm("r1") = (uint32_t)(uintptr_t)block;
    __asm volatile("bkpt 0xab" /* Angel semihosting call: r0 = operation, r1 = block */
                   :
                   : "r"(op), "r"(arg)
                   : "memory");
    for (;;) {
    }
}

_Noreturn void fw_exit(uint32_t code)
{
    uart_drain();
    if (on_bulwark()) {
        SIMCTRL_EXIT = code;
        for (;;) {
        }
    }
    semihost_exit(code);
}

void test_begin(const char *name)
{
    test_name = name;
    failures = 0;
    uart_init();
    uart_puts("TEST ");
    uart_puts(name);
    print_nl();
}

void check_failed(const char *msg, const char *file, int line)
{
    failures++;
    uart_puts("FAIL: ");
    uart_puts(test_name);
    uart_puts(": ");
    uart_puts(msg);
    uart_puts(" (");
    uart_puts(file);
    uart_putc(':');
    print_dec((uint32_t)line);
    uart_puts(")\n");
}

unsigned test_failures(void)
{
    return failures;
}

_Noreturn void test_end(void)
{
    uart_puts(failures == 0 ? "PASS " : "FAIL ");
    uart_puts(test_name);
    print_nl();
    fw_exit(failures == 0 ? 0 : 1);
}
