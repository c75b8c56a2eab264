/* Building the machine from a board description: memory, devices, hooks;
 * loading firmware; power-on reset; what reports read back. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fault_inject.h"
#include "machine_internal.h"

#define PPB_BASE 0xE0000000u

static void log_byte(byte_log *l, uint8_t byte)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->data = realloc(l->data, l->cap);
        assert(l->data != NULL);
    }
    l->data[l->len++] = byte;
}

static void uart_tx(void *ctx, int index, uint8_t byte, uint64_t cycle)
{
    machine *m = ctx;
    if (index < 0 || index >= MACHINE_UARTS) {
        return;
    }
    log_byte(&m->uart_log[index], byte);
    if (m->obs.uart_tx != NULL) {
        m->obs.uart_tx(m->obs.ctx, cycle, index, byte);
    }
    if (index == 0 && m->opt.uart_out != NULL) {
        fputc(byte, m->opt.uart_out);
    }
}

static void leds_changed(void *ctx, uint32_t leds, uint64_t cycle)
{
    machine *m = ctx;
    if (m->obs.leds_changed != NULL) {
        m->obs.leds_changed(m->obs.ctx, cycle, leds);
    }
}

static void sim_exit(void *ctx, uint32_t code)
{
    machine *m = ctx;
    m->exit_code = code;
    machine_request_stop(m, STOP_EXIT);
}

static irq_line nvic_line(machine *m, int irq)
{
    /* through the fault layer, which can hold a device's lines */
    irq_line l = {.set = periph_fault_irq_set, .ctx = m, .line = irq};
    return l;
}

static int add_device(machine *m, device d, char *err, size_t errlen)
{
    if (bus_add(m->bus, d) != 0) {
        snprintf(err, errlen, "board %s: device %s at 0x%08x overlaps another device",
                 m->board.name, d.name, d.base);
        return -1;
    }
    return 0;
}

static int irq_of(const board_device *bd, int i)
{
    return i < bd->num_irqs ? bd->irqs[i] : -1;
}

/* Flash controller: the only writer of flash.  Unicorn's translated code
 * of the page and the machine's decoded blocks (kept without their bytes
 * for read-only memory) would otherwise still run the old instructions. */
static void flash_read(void *ctx, uint32_t addr, uint8_t *data, uint32_t len)
{
    machine *m = ctx;
    uc_mem_read(m->uc, addr, data, len);
}

static void flash_write(void *ctx, uint32_t addr, const uint8_t *data, uint32_t len)
{
    machine *m = ctx;
    uc_mem_write(m->uc, addr, data, len);
    uint64_t page = addr & ~(uint64_t)(FLASHCTL_PAGE - 1u);
    uc_ctl_remove_cache(m->uc, page, page + FLASHCTL_PAGE);
    block_cache_flush(m->blocks);
}

static void gpio_changed(void *ctx, int index, uint32_t levels, uint64_t cycle)
{
    machine *m = ctx;
    if (m->obs.gpio_changed != NULL) {
        m->obs.gpio_changed(m->obs.ctx, cycle, index, levels);
    }
}

/* Port n at 0x40010000 + n * 0x1000 (MPS2); per-pin lines from pin0 on. */
static int create_gpio(machine *m, const board_device *bd, char *err, size_t errlen)
{
    int idx = (int)((bd->base - 0x40010000u) / 0x1000u), pin0 = irq_of(bd, 1);
    irq_line pins[CMSDK_GPIO_PINS] = {{0}};
    if (bd->base < 0x40010000u || idx >= MACHINE_GPIO_PORTS || m->gpio[idx] != NULL ||
        (pin0 >= 0 && pin0 + CMSDK_GPIO_PINS > (int)m->board.nvic_irqs)) {
        snprintf(err, errlen,
                 "board %s: GPIO %s must be at 0x40010000 or 0x40011000, once each, with its "
                 "16 pin interrupts below nvic_irqs",
                 m->board.name, bd->name);
        return -1;
    }
    for (int n = 0; pin0 >= 0 && n < CMSDK_GPIO_PINS; n++) {
        pins[n] = nvic_line(m, pin0 + n);
    }
    gpio_observer obs = {.pins_changed = gpio_changed, .ctx = m};
    m->gpio[idx] = cmsdk_gpio_create(bd->name, bd->base, idx, &m->clock,
                                     nvic_line(m, irq_of(bd, 0)), pins, obs);
    return add_device(m, cmsdk_gpio_device(m->gpio[idx]), err, errlen);
}

static int create_board_device(machine *m, const board_device *bd, char *err, size_t errlen)
{
    const vclock *clk = &m->clock;
    uint64_t hz = m->board.clock_hz;
    if (strcmp(bd->type, "cmsdk-apb-uart") == 0) {
        int idx = (int)((bd->base - 0x40004000u) / 0x1000u);
        if (idx < 0 || idx >= MACHINE_UARTS) {
            idx = MACHINE_UARTS - 1;
        }
        uart_sink sink = {.tx = uart_tx, .ctx = m};
        cmsdk_uart *u = cmsdk_uart_create(bd->name, bd->base, idx, clk, nvic_line(m, irq_of(bd, 0)),
                                          nvic_line(m, irq_of(bd, 1)), sink);
        m->uart[idx] = u;
        return add_device(m, cmsdk_uart_device(u), err, errlen);
    }
    if (strcmp(bd->type, "cmsdk-apb-timer") == 0) {
        cmsdk_timer *t =
            cmsdk_timer_create(bd->name, bd->base, clk, hz, nvic_line(m, irq_of(bd, 0)));
        return add_device(m, cmsdk_timer_device(t), err, errlen);
    }
    if (strcmp(bd->type, "cmsdk-apb-dualtimer") == 0) {
        cmsdk_dualtimer *t =
            cmsdk_dualtimer_create(bd->name, bd->base, clk, hz, nvic_line(m, irq_of(bd, 0)));
        return add_device(m, cmsdk_dualtimer_device(t), err, errlen);
    }
    if (strcmp(bd->type, "mps2-fpgaio") == 0) {
        fpgaio_observer obs = {.leds_changed = leds_changed, .ctx = m};
        m->fpgaio = fpgaio_create(bd->name, bd->base, clk, bd->leds, bd->buttons, obs);
        return add_device(m, fpgaio_device(m->fpgaio), err, errlen);
    }
    if (strncmp(bd->type, "cmsdk-ahb-gpio", 14) == 0) {
        return create_gpio(m, bd, err, errlen);
    }
    if (strcmp(bd->type, "bulwark-simctrl") == 0) {
        simctrl_host host = {.exit = sim_exit, .ctx = m};
        simctrl *s = simctrl_create(bd->name, bd->base, clk, host);
        return add_device(m, simctrl_device(s), err, errlen);
    }
    if (strcmp(bd->type, "bulwark-flashctl") == 0) {
        const board_memory *flash = board_find_memory(&m->board, "flash");
        flashctl_host host = {.read = flash_read, .write = flash_write, .ctx = m};
        flashctl *f = flashctl_create(bd->name, bd->base, flash ? flash->base : 0,
                                      flash ? flash->size : 0, host);
        return add_device(m, flashctl_device(f), err, errlen);
    }
    snprintf(err, errlen, "board %s: device %s has unknown type %s", m->board.name, bd->name,
             bd->type);
    return -1;
}

static void mpu_changed(void *ctx)
{
    machine *m = ctx;
    m->guard_dirty = true;
    machine_request_stop(m, STOP_EVAL); /* new permissions before the next block */
}

static int create_core_devices(machine *m, char *err, size_t errlen)
{
    irq_line tick = {.set = exc_systick_set, .ctx = m, .line = EXC_SYSTICK};
    m->systick = systick_create(&m->clock, m->board.systick_ref_hz, tick);
    m->dwt = dwt_create(&m->clock);
    if (add_device(m, scs_device(m), err, errlen) != 0 ||
        add_device(m, systick_device(m->systick), err, errlen) != 0 ||
        add_device(m, dwt_device(m->dwt), err, errlen) != 0) {
        return -1;
    }
    mpu_observer obs = {.changed = mpu_changed, .ctx = m};
    m->mpu = mpu_create(obs);
    return add_device(m, mpu_device(m->mpu), err, errlen);
}

static int map_memory(machine *m, char *err, size_t errlen)
{
    for (unsigned i = 0; i < m->board.num_memory; i++) {
        const board_memory *mem = &m->board.memory[i];
        uint32_t perms = UC_PROT_READ | (mem->writable ? UC_PROT_WRITE : 0) |
                         (mem->executable ? UC_PROT_EXEC : 0);
        uc_err e = uc_mem_map(m->uc, mem->base, mem->size, perms);
        if (e != UC_ERR_OK) {
            snprintf(err, errlen, "board %s: cannot map %s at 0x%08x: %s", m->board.name, mem->name,
                     mem->base, uc_strerror(e));
            return -1;
        }
    }
    return 0;
}

/* Every page the CPU can reach, with the most it may ever be allowed. */
static int guard_areas(machine *m)
{
    m->guard = guard_create(m->uc, m->mpu);
    for (unsigned i = 0; i < m->board.num_memory; i++) {
        const board_memory *mem = &m->board.memory[i];
        unsigned cap = UC_PROT_READ | (mem->writable ? UC_PROT_WRITE : 0) |
                       (mem->executable ? UC_PROT_EXEC : 0);
        if (guard_add_area(m->guard, mem->base, mem->size, cap, false) != 0) {
            return -1;
        }
    }
    /* Device pages in address order, so that neighbours form one area. */
    unsigned n = bus_window_count(m->bus);
    uint32_t pages[256];
    for (unsigned i = 0; i < n && i < 256; i++) {
        uint32_t p = bus_window_base(m->bus, i);
        unsigned k = i;
        for (; k > 0 && pages[k - 1] > p; k--) {
            pages[k] = pages[k - 1];
        }
        pages[k] = p;
    }
    for (unsigned i = 0; i < n && i < 256; i++) {
        bool ppb = pages[i] >= PPB_BASE && pages[i] < PPB_BASE + 0x100000u;
        if (guard_add_area(m->guard, pages[i], GUARD_PAGE, UC_PROT_READ | UC_PROT_WRITE, ppb) !=
            0) {
            return -1;
        }
    }
    return 0;
}

static int build(machine *m, char *err, size_t errlen)
{
    if (map_memory(m, err, errlen) != 0 || create_core_devices(m, err, errlen) != 0) {
        return -1;
    }
    for (unsigned i = 0; i < m->board.num_devices; i++) {
        if (create_board_device(m, &m->board.devices[i], err, errlen) != 0) {
            return -1;
        }
    }
    if (bus_map(m->bus) != 0 || guard_areas(m) != 0 || machine_install_hooks(m) != 0) {
        snprintf(err, errlen, "board %s: cannot map devices into the CPU", m->board.name);
        return -1;
    }
    return 0;
}

machine *machine_create(const board *b, const machine_options *opt, char *err, size_t errlen)
{
    machine *m = calloc(1, sizeof(*m));
    assert(m != NULL);
    m->board = *b;
    if (opt != NULL) {
        m->opt = *opt;
    }
    uc_err e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &m->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot start the CPU emulator: %s", uc_strerror(e));
        free(m);
        return NULL;
    }
    m->events = evq_create();
    m->clock = machine_vclock(m);
    m->bus = bus_create(m->uc, machine_bus_observer(m));
    m->blocks = block_cache_create();
    if (build(m, err, errlen) != 0) {
        machine_destroy(m);
        return NULL;
    }
    exc_reset(m);
    return m;
}

void machine_destroy(machine *m)
{
    if (m == NULL) {
        return;
    }
    bus_destroy(m->bus); /* destroys every device model */
    guard_destroy(m->guard);
    measure_free(&m->measure);
    evq_destroy(m->events);
    timed_input_free_all(m);
    fault_inject_free_all(m);
    block_cache_destroy(m->blocks);
    for (int i = 0; i < MACHINE_UARTS; i++) {
        free(m->uart_log[i].data);
    }
    if (m->uc != NULL) {
        uc_close(m->uc);
    }
    free(m);
}

int machine_load(machine *m, const elf_image *img, char *err, size_t errlen)
{
    for (size_t i = 0; i < img->num_segments; i++) {
        const elf_segment *s = &img->segments[i];
        uc_err e = uc_mem_write(m->uc, s->addr, s->data, s->filesz);
        if (e == UC_ERR_OK && s->memsz > s->filesz) {
            uint8_t *zero = calloc(1, s->memsz - s->filesz);
            assert(zero != NULL);
            e = uc_mem_write(m->uc, s->addr + s->filesz, zero, s->memsz - s->filesz);
            free(zero);
        }
        if (e != UC_ERR_OK) {
            snprintf(err, errlen, "%s: segment %zu at 0x%08x: %s", img->path, i, s->addr,
                     uc_strerror(e));
            return -1;
        }
    }
    m->image = img;
    block_cache_flush(m->blocks);
    return 0;
}

static void reset_core(machine *m)
{
    uint32_t vec[2] = {0, 0};
    uc_mem_read(m->uc, 0, vec, sizeof(vec));
    /* Handler mode first: MSR-style writes are ignored when unprivileged. */
    machine_set_reg(m, UC_ARM_REG_XPSR, 1u);
    machine_set_reg(m, UC_ARM_REG_CONTROL, 0);
    machine_set_reg(m, UC_ARM_REG_PRIMASK, 0);
    machine_set_reg(m, UC_ARM_REG_FAULTMASK, 0);
    machine_set_reg(m, UC_ARM_REG_BASEPRI, 0);
    machine_set_reg(m, UC_ARM_REG_PSP, 0);
    machine_set_reg(m, UC_ARM_REG_MSP, vec[0] & ~3u);
    machine_set_reg(m, UC_ARM_REG_XPSR, (vec[1] & 1u) << 24); /* thread mode, T from vector */
    machine_set_reg(m, UC_ARM_REG_LR, 0xFFFFFFFFu);
    machine_set_reg(m, UC_ARM_REG_PC, vec[1]);
}

void machine_reset(machine *m)
{
    machine_notify_process(m, measure_reset(&m->measure, m->cycles, m->sleep_cycles), false);
    exc_reset(m);
    bus_reset(m->bus);
    reset_core(m);
    m->guard_dirty = true;
    machine_update_protection(m);
    m->stop = 0;
    m->cur = NULL;
}

const machine_stats *machine_get_stats(const machine *m)
{
    machine *mm = (machine *)m;
    mm->stats.cycles = m->cycles;
    mm->stats.instructions = m->insns;
    mm->stats.sleep_cycles = m->sleep_cycles;
    mm->stats.blocks_decoded = block_cache_count(m->blocks);
    const guard_stats *g = guard_get_stats(m->guard);
    mm->stats.protection_applies = g->applies;
    mm->stats.protection_recomputes = g->recomputes;
    mm->stats.protect_calls = g->protect_calls;
    return &m->stats;
}

const board *machine_board(const machine *m)
{
    return &m->board;
}

uint64_t machine_cycles(const machine *m)
{
    return m->cycles;
}

const uint8_t *machine_uart_log(const machine *m, int index, size_t *len)
{
    if (index < 0 || index >= MACHINE_UARTS) {
        *len = 0;
        return NULL;
    }
    *len = m->uart_log[index].len;
    return m->uart_log[index].data;
}

void machine_uart_input(machine *m, int index, const uint8_t *data, size_t len)
{
    if (index >= 0 && index < MACHINE_UARTS && m->uart[index] != NULL) {
        cmsdk_uart_feed_rx(m->uart[index], data, len);
    }
}

void machine_press_button(machine *m, unsigned index, bool pressed)
{
    if (m->fpgaio != NULL) {
        fpgaio_set_button(m->fpgaio, index, pressed);
    }
}

void machine_set_gpio(machine *m, unsigned port, unsigned pin, bool level)
{
    if (port < MACHINE_GPIO_PORTS && m->gpio[port] != NULL) {
        cmsdk_gpio_set_input(m->gpio[port], pin, level);
    }
}

bool machine_has_gpio(const machine *m, unsigned port)
{
    return port < MACHINE_GPIO_PORTS && m->gpio[port] != NULL;
}

uint32_t machine_gpio_levels(const machine *m, unsigned port)
{
    return machine_has_gpio(m, port) ? cmsdk_gpio_levels(m->gpio[port]) : 0;
}

uint32_t machine_leds(const machine *m)
{
    return m->fpgaio != NULL ? fpgaio_leds(m->fpgaio) : 0;
}

const elf_image *machine_image(const machine *m)
{
    return m->image;
}

const char *machine_exception_name(int exc)
{
    static const char *names[16] = {"none",         "Reset",    "NMI",        "HardFault",
                                    "MemManage",    "BusFault", "UsageFault", "reserved",
                                    "reserved",     "reserved", "reserved",   "SVCall",
                                    "DebugMonitor", "reserved", "PendSV",     "SysTick"};
    if (exc >= 0 && exc < 16) {
        return names[exc];
    }
    return "IRQ";
}

void machine_set_observer(machine *m, const machine_observer *obs)
{
    m->obs = *obs;
}

void machine_set_apps(machine *m, const uint32_t *start, const uint32_t *size, unsigned n)
{
    measure_set_apps(&m->measure, start, size, n);
}

static machine_cycles_summary as_summary(cycle_summary c)
{
    machine_cycles_summary r = {c.count, c.min, c.median, c.p99, c.max};
    return r;
}

machine_cycles_summary machine_switch_cycles(const machine *m)
{
    return as_summary(measure_summarize(&m->measure.switches));
}

machine_cycles_summary machine_syscall_cycles(const machine *m, int cls)
{
    machine_cycles_summary none = {0};
    if (cls < 0 || cls >= MEASURE_CLASSES) {
        return none;
    }
    return as_summary(measure_summarize(&m->measure.syscalls[cls]));
}
