/* Vector table, reset and start-up: C runtime, exception priorities, fault
 * handlers on, MPU, console, clock, time, then the kernel. */
#include "../../bench.h"
#include "../../kconfig.h"
#include "../../kernel.h"
#include "../../kprint.h"
#include "cm.h"
#include "regs.h"

#define IRQS 32u /* as many as QEMU's AN386 has */

extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];

void reset_handler(void);
void svc_handler(void);
void pendsv_handler(void);
void systick_handler(void);
void fault_handler(void);
void unexpected_handler(void);
void uart0_rx_handler(void);
void uart0_tx_handler(void);
void timer0_handler(void);
void timer1_handler(void);
uint32_t bench_probe(arch_ctx *ctx, unsigned cls, uint32_t *frame); /* switch.S */

typedef union vector {
    void (*handler)(void);
    uint32_t *stack;
} vector;

#define DEVICE_VECTOR(irq, fn) [16 + (irq)] = {.handler = (fn)}

__attribute__((section(".vectors"), used)) const vector vector_table[16 + IRQS] = {
    [0] = {.stack = __stack_top},
    [1] = {.handler = reset_handler},
    [2] = {.handler = unexpected_handler}, /* NMI */
    [3] = {.handler = fault_handler},      /* HardFault */
    [4] = {.handler = fault_handler},      /* MemManage */
    [5] = {.handler = fault_handler},      /* BusFault */
    [6] = {.handler = fault_handler},      /* UsageFault */
    [11] = {.handler = svc_handler},
    [12] = {.handler = unexpected_handler}, /* DebugMon */
    [14] = {.handler = pendsv_handler},
    [15] = {.handler = systick_handler},
    DEVICE_VECTOR(IRQ_UART0_RX, uart0_rx_handler),
    DEVICE_VECTOR(IRQ_UART0_TX, uart0_tx_handler),
    DEVICE_VECTOR(IRQ_TIMER0, timer0_handler),
    DEVICE_VECTOR(IRQ_TIMER1, timer1_handler),
    /* IRQs never enabled stay 0 */
};

void unexpected_handler(void)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr)); /* which exception came */
    klog("unexpected exception %u", ipsr & 0x1FFu);
    kernel_panic("unexpected exception");
}

static void c_runtime(void)
{
    const uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end; dst++) {
        *dst = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end; dst++) {
        *dst = 0;
    }
}

static void exceptions_init(void)
{
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table;
    SCB_CCR |= CCR_STKALIGN;
    SCB_SHPR1 = PRIO_FAULT | PRIO_FAULT << 8 | PRIO_FAULT << 16;
    SCB_SHPR2 = (uint32_t)PRIO_KERNEL << 24;                               /* SVCall */
    SCB_SHPR3 = (uint32_t)PRIO_KERNEL << 16 | (uint32_t)PRIO_KERNEL << 24; /* PendSV, SysTick */
    SCB_SHCSR |= SHCSR_MEMFAULTENA | SHCSR_BUSFAULTENA | SHCSR_USGFAULTENA;
}

/* FreeRTOS does the same: refuse to run if the table is not ours. */
static void check_vectors(void)
{
    const vector *v = (const vector *)(uintptr_t)SCB_VTOR;
    if (v[11].handler != svc_handler || v[14].handler != pendsv_handler ||
        v[15].handler != systick_handler) {
        kernel_panic("the vector table does not point at the kernel's handlers");
    }
}

/* The MPS2 FPGA images run the core at 25 MHz, and QEMU models that; its
 * timers follow host time, so measuring there would only add noise.  In
 * Bulwark the clock is a board setting: measured (exactly) at boot. */
#define MPS2_CLOCK_HZ 25000000u

static uint32_t clock_hz(void)
{
    uint32_t hz = kconfig_get()->clock_hz;
    if (hz == 0) {
        hz = cm_on_bulwark() ? cm_measure_clock() : MPS2_CLOCK_HZ;
    }
    return hz >= 1000000u && hz <= 1000000000u ? hz : MPS2_CLOCK_HZ;
}

/* The bench recorder's own cost, so it can be taken out of every sample. */
static void bench_calibrate(void)
{
#ifdef KERNEL_BENCH
    static struct proc dummy;
    static uint32_t frame[FR_WORDS];
    bench_set_overhead(bench_probe(&dummy.ctx, 0, frame));
    bench_reset();
#endif
}

void reset_handler(void)
{
    c_runtime();
    cm_stack_paint();
    exceptions_init();
    cm_board_init();
    cm_mpu_init();
    cm_uart_init();
    check_vectors();
    uint32_t hz = clock_hz();
    cm_set_clock(hz);
    cm_time_init(hz);
    bench_calibrate();
    __asm volatile("cpsie i" ::: "memory"); /* interrupts on: the kernel runs */
    kernel_main();
}
