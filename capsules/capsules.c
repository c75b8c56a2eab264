/* The board's driver table (the host unit tests have their own, with a
 * test driver: test/test_kernel_fake.c). */
#include "../kernel/bench.h"
#include "capsules.h"

const driver *const kernel_drivers[] = {
    &alarm_driver, &console_driver, &led_driver, &button_driver,
#ifdef KERNEL_BENCH
    &bench_driver,
#endif
};
const unsigned kernel_driver_count = sizeof kernel_drivers / sizeof kernel_drivers[0];
