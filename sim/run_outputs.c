/* One observer feeding the trace and VCD writers. */
#include "run_outputs.h"

static void on_enter(void *ctx, uint64_t cycle, int exc)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_exception_entered(o->trace, cycle, exc);
    }
}

static void on_return(void *ctx, uint64_t cycle, int exc)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_exception_returned(o->trace, cycle, exc);
    }
}

static void on_fault(void *ctx, const fault_record *f)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_fault(o->trace, f);
    }
}

static void on_uart(void *ctx, uint64_t cycle, int index, uint8_t byte)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_uart_tx(o->trace, cycle, index, byte);
    }
    if (o->vcd != NULL) {
        vcd_out_uart_tx(o->vcd, cycle, index, byte);
    }
}

static void on_leds(void *ctx, uint64_t cycle, uint32_t leds)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_leds(o->trace, cycle, leds);
    }
    if (o->vcd != NULL) {
        vcd_out_leds(o->vcd, cycle, leds);
    }
}

static void on_gpio(void *ctx, uint64_t cycle, int port, uint32_t levels)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_gpio(o->trace, cycle, port, levels);
    }
    if (o->vcd != NULL) {
        vcd_out_gpio(o->vcd, cycle, port, levels);
    }
}

static void on_process(void *ctx, uint64_t cycle, int app, bool running)
{
    run_outputs *o = ctx;
    if (o->trace != NULL) {
        trace_out_process(o->trace, cycle, app, running);
    }
}

int run_outputs_open(run_outputs *o, const char *trace_path, const char *vcd_path, const board *b,
                     char *err, size_t errlen)
{
    o->trace = NULL;
    o->vcd = NULL;
    if (trace_path != NULL && (o->trace = trace_out_open(trace_path, b, err, errlen)) == NULL) {
        return -1;
    }
    if (vcd_path != NULL && (o->vcd = vcd_out_open(vcd_path, b, err, errlen)) == NULL) {
        run_outputs_close(o, 0);
        return -1;
    }
    return 0;
}

void run_outputs_attach(run_outputs *o, machine *m)
{
    if (o->trace == NULL && o->vcd == NULL) {
        return;
    }
    machine_observer obs = {.exception_entered = on_enter,
                            .exception_returned = on_return,
                            .fault = on_fault,
                            .process = on_process,
                            .uart_tx = on_uart,
                            .leds_changed = on_leds,
                            .gpio_changed = on_gpio,
                            .ctx = o};
    if (o->trace != NULL) {
        trace_out_watch(o->trace, m);
    }
    machine_set_observer(m, &obs);
}

int run_outputs_close(run_outputs *o, uint64_t end_cycle)
{
    int rc = 0;
    if (o->trace != NULL && trace_out_close(o->trace, end_cycle) != 0) {
        rc = -1;
    }
    if (o->vcd != NULL && vcd_out_close(o->vcd, end_cycle) != 0) {
        rc = -1;
    }
    o->trace = NULL;
    o->vcd = NULL;
    return rc;
}
