/* Constructors and test-only entry points of every peripheral model.
 *
 * Each model keeps its state behind an opaque type, exposes its registers
 * through a `device` (sim/device.h) and raises interrupts only through the
 * irq_line values it is given.  Models never include the NVIC or SDL. */
#ifndef BULWARK_PERIPH_H
#define BULWARK_PERIPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sim/device.h"
#include "../sim/irq.h"
#include "../sim/vclock.h"

/* ---- CMSDK APB UART --------------------------------------------------- */
typedef struct uart_sink {
    /* Called once per byte when it has left the transmitter. */
    void (*tx)(void *ctx, int index, uint8_t byte, uint64_t cycle);
    void *ctx;
} uart_sink;

typedef struct cmsdk_uart cmsdk_uart;
cmsdk_uart *cmsdk_uart_create(const char *name, uint32_t base, int index, const vclock *clk,
                              irq_line rx_irq, irq_line tx_irq, uart_sink sink);
device cmsdk_uart_device(cmsdk_uart *u);
/* Host input for the receiver.  Bytes arrive one per character time while
 * the receiver is enabled, and a byte is only delivered once the previous
 * one has been read (host-side flow control): input is never lost. */
void cmsdk_uart_feed_rx(cmsdk_uart *u, const uint8_t *data, size_t len);
/* Host bytes firmware has not read yet (including one in the RX buffer). */
size_t cmsdk_uart_rx_backlog(const cmsdk_uart *u);
/* DATA writes discarded because TXEN was clear (the RTL drops them): the
 * machine can warn that firmware forgot to enable the transmitter. */
uint64_t cmsdk_uart_tx_dropped(const cmsdk_uart *u);
/* Optional third line: TXOVRINT | RXOVRINT (MPS2 AN385/AN386 combine the
 * overrun interrupts of all UARTs into IRQ 12).  Not connected by default. */
void cmsdk_uart_set_overflow_irq(cmsdk_uart *u, irq_line ovr_irq);

/* ---- CMSDK APB timer -------------------------------------------------- */
/* For both CMSDK timers, pclk_hz = 0 means PCLK runs at the core clock. */
typedef struct cmsdk_timer cmsdk_timer;
cmsdk_timer *cmsdk_timer_create(const char *name, uint32_t base, const vclock *clk,
                                uint64_t pclk_hz, irq_line irq);
device cmsdk_timer_device(cmsdk_timer *t);

/* ---- CMSDK APB dual timer --------------------------------------------- */
typedef struct cmsdk_dualtimer cmsdk_dualtimer;
cmsdk_dualtimer *cmsdk_dualtimer_create(const char *name, uint32_t base, const vclock *clk,
                                        uint64_t pclk_hz, irq_line irq);
device cmsdk_dualtimer_device(cmsdk_dualtimer *t);

/* ---- MPS2 FPGA IO: LEDs, buttons, switches, counters ------------------- */
typedef struct fpgaio_observer {
    void (*leds_changed)(void *ctx, uint32_t leds, uint64_t cycle);
    void *ctx;
} fpgaio_observer;

typedef struct fpgaio fpgaio;
fpgaio *fpgaio_create(const char *name, uint32_t base, const vclock *clk, unsigned num_leds,
                      unsigned num_buttons, fpgaio_observer obs);
device fpgaio_device(fpgaio *f);
void fpgaio_set_button(fpgaio *f, unsigned index, bool pressed);
void fpgaio_set_switches(fpgaio *f, uint32_t switches);
uint32_t fpgaio_leds(const fpgaio *f);

/* ---- SysTick (0xE000E010) --------------------------------------------- */
typedef struct systick systick;
/* `exception` is raised (pulsed) each time the counter wraps with TICKINT
 * set.  ref_hz is the external reference clock used when CLKSOURCE = 0. */
systick *systick_create(const vclock *clk, uint64_t ref_hz, irq_line exception);
device systick_device(systick *s);

/* ---- DWT (0xE0001000): cycle counter on model cycles ------------------- */
typedef struct dwt dwt;
dwt *dwt_create(const vclock *clk);
device dwt_device(dwt *d);
/* DEMCR.TRCENA gates the whole unit, as on silicon. */
void dwt_set_trace_enable(dwt *d, bool enabled);

/* ---- Bulwark simulation control (Bulwark-only device) ------------------ */
typedef struct simctrl_host {
    /* Firmware asked the run to end with this exit code. */
    void (*exit)(void *ctx, uint32_t code);
    void *ctx;
} simctrl_host;

#define SIMCTRL_ID_VALUE 0x42554C57u /* "BULW" */
typedef struct simctrl simctrl;
simctrl *simctrl_create(const char *name, uint32_t base, const vclock *clk, simctrl_host host);
device simctrl_device(simctrl *s);

/* ---- Bulwark flash controller (Bulwark-only device) --------------------- */
/* The machine owns flash: the controller reads and programs it through
 * these (addresses are absolute; `len` bytes at `addr`, all inside flash). */
typedef struct flashctl_host {
    void (*read)(void *ctx, uint32_t addr, uint8_t *data, uint32_t len);
    void (*write)(void *ctx, uint32_t addr, const uint8_t *data, uint32_t len);
    void *ctx;
} flashctl_host;

#define FLASHCTL_ID_VALUE  0x464C5348u /* "FLSH" */
#define FLASHCTL_KEY_VALUE 0x4B455931u /* "KEY1": unlocks programming and erasing */
#define FLASHCTL_PAGE      1024u
enum {
    FLASHCTL_ERR_RANGE = 1u << 1,  /* ADDR outside flash */
    FLASHCTL_ERR_ALIGN = 1u << 2,  /* ADDR not word aligned for DATA */
    FLASHCTL_ERR_LOCKED = 1u << 3, /* DATA or ERASE without KEY */
};
typedef struct flashctl flashctl;
flashctl *flashctl_create(const char *name, uint32_t base, uint32_t flash_base, uint32_t flash_size,
                          flashctl_host host);
device flashctl_device(flashctl *f);

#endif
