/* Button driver (0x3): 0 count, 1 enable interrupt(i), 2 disable(i),
 * 3 read(i); upcall 0: changed(index, pressed).  The MPS2 FPGA IO buttons
 * raise no interrupt, so while any process listens the kernel samples them
 * every BUTTON_POLL_US through its own alarm and reports each change. */
#include "capsules.h"

#define BUTTON_POLL_US 10000u

typedef struct button_state {
    uint32_t enabled; /* bit i: upcalls wanted for button i */
} button_state;

static uint32_t last_sample;
static bool polling;

typedef struct change {
    uint32_t changed, now;
    bool listening;
} change;

static void notify_process(proc_id pid, void *data, void *ctx)
{
    const button_state *s = data;
    change *c = ctx;
    c->listening |= s->enabled != 0;
    for (unsigned i = 0; i < 32; i++) {
        uint32_t bit = 1u << i;
        if (c->changed & s->enabled & bit) {
            upcall_schedule(pid, &button_driver, 0, i, (c->now & bit) != 0, 0);
        }
    }
}

static void poll(void)
{
    change c = {.now = arch_buttons()};
    c.changed = c.now ^ last_sample;
    last_sample = c.now;
    grant_each(&button_driver, notify_process, &c);
    polling = c.listening;
    if (polling) {
        alarm_kernel_set(ALARM_KERNEL_BUTTON_POLL, BUTTON_POLL_US, poll);
    }
}

static void start_polling(void)
{
    if (!polling) {
        polling = true;
        last_sample = arch_buttons();
        alarm_kernel_set(ALARM_KERNEL_BUTTON_POLL, BUTTON_POLL_US, poll);
    }
}

void button_init(void)
{
    last_sample = arch_buttons();
}

typedef struct button_cmd {
    uint32_t cmd, index;
} button_cmd;

static void button_in_grant(void *data, void *ctx)
{
    button_state *s = data;
    const button_cmd *c = ctx;
    if (c->cmd == 1) {
        s->enabled |= 1u << c->index;
    } else {
        s->enabled &= ~(1u << c->index);
    }
}

static void button_command(proc_id pid, uint32_t cmd, uint32_t index, uint32_t unused,
                           uint32_t ret[4])
{
    (void)unused;
    unsigned count = arch_button_count();
    if (cmd == 0) {
        ret_u32(ret, count);
    } else if (cmd > 3) {
        ret_fail(ret, E_NOSUPPORT);
    } else if (index >= count) {
        ret_fail(ret, E_INVALID);
    } else if (cmd == 3) {
        ret_u32(ret, (arch_buttons() >> index) & 1u);
    } else {
        button_cmd c = {cmd, index};
        uint32_t err = grant_enter(pid, &button_driver, button_in_grant, &c);
        if (err != 0) {
            ret_fail(ret, err);
            return;
        }
        if (cmd == 1) {
            start_polling();
        }
        ret_success(ret);
    }
}

const driver button_driver = {
    .num = DRIVER_NUM_BUTTON,
    .subscribes = 1,
    .grant_size = sizeof(button_state),
    .command = button_command,
};
