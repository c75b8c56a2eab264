/* System Control Space registers at 0xE000E000 (Armv7-M B3.2): the NVIC
 * banks, the System Control Block with fault status, and DEMCR.  SysTick
 * and the MPU are separate devices that sit inside this range. */
#include "machine_internal.h"

#define SCS_BASE 0xE000E000u
#define SCS_SIZE 0x1000u

#define ICTR         0x004u
#define NVIC_ISER    0x100u
#define NVIC_ICER    0x180u
#define NVIC_ISPR    0x200u
#define NVIC_ICPR    0x280u
#define NVIC_IABR    0x300u
#define NVIC_IPR     0x400u
#define NVIC_IPR_END 0x4F0u
#define CPUID        0xD00u
#define ICSR         0xD04u
#define VTOR         0xD08u
#define AIRCR        0xD0Cu
#define SCR          0xD10u
#define CCR          0xD14u
#define SHPR         0xD18u /* SHPR1..3: priority bytes of exceptions 4..15 */
#define SHCSR        0xD24u
#define CFSR         0xD28u
#define HFSR         0xD2Cu
#define DFSR         0xD30u
#define MMFAR        0xD34u
#define BFAR         0xD38u
#define AFSR         0xD3Cu
#define ID_PFR0      0xD40u
#define CPACR        0xD88u
#define DEMCR        0xDFCu
#define STIR         0xF00u

#define CPUID_CORTEX_M4_R0P1 0x410FC241u
#define AIRCR_VECTKEY        0x05FAu
#define AIRCR_VECTKEYSTAT    0xFA05u
#define AIRCR_SYSRESETREQ    (1u << 2)

#define ICSR_PENDSTCLR  (1u << 25)
#define ICSR_PENDSTSET  (1u << 26)
#define ICSR_PENDSVCLR  (1u << 27)
#define ICSR_PENDSVSET  (1u << 28)
#define ICSR_NMIPENDSET (1u << 31)

/* ID registers of a Cortex-M4 without FPU (TRM table 4-1). */
static const uint32_t id_regs[] = {
    0x00000030, 0x00000200, 0x00100000, 0x00000000,             /* PFR0 PFR1 DFR0 AFR0 */
    0x00100030, 0x00000000, 0x01000000, 0x00000000,             /* MMFR0..3 */
    0x01101110, 0x02111000, 0x21112231, 0x01111110, 0x01310132, /* ISAR0..4 */
};

/* Exceptions whose active/pending/enable bits SHCSR shows. */
static const struct {
    int exc;
    uint32_t active, pended;
} shcsr_bits[] = {
    {EXC_MEMMANAGE, 1u << 0, 1u << 13},  {EXC_BUSFAULT, 1u << 1, 1u << 14},
    {EXC_USAGEFAULT, 1u << 3, 1u << 12}, {EXC_SVCALL, 1u << 7, 1u << 15},
    {EXC_DEBUGMON, 1u << 8, 0},          {EXC_PENDSV, 1u << 10, 0},
    {EXC_SYSTICK, 1u << 11, 0},
};

static uint32_t bank_read(const bool *bits, const nvic *n, uint32_t word)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < 32; i++) {
        unsigned irq = word * 32 + i;
        if (irq < n->num_irqs && bits[EXC_IRQ0 + irq]) {
            v |= 1u << i;
        }
    }
    return v;
}

static void bank_write(machine *m, uint32_t bank, uint32_t word, uint32_t v)
{
    nvic *n = &m->nvic;
    for (unsigned i = 0; i < 32; i++) {
        int exc = EXC_IRQ0 + (int)(word * 32 + i);
        if (!(v & (1u << i)) || !nvic_valid(n, exc)) {
            continue;
        }
        switch (bank) {
        case NVIC_ISER:
            n->enabled[exc] = true;
            break;
        case NVIC_ICER:
            n->enabled[exc] = false;
            break;
        case NVIC_ISPR:
            n->pending[exc] = true;
            break;
        default:
            n->pending[exc] = false;
            break;
        }
    }
    machine_request_stop(m, STOP_EVAL);
}

static uint32_t icsr_read(machine *m)
{
    nvic *n = &m->nvic;
    uint32_t active = machine_reg(m, UC_ARM_REG_IPSR) & 0x1FFu;
    int pending = nvic_next_pending(n);
    uint32_t v = active | ((uint32_t)pending << 12);
    bool rettobase = n->num_active <= 1;
    v |= rettobase ? (1u << 11) : 0;
    for (unsigned i = 0; i < n->num_irqs; i++) {
        if (n->pending[EXC_IRQ0 + i]) {
            v |= 1u << 22; /* ISRPENDING */
            break;
        }
    }
    v |= n->pending[EXC_SYSTICK] ? ICSR_PENDSTSET : 0;
    v |= n->pending[EXC_PENDSV] ? ICSR_PENDSVSET : 0;
    v |= n->pending[EXC_NMI] ? ICSR_NMIPENDSET : 0;
    return v;
}

static void icsr_write(machine *m, uint32_t v)
{
    nvic *n = &m->nvic;
    if (v & ICSR_NMIPENDSET) {
        nvic_set_pending(n, EXC_NMI);
    }
    if (v & ICSR_PENDSVSET) {
        nvic_set_pending(n, EXC_PENDSV);
    } else if (v & ICSR_PENDSVCLR) {
        nvic_clear_pending(n, EXC_PENDSV);
    }
    if (v & ICSR_PENDSTSET) {
        nvic_set_pending(n, EXC_SYSTICK);
    } else if (v & ICSR_PENDSTCLR) {
        nvic_clear_pending(n, EXC_SYSTICK);
    }
    machine_request_stop(m, STOP_EVAL);
}

static uint32_t shcsr_read(machine *m)
{
    nvic *n = &m->nvic;
    uint32_t v = 0;
    for (unsigned i = 0; i < sizeof(shcsr_bits) / sizeof(shcsr_bits[0]); i++) {
        v |= n->active[shcsr_bits[i].exc] ? shcsr_bits[i].active : 0;
        v |= n->pending[shcsr_bits[i].exc] ? shcsr_bits[i].pended : 0;
    }
    v |= n->enabled[EXC_MEMMANAGE] ? SHCSR_MEMFAULTENA : 0;
    v |= n->enabled[EXC_BUSFAULT] ? SHCSR_BUSFAULTENA : 0;
    v |= n->enabled[EXC_USAGEFAULT] ? SHCSR_USGFAULTENA : 0;
    return v;
}

static void shcsr_write(machine *m, uint32_t v)
{
    nvic *n = &m->nvic;
    for (unsigned i = 0; i < sizeof(shcsr_bits) / sizeof(shcsr_bits[0]); i++) {
        int exc = shcsr_bits[i].exc;
        bool act = (v & shcsr_bits[i].active) != 0;
        if (act != n->active[exc]) {
            act ? nvic_activate(n, exc) : nvic_deactivate(n, exc);
        }
        if (shcsr_bits[i].pended) {
            n->pending[exc] = (v & shcsr_bits[i].pended) != 0;
        }
    }
    n->enabled[EXC_MEMMANAGE] = (v & SHCSR_MEMFAULTENA) != 0;
    n->enabled[EXC_BUSFAULT] = (v & SHCSR_BUSFAULTENA) != 0;
    n->enabled[EXC_USAGEFAULT] = (v & SHCSR_USGFAULTENA) != 0;
    machine_request_stop(m, STOP_EVAL);
}

static void aircr_write(machine *m, uint32_t v)
{
    if ((v >> 16) != AIRCR_VECTKEY) {
        return; /* writes without the key are ignored */
    }
    m->nvic.prigroup = (v >> 8) & 7u;
    if (v & AIRCR_SYSRESETREQ) {
        machine_request_stop(m, STOP_RESET);
    }
}

/* Priority bytes: IPR for interrupts, SHPR for system exceptions. */
static uint8_t prio_byte(machine *m, uint32_t off)
{
    if (off >= NVIC_IPR && off < NVIC_IPR_END) {
        int exc = EXC_IRQ0 + (int)(off - NVIC_IPR);
        return nvic_valid(&m->nvic, exc) ? m->nvic.prio[exc] : 0;
    }
    int exc = 4 + (int)(off - SHPR);
    return nvic_valid(&m->nvic, exc) ? m->nvic.prio[exc] : 0;
}

static void set_prio_byte(machine *m, uint32_t off, uint8_t v)
{
    int exc = off >= NVIC_IPR && off < NVIC_IPR_END ? EXC_IRQ0 + (int)(off - NVIC_IPR)
                                                    : 4 + (int)(off - SHPR);
    nvic_set_priority(&m->nvic, exc, v);
    machine_request_stop(m, STOP_EVAL);
}

static bool is_prio(uint32_t off)
{
    return (off >= NVIC_IPR && off < NVIC_IPR_END) || (off >= SHPR && off < SHPR + 12);
}

static uint32_t read_word(machine *m, uint32_t off)
{
    nvic *n = &m->nvic;
    if (off >= NVIC_ISER && off < NVIC_IABR + 0x40) {
        uint32_t bank = off & ~0x7Fu;
        uint32_t word = (off & 0x7Fu) / 4;
        const bool *bits = bank == NVIC_ISER || bank == NVIC_ICER ? n->enabled
                           : bank == NVIC_IABR                    ? n->active
                                                                  : n->pending;
        return (off & 0x7Fu) < 0x40 ? bank_read(bits, n, word) : 0;
    }
    if (off >= ID_PFR0 && off < ID_PFR0 + sizeof(id_regs)) {
        return id_regs[(off - ID_PFR0) / 4];
    }
    switch (off) {
    case ICTR:
        return n->num_irqs ? (n->num_irqs - 1) / 32 : 0;
    case CPUID:
        return CPUID_CORTEX_M4_R0P1;
    case ICSR:
        return icsr_read(m);
    case VTOR:
        return m->scb.vtor;
    case AIRCR:
        return (AIRCR_VECTKEYSTAT << 16) | (n->prigroup << 8);
    case SCR:
        return m->scb.scr;
    case CCR:
        return m->scb.ccr;
    case SHCSR:
        return shcsr_read(m);
    case CFSR:
        return m->scb.cfsr;
    case HFSR:
        return m->scb.hfsr;
    case MMFAR:
        return m->scb.mmfar;
    case BFAR:
        return m->scb.bfar;
    case CPACR:
        return m->scb.cpacr;
    case DEMCR:
        return m->scb.demcr;
    default:
        return 0; /* DFSR, AFSR, reserved: read as zero */
    }
}

static void write_word(machine *m, uint32_t off, uint32_t v)
{
    if (off >= NVIC_ISER && off < NVIC_IABR && (off & 0x7Fu) < 0x40) {
        bank_write(m, off & ~0x7Fu, (off & 0x7Fu) / 4, v);
        return;
    }
    switch (off) {
    case ICSR:
        icsr_write(m, v);
        break;
    case VTOR:
        m->scb.vtor = v & 0x3FFFFF80u;
        break;
    case AIRCR:
        aircr_write(m, v);
        break;
    case SCR:
        m->scb.scr = v & 0x16u;
        break;
    case CCR:
        m->scb.ccr = (v & 0x31Bu) | CCR_STKALIGN;
        machine_request_stop(m, STOP_EVAL); /* trap checking may change */
        break;
    case SHCSR:
        shcsr_write(m, v);
        break;
    case CFSR:
        m->scb.cfsr &= ~v; /* write one to clear */
        break;
    case HFSR:
        m->scb.hfsr &= ~v;
        break;
    case MMFAR:
        m->scb.mmfar = v;
        break;
    case BFAR:
        m->scb.bfar = v;
        break;
    case CPACR:
        m->scb.cpacr = 0; /* no coprocessors: CP10/CP11 read as no access */
        break;
    case DEMCR:
        m->scb.demcr = v & 0x010F07F1u;
        dwt_set_trace_enable(m->dwt, (v & DEMCR_TRCENA) != 0);
        break;
    case STIR:
        nvic_set_pending(&m->nvic, EXC_IRQ0 + (int)(v & 0x1FFu));
        machine_request_stop(m, STOP_EVAL);
        break;
    default:
        break; /* read-only and reserved registers ignore writes */
    }
}

static uint32_t scs_read(void *dev, uint32_t off, unsigned size)
{
    machine *m = dev;
    if (is_prio(off)) {
        uint32_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= (uint32_t)prio_byte(m, off + i) << (8 * i);
        }
        return v;
    }
    uint32_t word = read_word(m, off & ~3u);
    return (word >> (8 * (off & 3u))) & (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1u);
}

static void scs_write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    machine *m = dev;
    if (is_prio(off)) {
        for (unsigned i = 0; i < size; i++) {
            set_prio_byte(m, off + i, (uint8_t)(v >> (8 * i)));
        }
        return;
    }
    if (off >= CFSR && off < CFSR + 4 && size < 4) {
        /* CFSR's MMFSR/BFSR/UFSR parts may be cleared by byte/halfword. */
        m->scb.cfsr &= ~(v << (8 * (off - CFSR)));
        return;
    }
    if (size == 4) {
        write_word(m, off, v);
    }
}

static const device_ops scs_ops = {
    .read = scs_read,
    .write = scs_write,
};

device scs_device(machine *m)
{
    device d = {
        .name = "scs",
        .base = SCS_BASE,
        .size = SCS_SIZE,
        .widths = DEV_WALL,
        .ops = &scs_ops,
        .state = m,
    };
    return d;
}
