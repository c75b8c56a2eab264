/* Vector table, reset handler and C runtime start-up for -nostdlib
 * firmware: 16 system vectors and 48 external interrupts, each bound
 * weakly to default_handler (fault.c), which reports and fails the test. */
#include <stdint.h>

#include "fw.h"
#include "vectors.h"

int main(void);

/* Provided by link.ld. */
extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end;
extern uint32_t __bss_start, __bss_end;

/* The weak default for every vector the firmware does not define; it must
 * live in this file because aliases bind within one translation unit. */
EXC_FRAME_HANDLER(default_handler, fault_unexpected)

#define WEAK_DEFAULT __attribute__((weak, alias("default_handler")))

void nmi_handler(void) WEAK_DEFAULT;
void hardfault_handler(void) WEAK_DEFAULT;
void memmanage_handler(void) WEAK_DEFAULT;
void busfault_handler(void) WEAK_DEFAULT;
void usagefault_handler(void) WEAK_DEFAULT;
void svc_handler(void) WEAK_DEFAULT;
void debugmon_handler(void) WEAK_DEFAULT;
void pendsv_handler(void) WEAK_DEFAULT;
void systick_handler(void) WEAK_DEFAULT;
void uart0_rx_handler(void) WEAK_DEFAULT;
void uart0_tx_handler(void) WEAK_DEFAULT;
void uart1_rx_handler(void) WEAK_DEFAULT;
void uart1_tx_handler(void) WEAK_DEFAULT;
void uart2_rx_handler(void) WEAK_DEFAULT;
void uart2_tx_handler(void) WEAK_DEFAULT;
void gpio0_handler(void) WEAK_DEFAULT;
void gpio1_handler(void) WEAK_DEFAULT;
void timer0_handler(void) WEAK_DEFAULT;
void timer1_handler(void) WEAK_DEFAULT;
void dualtimer_handler(void) WEAK_DEFAULT;
#define FW_WEAK_IRQ(n) void irq##n##_handler(void) WEAK_DEFAULT;
FW_GENERIC_IRQS(FW_WEAK_IRQ)
#undef FW_WEAK_IRQ

typedef union vector_entry {
    void (*handler)(void);
    uint32_t *stack;
} vector_entry;

#define FW_IRQ_ENTRY(n) {.handler = irq##n##_handler},

#define VECTOR_SECTION __attribute__((section(".vectors"), used))

VECTOR_SECTION const vector_entry vector_table[16 + 48] = {
    {.stack = &__stack_top},
    {.handler = reset_handler},
    {.handler = nmi_handler},
    {.handler = hardfault_handler},
    {.handler = memmanage_handler},
    {.handler = busfault_handler},
    {.handler = usagefault_handler},
    {0}, /* 7-10 reserved */
    {0},
    {0},
    {0},
    {.handler = svc_handler},
    {.handler = debugmon_handler},
    {0}, /* 13 reserved */
    {.handler = pendsv_handler},
    {.handler = systick_handler},
    {.handler = uart0_rx_handler},
    {.handler = uart0_tx_handler},
    {.handler = uart1_rx_handler},
    {.handler = uart1_tx_handler},
    {.handler = uart2_rx_handler},
    {.handler = uart2_tx_handler},
    {.handler = gpio0_handler},
    {.handler = gpio1_handler},
    {.handler = timer0_handler},
    {.handler = timer1_handler},
    {.handler = dualtimer_handler},
    FW_GENERIC_IRQS(FW_IRQ_ENTRY) /* 11-47 */
};

static void copy_data(void)
{
    const uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end; dst++) {
        *dst = *src++;
    }
}

static void zero_bss(void)
{
    for (uint32_t *dst = &__bss_start; dst < &__bss_end; dst++) {
        *dst = 0;
    }
}

void reset_handler(void)
{
    copy_data();
    zero_bss();
    main();
    /* A test that returns from main still reports its verdict. */
    test_end();
}
