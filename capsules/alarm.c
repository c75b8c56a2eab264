/* Alarm driver (0x0), virtualised: every process has one alarm in its
 * grant, the kernel has a few of its own, and the single hardware alarm is
 * always armed for the earliest of them.
 *
 * Commands: 0 exists, 1 frequency, 2 now, 3 stop, 5 set relative(dt),
 * 6 set absolute(reference, dt); 5 and 6 answer the expiration.  Upcall 0:
 * fired(now, expiration, 0).  Times are 1 MHz ticks wrapping at 2^32; an
 * alarm has expired once (now - reference) >= dt. */
#include "capsules.h"

typedef struct alarm_state {
    uint32_t reference, dt;
    uint32_t armed;
} alarm_state;

typedef struct kernel_client {
    alarm_state state;
    alarm_kernel_fn *fn;
} kernel_client;

static kernel_client kernel_clients[ALARM_KERNEL_CLIENTS];

static bool expired(const alarm_state *a, uint32_t now)
{
    return now - a->reference >= a->dt;
}

/* ---- arming the hardware for the earliest alarm ---------------------------- */

typedef struct earliest {
    uint32_t now, remaining, reference, dt;
    bool any;
} earliest;

static void consider(earliest *e, const alarm_state *a)
{
    if (!a->armed) {
        return;
    }
    uint32_t remaining = expired(a, e->now) ? 0 : a->dt - (e->now - a->reference);
    if (!e->any || remaining < e->remaining) {
        *e = (earliest){e->now, remaining, a->reference, a->dt, true};
    }
}

static void consider_process(proc_id pid, void *data, void *ctx)
{
    (void)pid;
    consider(ctx, data);
}

static void rearm(void)
{
    earliest e = {.now = arch_time_now()};
    grant_each(&alarm_driver, consider_process, &e);
    for (unsigned i = 0; i < ALARM_KERNEL_CLIENTS; i++) {
        consider(&e, &kernel_clients[i].state);
    }
    if (e.any) {
        arch_alarm_set(e.reference, e.dt);
    } else {
        arch_alarm_cancel();
    }
}

/* ---- firing ------------------------------------------------------------------ */

static void fire_process(proc_id pid, void *data, void *ctx)
{
    alarm_state *a = data;
    uint32_t now = *(const uint32_t *)ctx;
    if (a->armed && expired(a, now)) {
        a->armed = 0;
        upcall_schedule(pid, &alarm_driver, 0, now, a->reference + a->dt, 0);
    }
}

void alarm_handle_event(void)
{
    uint32_t now = arch_time_now();
    grant_each(&alarm_driver, fire_process, &now);
    for (unsigned i = 0; i < ALARM_KERNEL_CLIENTS; i++) {
        kernel_client *k = &kernel_clients[i];
        if (k->state.armed && expired(&k->state, now)) {
            k->state.armed = 0;
            k->fn();
        }
    }
    rearm();
}

void alarm_kernel_set(enum alarm_kernel_client id, uint32_t dt, alarm_kernel_fn *fn)
{
    kernel_clients[id] = (kernel_client){{arch_time_now(), dt, 1}, fn};
    rearm();
}

void alarm_kernel_cancel(enum alarm_kernel_client id)
{
    kernel_clients[id].state.armed = 0;
    rearm();
}

/* ---- commands ------------------------------------------------------------------ */

typedef struct alarm_cmd {
    uint32_t cmd, reference, dt;
    uint32_t *ret;
} alarm_cmd;

static void alarm_in_grant(void *data, void *ctx)
{
    alarm_state *a = data;
    alarm_cmd *c = ctx;
    if (c->cmd == 3) {
        if (a->armed) {
            a->armed = 0;
            ret_success(c->ret);
        } else {
            ret_fail(c->ret, E_ALREADY);
        }
        return;
    }
    *a = (alarm_state){c->reference, c->dt, 1};
    ret_u32(c->ret, c->reference + c->dt);
}

static void alarm_command(proc_id pid, uint32_t cmd, uint32_t arg1, uint32_t arg2, uint32_t ret[4])
{
    alarm_cmd c = {cmd, arg1, arg2, ret};
    switch (cmd) {
    case 0:
        ret_success(ret);
        return;
    case 1:
        ret_u32(ret, arch_time_hz());
        return;
    case 2:
        ret_u32(ret, arch_time_now());
        return;
    case 5:
        c.reference = arch_time_now();
        c.dt = arg1;
        break;
    case 3:
    case 6:
        break;
    default:
        ret_fail(ret, E_NOSUPPORT);
        return;
    }
    uint32_t err = grant_enter(pid, &alarm_driver, alarm_in_grant, &c);
    if (err != 0) {
        ret_fail(ret, err);
    } else {
        rearm();
    }
}

const driver alarm_driver = {
    .num = DRIVER_NUM_ALARM,
    .subscribes = 1,
    .grant_size = sizeof(alarm_state),
    .command = alarm_command,
};
