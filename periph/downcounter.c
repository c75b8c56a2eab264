/* Down-counter arithmetic shared by the timer models (see downcounter.h). */
#include "downcounter.h"

#include <assert.h>

uint64_t downcounter_tick_at(uint64_t cycle, uint64_t core_hz, uint64_t tick_hz)
{
    return cycle / core_hz * tick_hz + cycle % core_hz * tick_hz / core_hz;
}

uint64_t downcounter_cycle_of(uint64_t tick, uint64_t core_hz, uint64_t tick_hz)
{
    return tick / tick_hz * core_hz + (tick % tick_hz * core_hz + tick_hz - 1) / tick_hz;
}

uint64_t downcounter_ticks_to_wrap(uint32_t value, uint32_t reload)
{
    if (value >= 1) {
        return value;
    }
    return reload >= 1 ? (uint64_t)reload + 1 : DOWNCOUNTER_NEVER;
}

uint32_t downcounter_value_after(uint32_t value, uint32_t reload, uint64_t ticks)
{
    if (ticks <= value) {
        return (uint32_t)(value - ticks);
    }
    ticks -= (uint64_t)value + 1; /* ticks since the first reload */
    return (uint32_t)(reload - ticks % ((uint64_t)reload + 1));
}

bool downcounter_advance(uint32_t *value, uint32_t reload, uint64_t ticks)
{
    uint64_t first = downcounter_ticks_to_wrap(*value, reload);
    *value = downcounter_value_after(*value, reload, ticks);
    return first != DOWNCOUNTER_NEVER && ticks >= first;
}

uint64_t downcounter_next_wrap(uint32_t value, uint32_t reload, uint64_t sync_tick)
{
    uint64_t first = downcounter_ticks_to_wrap(value, reload);
    return first == DOWNCOUNTER_NEVER ? DOWNCOUNTER_NEVER : sync_tick + first;
}

uint64_t downcounter_pclk(uint64_t core_hz, uint64_t pclk_hz)
{
    pclk_hz = pclk_hz != 0 ? pclk_hz : core_hz;
    assert(core_hz > 0 && core_hz <= UINT32_MAX && pclk_hz <= UINT32_MAX);
    return pclk_hz;
}
