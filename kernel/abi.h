/* Tock 2.x system-call numbers, return variants and error codes (TRD104;
 * kernel/ABI.md). */
#ifndef BULWARK_KERNEL_ABI_H
#define BULWARK_KERNEL_ABI_H

enum syscall_class {
    SYS_YIELD = 0,
    SYS_SUBSCRIBE = 1,
    SYS_COMMAND = 2,
    SYS_ALLOW_RW = 3,
    SYS_ALLOW_RO = 4,
    SYS_MEMOP = 5,
    SYS_EXIT = 6,
    SYS_ALLOW_UR = 7, /* userspace-readable allow */
};

enum yield_kind { YIELD_NO_WAIT = 0, YIELD_WAIT = 1, YIELD_WAIT_FOR = 2 };
enum exit_kind { EXIT_TERMINATE = 0, EXIT_RESTART = 1 };

enum return_variant {
    RV_FAILURE = 0,
    RV_FAILURE_U32 = 1,
    RV_FAILURE_2U32 = 2,
    RV_FAILURE_U64 = 3,
    RV_SUCCESS = 128,
    RV_SUCCESS_U32 = 129,
    RV_SUCCESS_2U32 = 130,
    RV_SUCCESS_U64 = 131,
    RV_SUCCESS_3U32 = 132,
    RV_SUCCESS_U32_U64 = 133,
};

enum error_code {
    E_FAIL = 1,
    E_BUSY = 2,
    E_ALREADY = 3,
    E_OFF = 4,
    E_RESERVE = 5,
    E_INVALID = 6,
    E_SIZE = 7,
    E_CANCEL = 8,
    E_NOMEM = 9,
    E_NOSUPPORT = 10,
    E_NODEVICE = 11,
    E_UNINSTALLED = 12,
    E_NOACK = 13,
};

enum memop_op {
    MEMOP_BRK = 0,
    MEMOP_SBRK = 1,
    MEMOP_RAM_START = 2,
    MEMOP_RAM_END = 3,
    MEMOP_FLASH_START = 4,
    MEMOP_FLASH_END = 5,
    MEMOP_GRANT_START = 6,
    MEMOP_WFLASH_COUNT = 7,
    MEMOP_WFLASH_START = 8,
    MEMOP_WFLASH_END = 9,
    MEMOP_STACK_HINT = 10,
    MEMOP_HEAP_HINT = 11,
};

#endif
