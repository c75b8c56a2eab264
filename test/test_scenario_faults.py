#!/usr/bin/env python3
"""Scenario faults: each applied fault is in the run summary and in the
report's "injected" list, with the bit's value before and after.

usage: test_scenario_faults.py BULWARK SCENARIOS_DIR BUILD_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

bulwark, scenarios, build = sys.argv[1:4]
REGISTER_FAULTS = {
    "bulwark_scenario": 1, "name": "register_flip", "board": "sim64",
    "kernel": "@build/kernel/bulwark-kernel.elf", "apps": [{"image": "blink"}],
    "duration": "100ms",
    "faults": [{"at": "5ms", "register": "r7", "bit": 30},
               {"at": "6ms", "bitflip": {"symbol": "bulwark_kconfig", "bit": 9}},
               {"at": "2s", "register": "r0", "bit": 1}],
    "expect": {"kernel_alive": True},
}

# crash stores to 0x20000000 with `str rX, [rN]` at 0x410d2 (16-bit, Rn in bits 3..5); flipping
# bit 3 makes the base another register: code in flash must run as flipped
FLASH_FAULT = {
    "bulwark_scenario": 1, "name": "flash_flip", "board": "sim64",
    "kernel": "@build/kernel/bulwark-kernel.elf", "apps": [{"image": "blink"}, {"image": "crash"}],
    "duration": "300ms", "faults": [{"at": "150ms", "bitflip": {"address": 0x410d2, "bit": 3}}],
}


def run(scenario, outdir, full=False):
    report = os.path.join(outdir, "report.json")
    r = subprocess.run([bulwark, "run", scenario, "--build-dir", build, "--report", report],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120)
    with open(report) as f:
        rep = json.load(f)
    return (r, rep["injected"], rep["faults"]) if full else (r, rep["injected"])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        r, inj = run(os.path.join(scenarios, "bitflip_ram.json"), tmp)
        assert r.returncode == 0, r.stderr
        assert "injected: bitflip 0x20003000 bit 3 at 20.000 ms" in r.stderr, r.stderr
        assert len(inj) == 1 and inj[0]["address"] == 0x20003000 and inj[0]["bit"] == 3, inj
        assert inj[0]["before"] ^ inj[0]["after"] == 8 and inj[0]["cycle"] == 64000 * 20, inj
        path = os.path.join(tmp, "register.json")
        with open(path, "w") as f:
            json.dump(REGISTER_FAULTS, f)
        r, inj = run(path, tmp)
        assert r.returncode == 0, r.stderr
        assert "injected: register r7 bit 30 at 5.000 ms" in r.stderr, r.stderr
        # a fault after the end of the run is never applied
        assert [i["kind"] for i in inj] == ["register", "bitflip"], inj
        assert inj[0]["register"] == "r7" and inj[0]["before"] ^ inj[0]["after"] == 1 << 30, inj
        assert inj[1]["bit"] == 1 and inj[1]["before"] ^ inj[1]["after"] == 2, inj
        path = os.path.join(tmp, "flash.json")
        with open(path, "w") as f:
            json.dump(FLASH_FAULT, f)
        r, inj, faults = run(path, tmp, full=True)
        assert r.returncode == 0 and len(inj) == 1, r.stderr
        addrs = [(f["cycle"] < inj[0]["cycle"], f["address"]) for f in faults]
        assert (True, 0x20000000) in addrs and (False, 0xDEADBEEF) in addrs, addrs
        assert (False, 0x20000000) not in addrs, addrs
    print("PASS scenario faults")


main()
