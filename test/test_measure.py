#!/usr/bin/env python3
"""Figures measured from outside the kernel (sim/measure.c): checked for
plausibility against what the apps are known to do, metric thresholds
passing and failing, per-UART expectations, the board's power figures and
the trace's process tracks.

usage: test_measure.py BULWARK SCENARIOS_DIR BUILD_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

KERNEL = "@build/kernel/bulwark-kernel.elf"
CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


class Env:
    def __init__(self, bulwark, scenarios, build, tmp):
        self.bulwark, self.scenarios, self.build, self.tmp = bulwark, scenarios, build, tmp
        self.n = 0

    def scenario(self, apps, duration, expect=None, board="sim64", kernel=KERNEL, extra=None):
        self.n += 1
        doc = {"bulwark_scenario": 1, "name": f"measure{self.n}", "board": board,
               "kernel": kernel, "apps": [{"image": a} for a in apps], "duration": duration}
        if expect is not None:
            doc["expect"] = expect
        doc.update(extra or {})
        path = os.path.join(self.tmp, f"s{self.n}.json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=2)
        return path

    def run(self, path, *extra, status=0):
        report = path + ".report.json"
        r = subprocess.run([self.bulwark, "run", path, "--build-dir", self.build,
                            "--report", report] + list(extra),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == status, \
            f"{path}: status {r.returncode}, wanted {status}\n{r.stderr[-3000:]}"
        rep = None
        if os.path.exists(report):
            with open(report) as f:
                rep = json.load(f)
        return r, rep

    def load_error(self, path):
        r = subprocess.run([self.bulwark, "run", path, "--build-dir", self.build],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, f"{path}: status {r.returncode}, wanted 2\n{r.stderr}"
        return r.stderr


def lines(uart, pattern):
    return [l for l in uart.split("\n") if re.match(pattern, l)]


@check
def hello_figures(env):
    """hello prints 7 lines (a console write each, finished by an upcall)
    and sleeps 5 times (an alarm upcall each), then exits once."""
    _, rep = env.run(env.scenario(["hello"], "1s"))
    (p,) = rep["processes"]
    printed = len(lines(rep["uart0"], r"^(Hello from hello|hello: )"))
    counts = len(lines(rep["uart0"], r"^hello: count \d+$"))
    assert (printed, counts) == (7, 5), (printed, counts)
    assert p["name"] == "hello" and p["app"] == "hello", p
    assert p["upcalls"] == printed + counts, p
    assert p["syscalls"]["exit"] == 1 and p["syscalls"]["allow_ro"] == 2 * printed, p
    assert p["syscalls"]["yield"] == p["upcalls"], p  # each upcall ends one yield
    assert p["syscalls"]["total"] == sum(v for k, v in p["syscalls"].items() if k != "total")
    assert p["restarts"] == 0 and p["faults"] == 0 and p["state"] == "terminated", p
    # one alarm interrupt (timer 0, IRQ 8) per sleep
    assert rep["irq_latency_cycles_per_irq"]["8"]["count"] == counts, rep["irq_latency_cycles"]
    check_memory(p)
    assert 0 < p["cycles"] < rep["cycles"] * (1 - rep["sleep_fraction"]), p
    return f"hello: {p['syscalls']['total']} syscalls, {p['upcalls']} upcalls"


def check_memory(p):
    lo, size = p["ram_start"], p["ram_bytes"]
    assert size >= 1024 and size & (size - 1) == 0, p
    assert 0 < p["stack_bytes"] <= p["stack_size"] < size, p
    assert lo <= p["stack_lowest_sp"] < lo + p["stack_size"], p
    assert p["stack_lowest_sp"] % 8 == 0, p  # a hardware frame address
    assert 0 <= p["heap_bytes"] < size, p
    # a live process holds grants (console, alarm); a finished one has
    # given them all back
    if p["state"] in ("terminated", "faulted"):
        assert p["grant_bytes"] == 0, p
    else:
        assert 0 < p["grant_bytes"] < size, p


@check
def blink_upcalls(env):
    """blink: one console-write upcall per line, one alarm upcall per 250 ms
    sleep that ended before the run did."""
    _, rep = env.run(env.scenario(["blink"], "1100ms"))
    (p,) = rep["processes"]
    printed = len(lines(rep["uart0"], r"^blink: "))
    blinks = len(lines(rep["uart0"], r"^blink: \d+ led 0 (on|off)$"))
    alarms = rep["irq_latency_cycles_per_irq"]["8"]["count"]
    assert blinks == 5 and alarms in (blinks - 1, blinks), (blinks, alarms)
    assert p["upcalls"] == printed + alarms, (p["upcalls"], printed, alarms)
    check_memory(p)
    return f"blink: {p['upcalls']} upcalls for {printed} lines and {alarms} alarms"


@check
def irq_latency(env):
    _, rep = env.run(env.scenario(["blink"], "600ms"))
    lat, per = rep["irq_latency_cycles"], rep["irq_latency_cycles_per_irq"]
    assert lat["count"] == sum(v["count"] for v in per.values()), (lat, per)
    assert 0 < lat["count"] <= rep["exceptions"]["IRQ"], (lat, rep["exceptions"])
    # exception entry alone takes 12 cycles (README cycle model)
    assert 12 <= lat["min"] <= lat["median"] <= lat["p99"] <= lat["max"], lat
    assert set(per) <= {str(n) for n in range(64)}, per
    return f"irq latency: {lat}"


@check
def whileone_share(env):
    """whileone never yields: nearly all cycles are its own, and the core
    never sleeps; hello still gets its turn."""
    _, rep = env.run(env.scenario(["whileone", "hello"], "1s"))
    w, h = rep["processes"]
    assert rep["sleep_fraction"] < 0.001, rep["sleep_fraction"]
    assert w["cycles"] > 0.95 * rep["cycles"], (w["cycles"], rep["cycles"])
    assert 0 < h["cycles"] < 0.01 * rep["cycles"], h["cycles"]
    assert w["syscalls"]["exit"] == 0 and h["syscalls"]["exit"] == 1
    # hello's sleeps end in switches until it exits; then whileone runs alone
    assert rep["switch_cycles"]["count"] >= 10, rep["switch_cycles"]
    return f"whileone: {w['cycles'] / rep['cycles']:.3f} of the cycles"


@check
def faults_and_restarts(env):
    """crash faults, is restarted 3 times by the default policy, then
    stopped; the others are unaffected."""
    _, rep = env.run(env.scenario(["blink", "crash", "hello"], "2s"))
    byname = {p["name"]: p for p in rep["processes"]}
    c = byname["crash"]
    assert c["faults"] == 4 and c["restarts"] == 3 and c["state"] == "faulted", c
    assert rep["fault_count"] == 4, rep["fault_count"]
    assert byname["blink"]["faults"] == 0 and byname["hello"]["restarts"] == 0
    # each start prints a line and sleeps once (two upcalls) before it
    # faults; a restart resumes at the entry point, which is not an upcall
    starts = len(lines(rep["uart0"], r"^crash: writing to kernel RAM"))
    assert starts == 4 and c["upcalls"] == 2 * starts, (starts, c)
    return f"crash: {c['faults']} faults, {c['restarts']} restarts"


@check
def energy(env):
    _, rep = env.run(env.scenario(["blink"], "500ms"))
    sf, secs = rep["sleep_fraction"], rep["cycles"] / rep["clock_hz"]
    want_ma = 6.0 * (1 - sf) + 0.01 * sf  # sim64's defaults (sim/boards/README.md)
    assert abs(rep["average_current_ma"] - want_ma) < 1e-9, rep["average_current_ma"]
    assert abs(rep["energy_mj"] - want_ma * 3.0 * secs) < 1e-9, rep["energy_mj"]
    with open(os.path.join(env.scenarios, "..", "sim", "boards", "sim64.json")) as f:
        board = json.load(f)
    board["power"] = {"active_ma": 10, "sleep_ma": 1, "volts": 2}
    path = os.path.join(env.tmp, "powered.json")
    with open(path, "w") as f:
        json.dump(board, f)
    _, rep2 = env.run(env.scenario(["blink"], "500ms", board=path))
    want2 = 10 * (1 - rep2["sleep_fraction"]) + 1 * rep2["sleep_fraction"]
    assert abs(rep2["average_current_ma"] - want2) < 1e-9, rep2["average_current_ma"]
    assert abs(rep2["energy_mj"] - want2 * 2 * secs) < 1e-9, rep2["energy_mj"]
    board["power"] = {"active_ma": "lots"}
    with open(path, "w") as f:
        json.dump(board, f)
    err = env.load_error(env.scenario(["blink"], "10ms", board=path))
    assert "power.active_ma: expected a number" in err and "powered.json" in err, err
    return f"energy: {rep['energy_mj']:.4f} mJ, {rep['average_current_ma']:.4f} mA"


@check
def metric_thresholds(env):
    expect = {"metrics": {"switch_cycles.p99": {"max": 100000}, "sleep_fraction": {"max": 0.01},
                          "processes.whileone.cycles": {"min": 1000}}}
    path = env.scenario(["whileone", "hello"], "300ms", expect)
    r, rep = env.run(path)
    assert r.stderr.count("PASS metric ") == 3, r.stderr
    p99 = rep["switch_cycles"]["p99"]
    # the same bound just below what was measured must fail, and say why
    expect["metrics"]["switch_cycles.p99"] = {"min": 1, "max": p99 - 1}
    r, rep = env.run(env.scenario(["whileone", "hello"], "300ms", expect), status=1)
    want = f'FAIL metric "switch_cycles.p99": {p99} (expected min 1, max {p99 - 1})'
    assert want in r.stderr, r.stderr
    assert not rep["passed"] and [e["passed"] for e in rep["expectations"]] == [False, True, True]
    # no switches at all: a bound on them cannot pass
    r, _ = env.run(env.scenario(["hello"], "100ms",
                                {"metrics": {"switch_cycles.max": {"max": 1e9}}}), status=1)
    assert 'FAIL metric "switch_cycles.max": no samples' in r.stderr, r.stderr
    return "metrics pass and fail"


@check
def metric_load_errors(env):
    cases = [({"switch_cycle.p99": {"max": 1}}, "expect.metrics.switch_cycle.p99: unknown metric",
              '"switch_cycle.p99"'),
             ({"sleep_fraction": {"max": 1}, "switch_cycles.p99": {"max": "400"}},
              "expect.metrics.switch_cycles.p99.max: expected a number", '"max": "400"'),
             ({"processes.nobody.cycles": {"min": 1}}, "unknown metric",
              '"processes.nobody.cycles"'),
             ({"syscall_cycles.yield.p99": {"below": 3}},
              "expect.metrics.syscall_cycles.yield.p99.below: unknown key", '"below"'),
             ({"cycles": {}}, "expect.metrics.cycles: expected \"min\", \"max\" or both",
              '"cycles"')]
    for metrics, text, at in cases:
        path = env.scenario(["hello"], "10ms", {"metrics": metrics})
        err = env.load_error(path)
        with open(path) as f:
            src = f.read().split("\n")
        line = next(i for i, l in enumerate(src) if at in l)
        pos = f"{path}:{line + 1}:{src[line].index(at.split(':')[0]) + 1}: "
        assert pos in err and text in err, (err, pos, text)
    err = env.load_error(env.scenario(["hello"], "10ms", {"uart1": {"contain": ["x"]}}))
    assert "expect.uart1.contain: unknown key" in err, err
    err = env.load_error(env.scenario(["hello"], "10ms", {"uart2": {"matches": ["("]}}))
    assert "expect.uart2.matches[0]: expected a POSIX extended regex" in err, err
    return f"{len(cases) + 2} load errors"


UART1_FW = r"""
    .syntax unified
    .thumb
    .text
    .word 0x20001000
    .word _start + 1
    .global _start
    .thumb_func
_start:
    ldr r0, =0x40005000     @ UART1
    movs r1, #16
    str r1, [r0, #0x10]     @ BAUDDIV
    movs r1, #1
    str r1, [r0, #8]        @ CTRL: TXEN
    adr r2, msg
1:  ldrb r1, [r2], #1
    cbz r1, 3f
2:  ldr r3, [r0, #4]        @ STATE: wait while TX full
    lsls r3, r3, #31
    bne 2b
    str r1, [r0]
    b 1b
3:  wfi
    b 3b
    .align 2
msg:
    .asciz "uart1 says 42\n"
"""


@check
def uart1_expectations(env):
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        return "uart1: skipped (no arm-none-eabi-gcc)"
    src, elf = os.path.join(env.tmp, "uart1.S"), os.path.join(env.tmp, "uart1.elf")
    with open(src, "w") as f:
        f.write(UART1_FW)
    subprocess.run([gcc, "-mcpu=cortex-m4", "-mthumb", "-nostdlib", "-Ttext=0", "-o", elf, src],
                   check=True)
    good = {"uart1": {"contains": ["says 42"], "not_contains": ["says 43"],
                      "matches": ["^uart1 says [0-9]+\n$"]},
            "uart2": {"not_contains": ["says"]}}
    trace = os.path.join(env.tmp, "uart1_trace.json")
    r, rep = env.run(env.scenario([], "1ms", good, kernel=elf), "--trace", trace)
    assert rep["uart1"] == "uart1 says 42\n" and rep["uart2"] == "", rep
    with open(trace) as f:
        events = json.load(f)["traceEvents"]
    sent = "".join(chr(e["args"]["byte"]) for e in events if e.get("cat") == "uart1")
    assert sent == "uart1 says 42\n", events
    for what in ("uart1_contains", "uart1_not_contains", "uart1_matches", "uart2_not_contains"):
        assert f"PASS {what} " in r.stderr, r.stderr
    bad = {"uart1": {"contains": ["says 43"]}, "uart2": {"contains": ["says 42"]}}
    r, _ = env.run(env.scenario([], "1ms", bad, kernel=elf), status=1)
    assert 'FAIL uart1_contains "says 43": not in UART1 output' in r.stderr, r.stderr
    assert 'FAIL uart2_contains "says 42": not in UART2 output' in r.stderr, r.stderr
    return "uart1/uart2 expectations"


@check
def trace_processes(env):
    path = env.scenario(["whileone", "hello"], "200ms")
    traces, reports = [], []
    for tag in "ab":
        out = os.path.join(env.tmp, f"trace_{tag}.json")
        _, rep = env.run(path, "--trace", out)
        reports.append(rep)
        with open(out, "rb") as f:
            traces.append(f.read())
    assert traces[0] == traces[1], "two runs gave different traces"
    assert reports[0] == reports[1], "two runs gave different reports"
    events = json.loads(traces[0])["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events if e["ph"] == "M"}
    spans = [e for e in events if e.get("cat") == "process"]
    summary = []
    for p in rep["processes"]:
        tid = next(t for t, n in names.items() if re.match(rf"process \d+ {p['name']}$", n))
        mine = [e for e in spans if e["tid"] == tid]
        assert all(e["name"] == p["name"] and e["ph"] == "X" for e in mine), mine[:3]
        for a, b in zip(mine, mine[1:]):
            assert a["ts"] + a["dur"] <= b["ts"] + 0.001, (a, b)
        # the spans add up to the cycles the report counts (ns rounding)
        total_us = sum(e["dur"] for e in mine)
        cycles_us = p["cycles"] / rep["clock_hz"] * 1e6
        assert abs(total_us - cycles_us) <= 0.002 * len(mine) + 0.001, (total_us, cycles_us)
        summary.append(f"{p['name']} {len(mine)} spans")
    # each timed interrupt's activation carries its latency, as the report counts it
    for irq, stats in rep["irq_latency_cycles_per_irq"].items():
        lat = sorted(e["args"]["latency_cycles"] for e in events
                     if e["ph"] == "X" and e["tid"] == 32 + int(irq) and "args" in e)
        assert (len(lat), lat[0], lat[-1]) == (stats["count"], stats["min"], stats["max"]), \
            (irq, lat[:5], stats)
    return "trace: " + ", ".join(summary)


def main():
    bulwark, scenarios, build = sys.argv[1:4]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        env = Env(bulwark, scenarios, build, tmp)
        for fn in CHECKS:
            try:
                print(f"PASS {fn.__name__}: {fn(env)}")
            except AssertionError as e:
                failed += 1
                print(f"FAIL {fn.__name__}: {e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
