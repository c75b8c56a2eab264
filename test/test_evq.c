#include <check.h>
#include <stdlib.h>

#include "evq.h"
#include "check_main.h"

struct rec {
    uint64_t seen[16];
    int n;
};

static void note(void *ctx, uint64_t when)
{
    struct rec *r = ctx;
    r->seen[r->n++] = when;
}

START_TEST(runs_in_time_order)
{
    evq *q = evq_create();
    struct rec r = {0};
    struct event ev[4];
    const uint64_t at[4] = {40, 10, 30, 20};
    for (int i = 0; i < 4; i++) {
        event_init(&ev[i], note, &r);
        evq_schedule(q, &ev[i], at[i]);
    }
    ck_assert_uint_eq(evq_next(q), 10);
    ck_assert_uint_eq(evq_run_due(q, 25), 2);
    ck_assert_uint_eq(evq_run_due(q, 100), 2);
    ck_assert_int_eq(r.n, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(r.seen[i], 10 * (uint64_t)(i + 1));
    }
    ck_assert_uint_eq(evq_next(q), EVQ_NEVER);
    evq_destroy(q);
}
END_TEST

START_TEST(reschedule_and_cancel)
{
    evq *q = evq_create();
    struct rec r = {0};
    struct event a, b;
    event_init(&a, note, &r);
    event_init(&b, note, &r);
    evq_schedule(q, &a, 50);
    evq_schedule(q, &b, 60);
    evq_schedule(q, &a, 70); /* moves, does not duplicate */
    ck_assert_uint_eq(evq_size(q), 2);
    evq_cancel(q, &b);
    ck_assert(!event_queued(&b));
    ck_assert_uint_eq(evq_run_due(q, 1000), 1);
    ck_assert_uint_eq(r.seen[0], 70);
    evq_destroy(q);
}
END_TEST

static struct event chain_ev;
static evq *chain_q;
static int chain_count;

static void chain(void *ctx, uint64_t when)
{
    (void)ctx;
    if (++chain_count < 5) {
        evq_schedule(chain_q, &chain_ev, when + 10);
    }
}

START_TEST(handlers_may_reschedule)
{
    chain_q = evq_create();
    chain_count = 0;
    event_init(&chain_ev, chain, NULL);
    evq_schedule(chain_q, &chain_ev, 0);
    ck_assert_uint_eq(evq_run_due(chain_q, 25), 3); /* at 0, 10, 20 */
    ck_assert_uint_eq(evq_next(chain_q), 30);
    evq_destroy(chain_q);
}
END_TEST

START_TEST(equal_times_keep_scheduling_order)
{
    evq *q = evq_create();
    struct rec r = {0};
    struct event ev[8];
    for (int i = 0; i < 8; i++) {
        event_init(&ev[i], note, &r);
        evq_schedule(q, &ev[i], (uint64_t)(i % 2) * 5);
    }
    evq_run_due(q, 5);
    ck_assert_int_eq(r.n, 8);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(r.seen[i], 0);
    }
    evq_destroy(q);
}
END_TEST

START_TEST(many_random_events_come_out_sorted)
{
    evq *q = evq_create();
    enum { N = 1000 };
    static struct event ev[N];
    static uint64_t out[N];
    static int n;
    n = 0;
    srand(7);
    for (int i = 0; i < N; i++) {
        event_init(&ev[i], NULL, NULL);
        evq_schedule(q, &ev[i], (uint64_t)(rand() % 5000));
    }
    for (int i = 0; i < N; i += 3) {
        evq_cancel(q, &ev[i]);
    }
    while (evq_size(q) > 0) {
        uint64_t t = evq_next(q);
        out[n++] = t;
        /* pop by cancelling the head */
        for (int i = 0; i < N; i++) {
            if (event_queued(&ev[i]) && ev[i].when == t) {
                evq_cancel(q, &ev[i]);
                break;
            }
        }
    }
    ck_assert_int_eq(n, N - (N + 2) / 3);
    for (int i = 1; i < n; i++) {
        ck_assert_uint_le(out[i - 1], out[i]);
    }
    evq_destroy(q);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("evq");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, runs_in_time_order);
    tcase_add_test(tc, reschedule_and_cancel);
    tcase_add_test(tc, handlers_may_reschedule);
    tcase_add_test(tc, equal_times_keep_scheduling_order);
    tcase_add_test(tc, many_random_events_come_out_sorted);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
