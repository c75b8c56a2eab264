#!/usr/bin/env python3
"""Scenario inputs and kernel configuration (scenarios/SCHEMA.md, "inputs" and
"scheduler and fault policy"): the scenarios in test/scenarios_inputs pass, and
fail once the setting they test is taken out; GPIO levels reach firmware and
the VCD; UART input goes to the port named; bad inputs are load errors.

usage: test_scenario_inputs.py BULWARK SCENARIOS_DIR BUILD_DIR GPIO_FIRMWARE
"""
import json
import os
import subprocess
import sys
import tempfile

bulwark, scenarios, build, gpio_fw = sys.argv[1:5]
gpio_fw = os.path.abspath(gpio_fw)
failed = 0


def check(ok, what, detail=""):
    global failed
    print(("PASS " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    failed += 0 if ok else 1


def run(path, *extra):
    return subprocess.run([bulwark, "run", path, "--build-dir", build, *extra],
                          capture_output=True, text=True, timeout=120)


def write(tmp, name, scenario):
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump(scenario, f, indent=1)
    return path


def base(name, apps, **more):
    s = {"bulwark_scenario": 1, "name": name, "board": "sim64",
         "kernel": "@build/kernel/bulwark-kernel.elf", "apps": apps, "duration": "1s"}
    s.update(more)
    return s


def shipped_scenarios_pass():
    r = subprocess.run([bulwark, "test", scenarios, "--build-dir", build],
                       capture_output=True, text=True, timeout=300)
    check(r.returncode == 0 and " 0 failed" in r.stdout + r.stderr,
          "test/scenarios_inputs all pass", r.stdout + r.stderr)


def without(tmp, name, edit):
    """The scenario with its setting removed must fail its expectations."""
    with open(os.path.join(scenarios, name + ".json")) as f:
        s = json.load(f)
    edit(s)
    r = run(write(tmp, name + "_unpatched", s))
    check(r.returncode == 1 and "FAIL " in r.stderr, f"{name} fails without its setting",
          r.stderr[-600:])


def settings_matter(tmp):
    def drop_policy(s):
        for app in s["apps"]:
            app.pop("fault_policy", None)
            app.pop("max_restarts", None)
    without(tmp, "policy_stop", drop_policy)
    without(tmp, "policy_restart", drop_policy)
    without(tmp, "policy_panic", drop_policy)
    without(tmp, "sched_cooperative", lambda s: s.pop("scheduler"))
    without(tmp, "sched_priority", lambda s: s.pop("scheduler"))
    without(tmp, "sched_timeslice", lambda s: s.pop("timeslice"))


def gpio_levels_reach_firmware_and_vcd(tmp):
    levels = [("1ms", 1), ("2ms", 0), ("3ms", 1)]
    s = {"bulwark_scenario": 1, "name": "gpio_irq", "board": "sim64", "kernel": gpio_fw,
         "duration": "50ms",
         "inputs": [{"at": at, "gpio": {"port": 0, "pin": 3, "level": lv}} for at, lv in levels],
         "expect": {"uart_contains": ["PASS gpio_irq", "gpio: rising edges 2"],
                    "exit": "firmware_exit"}}
    vcd = os.path.join(tmp, "gpio.vcd")
    trace = os.path.join(tmp, "gpio_trace.json")
    r = run(write(tmp, "gpio_irq", s), "--vcd", vcd, "--trace", trace)
    check(r.returncode == 0, "gpio_irq firmware sees the scenario's GPIO levels", r.stderr[-800:])
    with open(vcd) as f:
        text = f.read()
    ids = {}
    for line in text.splitlines():
        parts = line.split()
        if parts[:1] == ["$var"] and parts[4].startswith("gpio"):
            ids[parts[4]] = parts[3]
    check(len(ids) == 32 and "gpio1_15" in ids, "VCD has a wire per pin of both ports", ids)
    changes, now = [], 0
    for line in text.split("$enddefinitions")[1].splitlines():
        if line.startswith("#"):
            now = int(line[1:])
        elif line[1:] in (ids.get("gpio0_3"), ids.get("gpio0_8")) and len(line) == 2:
            changes.append((now, line[1:] == ids["gpio0_3"] and "in" or "out", line[0]))
    ins = [(t, v) for t, k, v in changes if k == "in" and t > 0]
    check(ins == [(1000000, "1"), (2000000, "0"), (3000000, "1")],
          "gpio0_3 follows the inputs at 1, 2, 3 ms", changes)
    outs = [(t, v) for t, k, v in changes if k == "out" and t > 0]
    check(len(outs) >= 1 and outs[0][1] == "1" and 1000000 < outs[0][0] < 1100000,
          "gpio0_8 driven by firmware just after the first edge", changes)
    with open(trace) as f:
        events = json.load(f)["traceEvents"]
    pin3 = [(e["ts"], e["args"]["pin3"]) for e in events
            if e.get("ph") == "C" and e.get("name") == "gpio0"]
    ups = [ts for ts, lv in pin3 if lv == 1]
    check(pin3 and abs(ups[0] - 1000.0) < 0.001 and any(abs(ts - 3000.0) < 0.001 for ts in ups),
          "the trace's gpio0 counter shows pin 3 rising at 1 and 3 ms", pin3)


def uart_port_and_console(tmp):
    s = base("ports", [{"image": "blink"}], duration="200ms", inputs=[
        {"at": "50ms", "uart": "status\n", "port": 1},
        {"at": "100ms", "console": "list"}])
    r = run(write(tmp, "ports", s))
    check(r.returncode == 0 and "[kernel] > list" in r.stdout and "blink" in r.stdout
          and "> status" not in r.stdout,
          "console input reaches the kernel; UART1 input does not reach UART0", r.stdout[-600:])


def load_refused_image(tmp):
    junk = os.path.join(tmp, "junk.tbf")
    with open(junk, "wb") as f:
        f.write(b"\x02\x00\x10\x00" + b"\xab" * 60)
    s = base("junk", [{"image": "blink"}], duration="700ms",
             inputs=[{"at": "50ms", "load": {"path": "junk.tbf"}}],
             expect={"uart_contains": ["[kernel]  load: image refused; nothing was started",
                                       "blink: 3 led 0 on"], "kernel_alive": True})
    r = run(write(tmp, "junk", s))
    check(r.returncode == 0, "a hostile image sent with load is refused, blink runs on",
          r.stdout[-600:] + r.stderr[-600:])


BAD = [
    ("gpio_pin", {"at": "1ms", "gpio": {"port": 0, "pin": 16, "level": 1}},
     "inputs[0].gpio.pin: expected a whole number 0..15"),
    ("gpio_key", {"at": "1ms", "gpio": {"port": 0, "pin": 1, "lvl": 1}},
     "inputs[0].gpio.lvl: unknown key"),
    ("two_kinds", {"at": "1ms", "uart": "x", "console": "list"},
     "inputs[0]: expected exactly one of"),
    ("port_on_button", {"at": "1ms", "button": 0, "pressed": True, "port": 1},
     "inputs[0].port: \"port\" belongs to a uart input"),
    ("uart_port", {"at": "1ms", "uart": "x", "port": 3},
     "inputs[0].port: expected a whole number 0..2"),
    ("console_newline", {"at": "1ms", "console": "list\nstatus"},
     "inputs[0].console: expected one console command line"),
    ("load_missing", {"at": "1ms", "load": {"image": "no_such_app"}},
     "inputs[0].load.image: cannot read"),
    ("load_odd_size", {"at": "1ms", "load": {"path": "odd.tbf"}},
     "inputs[0].load.path: "),
]


def bad_inputs(tmp):
    with open(os.path.join(tmp, "odd.tbf"), "wb") as f:
        f.write(b"\0" * 13)
    for name, inp, text in BAD:
        path = write(tmp, name, base(name, [{"image": "blink"}], inputs=[inp]))
        r = run(path)
        check(r.returncode == 2 and r.stderr.startswith(f"bulwark: {path}:") and text in r.stderr,
              f"bad input {name}", r.stderr)


def bad_config(tmp):
    five = [{"image": a, "fault_policy": "stop"}
            for a in ["blink", "hello", "crash", "whileone", "echo"]]
    cases = [
        ("too_many_policies", base("x", five), "apps[4].fault_policy: the kernel has room for 4"),
        ("bad_scheduler", base("x", [{"image": "blink"}], scheduler="fifo"),
         "scheduler: expected \"round_robin\""),
        ("timeslice_cycles", base("x", [{"image": "blink"}], timeslice="100cycles"),
         "timeslice: expected a time"),
        ("max_restarts_alone", base("x", [{"image": "crash", "max_restarts": 2}]),
         "apps[0].max_restarts: \"max_restarts\" goes with"),
        ("bad_policy", base("x", [{"image": "crash", "fault_policy": "reboot"}]),
         "apps[0].fault_policy: expected \"stop\""),
    ]
    for name, s, text in cases:
        path = write(tmp, name, s)
        r = run(path)
        check(r.returncode == 2 and f"{path}:" in r.stderr and text in r.stderr,
              f"bad config {name}", r.stderr)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        shipped_scenarios_pass()
        settings_matter(tmp)
        gpio_levels_reach_firmware_and_vcd(tmp)
        uart_port_and_console(tmp)
        load_refused_image(tmp)
        bad_inputs(tmp)
        bad_config(tmp)
    sys.exit(1 if failed else 0)


main()
