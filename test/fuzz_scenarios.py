#!/usr/bin/env python3
"""Mutation fuzzer for scenario files, board files and the bulwark command line.

Bad input must never crash anything: every mutant is run through `bulwark run`
(and some through `bulwark campaign --runs 3` and `bulwark test`) under a
timeout, and a case is flagged when the process dies on a signal, a sanitizer
reports anything, the exit status is outside 0..3, it hangs, or an exit 2
message does not name the file (and, for JSON errors, a line and column).

    fuzz_scenarios.py BULWARK SOURCE_ROOT BUILD_DIR [--cases N] [--seed S]
                      [--jobs J] [--keep DIR] [--timeout T]

Seeds are every JSON file under scenarios/, test/scenarios_bad/ and
test/scenarios_inputs/; mutants are written to the work directory (--keep, or
a temporary one removed when nothing was flagged), which is also the working
directory of every run, so --trace/--vcd values land there.  Each run's
duration is capped at 20 ms unless the mutation aimed at it.  Exit 0 when
nothing was flagged, 1 otherwise.  Meant for a sanitizer build:

    meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false
    test/fuzz_scenarios.py build-fuzz/sim/bulwark . build-fuzz --cases 1000 --seed 7
"""
import argparse
import concurrent.futures
import copy
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "ERROR: UndefinedBehaviorSanitizer", "AddressSanitizer:DEADLYSIGNAL")
SHORT = "20ms"  # every mutant's duration is capped so runs stay quick

EDGE_NUMBERS = [0, -1, 1, 31, 32, 33, 63, 64, 255, 256, 2**31 - 1, 2**31, 2**32 - 1, 2**32,
                2**53, 2**63, 2**64, -2**63, 1e308, -1e308, 1.5, 0.5, -0.0, 1e-300]
EDGE_STRINGS = ["", "0", "0ns", "boot", "-1ms", "1e308s", "99999999999999999999s",
                "18446744073709551615cycles", "4000s", "1us", "0x", "0x100000000",
                "0xffffffff", "NaN", "inf", "-inf", "1.5ms", " 1ms", "1 ms", "ms", "1",
                "\u00e9\u00e8\u4e2d\U0001F600", "a" * 5000, "%s%n%x%p", "\\", "\n", "x\u0000y",
                "app:", "app: stack", "app:blink", "app:blink nothing", "kernel data",
                "kernel stack", "app:" + "b" * 300 + " stack", "@build", "@build/",
                "@build/../../../../etc/passwd", "/dev/zero", "/dev/null", "/", ".", "..",
                "/proc/self/mem", "sim64", "mps2-an386", "nosuchboard", "/nonexistent.json",
                "r0", "r12", "r13", "sp", "lr", "pc", "any", "dead", "stuck", "irq_flood",
                "retained", "cleared", "random", "round_robin", "cooperative", "priority",
                "restart_n", "panic", "[", "(", "*", "a{99999}", "(((((((((((((((((((("]
DURATION_EDGES = ["0ns", "0s", "1ns", "boot", "1cycles", "0cycles", "18446744073709551615ns",
                  "18446744073709551615cycles", "18446744073709551616cycles", "9999999999s",
                  "1e308s", "-5ms", "4294967296ms", "1.0000000001s", "10ms", "19ms", "20ms",
                  "21ms", "100000000000000000000000000s", 0, -1, 1e308, 2**64, "", "s"]

# For a run's own duration: no valid long ones (a run of 9999999999 s is a
# hang the file asked for), but the ones past 2^64 cycles, which must be refused.
RUN_DURATIONS = ["0ns", "0s", "1ns", "boot", "1cycles", "0cycles", "1e308s", "-5ms",
                 "18446744073709551616cycles", "18446744073709551615ns", "100000000000000000000s",
                 "1e20s", "20ms", "19.9999ms", 0, -1, 1e308, 2**64, "", "s", "1e-300s"]

# Errors found once the board, kernel ELF or app images are read name the
# scenario file without a position (test_scenario_errors.py, ram_too_small).
# A message about another file (board, kernel ELF, app image) names that one.
NO_POSITION_OK = ("is not all in board", "bulwark_kconfig", "unknown board", "app flash",
                  "overlaps", "not a scenario file")


def seeds(root):
    """Every shipped and test scenario, parsed (with its directory: relative
    paths in it resolve against that)."""
    pats = ["scenarios/*.json", "test/scenarios_bad/*.json", "test/scenarios_inputs/*.json"]
    out = []
    for pat in pats:
        for f in sorted(glob.glob(os.path.join(root, pat))):
            if f.endswith("schema.json"):
                continue
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            try:
                tree = json.loads(text)
            except ValueError:
                tree = None
            out.append((f, text, tree))
    return out


def random_value(rng, depth=0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return rng.choice(EDGE_NUMBERS)
    if kind == 1:
        return rng.choice(EDGE_STRINGS)
    if kind == 2:
        return rng.choice([None, True, False])
    if kind == 3:
        return rng.choice(DURATION_EDGES)
    if kind == 4:
        return rng.randint(-2**40, 2**40)
    if kind == 5:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 6:
        return {}
    return {rng.choice(["at", "bit", "x", "node", "name", "image", ""]):
            random_value(rng, depth + 1) for _ in range(rng.randrange(3))}


def swap_type(rng, v):
    """The same slot with a value of another JSON type."""
    choices = [0, "0", [], {}, None, True, "x", [v], {"a": v}, 1e308, -1]
    return rng.choice([c for c in choices if type(c) is not type(v)] or choices)


def walk(node, path=()):
    """Every (container, key) slot of the tree (not below depth 30)."""
    if len(path) > 30:
        return
    if isinstance(node, dict):
        for k in list(node):
            yield node, k, path + (k,)
            yield from walk(node[k], path + (k,))
    elif isinstance(node, list):
        for i in range(len(node)):
            yield node, i, path + (i,)
            yield from walk(node[i], path + (i,))


def deep(rng):
    n = rng.choice([50, 200, 1000, 5000])
    v = rng.choice([[], {}, 0])
    for _ in range(n):
        v = [v] if rng.random() < 0.5 else {"a": v}
    return v


# Fragments known to the schema, dropped into random places so mutants reach
# past the first check.
FRAGMENTS = [
    {"at": "0ns", "bitflip": {"address": "0x20000000", "bit": 31}},
    {"at": "boot", "bitflip": {"address": "0x0", "bit": 0}},
    {"at": "boot", "bitflip": {"region": "app:blink flash", "offset": 4096, "bit": 7}},
    {"at": "boot", "bitflip": {"region": "app:blink flash", "offset": 2**32 - 1, "bit": 31}},
    {"at": "1ms", "bitflip": {"region": "app:blink stack", "offset": 2**31, "bit": 31}},
    {"at": "1ms", "bitflip": {"region": "kernel data", "offset": 99999999, "bit": 0}},
    {"at": "1ms", "bitflip": {"region": "kernel stack", "offset": -1, "bit": 0}},
    {"at": "1ms", "bitflip": {"symbol": "", "bit": 0}},
    {"at": "1ms", "bitflip": {"address": "0x2000fffe", "bit": 31}},
    {"at": "1ms", "bitflip": {"address": "0x0007ffff", "bit": 24}},
    {"at": "1ms", "bitflip": {"address": "0xffffffff", "bit": 31}},
    {"at": "1ms", "bitflip": {"address": 2**32, "bit": 0}},
    {"at": "1ms", "bitflip": {"address": -1, "bit": 0}},
    {"at": "1ms", "register": "pc", "bit": 0},
    {"at": "1ms", "register": "sp", "bit": 31},
    {"at": "1ms", "register": "any", "bit": 3},
    {"at": "1ms", "process_fault": "blink"},
    {"at": "1ms", "process_fault": ""},
    {"at": "1ms", "peripheral": {"device": "uart0", "mode": "irq_flood", "period": "1ns"}},
    {"at": "1ms", "peripheral": {"device": "timer0", "mode": "irq_flood", "period": "0ns"}},
    {"at": "1ms", "peripheral": {"device": "simctrl", "mode": "dead", "for": "0ns"}},
    {"at": "1ms", "peripheral": {"device": "ram", "mode": "stuck"}},
    {"at": "1ms", "peripheral": {"device": "uart1", "mode": "stuck", "for": "18446744073709551615ns"}},
    {"at": "1ms", "brownout": {"ram": "random"}},
    {"at": "0ns", "brownout": {}},
    {"at": "1ms", "uart": "x" * 3000, "port": 2},
    {"at": "1ms", "uart": ""},
    {"at": "1ms", "uart": "\u00ff\u0000\u4e2d"},
    {"at": "1ms", "button": 31, "pressed": True},
    {"at": "1ms", "button": 32, "pressed": False},
    {"at": "1ms", "gpio": {"port": 1, "pin": 15, "level": 1}},
    {"at": "1ms", "gpio": {"port": 2, "pin": 16, "level": 2}},
    {"at": "1ms", "console": "list"},
    {"at": "1ms", "console": "x" * 4000},
    {"at": "1ms", "load": {"image": "hello"}},
    {"at": "1ms", "load": {"image": "../../kernel/bulwark-kernel"}},
    {"at": "1ms", "load": {"path": "/dev/zero"}},
    {"at": "1ms", "load": {"path": "/dev/null"}},
    {"at": "1ms", "load": {"path": "/"}},
    {"at": "1ms", "radio": {"frame": "41c8", "node": "a"}},
    {"at": "1ms", "radio": {"frame": "4" * 255}},
    {"at": "1ms", "radio": {"frame": "zz"}},
]
RANDOM_FAULTS = [
    {"count": 1, "window": ["0ns", "0ns"], "faults": [{"register": "any"}]},
    {"count": 10000, "window": ["0ns", "20ms"], "faults": [{"bitflip": {"region": "app:blink stack"}}]},
    {"count": 3, "window": ["10ms", "1ms"], "faults": [{"bitflip": {"address": "0x20000000"}}]},
    {"count": 2, "window": ["0cycles", "18446744073709551615cycles"],
     "faults": [{"register": "pc"}, {"process_fault": "blink"}]},
    {"count": 2, "window": ["1ms", "5cycles"], "faults": [{"brownout": {}}]},
    {"count": 1, "window": ["1ms"], "faults": []},
    {"count": 0, "window": ["1ms", "2ms"], "faults": [{"register": "any", "bit": 0}]},
    {"count": 1, "window": ["1ms", "2ms"], "faults": [{"at": "1ms", "register": "r0"}]},
    {"count": 1, "window": ["1ms", "2ms"],
     "faults": [{"bitflip": {"region": "app:blink flash", "offset": 2**32 + 5}}]},
]
CAMPAIGNS = [
    {"runs": 3}, {"runs": 0}, {"runs": 100001}, {"runs": 1.5}, {"runs": 3, "expect": {}},
    {"runs": 3, "expect": {"masked": {"min": 5, "max": 1}}},
    {"runs": 3, "expect": {"error": 0, "hang": {"min": -1}, "spread": 1e308}},
    {"runs": 3, "expect": {"nosuch": 0}}, {"runs": 2**63},
]
METRICS = [
    {"switch_cycles.p99": {"max": 600}}, {"processes.blink.syscalls.total": {"min": 0}},
    {"irq_latency_cycles_per_irq.239.max": {"max": 1}},
    {"irq_latency_cycles_per_irq.240.max": {"max": 1}},
    {"irq_latency_cycles_per_irq.-1.max": {"max": 1}},
    {"syscall_cycles.nosuch.p99": {"max": 1}}, {"cycles": {}}, {"cycles": {"min": "1"}},
    {"cycles": {"min": 1e308, "max": -1e308}}, {"": {"min": 0}}, {".": {"min": 0}},
    {"processes..cycles": {"min": 0}}, {"processes.blink": {"min": 0}},
    {"processes.blink.syscalls": {"min": 0}}, {"a" * 600: {"min": 0}},
]
EXPECTS = [
    {"uart1": {"contains": ["x"], "matches": ["("]}}, {"uart2": {"not_contains": []}},
    {"uart1": {"bogus": 1}}, {"uart2": []}, {"process_state": {"blink": "yielded"}},
    {"process_state": {"": "running"}}, {"restarts": {"blink": -1}},
    {"restarts": {"blink": 1e308}}, {"restarts": {"blink": 1.5}},
    {"no_faults_outside": ["nosuch"]}, {"no_faults_outside": "blink"},
    {"exit": "lockup"}, {"exit": ""}, {"kernel_alive": "yes"}, {"uart_matches": ["\\"]},
    {"uart_matches": ["((a{100}){100}){100}"]}, {"uart_contains": [""]}, [], [{}],
    [{"node": "a"}], {"node": "a"},
]
APPS = [
    [{"image": "blink"}] * 33, [{"image": "../kernel/bulwark-kernel"}], [{"path": "/dev/null"}],
    [{"image": "blink", "fault_policy": "restart_n"}],
    [{"image": "blink", "fault_policy": "restart_n", "max_restarts": 1e308}],
    [{"image": "blink", "fault_policy": "restart_n", "max_restarts": -1}],
    [{"image": "blink", "max_restarts": 3}], [{"image": "blink", "path": "x.tbf"}],
    [{"image": n, "fault_policy": "stop"} for n in ("blink", "hello", "crash", "whileone", "blink2")],
    [{"image": "blink"}, {"image": "blink"}], [{}], [None], [{"image": ""}],
    [{"image": "b" * 40, "fault_policy": "panic"}],
]
NODE_VARIANTS = [
    [], [{}], [{"name": "a"}],
    [{"name": "a", "board": "sim64", "kernel": "@build/kernel/bulwark-kernel.elf"}] * 2,
    [{"name": "a" * 40, "board": "sim64", "kernel": "@build/kernel/bulwark-kernel.elf"}],
    [{"name": "n%d" % i, "board": "sim64", "kernel": "@build/kernel/bulwark-kernel.elf"}
     for i in range(17)],
    [{"name": "a", "board": "sim64", "kernel": "@build/kernel/bulwark-kernel.elf",
      "apps": [{"image": "blink"}], "random_faults": RANDOM_FAULTS[0]},
     {"name": "b", "board": "mps2-an386", "kernel": "@build/kernel/bulwark-kernel.elf",
      "clock": "1k", "ram_size": "1K"}],
    [{"name": "a", "board": "sim64", "kernel": "@build/kernel/bulwark-kernel.elf",
      "duration": "1ms", "expect": {}}],
]


def cap_duration(tree):
    """Keep runs short: a duration the fuzzer did not aim at becomes 20 ms."""
    if isinstance(tree, dict) and isinstance(tree.get("duration"), str):
        if tree["duration"] not in RUN_DURATIONS:
            tree["duration"] = SHORT
    if isinstance(tree, dict) and isinstance(tree.get("campaign"), dict):
        if isinstance(tree["campaign"].get("runs"), int) and tree["campaign"]["runs"] > 3:
            tree["campaign"]["runs"] = 3
    if isinstance(tree, dict) and isinstance(tree.get("random_faults"), dict):
        rf = tree["random_faults"]
        if isinstance(rf.get("count"), int) and rf["count"] > 50 and rng_global.random() < 0.8:
            rf["count"] = 50


def tree_mutation(rng, tree, boards):
    t = copy.deepcopy(tree)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        slots = list(walk(t))
        op = rng.randrange(16)
        if not slots or not isinstance(t, dict):
            return t
        parent, key, _ = rng.choice(slots)
        if op == 0 and isinstance(parent, dict):
            del parent[key]
        elif op == 1:
            parent[key] = swap_type(rng, parent[key])
        elif op == 2:
            parent[key] = random_value(rng)
        elif op == 3:
            parent[key] = deep(rng)
        elif op == 4:
            t[rng.choice(["faults", "inputs"])] = [rng.choice(FRAGMENTS)
                                                   for _ in range(rng.randrange(1, 4))]
        elif op == 5:
            t["random_faults"] = copy.deepcopy(rng.choice(RANDOM_FAULTS))
        elif op == 6:
            t["campaign"] = copy.deepcopy(rng.choice(CAMPAIGNS))
        elif op == 7:
            t.setdefault("expect", {})
            if isinstance(t["expect"], dict):
                t["expect"]["metrics"] = copy.deepcopy(rng.choice(METRICS))
        elif op == 8:
            t["nodes"] = copy.deepcopy(rng.choice(NODE_VARIANTS))
            if rng.random() < 0.7:
                for k in ("board", "kernel", "apps"):
                    t.pop(k, None)
        elif op == 9:
            t["board"] = rng.choice(boards)
        elif op == 10:
            t["duration"] = rng.choice(RUN_DURATIONS)
        elif op == 11 and isinstance(parent[key], list):
            parent[key] = []
        elif op == 12 and isinstance(parent[key], str):
            parent[key] = rng.choice(EDGE_STRINGS)
        elif op == 14:
            t["expect"] = copy.deepcopy(rng.choice(EXPECTS))
        elif op == 15:
            t["apps"] = copy.deepcopy(rng.choice(APPS))
        elif op == 13:
            t[rng.choice(["clock", "flash_size", "ram_size", "timeslice", "seed"])] = \
                random_value(rng)
    return t


def text_mutation(rng, text):
    b = bytearray(text.encode("utf-8"))
    op = rng.randrange(7)
    if op == 0 and b:
        for _ in range(rng.randrange(1, 4)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif op == 1:
        b = b[:rng.randrange(len(b) + 1)]
    elif op == 2 and b:
        i = rng.randrange(len(b))
        b[i:i] = rng.choice([b"\xff\xfe", b"\x00", b"\xc3", b"\xed\xa0\x80", b"{" * 3000,
                             b"[" * 100000, b"\"\\u0000\"", b"\"\\ud800\"", b"1e99999",
                             b"-", b"0x10", b"NaN", b"Infinity", b",,", b"//c\n"])
    elif op == 3:
        # a key given twice, the second with another type
        m = list(re.finditer(rb'\n(\s*)"([a-z_]+)":', bytes(b)))
        if m:
            x = rng.choice(m)
            dup = b'\n' + x.group(1) + b'"' + x.group(2) + b'": ' + \
                rng.choice([b'7', b'"x"', b'[]', b'{}', b'null', b'"0ns"']) + b','
            b[x.start():x.start()] = dup
    elif op == 4 and b:
        i, j = sorted(rng.randrange(len(b)) for _ in range(2))
        del b[i:j]
    elif op == 5 and b:
        i = rng.randrange(len(b))
        b[i:i] = b[rng.randrange(len(b)):][:rng.randrange(1, 200)]
    else:
        b = b"\xef\xbb\xbf" + b
    return bytes(b)


def hostile_boards(root, outdir):
    """Board files with edge values, written once; scenarios and --board use them."""
    with open(os.path.join(root, "sim/boards/sim64.json"), encoding="utf-8") as fh:
        base = json.load(fh)
    variants = {
        "huge_ram": {"memory": [base["memory"][0],
                                {"name": "ram", "base": "0x20000000", "size": "0xE0000000",
                                 "access": "rwx"}]},
        "top_ram": {"memory": [base["memory"][0],
                               {"name": "ram", "base": "0xFFFFFC00", "size": "1K",
                                "access": "rwx"}]},
        "wrap_ram": {"memory": [base["memory"][0],
                                {"name": "ram", "base": "0xFFFFFC00", "size": "2K",
                                 "access": "rwx"}]},
        "no_flash": {"memory": [base["memory"][1]]},
        "no_devices": {"devices": []},
        "no_uart": {"devices": [d for d in base["devices"] if d["type"] != "cmsdk-apb-uart"]},
        "dup_dev": {"devices": base["devices"] + [base["devices"][0]]},
        "nine_mem": {"memory": [dict(base["memory"][1], name="m%d" % i,
                                     base=hex(0x20000000 + i * 0x10000)) for i in range(9)]},
        "irqs_240": {"nvic_irqs": 240},
        "irqs_241": {"nvic_irqs": 241},
        "prio_9": {"nvic_priority_bits": 9},
        "clock_1g": {"clock": "1GHz"},
        "clock_frac": {"clock": "32.768kHz"},
        "clock_nan": {"clock": 1e308},
        "clock_neg": {"clock": -1},
        "ref_0": {"systick_ref_clock": 0},
        "pin_irq_edge": {"nvic_irqs": 32},
        "leds_33": {"devices": [dict(d, leds=33) if d["type"] == "mps2-fpgaio" else d
                                for d in base["devices"]]},
        "power_neg": {"power": {"active_ma": -1, "sleep_ma": 1e308, "volts": 1e308}},
        "power_str": {"power": {"active_ma": "6"}},
        "name_long": {"name": "x" * 40},
        "empty_name": {"name": ""},
        "ram_in_ppb": {"memory": [base["memory"][0],
                                  {"name": "ram", "base": "0xE0000000", "size": "64K",
                                   "access": "rwx"}]},
        "dev_unaligned": {"devices": [dict(base["devices"][0], base="0x40000400")]},
        "ram_r": {"memory": [base["memory"][0], dict(base["memory"][1], access="r")]},
        "flash_rw": {"memory": [dict(base["memory"][0], access="rw"), base["memory"][1]]},
        "tiny_ram": {"memory": [base["memory"][0], dict(base["memory"][1], size="1K")]},
        "tiny_flash": {"memory": [dict(base["memory"][0], size="1K"), base["memory"][1]]},
    }
    paths = []
    for name, over in variants.items():
        b = copy.deepcopy(base)
        b.update(over)
        p = os.path.join(outdir, f"board_{name}.json")
        with open(p, "w", encoding="utf-8") as fh:
            json.dump(b, fh, indent=1)
        paths.append(p)
    # and a few textually broken ones
    text = json.dumps(base, indent=1)
    for i, bad in enumerate([text[:len(text) // 2], text.replace('"clock"', '"clock": 1, "clock"', 1),
                             "[" * 50000, "", "\xff", text.replace("64MHz", "\u00e9" * 3000)]):
        p = os.path.join(outdir, f"board_text{i}.json")
        with open(p, "w", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(bad)
        paths.append(p)
    return paths


def judge(args, path, r, timed_out):
    """None when the outcome is acceptable, else why not."""
    if timed_out:
        return "hang"
    err = r.stderr
    for m in SANITIZER_MARKS:
        if m in err:
            return "sanitizer: " + m
    if r.returncode < 0:
        return f"signal {-r.returncode}"
    if r.returncode not in (0, 1, 2, 3):
        return f"exit status {r.returncode}"
    if r.returncode == 3:  # an internal error: bad input must give 2
        return "exit 3 " + err.strip().splitlines()[-1][:200] if err.strip() else "exit 3 silent"
    if r.returncode == 2 and path is not None and args[1] == "run":
        if path not in err:
            return "exit 2 without the file name"
        other_file = re.search(re.escape(path) + r": [^ :]*/[^ :]*:", err)
        if not re.search(re.escape(path) + r":\d+:\d+: ", err) and not other_file and not any(
                k in err for k in NO_POSITION_OK):
            return "exit 2 without LINE:COL"
    return None


def run_one(cmd, path, timeout, cwd):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0:allocator_may_return_null=1"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1"
    for attempt in range(30):  # the executable may be mid-rebuild
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env,
                               stdin=subprocess.DEVNULL, cwd=cwd)
            break
        except subprocess.TimeoutExpired as e:
            class R:  # noqa: E306
                returncode = None
                stderr = (e.stderr or b"").decode("utf-8", "replace")
            return R(), True
        except OSError:
            time.sleep(2)
    else:
        raise RuntimeError(f"cannot start {cmd[0]}")
    r.stdout = r.stdout.decode("utf-8", "replace")
    r.stderr = r.stderr.decode("utf-8", "replace")
    return r, False


def make_cases(rng, root, work, n):
    sds = seeds(root)
    boards = hostile_boards(root, work) + ["sim64", "mps2-an386", "", "/dev/null",
                                             work, "sub/../x", "a" * 5000]
    cases = []
    for i in range(n):
        src, text, tree = rng.choice(sds)
        path = os.path.join(work, f"case{i:05d}.json")
        if tree is not None and rng.random() < 0.75:
            t = tree_mutation(rng, tree, boards)
            cap_duration(t)
            data = json.dumps(t, indent=rng.choice([None, 1, 2]), ensure_ascii=rng.random() < 0.5)
            data = data.encode("utf-8", "surrogatepass")
        else:
            if tree is not None:
                t = copy.deepcopy(tree)
                cap_duration(t)
                text = json.dumps(t, indent=2)
            data = text_mutation(rng, text)
        with open(path, "wb") as fh:
            fh.write(data)
        mode = rng.random()
        if mode < (0.5 if "campaign" in text else 0.12):
            cmd = ["campaign", path, "--runs", "3", "--jobs", "1"]
        elif mode < 0.18:
            cmd = ["test", path]
        else:
            cmd = ["run", path, "--quiet"]
        cases.append((cmd, path))
    # option abuse on plain runs and scenario runs
    opt_vals = boards + ["--board", "-", "0", "-1", "1e308", "18446744073709551616", "1K",
                         "0x", "4G", "5G", "1k", "1000000001", "25M"]
    for i in range(max(1, n // 10)):
        cmd = ["run"]
        if rng.random() < 0.7:
            cmd += ["--board", rng.choice(opt_vals)]
        cmd += ["--firmware", "@KERNEL"]
        for _ in range(rng.randrange(4)):
            opt = rng.choice(["--clock", "--flash-size", "--ram-size", "--for", "--app",
                              "--uart-in", "--board", "--seed", "--trace", "--vcd", "--bogus"])
            cmd += [opt, rng.choice(opt_vals)]
        if rng.random() < 0.2:
            cmd = cmd[:-1]  # an option without its value
        if "--for" not in cmd:
            cmd += ["--for", "5ms"]
        cases.append((cmd, None))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bulwark")
    ap.add_argument("root")
    ap.add_argument("build_dir")
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--keep")
    a = ap.parse_args()
    # runs happen in the work directory, where --trace/--vcd values land
    a.bulwark, a.root, a.build_dir = (os.path.abspath(x) for x in (a.bulwark, a.root, a.build_dir))
    global rng_global
    sys.setrecursionlimit(50000)
    rng = random.Random(a.seed)
    rng_global = rng
    work = os.path.abspath(a.keep) if a.keep else tempfile.mkdtemp(prefix="bulwark-fuzz-")
    os.makedirs(work, exist_ok=True)
    cases = make_cases(rng, a.root, work, a.cases)
    kernel = os.path.join(a.build_dir, "kernel/bulwark-kernel.elf")
    flagged = 0

    def go(case):
        cmd, path = case
        argv = [a.bulwark] + [kernel if x == "@KERNEL" else x for x in cmd]
        if cmd[0] in ("run", "campaign", "test") and path is not None:
            argv += ["--build-dir", a.build_dir]
        r, to = run_one(argv, path, a.timeout, work)
        return argv, path, r, judge(argv, path, r, to)

    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        for argv, path, r, why in ex.map(go, cases):
            if why:
                flagged += 1
                tail = "\n    ".join(r.stderr.strip().splitlines()[-6:])
                print(f"FLAG {why}: {' '.join(argv)}\n    {tail}")
            elif path and os.path.exists(path):
                os.unlink(path)
    if flagged == 0 and not a.keep:
        shutil.rmtree(work, ignore_errors=True)
        print(f"{len(cases)} cases, 0 flagged")
    else:
        print(f"{len(cases)} cases, {flagged} flagged (kept in {work})")
    sys.exit(1 if flagged else 0)


rng_global = random.Random(0)
if __name__ == "__main__":
    main()
