#!/usr/bin/env python3
"""`bulwark campaign` and the campaign side of `bulwark test`: runs whose
class is known (a flip in unused RAM is masked, a forced fault in one app is
contained, a wild kernel pc panics, a dead kernel timer hangs, a flipped
kernel variable spreads, a flipped app variable is silent corruption, a
flood of interrupts that only costs time is masked, an app's jump into the
kernel's flash is contained), faults due exactly at the end or skipped,
the same report bytes from two invocations and from one, two or three
worker processes (also with fault times cycles apart), --replay giving each
run's class and the very UART0 output that `bulwark run` gives with the
same fault written into the scenario, a run or the whole campaign killed
from outside, stdout closed early, bad options and campaign specs as
errors, and `bulwark test --junit --report-dir` over campaign scenarios.

usage: test_campaign.py BULWARK SCENARIOS_DIR BUILD_DIR
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

bulwark, scenarios, build = sys.argv[1:4]
KERNEL = "@build/kernel/bulwark-kernel.elf"
SHIPPED = os.path.join(scenarios, "campaign_bitflip_app_ram.json")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def spec(name, template, window=("300ms", "300ms"), **extra):
    s = {"bulwark_scenario": 1, "name": name, "board": "sim64", "kernel": KERNEL,
         "apps": [{"image": "blink"}, {"image": "crash"}, {"image": "hello"}],
         "duration": "1s",
         "random_faults": {"count": 1, "window": list(window), "faults": [template]}}
    s.update(extra)
    return s


def write(tmp, s, name=None):
    path = os.path.join(tmp, (name or s["name"]) + ".json")
    with open(path, "w") as f:
        json.dump(s, f, indent=1)
    return path


def campaign(path, *args):
    r = subprocess.run([bulwark, "campaign", path, "--build-dir", build, *args],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout, r.stderr


def report_of(tmp, path, *args):
    rep = os.path.join(tmp, "report.json")
    if os.path.exists(rep):
        os.unlink(rep)
    status, out, err = campaign(path, "--report", rep, *args)
    raw = open(rep, "rb").read() if os.path.exists(rep) else None
    return status, out, err, json.loads(raw) if raw else None, raw


KNOWN = [
    # nothing lives at 0x2000c000 (above every app's RAM block)
    ("unused_ram", {"bitflip": {"address": "0x2000c000", "bit": 0}}, "masked", "none"),
    # the next instruction blink runs faults: the kernel restarts blink only
    ("forced_fault", {"process_fault": "blink"}, "contained", "blink"),
    # at 300 ms the core sleeps in the kernel: pc 0x4xxxxxxx is execute-never
    ("kernel_pc", {"register": "pc", "bit": 30}, "kernel_panic", "kernel"),
    # the kernel's time base (timer1) dies: no alarm ever fires again
    ("dead_timer", {"peripheral": {"device": "timer1", "mode": "dead"}}, "hang", "none"),
    # the console's transmit index (by name: kernel changes move its offset):
    # crash's fault handling goes differently
    ("kernel_var", {"bitflip": {"symbol": "tx_head", "bit": 8}},
     "spread", "kernel", ("385ms", "385ms")),
    # the core sleeps in the kernel at 300 ms: r10 is not live there
    ("kernel_reg", {"register": "r10", "bit": 13}, "masked", "kernel"),
    # the kernel's timer interrupt floods for 3 ms: work, no other output
    ("timing_only", {"peripheral": {"device": "timer1", "mode": "irq_flood", "for": "3ms"}},
     "masked", "none", ("245ms", "245ms")),
    # one of blink's variables: no fault, but blink prints other lines
    ("blink_var", {"bitflip": {"region": "app:blink data", "offset": 34, "bit": 9}},
     "silent_corruption", "blink", ("450ms", "450ms")),
]


def test_known_classes(tmp):
    for case in KNOWN:
        name, template, cls, target = case[:4]
        window = case[4] if len(case) > 4 else ("300ms", "300ms")
        status, out, err, rep, _ = report_of(tmp, write(tmp, spec(name, template, window)),
                                             "--runs", "2")
        got = [(r["class"], r["target"]) for r in rep["run_list"]] if rep else []
        check(status == 0 and got == [(cls, target)] * 2,
              f"{name}: both runs {cls} in {target} (got {got}, status {status})")
        row = re.search(r"^%s\s+2\s+100\.0%%$" % cls, out, re.M)
        check(row is not None, f"{name}: the table counts 2 runs {cls}, 100.0%")
        check(rep is not None and rep["classes"][cls] == 2 and rep["golden"]["end"] ==
              "time_limit", f"{name}: report classes and golden run")


def test_not_applied(tmp):
    s = spec("late", {"register": "r0"}, ("2s", "3s"))
    status, out, err, rep, _ = report_of(tmp, write(tmp, s), "--runs", "2")
    runs = rep["run_list"] if rep else []
    check(status == 0 and len(runs) == 2 and all(
        r["class"] == "masked" and r["fault"] == "" and r["cycle"] is None and
        r["target"] == "none" and r["reason"].startswith("not applied") for r in runs),
        "a fault due after the end is never applied: masked, no fault listed")


def test_wild_jump(tmp):
    """whileone's pc flipped into the kernel's flash (0x400c0 -> 0xc0): the
    MPU stops the fetch, the kernel restarts whileone.  The fault is at a
    pc in the kernel's code, but whileone took it: contained, not spread."""
    s = spec("wild_jump", {"register": "pc", "bit": 18}, ("250ms", "250ms"),
             apps=[{"image": "whileone"}, {"image": "hello"}])
    status, out, err, rep, _ = report_of(tmp, write(tmp, s), "--runs", "1")
    run = rep["run_list"][0] if rep else {}
    check(status == 0 and run.get("class") == "contained" and run.get("target") == "whileone",
          f"a jump into the kernel's flash is the jumping app's fault ({run})")


def test_edge_times(tmp):
    """A fault due exactly at the end is applied there, as `bulwark run`
    applies it; a fault that is due but skipped (hello has exited by 800 ms,
    so it never runs again) hits nothing."""
    s = spec("at_end", {"register": "r0", "bit": 3}, ("1s", "1s"))
    status, out, err, rep, _ = report_of(tmp, write(tmp, s), "--runs", "1")
    run = rep["run_list"][0] if rep else {}
    check(status == 0 and run.get("cycle") == 64000000 and run.get("class") == "masked" and
          run.get("target") == "kernel", f"fault due at the end: applied at it, masked ({run})")
    plain = dict(s, faults=[{"at": "1s", "register": "r0", "bit": 3}])
    del plain["random_faults"]
    r = subprocess.run([bulwark, "run", write(tmp, plain, "at_end_plain"), "--build-dir", build,
                        "--report", os.path.join(tmp, "plain.json")], capture_output=True,
                       timeout=60)
    injected = json.load(open(os.path.join(tmp, "plain.json")))["injected"] \
        if r.returncode == 0 else []
    check([i["cycle"] for i in injected] == [64000000], "bulwark run applies it there too")
    s = spec("skipped", {"process_fault": "hello"}, ("800ms", "800ms"))
    status, out, err, rep, _ = report_of(tmp, write(tmp, s), "--runs", "1")
    run = rep["run_list"][0] if rep else {}
    check(status == 0 and run.get("class") == "masked" and run.get("fault") == "" and
          run.get("target") == "none", f"a skipped fault: masked, no fault, target none ({run})")


def children(pid):
    """Process ids whose parent is pid (from /proc)."""
    found = []
    for d in os.listdir("/proc"):
        try:
            with open(f"/proc/{d}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(d))
    return found


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def alive(pid):
    return state(pid) not in ("Z", "gone")


def kill_one_run(pid):
    """Stop, then kill, a run still going (one that already ended is left be)."""
    os.kill(pid, signal.SIGSTOP)
    deadline = time.time() + 1
    while state(pid) not in ("T", "Z", "gone") and time.time() < deadline:
        time.sleep(0.001)
    if state(pid) != "T":
        return False
    os.kill(pid, signal.SIGKILL)
    return True


def start_long(tmp, runs):
    """The campaign's stdout goes to a file: a worker left running would
    hold a pipe open and keep its reader waiting."""
    rep, out = os.path.join(tmp, "long.json"), open(os.path.join(tmp, "long.out"), "w+")
    err = open(os.path.join(tmp, "long.err"), "w+")
    p = subprocess.Popen([bulwark, "campaign", SHIPPED, "--build-dir", build, "--runs", str(runs),
                          "--jobs", "2", "--report", rep], stdout=out, stderr=err)
    p.out, p.err = out, err
    workers, deadline = [], time.time() + 20
    while len(workers) < 2 and time.time() < deadline:
        workers = children(p.pid)
    return p, workers, rep


def test_killed_run(tmp):
    """A run killed from outside is an error: exit 3, the run listed as
    `error`, the others classified, no hang."""
    p, workers, rep = start_long(tmp, 60)
    victim, deadline = None, time.time() + 20
    while victim is None and time.time() < deadline:
        for run in [r for w in workers for r in children(w)]:
            if kill_one_run(run):
                victim = run
                break
    p.wait(timeout=120)
    p.out.seek(0)
    out = p.out.read()
    data = json.load(open(rep)) if os.path.exists(rep) else {}
    errors = [r for r in data.get("run_list", []) if r["class"] == "error"]
    check(victim is not None and p.returncode == 3 and re.search(r"^error\s+1 ", out, re.M) and
          len(errors) == 1 and errors[0]["target"] == "none" and
          errors[0]["reason"] == "simulator error: the run crashed",
          f"a killed run: exit 3 ({p.returncode}), one error run ({errors})")


def test_killed_worker(tmp):
    """A worker killed from outside: exit 3 naming it, no table, no hang."""
    p, workers, rep = start_long(tmp, 60)
    if workers:
        os.kill(workers[0], signal.SIGKILL)
    p.wait(timeout=120)
    p.out.seek(0)
    p.err.seek(0)
    err = p.err.read()
    check(len(workers) == 2 and p.returncode == 3 and "campaign worker 0 failed" in err and
          "masked" not in p.out.read(), f"a killed worker: exit 3 ({p.returncode}), {err!r}")


def test_killed_campaign(tmp):
    """Killing the campaign itself leaves none of its workers running (they
    would need a minute for their 5000 runs)."""
    p, workers, rep = start_long(tmp, 5000)
    p.kill()
    p.wait(timeout=30)
    deadline = time.time() + 2
    while any(alive(w) for w in workers) and time.time() < deadline:
        time.sleep(0.05)
    check(len(workers) == 2 and not any(alive(w) for w in workers),
          f"killing the campaign ends its workers ({workers})")
    for pid in [r for w in workers for r in children(w)] + workers:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_stdout_closed(tmp):
    """A reader that leaves early (`| head -1`): the report is still written.
    ("--runs 010" is ten runs: numbers are decimal.)"""
    rep = os.path.join(tmp, "closed.json")
    r, w = os.pipe()
    os.close(r)
    p = subprocess.run([bulwark, "campaign", SHIPPED, "--build-dir", build, "--runs", "010",
                        "--report", rep], stdout=w, stderr=subprocess.PIPE, timeout=60)
    os.close(w)
    check(p.returncode == 0 and os.path.exists(rep) and
          len(json.load(open(rep))["run_list"]) == 10,
          f"stdout closed: exit {p.returncode}, the report of 10 runs written anyway")


def test_determinism(tmp):
    args = ("--runs", "24", "--seed", "7")
    a = report_of(tmp, SHIPPED, *args, "--jobs", "2")
    b = report_of(tmp, SHIPPED, *args, "--jobs", "2")
    c = report_of(tmp, SHIPPED, *args, "--jobs", "1")
    text = [x[4] for x in (a, b, c)]
    check(a[0] == 0 and a[3] is not None and len(a[3]["run_list"]) == 24,
          "shipped campaign: 24 runs reported")
    check(text[0] is not None and text[0] == text[1],
          "same scenario and seed: the same report bytes")
    check(text[0] == text[2], "one worker or two: the same report bytes")
    check(a[1] == b[1] == c[1], "same scenario and seed: the same table")
    check("runs/s" in a[2] and "runs/s" not in a[1] and b"runs/s" not in text[0],
          "runs per second on standard error only")
    # fault times a few cycles apart, many in the same translated block: one
    # worker stops its line at each of them, three workers at a third each
    near = write(tmp, spec("near", {"register": "any"}, ("250ms", "250.003ms")))
    one, three = (report_of(tmp, near, "--runs", "16", "--seed", "5", "--jobs", j)
                  for j in ("1", "3"))
    cycles = {r["cycle"] for r in one[3]["run_list"]} if one[3] else set()
    check(one[4] is not None and one[4] == three[4] and len(cycles) == 16,
          f"faults cycles apart: one worker or three, the same report bytes ({sorted(cycles)})")
    d = report_of(tmp, SHIPPED, "--runs", "24", "--seed", "8")
    check(d[3] is not None and [r["seed"] for r in d[3]["run_list"]] !=
          [r["seed"] for r in a[3]["run_list"]], "another seed: other runs")
    return a[3]


def explicit(tmp, path, run):
    """The campaign's scenario with run's fault written as a plain timed fault."""
    s = json.load(open(path))
    s["kernel"] = KERNEL
    for key in ("random_faults", "campaign", "expect"):
        s.pop(key, None)
    m = re.search(r"\((0x[0-9a-f]+)\) bit (\d+)", run["fault"])
    r = re.match(r"register (\w+) bit (\d+)", run["fault"])
    fault = {"bitflip": {"address": m.group(1), "bit": int(m.group(2))}} if m else \
        {"register": r.group(1), "bit": int(r.group(2))}
    s["faults"] = [dict(fault, at="%dcycles" % run["cycle"])]
    return write(tmp, s, "explicit")


def test_replay(tmp, path, rep, *args, need_odd=True):
    """--replay K gives run K's class and reason, and the UART0 output of
    `bulwark run` with that fault listed in the scenario."""
    runs = rep["run_list"]
    odd = [r for r in runs if r["class"] != "masked"]
    pick = odd[:3] + [r for r in runs if r["class"] == "masked" and r["fault"]][:2]
    name = os.path.basename(path)
    if need_odd:
        check(len(odd) > 0, f"{name}: some runs are not masked")
    for run in pick:
        k = run["index"]
        status, out, err = campaign(path, *args, "--replay", str(k))
        m = re.search(r"campaign run %d \(seed (\d+)\): fault in (\S+): (\S+): (.*)" % k, err)
        check(status == 0 and m is not None and int(m.group(1)) == run["seed"] and
              m.group(3) == run["class"] and m.group(4) == run["reason"],
              f"{name} --replay {k}: {run['class']} as in the campaign ({m and m.group(3)})")
        check(run["fault"] in err, f"{name} --replay {k}: lists its fault")
        plain = subprocess.run([bulwark, "run", explicit(tmp, path, run), "--build-dir", build],
                               capture_output=True, text=True, timeout=60)
        # a run that hangs early prints little: the boot lines show it printed at all
        check(plain.stdout == out and out.startswith("[kernel] Bulwark kernel") and
              "[kernel] loaded" in out,
              f"{name} --replay {k}: UART0 as `bulwark run` gives with the fault listed")


def test_replay_kernel(tmp):
    """Flips in kernel data panic or spread now and then: their replays too."""
    path = write(tmp, spec("kernel_flips", {"bitflip": {"region": "kernel data"}},
                           ("10ms", "900ms")))
    args = ("--runs", "40", "--seed", "0")
    status, out, err, rep, _ = report_of(tmp, path, *args)
    check(status == 0 and rep is not None, "kernel data campaign ran")
    if rep is not None:
        test_replay(tmp, path, rep, *args, need_odd=False)


BAD = [
    ({"runs": 0}, "campaign.runs", "whole number"),
    ({"runz": 5}, "campaign.runz", "unknown key"),
    ({"runs": 5, "expect": {"bogus": 1}}, "campaign.expect.bogus", "unknown key"),
    ({"runs": 5, "expect": {"masked": {"min": 5, "max": 2}}}, "campaign.expect.masked",
     "min 5 is above max 2"),
    ({"runs": 5, "expect": {"hang": 2.5}}, "campaign.expect.hang", "whole number"),
    ({"runs": 5, "expect": {"hang": {"most": 1}}}, "campaign.expect.hang.most", "unknown key"),
    ("lots", "campaign", "expected"),
]


def test_bad_specs(tmp):
    for i, (bad, path, words) in enumerate(BAD):
        s = spec("bad%d" % i, {"process_fault": "blink"}, campaign=bad)
        file = write(tmp, s)
        status, out, err = campaign(file, "--runs", "1")
        text = open(file).read()
        m = re.search(r"%s:(\d+):(\d+): ([^:]+): " % re.escape(file), err)
        line_ok = m is not None and m.group(3) == path and 1 <= int(m.group(1)) <= \
            text.count("\n") + 1
        check(status == 2 and line_ok and words in err,
              f"bad campaign {bad!r}: exit 2, FILE:LINE:COL {path}: ({err.strip()[:90]})")
    s = spec("nospace", {"process_fault": "blink"})
    del s["random_faults"]
    status, out, err = campaign(write(tmp, s), "--runs", "1")
    check(status == 2 and re.search(r"nospace\.json:1:1: .*fault space", err) is not None,
          "no random_faults: exit 2 naming FILE:1:1 and the fault space")
    for args in (["--runs", "x"], ["--jobs", "0"], ["--jobs", "-1"], ["--jobs", "257"],
                 ["--runs", "0"], ["--runs", "100001"], ["--bogus"], ["--replay", "-1"],
                 ["--runs", "3", "--replay", "3"], ["--seed", "99999999999999999999"]):
        status, out, err = campaign(SHIPPED, *args)
        check(status == 2, f"campaign {' '.join(args)}: exit 2")


def test_bulwark_test(tmp):
    d = os.path.join(tmp, "suite")
    os.mkdir(d)
    write(d, spec("good", {"process_fault": "blink"},
                  campaign={"runs": 3, "expect": {"contained": 3, "kernel_panic": 0}}))
    write(d, spec("bad_expect", {"register": "pc", "bit": 30},
                  campaign={"runs": 2, "expect": {"kernel_panic": {"max": 0}}}))
    with open(os.path.join(d, "broken.json"), "w") as f:
        f.write('{"bulwark_scenario": 1, "name": ')
    junit, reports = os.path.join(tmp, "all.xml"), os.path.join(tmp, "reports")
    r = subprocess.run([bulwark, "test", d, "--build-dir", build, "--junit", junit,
                        "--report-dir", reports], capture_output=True, text=True, timeout=120)
    check(r.returncode == 1 and r.stdout.strip().endswith("1 passed, 2 failed"),
          "bulwark test: campaign scenarios pass or fail on their expectations")
    check(re.search(r'^FAIL bad_expect: campaign "kernel_panic": 2 runs', r.stdout, re.M)
          is not None, "bulwark test: the failed campaign expectation is named")
    suites = {s.get("name"): s for s in ET.parse(junit).getroot()} if os.path.exists(junit) \
        else {}
    check(set(suites) == {"good", "bad_expect", os.path.join(d, "broken.json")},
          f"--junit: one testsuite per scenario ({sorted(suites)})")
    if len(suites) == 3:
        check(suites["good"].get("failures") == "0" and suites["good"].get("tests") == "2",
              "--junit: the passing campaign's two expectations")
        fail = suites["bad_expect"].find("testcase/failure")
        check(fail is not None and "2 runs" in fail.get("message"),
              "--junit: the failed expectation as a <failure>")
        broken = suites[os.path.join(d, "broken.json")]
        check(broken.get("errors") == "1" and "JSON syntax error" in
              broken.find("testcase/error").get("message"),
              "--junit: a scenario that does not load is an <error>")
    good = os.path.join(reports, "good.json")
    check(os.path.exists(good) and json.load(open(good))["classes"]["contained"] == 3,
          "--report-dir: the campaign's report")


def test_schema():
    """scenarios/schema.json knows the "campaign" key."""
    try:
        import jsonschema
    except ImportError:
        print("  (jsonschema not installed: schema not checked)")
        return
    with open(os.path.join(scenarios, "schema.json")) as f:
        v = jsonschema.Draft7Validator(json.load(f))
    shipped = json.load(open(SHIPPED))
    check(not list(v.iter_errors(shipped)), "schema: the shipped campaign scenario is valid")
    bad = dict(shipped, campaign={"runs": 5, "expect": {"bogus": 1}})
    check(list(v.iter_errors(bad)) != [], "schema: an unknown class is refused")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        test_known_classes(tmp)
        test_not_applied(tmp)
        test_edge_times(tmp)
        test_wild_jump(tmp)
        test_stdout_closed(tmp)
        test_killed_run(tmp)
        test_killed_worker(tmp)
        test_killed_campaign(tmp)
        rep = test_determinism(tmp)
        if rep is not None:
            test_replay(tmp, SHIPPED, rep, "--runs", "24", "--seed", "7")
        test_replay_kernel(tmp)
        test_bad_specs(tmp)
        test_bulwark_test(tmp)
    test_schema()
    print(f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


main()
