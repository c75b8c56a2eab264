/* The rest of the machine for the kernel: interrupt events, sleeping, the
 * FPGA IO LEDs and buttons, the cycle counter, ending the run, and the
 * kernel's own facts for the process console. */
#include "../../bench.h"
#include "../../kprint.h"
#include "cm.h"
#include "regs.h"

#define SEMIHOST_SYS_EXIT_EXTENDED  0x20u
#define ADP_STOPPED_APPLICATIONEXIT 0x20026u
#define STACK_PAINT                 0x5354434Bu /* "KCTS" */

extern char _sapps[], _eapps[], _sappmem[], _eappmem[];
extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[];
extern uint32_t __stack_bottom[], __stack_top[];

volatile uint32_t arch_event_bits;
static unsigned led_count, button_count;
static uint32_t clock_hz;
static bool bulwark;

uaddr arch_apps_start(void)
{
    return (uaddr)(uintptr_t)_sapps;
}
uaddr arch_apps_end(void)
{
    return (uaddr)(uintptr_t)_eapps;
}
uaddr arch_appmem_start(void)
{
    return (uaddr)(uintptr_t)_sappmem;
}
uaddr arch_appmem_end(void)
{
    return (uaddr)(uintptr_t)_eappmem;
}

void nvic_enable_irq(unsigned irq, uint8_t priority)
{
    NVIC_IPR8(irq) = priority;
    NVIC_ISER(irq / 32u) = 1u << (irq % 32u);
}

/* ---- events ------------------------------------------------------------- */

void arch_kick(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
}

void cm_raise(uint32_t ev)
{
    arch_event_bits |= ev;
    arch_kick();
}

uint32_t arch_take_events(void)
{
    uint32_t primask = irq_save();
    uint32_t ev = arch_event_bits;
    arch_event_bits = 0;
    irq_restore(primask);
    return ev;
}

void arch_idle(void)
{
    uint32_t primask = irq_save();
    if (arch_event_bits == 0) {
        cm_slice_pause();                   /* no timeslice runs while nothing does */
        __asm volatile("wfi" ::: "memory"); /* wakes on a pending interrupt, masked or not */
    }
    irq_restore(primask);
}

/* ---- LEDs, buttons ------------------------------------------------------------ */

void cm_board_init(void)
{
    bulwark = SIMCTRL_ID == SIMCTRL_ID_VALUE;
    FPGAIO_LED0 = UINT32_MAX; /* the register keeps only the bits of real LEDs */
    led_count = (unsigned)__builtin_popcount(FPGAIO_LED0);
    FPGAIO_LED0 = 0;
    button_count = led_count >= 8 ? 4u : 2u; /* sim64: 8 and 4; AN386: 2 and 2 */
    if (bulwark) {
        DEMCR |= DEMCR_TRCENA;
        DWT_CYCCNT = 0;
        DWT_CTRL |= DWT_CTRL_CYCCNTENA;
    }
}

bool cm_on_bulwark(void)
{
    return bulwark;
}

unsigned arch_led_count(void)
{
    return led_count;
}

void arch_led_set(unsigned index, bool on)
{
    uint32_t bit = 1u << index;
    FPGAIO_LED0 = on ? FPGAIO_LED0 | bit : FPGAIO_LED0 & ~bit;
}

bool arch_led_get(unsigned index)
{
    return (FPGAIO_LED0 >> index) & 1u;
}

unsigned arch_button_count(void)
{
    return button_count;
}

uint32_t arch_buttons(void)
{
    return FPGAIO_BUTTON & ((1u << button_count) - 1u);
}

/* ---- cycles, clock, exit ---------------------------------------------------------- */

uint32_t arch_cycles(void)
{
    return bulwark ? DWT_CYCCNT : 0;
}

void cm_set_clock(uint32_t hz)
{
    clock_hz = hz;
}

uint32_t arch_clock_hz(void)
{
    return clock_hz;
}

_Noreturn void arch_exit(uint32_t code)
{
    arch_console_flush();
    if (bulwark) {
        SIMCTRL_EXIT = code;
    }
    static uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATIONEXIT;
    block[1] = code;
    register uint32_t op __asm("r0") = SEMIHOST_SYS_EXIT_EXTENDED;
    register uint32_t arg __asm("r1") = (uint32_t)(uintptr_t)block;
    __asm volatile("bkpt 0xab" /* semihosting call (QEMU): r0 = operation, r1 = block */
                   :
                   : "r"(op), "r"(arg)
                   : "memory");
    for (;;) {
    }
}

/* ---- the kernel's own facts ---------------------------------------------------------- */

void cm_stack_paint(void)
{
    uint32_t sp;
    __asm volatile("mov %0, sp" : "=r"(sp)); /* paint only below what is in use */
    for (uint32_t *w = __stack_bottom; (uint32_t)(uintptr_t)w < sp - 64u; w++) {
        *w = STACK_PAINT;
    }
}

static uint32_t stack_used(void)
{
    const uint32_t *w = __stack_bottom + 8; /* the 32-byte MPU guard is never used */
    while (w < __stack_top && *w == STACK_PAINT) {
        w++;
    }
    return (uint32_t)((__stack_top - w) * 4);
}

void arch_print_info(void)
{
    uint32_t data = (uint32_t)((__data_end - __data_start) * 4);
    uint32_t flash = (uint32_t)(uintptr_t)__data_load + data;
    uint32_t bss = (uint32_t)((__bss_end - __bss_start) * 4);
    uint32_t stack = (uint32_t)((__stack_top - __stack_bottom) * 4);
    klog(" flash %u bytes; RAM %u bytes (data %u, bss %u, stack %u, of it used %u)", flash,
         data + bss + stack, data, bss, stack, stack_used());
    klog(" clock %u Hz on %s; app flash 0x%08x-0x%08x; process RAM 0x%08x-0x%08x", clock_hz,
         bulwark ? "Bulwark" : "another machine", arch_apps_start(), arch_apps_end(),
         arch_appmem_start(), arch_appmem_end());
    bench_print();
}
