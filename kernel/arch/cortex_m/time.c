/* Time: timer 1 counts the core clock down from 2^32 - 1 without end and is
 * read as a 1 MHz tick count (its wrap interrupt, every 2^32 cycles, only
 * keeps the conversion going); timer 0 is a one-shot for the one hardware
 * alarm.  SysTick, on its 1 MHz reference clock, times the slices.  The
 * core clock is measured at boot against that same SysTick reference. */
#include "../../kconfig.h"
#include "cm.h"
#include "regs.h"

#define SYST_RELOAD_MAX 0xFFFFFFu
#define CALIBRATE_US    1000u
#define ICSR_PENDSTCLR  (1u << 25)

static uint32_t mhz = 1;
static uint32_t last_raw;   /* timer 1 at the last conversion */
static uint32_t cycles_rem; /* cycles not yet turned into microseconds */
static uint32_t now_us;
static uint32_t slice_csr; /* SYST_CSR while a process runs (0: no slices) */

/* Core cycles per CALIBRATE_US ticks of the SysTick reference (1 MHz). */
uint32_t cm_measure_clock(void)
{
    TIMER_CTRL(TIMER1_BASE) = 0;
    TIMER_RELOAD(TIMER1_BASE) = UINT32_MAX;
    TIMER_VALUE(TIMER1_BASE) = UINT32_MAX;
    SYST_CSR = 0;
    SYST_RVR = SYST_RELOAD_MAX;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE; /* CLKSOURCE = 0: the 1 MHz reference */
    TIMER_CTRL(TIMER1_BASE) = TIMER_CTRL_EN;
    while (SYST_CVR == 0 || SYST_CVR > SYST_RELOAD_MAX - 1u) {
    }
    uint32_t t0 = TIMER_VALUE(TIMER1_BASE), s0 = SYST_CVR;
    while (s0 - SYST_CVR < CALIBRATE_US) {
    }
    uint32_t cycles = t0 - TIMER_VALUE(TIMER1_BASE);
    SYST_CSR = 0;
    /* whole MHz: the boards run at 64 and 25 MHz */
    return (cycles + CALIBRATE_US / 2u) / CALIBRATE_US * 1000000u;
}

void cm_time_init(uint32_t clock_hz)
{
    mhz = clock_hz / 1000000u != 0 ? clock_hz / 1000000u : 1u;
    TIMER_CTRL(TIMER0_BASE) = 0;
    TIMER_INTSTATUS(TIMER0_BASE) = 1;
    TIMER_CTRL(TIMER1_BASE) = 0;
    TIMER_RELOAD(TIMER1_BASE) = UINT32_MAX;
    TIMER_VALUE(TIMER1_BASE) = UINT32_MAX;
    last_raw = UINT32_MAX;
    TIMER_CTRL(TIMER1_BASE) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
    nvic_enable_irq(IRQ_TIMER0, PRIO_DEVICE);
    nvic_enable_irq(IRQ_TIMER1, PRIO_DEVICE);
}

uint32_t arch_time_hz(void)
{
    return 1000000u;
}

/* Brings now_us up to date; exact, however often it is called (at least
 * once per 2^32 cycles: the wrap interrupt sees to that). */
uint32_t arch_time_now(void)
{
    uint32_t primask = irq_save();
    uint32_t raw = TIMER_VALUE(TIMER1_BASE);
    uint32_t elapsed = last_raw - raw; /* the timer counts down */
    last_raw = raw;
    uint32_t rest = cycles_rem + elapsed % mhz;
    now_us += elapsed / mhz + rest / mhz;
    cycles_rem = rest % mhz;
    uint32_t now = now_us;
    irq_restore(primask);
    return now;
}

void timer1_handler(void)
{
    TIMER_INTSTATUS(TIMER1_BASE) = 1;
    (void)arch_time_now();
}

void arch_alarm_set(uint32_t reference, uint32_t dt)
{
    uint32_t primask = irq_save();
    uint32_t now = arch_time_now();
    uint32_t elapsed = now - reference;
    uint64_t cycles = 1;
    if (elapsed < dt) { /* in the future: the cycles still to go, never early */
        cycles = (uint64_t)(dt - elapsed) * mhz - cycles_rem;
    }
    if (cycles > UINT32_MAX) {
        cycles = UINT32_MAX; /* fires early; the alarm capsule arms again */
    }
    TIMER_CTRL(TIMER0_BASE) = 0;
    TIMER_INTSTATUS(TIMER0_BASE) = 1;
    TIMER_RELOAD(TIMER0_BASE) = UINT32_MAX; /* never reached: the interrupt stops it */
    TIMER_VALUE(TIMER0_BASE) = cycles != 0 ? (uint32_t)cycles : 1u;
    TIMER_CTRL(TIMER0_BASE) = TIMER_CTRL_EN | TIMER_CTRL_IRQEN;
    irq_restore(primask);
}

void arch_alarm_cancel(void)
{
    TIMER_CTRL(TIMER0_BASE) = 0;
    TIMER_INTSTATUS(TIMER0_BASE) = 1;
}

void timer0_handler(void)
{
    arch_alarm_cancel();
    cm_raise(EV_ALARM);
}

/* ---- timeslices (SysTick) ------------------------------------------------- */

void arch_slice_config(uint32_t us)
{
    SYST_CSR = 0;
    slice_csr = 0;
    if (us != 0) {
        SYST_RVR = us - 1u <= SYST_RELOAD_MAX ? us - 1u : SYST_RELOAD_MAX;
        slice_csr = SYST_CSR_ENABLE | SYST_CSR_TICKINT; /* CLKSOURCE 0: 1 MHz */
    }
}

void arch_slice_restart(void)
{
    SYST_CVR = 0; /* the count starts again from the reload value */
    SCB_ICSR = ICSR_PENDSTCLR;
    SYST_CSR = slice_csr;
}

/* While the kernel sleeps no slice runs. */
void cm_slice_pause(void)
{
    SYST_CSR = 0;
}
