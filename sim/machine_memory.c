/* Guest memory for tools outside the CPU: reports, fault injection, the
 * kernel-table reader and tests.  Only RAM and flash: device registers have
 * side effects and are never touched from here. */
#include "machine_internal.h"

/* Translated code covers at most this much of a page to drop. */
#define CODE_PAGE 1024u

int machine_read_memory(machine *m, uint32_t addr, void *buf, size_t len)
{
    if (len == 0 || len > UINT32_MAX ||
        board_memory_containing(&m->board, addr, (uint32_t)len) == NULL) {
        return -1;
    }
    return uc_mem_read(m->uc, addr, buf, len) == UC_ERR_OK ? 0 : -1;
}

int machine_write_memory(machine *m, uint32_t addr, const void *buf, size_t len)
{
    if (len == 0 || len > UINT32_MAX ||
        board_memory_containing(&m->board, addr, (uint32_t)len) == NULL ||
        uc_mem_write(m->uc, addr, buf, len) != UC_ERR_OK) {
        return -1;
    }
    uint64_t first = addr & ~(uint64_t)(CODE_PAGE - 1u);
    uint64_t end = ((uint64_t)addr + len + CODE_PAGE - 1u) & ~(uint64_t)(CODE_PAGE - 1u);
    uc_ctl_remove_cache(m->uc, first, end);
    block_cache_flush(m->blocks);
    return 0;
}
