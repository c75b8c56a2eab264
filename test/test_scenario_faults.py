#!/usr/bin/env python3
"""Scenario faults: each applied fault is in the run summary and in the
report's "injected" list with its kind, has the effect a user would see
(a process faults and restarts, an image is refused, a UART goes quiet, the
kernel boots twice), faults that cannot be applied are reported as skipped,
random draws repeat per seed, and bad fault specs are load errors.

usage: test_scenario_faults.py BULWARK SCENARIOS_DIR BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

bulwark, scenarios, build = sys.argv[1:4]
KERNEL = "@build/kernel/bulwark-kernel.elf"


def scenario(name, apps, duration, faults, **extra):
    s = {"bulwark_scenario": 1, "name": name, "board": "sim64", "kernel": KERNEL,
         "apps": [{"image": a} for a in apps], "duration": duration, "faults": faults}
    s.update(extra)
    return s


REGISTER_FAULTS = scenario(
    "register_flip", ["blink"], "100ms",
    [{"at": "5ms", "register": "r7", "bit": 30},
     {"at": "6ms", "bitflip": {"symbol": "bulwark_kconfig", "bit": 9}},
     {"at": "2s", "register": "r0", "bit": 1}],
    expect={"kernel_alive": True})

# crash stores to 0x20000000 with `str rX, [rN]` at 0x410d2 (16-bit, Rn in bits 3..5); flipping
# bit 3 makes the base another register: code in flash must run as flipped
FLASH_FAULT = scenario("flash_flip", ["blink", "crash"], "300ms",
                       [{"at": "150ms", "bitflip": {"address": 0x410d2, "bit": 3}}])


class Run:
    """One `bulwark run` of a spec (written to tmp) or, with file=, of a scenario file."""

    def __init__(self, tmp, spec, *args, file=None):
        path = file
        if path is None:
            path = os.path.join(tmp, spec["name"] + ".json")
            with open(path, "w") as f:
                json.dump(spec, f)
        self.exec(path, tmp, *args)

    def exec(self, path, tmp, *args):
        report = os.path.join(tmp, "report.json")
        if os.path.exists(report):
            os.unlink(report)
        r = subprocess.run([bulwark, "run", path, "--build-dir", build, "--report", report,
                            *args], capture_output=True, text=True, timeout=120)
        self.status, self.out, self.err = r.returncode, r.stdout, r.stderr
        self.rep = None
        if os.path.exists(report):
            with open(report) as f:
                self.rep = json.load(f)

    def injected(self):
        return self.rep["injected"]

    def lines(self, prefix):
        return [line for line in self.err.splitlines() if line.startswith(prefix)]


def loaded_ram(out, app):
    m = re.search(r"\[kernel\] loaded %s: flash 0x([0-9a-f]+)-0x[0-9a-f]+, RAM 0x([0-9a-f]+)" % app,
                  out)
    assert m, out
    return int(m.group(1), 16), int(m.group(2), 16)


def test_timed_flips(tmp):
    r = Run(tmp, None, file=os.path.join(scenarios, "bitflip_ram.json"))
    assert r.status == 0, r.err
    assert "injected: bitflip 0x20003000 bit 3 at 20.000 ms" in r.err, r.err
    inj = r.injected()
    assert len(inj) == 1 and inj[0]["address"] == 0x20003000 and inj[0]["bit"] == 3, inj
    assert inj[0]["before"] ^ inj[0]["after"] == 8 and inj[0]["cycle"] == 64000 * 20, inj
    r = Run(tmp, REGISTER_FAULTS)
    assert r.status == 0, r.err
    assert "injected: register r7 bit 30 at 5.000 ms" in r.err, r.err
    inj = r.injected()
    # a fault after the end of the run is never applied
    assert [i["kind"] for i in inj] == ["register", "bitflip"], inj
    assert inj[0]["register"] == "r7" and inj[0]["before"] ^ inj[0]["after"] == 1 << 30, inj
    assert inj[1]["bit"] == 1 and inj[1]["before"] ^ inj[1]["after"] == 2, inj
    r = Run(tmp, FLASH_FAULT)
    assert r.status == 0 and len(r.injected()) == 1, r.err
    addrs = [(f["cycle"] < r.injected()[0]["cycle"], f["address"]) for f in r.rep["faults"]]
    assert (True, 0x20000000) in addrs and (False, 0xDEADBEEF) in addrs, addrs
    assert (False, 0x20000000) not in addrs, addrs


def test_regions(tmp):
    # hello's .data holds its name pointer at byte 0x44 (after the GOT): flipping bit 0 makes
    # it print its name from one byte further on
    spec = scenario("regions", ["blink", "hello"], "400ms", [
        {"at": "150ms", "bitflip": {"region": "app:hello data", "offset": 0x44, "bit": 0}},
        {"at": "160ms", "bitflip": {"region": "app:hello ram", "offset": 16, "bit": 9}},
        {"at": "170ms", "bitflip": {"symbol": "__data_start", "bit": 9}},
        {"at": "170ms", "bitflip": {"region": "kernel data", "offset": 1, "bit": 1}},
        {"at": "172ms", "bitflip": {"region": "kernel stack", "offset": 0, "bit": 0}},
        {"at": "180ms", "bitflip": {"region": "app:blink flash", "offset": 0x1000, "bit": 0}},
        {"at": "190ms", "bitflip": {"region": "app:blink grant", "offset": 4096, "bit": 0}}])
    r = Run(tmp, spec)
    assert r.status == 0, r.err
    assert "hello: count 1" in r.out and re.search(r"^ello: count [23]$", r.out, re.M), r.out
    _, ram = loaded_ram(r.out, "hello")
    inj = r.injected()
    assert [i["kind"] for i in inj] == ["bitflip"] * 5, inj
    assert inj[1]["address"] == ram + 17 and inj[1]["bit"] == 1, inj
    assert "bitflip app:hello ram+0x10 (0x%08x) bit 9 at 160.000 ms" % (ram + 16) in r.err, r.err
    # the same bit twice, before any code runs (the second puts it back): the kernel's data
    # region starts at its __data_start
    assert inj[3]["address"] == inj[2]["address"] and inj[3]["bit"] == inj[2]["bit"], inj
    assert inj[3]["after"] == inj[2]["before"], inj
    assert 0x20000000 <= inj[4]["address"] < ram, inj
    skipped = r.rep["skipped"]
    assert [s["what"].split(" bit")[0] for s in skipped] == [
        "bitflip app:blink flash", "bitflip app:blink grant"], skipped
    assert "past the end of app:blink flash (4096 bytes)" in skipped[0]["reason"], skipped
    assert r.lines("skipped: bitflip app:blink flash bit 0 at 180.000 ms because byte 4096"), r.err


def test_boot_corruption(tmp):
    # bit 4 of the TBF flags word: the header checksum no longer matches
    spec = scenario("boot", ["hello", "blink"], "300ms", [
        {"at": "boot", "bitflip": {"region": "app:hello flash", "offset": 8, "bit": 4}},
        {"at": "100ms", "bitflip": {"region": "app:hello ram", "offset": 0, "bit": 0}}])
    r = Run(tmp, spec)
    assert r.status == 0, r.err
    assert re.search(r"\[kernel\] image 0 at 0x[0-9a-f]+ \(hello\): skipped: bad header checksum",
                     r.out), r.out
    assert "Hello from hello" not in r.out and "blink: 1 led 0 on" in r.out, r.out
    inj = r.injected()
    assert inj[0]["cycle"] == 0 and inj[0]["before"] ^ inj[0]["after"] == 0x10, inj
    assert "(before boot) at 0.000 ms" in r.err, r.err
    assert "app hello is not loaded" in r.rep["skipped"][0]["reason"], r.rep["skipped"]
    spec["faults"] = spec["faults"][1:]
    r = Run(tmp, spec)
    assert "Hello from hello" in r.out and not r.rep["skipped"], r.out


def test_process_fault(tmp):
    spec = scenario("process_fault", ["blink", "hello"], "800ms", [
        {"at": "100ms", "process_fault": "blink"},
        {"at": "750ms", "process_fault": "hello"}],
        expect={"process_state": {"blink": "running", "hello": "exited"},
                "restarts": {"blink": 1, "hello": 0}, "kernel_alive": True})
    r = Run(tmp, spec)
    assert r.status == 0, r.err + r.out
    assert "[kernel] process blink faulted" in r.out and "UNDEFINSTR" in r.out, r.out
    assert "hello: done after 5 lines" in r.out, r.out
    inj = r.injected()
    assert len(inj) == 1 and inj[0]["kind"] == "process_fault", inj
    faults = r.rep["faults"]
    assert len(faults) == 1 and faults[0]["app"] == "blink", faults
    assert faults[0]["pc"] == inj[0]["address"] and faults[0]["cause"] == "UsageFault", faults
    # blink sleeps 250 ms between lines: the fault waits for it to run
    assert inj[0]["cycle"] > 64000 * 250, inj
    assert r.lines("skipped: process_fault hello at 750.000 ms because the process did not run"), \
        r.err
    # whileone is always running: the fault strikes at once, at the first
    # instruction boundary from 100 ms on (its loop is one 3-cycle branch,
    # whose phase depends on how long the kernel's own paths took)
    r = Run(tmp, scenario("process_fault_now", ["whileone"], "200ms",
                          [{"at": "100ms", "process_fault": "whileone"}]))
    assert 64000 * 100 <= r.injected()[0]["cycle"] < 64000 * 100 + 3, r.injected()
    assert "[kernel] whileone restarted" in r.out, r.out


def blink_lines(out):
    return [int(n) for n in re.findall(r"^blink: (\d+) led \d", out, re.M)]


def test_peripherals(tmp):
    spec = scenario("periph", ["blink"], "1200ms", [])
    base = Run(tmp, spec)
    assert blink_lines(base.out) == [1, 2, 3, 4, 5], base.out
    base_irqs = base.rep["exceptions"]["IRQ"]
    for mode in ["dead", "stuck"]:
        spec["faults"] = [{"at": "300ms", "peripheral": {"device": "uart0", "mode": mode,
                                                         "for": "400ms"}}]
        r = Run(tmp, spec)
        assert r.status == 0, r.err
        # the line due at 500 ms is lost; output comes back once the device does
        assert blink_lines(r.out) == [1, 2, 4, 5], (mode, r.out)
        assert r.injected()[0]["kind"] == "peripheral", r.injected()
        assert "injected: peripheral uart0 %s for 400 ms at 300.000 ms" % mode in r.err, r.err
    spec["faults"] = [{"at": "300ms", "peripheral": {"device": "uart0", "mode": "dead"}}]
    r = Run(tmp, spec)
    assert blink_lines(r.out) == [1, 2], r.out
    spec["faults"] = [{"at": "300ms", "peripheral": {"device": "timer0", "mode": "irq_flood",
                                                     "for": "2ms"}}]
    r = Run(tmp, spec)
    assert r.rep["exceptions"]["IRQ"] > base_irqs + 1000, (base_irqs, r.rep["exceptions"])
    assert blink_lines(r.out) == [1, 2, 3, 4, 5], r.out
    # at a rate: one interrupt per 100 us for 10 ms
    spec["faults"][0]["peripheral"].update({"period": "100us", "for": "10ms"})
    r = Run(tmp, spec)
    assert "injected: peripheral timer0 irq_flood every 0.1 ms for 10 ms" in r.err, r.err
    extra = r.rep["exceptions"]["IRQ"] - base_irqs
    assert 90 <= extra <= 101, (base_irqs, r.rep["exceptions"])


def test_brownout(tmp):
    for ram in ["retained", "cleared", "random"]:
        spec = scenario("brownout", ["blink", "hello"], "500ms",
                        [{"at": "300ms", "brownout": {"ram": ram}}], seed=3)
        r = Run(tmp, spec)
        assert r.status == 0, r.err
        assert r.out.count("[kernel] Bulwark kernel") == 2, r.out
        assert r.out.count("[kernel] loaded hello") == 2, r.out
        boot2 = r.out.rindex("[kernel] Bulwark kernel")
        assert "Hello from hello" in r.out[boot2:], r.out
        assert r.injected()[0]["kind"] == "brownout", r.injected()
        assert "injected: brownout (RAM %s) at 300.000 ms" % ram in r.err, r.err


TEMPLATES = [{"register": "any"},
             {"bitflip": {"region": "app:blink ram"}},
             {"bitflip": {"address": "0x20000100"}},
             {"process_fault": "hello"}]


def test_random(tmp):
    spec = scenario("random", ["blink", "hello"], "300ms", [], seed=1,
                    random_faults={"count": 6, "window": ["10ms", "250ms"],
                                   "faults": TEMPLATES})
    draws, reports = {}, []
    for seed in ["1", "1", "2"]:
        r = Run(tmp, spec, "--seed", seed)
        assert r.status == 0, r.err
        whats = [i["what"] for i in r.injected()] + [s["what"] for s in r.rep["skipped"]]
        assert len(whats) == 6 and all("(drawn, seed %s)" % seed in w for w in whats), whats
        assert all(10 * 64000 <= i["cycle"] for i in r.injected()), r.injected()
        draws.setdefault(seed, []).append(sorted(whats))
        reports.append(r.rep)
    assert draws["1"][0] == draws["1"][1] and reports[0] == reports[1], draws
    assert draws["1"][0] != draws["2"][0], draws


# (JSON text, what the reported column points at, expected "path: message" fragment); the
# text is the third line of the file, after one space
BAD = [
    ('"faults": [{"at": "1ms", "bitflip": {"region": "app:nope ram", "offset": 0, "bit": 0}}]',
     '"app:nope', "faults[0].bitflip.region: expected the name of one of the scenario's apps"),
    ('"faults": [{"at": "1ms", "bitflip": {"region": "app:blink lungs", "offset": 0, "bit": 0}}]',
     '"app:blink', 'faults[0].bitflip.region: expected "app:NAME stack|data|heap|grant|ram|flash"'),
    ('"faults": [{"at": "1ms", "bitflip": {"address": 0, "offset": 0, "bit": 0}}]',
     '"offset"', 'faults[0].bitflip.offset: "offset" goes with "region"'),
    ('"faults": [{"at": "boot", "register": "r0", "bit": 0}]',
     '"boot"', 'faults[0].at: only a "bitflip" can be applied at "boot"'),
    ('"faults": [{"at": "boot", "bitflip": {"region": "app:blink ram", "offset": 0, "bit": 0}}]',
     '"boot"', 'faults[0].at: at "boot" a region must be "app:NAME flash"'),
    ('"faults": [{"at": "1ms", "process_fault": "nope"}]',
     '"nope"', "faults[0].process_fault: expected the name of one of the scenario's apps"),
    ('"faults": [{"at": "1ms", "peripheral": {"device": "uart0", "mode": "sad"}}]',
     '"sad"', 'faults[0].peripheral.mode: expected one of "dead", "stuck", "irq_flood"'),
    ('"faults": [{"at": "1ms", "peripheral": {"device": "uart9", "mode": "dead"}}]',
     '"uart9"', 'faults[0].peripheral.device: board sim64 has no device "uart9"'),
    ('"faults": [{"at": "1ms", "peripheral": {"device": "uart0", "mode": "dead", "period": "1ms"}}]',
     '"period"', 'faults[0].peripheral.period: "period" goes with mode "irq_flood"'),
    ('"faults": [{"at": "1ms", "brownout": {"ram": "lost"}}]',
     '"lost"', 'faults[0].brownout.ram: expected one of "retained", "cleared", "random"'),
    ('"faults": [{"at": "1ms", "brownout": {}, "process_fault": "blink"}]',
     '{"at"', 'faults[0]: expected exactly one of "bitflip", "register"'),
    ('"random_faults": {"count": 2, "window": ["5ms", "1ms"], "faults": [{"brownout": {}}]}',
     '["5ms"', "random_faults.window: expected FROM <= TO"),
    ('"random_faults": {"count": 2, "window": ["1ms", "5ms"], "faults": [{"at": "1ms", '
     '"brownout": {}}]}', '"at"', "random_faults.faults[0].at: unknown key"),
]


def test_bad_specs(tmp):
    path = os.path.join(tmp, "bad.json")
    for text, at, want in BAD:
        with open(path, "w") as f:
            f.write('{"bulwark_scenario": 1, "name": "bad", "board": "sim64",\n'
                    ' "kernel": "%s", "apps": [{"image": "blink"}], "duration": "10ms",\n'
                    ' %s}\n' % (KERNEL, text))
        r = subprocess.run([bulwark, "run", path, "--build-dir", build], capture_output=True,
                           text=True, timeout=60)
        where = "%s:3:%d: " % (path, text.index(at) + 2)
        assert r.returncode == 2 and where + want in r.stderr, (text, r.returncode, r.stderr,
                                                                 where + want)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for test in [test_timed_flips, test_regions, test_boot_corruption, test_process_fault,
                     test_peripherals, test_brownout, test_random, test_bad_specs]:
            test(tmp)
            print("PASS", test.__name__)
    print("PASS scenario faults")


main()
