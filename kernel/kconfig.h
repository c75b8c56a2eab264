/* The kernel configuration word: build-time defaults that a simulator (or a
 * flashing tool) may patch in the ELF before the run.  It lives in flash at
 * the symbol `bulwark_kconfig` and is read through a volatile pointer so
 * the compiler never folds the defaults in. */
#ifndef BULWARK_KCONFIG_H
#define BULWARK_KCONFIG_H

#include <stdint.h>

#define KCONFIG_MAGIC   0x46434B42u /* "BKCF" little-endian */
#define KCONFIG_VERSION 1u

enum sched_kind { SCHED_ROUND_ROBIN = 0, SCHED_COOPERATIVE = 1, SCHED_PRIORITY = 2 };
enum fault_policy {
    FAULT_STOP = 0,      /* leave it faulted */
    FAULT_RESTART = 1,   /* always restart */
    FAULT_RESTART_N = 2, /* restart up to max_restarts times, then stop */
    FAULT_PANIC = 3,     /* a process fault is a kernel panic */
};

#define KCONFIG_OVERRIDES 4
#define KCONFIG_NAME_LEN  16

/* A per-process fault policy, chosen by package name. */
typedef struct kconfig_override {
    char name[KCONFIG_NAME_LEN]; /* NUL-padded; empty = unused */
    uint32_t fault_policy;
    uint32_t max_restarts;
} kconfig_override;

typedef struct kconfig {
    uint32_t magic;
    uint32_t version;
    uint32_t sched;        /* enum sched_kind */
    uint32_t timeslice_us; /* round robin only */
    uint32_t fault_policy; /* default for every process */
    uint32_t max_restarts; /* for FAULT_RESTART_N */
    uint32_t clock_hz;     /* 0: measure against the SysTick reference */
    uint32_t flags;        /* KCONFIG_F_* */
    kconfig_override overrides[KCONFIG_OVERRIDES];
} kconfig;

/* Print the cycle figures of the self-measurement (see kernel/bench.c). */
#define KCONFIG_F_BENCH (1u << 0)

const volatile kconfig *kconfig_get(void);
/* The policy and restart limit that apply to a process of that name. */
uint32_t kconfig_fault_policy(const char *name, unsigned len, uint32_t *max_restarts);

#endif
