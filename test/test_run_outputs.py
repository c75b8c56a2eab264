#!/usr/bin/env python3
"""--junit, --trace and --vcd of `bulwark run SCENARIO.json`, checked with the
standard library only.

usage: test_run_outputs.py BULWARK SCENARIOS_DIR BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def run(bulwark, scenario, build, outdir, tag, extra):
    files = {k: os.path.join(outdir, f"{tag}.{k}") for k in ("xml", "json", "vcd")}
    args = [bulwark, "run", scenario, "--build-dir", build, "--quiet",
            "--junit", files["xml"], "--trace", files["json"], "--vcd", files["vcd"]] + extra
    r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       timeout=120)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(args)} exited {r.returncode}\n{r.stderr}")
    return files


def check_junit(path, scenario):
    with open(scenario) as f:
        expect = json.load(f)["expect"]
    # one verdict per listed item for list-valued keys, one per other key
    wanted = sum(max(len(v), 1) if isinstance(v, list) else 1 for v in expect.values())
    suite = ET.parse(path).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == wanted, f"{len(cases)} testcases, {wanted} expectations"
    assert suite.get("tests") == str(wanted) and suite.get("failures") == "0", suite.attrib
    assert all(c.find("failure") is None for c in cases)
    return len(cases)


def check_trace(path, kinds):
    with open(path) as f:
        events = json.load(f)["traceEvents"]
    last = {}
    seen = set()
    for e in events:
        assert e["pid"] == 1 and isinstance(e["tid"], int), e
        if e["ph"] == "M":
            continue
        assert e["ts"] >= last.get(e["tid"], 0), f"ts goes back on track {e['tid']}: {e}"
        last[e["tid"]] = e["ts"]
        seen.add((e["ph"], e.get("cat")))
    missing = kinds - seen
    assert not missing, f"no events of kind {missing} in {path}"
    return len(events)


def check_vcd(path, leds):
    with open(path) as f:
        text = f.read()
    header, body = text.split("$enddefinitions $end", 1)
    assert re.search(r"\$timescale\s+1\s*ns\s+\$end", header), "no $timescale"
    ids = dict((m.group(2), m.group(1)) for m in
               re.finditer(r"\$var wire \d+ (\S) (\w+)", header))
    for name in [f"led{i}" for i in range(leds)] + ["uart0"]:
        assert name in ids, f"no $var for {name}"
    led_ids = {ids[f"led{i}"] for i in range(leds)}
    now, times, changes = -1, [], 0
    for line in body.split("\n"):
        if line.startswith("#"):
            t = int(line[1:])
            assert t > now, f"time {t} after {now}"
            now = t
            times.append(t)
        elif len(line) == 2 and line[0] in "01" and line[1] in led_ids and now > 0:
            changes += 1
    assert changes >= 2, f"only {changes} LED changes after time 0"
    return changes


def check_reader_gone(bulwark, scenario, build, outdir):
    """stdout's reader leaving at once (`| head -1`) must not stop the run
    from finishing and writing its report."""
    report = os.path.join(outdir, "gone.json")
    r_fd, w_fd = os.pipe()
    os.close(r_fd)
    p = subprocess.run([bulwark, "run", scenario, "--build-dir", build, "--report", report],
                       stdout=w_fd, stderr=subprocess.PIPE, text=True, timeout=120)
    os.close(w_fd)
    assert p.returncode == 0, f"exit {p.returncode} with stdout's reader gone: {p.stderr}"
    with open(report) as f:
        assert json.load(f)["passed"] is True


def main():
    bulwark, scenarios, build = sys.argv[1:4]
    blink = os.path.join(scenarios, "blink.json")
    with tempfile.TemporaryDirectory() as out:
        a = run(bulwark, blink, build, out, "a", [])
        b = run(bulwark, blink, build, out, "b", [])
        cases = check_junit(a["xml"], blink)
        n = check_trace(a["json"], {("X", "exception"), ("C", "leds"), ("i", "uart0")})
        with open(a["json"], "rb") as fa, open(b["json"], "rb") as fb:
            assert fa.read() == fb.read(), "two runs gave different traces"
        changes = check_vcd(a["vcd"], 8)
        crash = os.path.join(scenarios, "fault_isolation.json")
        c = run(bulwark, crash, build, out, "c", [])
        check_trace(c["json"], {("i", "fault"), ("X", "exception")})
        check_reader_gone(bulwark, blink, build, out)
    print(f"ok: {cases} testcases, {n} trace events (identical twice), {changes} LED changes")


if __name__ == "__main__":
    main()
