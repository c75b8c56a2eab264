/* The kernel configuration word (see kconfig.h).  Build-time defaults come
 * from these macros, e.g. -DKCONFIG_SCHED=SCHED_COOPERATIVE. */
#include "kconfig.h"

#include <stdbool.h>

#ifndef KCONFIG_SCHED
#define KCONFIG_SCHED SCHED_ROUND_ROBIN
#endif
#ifndef KCONFIG_TIMESLICE_US
#define KCONFIG_TIMESLICE_US 10000u
#endif
#ifndef KCONFIG_FAULT_POLICY
#define KCONFIG_FAULT_POLICY FAULT_RESTART_N
#endif
#ifndef KCONFIG_MAX_RESTARTS
#define KCONFIG_MAX_RESTARTS 3u
#endif
#ifndef KCONFIG_FLAGS
#define KCONFIG_FLAGS 0u
#endif
/* One override, e.g. -DKCONFIG_OVERRIDE_NAME='"crash"'
 * -DKCONFIG_OVERRIDE_POLICY=FAULT_STOP. */
#ifndef KCONFIG_OVERRIDE_NAME
#define KCONFIG_OVERRIDE_NAME     ""
#define KCONFIG_OVERRIDE_POLICY   0u
#define KCONFIG_OVERRIDE_RESTARTS 0u
#endif
#ifndef KCONFIG_OVERRIDE_RESTARTS
#define KCONFIG_OVERRIDE_RESTARTS 0u
#endif

#ifdef BULWARK_HOST
#define KCONFIG_SECTION
#else
#define KCONFIG_SECTION __attribute__((section(".kconfig"), used))
#endif

KCONFIG_SECTION const volatile kconfig bulwark_kconfig = {
    .magic = KCONFIG_MAGIC,
    .version = KCONFIG_VERSION,
    .sched = KCONFIG_SCHED,
    .timeslice_us = KCONFIG_TIMESLICE_US,
    .fault_policy = KCONFIG_FAULT_POLICY,
    .max_restarts = KCONFIG_MAX_RESTARTS,
    .clock_hz = 0,
    .flags = KCONFIG_FLAGS,
    .overrides = {{.name = KCONFIG_OVERRIDE_NAME,
                   .fault_policy = KCONFIG_OVERRIDE_POLICY,
                   .max_restarts = KCONFIG_OVERRIDE_RESTARTS}},
};

const volatile kconfig *kconfig_get(void)
{
    return &bulwark_kconfig;
}

static bool name_is(const volatile char *field, const char *name, unsigned len)
{
    if (len == 0 || len > KCONFIG_NAME_LEN) {
        return false;
    }
    for (unsigned i = 0; i < len; i++) {
        if (field[i] != name[i]) {
            return false;
        }
    }
    return len == KCONFIG_NAME_LEN || field[len] == '\0';
}

uint32_t kconfig_fault_policy(const char *name, unsigned len, uint32_t *max_restarts)
{
    const volatile kconfig *c = kconfig_get();
    for (unsigned i = 0; i < KCONFIG_OVERRIDES; i++) {
        if (name_is(c->overrides[i].name, name, len)) {
            *max_restarts = c->overrides[i].max_restarts;
            return c->overrides[i].fault_policy;
        }
    }
    *max_restarts = c->max_restarts;
    return c->fault_policy;
}
