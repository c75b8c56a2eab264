#!/usr/bin/env python3
"""Scenarios with several nodes (scenarios/SCHEMA.md, "nodes"): each node runs
on its own machine with its own output and expectations, in lockstep aligned
in simulated time whatever the clocks; bad node and radio keys are load
errors naming FILE:LINE:COL."""
import json
import os
import subprocess
import sys
import tempfile

bulwark, scenarios_dir, build_dir, exiting_elf, echo_elf = sys.argv[1:6]
exiting_elf = os.path.abspath(exiting_elf)  # a firmware that exits after ~2 ms
echo_elf = os.path.abspath(echo_elf)  # echoes UART0 input uppercased, exits after a newline
KERNEL = "@build/kernel/bulwark-kernel.elf"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def node(name, apps, **extra):
    d = {"name": name, "board": "sim64", "kernel": KERNEL,
         "apps": [{"image": a} for a in apps]}
    d.update(extra)
    return d


def scenario(nodes, **extra):
    d = {"bulwark_scenario": 1, "name": "nodes_test", "duration": "300ms", "nodes": nodes}
    d.update(extra)
    return d


def write(tmp, name, obj_or_text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text, indent=2))
    return path


def run(path, *args):
    return subprocess.run([bulwark, "run", path, "--build-dir", build_dir, *args],
                          capture_output=True, text=True, timeout=60)


def pos_of(text, needle, nth=0, skip=0):
    """LINE:COL (1-based) of the nth occurrence of needle in text, plus skip."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += skip
    return f"{text.count(chr(10), 0, i) + 1}:{i - text.rfind(chr(10), 0, i)}"


def test_independent_outputs(tmp):
    """Two nodes, different apps and clocks: each node's lines carry its
    name, hold only its own apps, and match the same board run alone."""
    s = scenario([node("a", ["blink", "hello"]), node("b", ["crash", "hello"], clock="25M")],
                 expect=[{"node": "a", "uart_contains": ["blink: 1 led 0 on"]},
                         {"node": "b", "uart_contains": ["[kernel] process crash faulted"]}])
    path, rep = write(tmp, "two.json", s), os.path.join(tmp, "two_report.json")
    r = run(path, "--report", rep)
    check(r.returncode == 0, f"two nodes: status {r.returncode}: {r.stderr[-400:]}")
    lines = r.stdout.splitlines()
    check(lines and all(l.startswith(("[a] ", "[b] ")) for l in lines),
          "two nodes: every stdout line starts with [a] or [b]")
    a_out = "\n".join(l[4:] for l in lines if l.startswith("[a] "))
    b_out = "\n".join(l[4:] for l in lines if l.startswith("[b] "))
    check("blink:" in a_out and "crash" not in a_out, "node a's output is blink and hello only")
    check("crash:" in b_out and "blink" not in b_out, "node b's output is crash and hello only")
    check("clock 25000000 Hz" in b_out and "clock 64000000 Hz" in a_out, "each node has its clock")
    with open(rep) as f:
        report = json.load(f)
    check([n["node"] for n in report["nodes"]] == ["a", "b"], "report lists nodes a and b")
    check([n["clock_hz"] for n in report["nodes"]] == [64000000, 25000000], "per-node clock_hz")
    check(report["nodes"][1]["fault_count"] > 0 == report["nodes"][0]["fault_count"],
          "faults are counted on node b only")
    check([v["subject"] for v in report["expectations"]] ==
          ["a: blink: 1 led 0 on", "b: [kernel] process crash faulted"],
          "verdict subjects name their node")
    # node a alone, as a single-board scenario: the same UART0 bytes
    single = {"bulwark_scenario": 1, "name": "alone", "board": "sim64", "kernel": KERNEL,
              "apps": [{"image": "blink"}, {"image": "hello"}], "duration": "300ms"}
    srep = os.path.join(tmp, "single_report.json")
    check(run(write(tmp, "single.json", single), "--report", srep).returncode == 0, "single run")
    with open(srep) as f:
        check(json.load(f)["uart0"] == report["nodes"][0]["uart0"],
              "node a's UART0 equals the same board run alone")
    # deterministic: the same scenario gives the same report bytes
    rep2 = os.path.join(tmp, "two_report2.json")
    run(path, "--report", rep2)
    with open(rep) as f1, open(rep2) as f2:
        check(f1.read() == f2.read(), "two runs give byte-identical reports")


def test_early_end(tmp):
    """A node whose firmware exits stops there; the other runs to the end."""
    s = scenario([node("a", ["hello"]), {"name": "b", "board": "sim64", "kernel": exiting_elf}],
                 expect=[{"node": "a", "exit": "time_limit"},
                         {"node": "b", "exit": "firmware_exit"}])
    rep = os.path.join(tmp, "early.json.report")
    r = run(write(tmp, "early.json", s), "--report", rep)
    if not check(r.returncode == 0, f"early end: status {r.returncode}: {r.stderr[-300:]}"):
        return
    alone = os.path.join(tmp, "alone.json.report")
    single = {"bulwark_scenario": 1, "name": "alone", "board": "sim64", "kernel": exiting_elf,
              "duration": "300ms"}
    run(write(tmp, "alone.json", single), "--report", alone)
    with open(rep) as f1, open(alone) as f2:
        a, b = json.load(f1)["nodes"]
        ref = json.load(f2)
    check(a["cycles"] == 300 * 64000, f"node a ran the full 300 ms: {a['cycles']} cycles")
    check(b["end"] == "firmware_exit" and b["cycles"] == ref["cycles"],
          f"node b ended where it ends alone: {b['cycles']} vs {ref['cycles']} cycles")


def echo_node(name, **extra):
    return dict({"name": name, "board": "sim64", "kernel": echo_elf}, **extra)


def test_time_aligned(tmp):
    """Lockstep is in simulated time, whatever the clocks: node a (64 MHz)
    echoes its input at 2 ms, node b (25 MHz) at 3 ms, so a's line comes
    first on stdout although b has run fewer cycles by then."""
    s = scenario([echo_node("a"), echo_node("b", clock="25M")], duration="10ms",
                 inputs=[{"at": "2ms", "node": "a", "uart": "aa\n"},
                         {"at": "3ms", "node": "b", "uart": "bb\n"}])
    r = run(write(tmp, "aligned.json", s))
    lines = [l for l in r.stdout.splitlines() if l[4:].startswith("echo ")]
    check(r.returncode == 0 and lines == ["[a] echo AA", "[b] echo BB"],
          f"time-aligned lockstep: a's echo before b's ({lines}, status {r.returncode})")
    s["inputs"] = [{"at": "3ms", "node": "a", "uart": "aa\n"},
                   {"at": "2ms", "node": "b", "uart": "bb\n"}]
    r = run(write(tmp, "aligned2.json", s))
    lines = [l for l in r.stdout.splitlines() if l[4:].startswith("echo ")]
    check(lines == ["[b] echo BB", "[a] echo AA"], f"and b's first when b's comes first ({lines})")


def test_last_partial_line(tmp):
    """A node's last line without its newline is printed with its prefix
    before the summaries, not after everything else."""
    s = scenario([echo_node("a"), node("b", ["hello"])], duration="20ms",
                 inputs=[{"at": "1ms", "node": "a", "uart": "tail"}])
    path = write(tmp, "partial.json", s)
    r = subprocess.run([bulwark, "run", path, "--build-dir", build_dir], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    out = r.stdout
    at, summary = out.find("[a] echo TAIL\n"), out.find("node:           a")
    check(r.returncode == 0 and 0 <= at < summary,
          f"partial last line before the summaries (at {at}, summary at {summary})")


def test_per_node_verdicts(tmp):
    """An expectation that holds on one node fails on the other."""
    s = scenario([node("a", ["blink"]), node("b", ["hello"])],
                 expect=[{"node": "a", "uart_contains": ["blink:"]},
                         {"node": "b", "uart_contains": ["blink:"]}])
    r = run(write(tmp, "verdicts.json", s))
    check(r.returncode == 1, f"failing node: status {r.returncode}, wanted 1")
    check('PASS uart_contains "a: blink:"' in r.stderr, "node a's verdict passes")
    check('FAIL uart_contains "b: blink:": not in UART0 output' in r.stderr,
          "node b's verdict fails, naming b")


def test_single_node_form(tmp):
    """One node: "node" may be left out and output is not prefixed."""
    s = scenario([node("only", ["hello"])], duration="200ms",
                 inputs=[{"at": "10ms", "uart": "x"}],
                 expect={"uart_contains": ["Hello from hello"]})
    r = run(write(tmp, "one.json", s))
    check(r.returncode == 0, f"one node: status {r.returncode}: {r.stderr[-300:]}")
    check(r.stdout.startswith("[kernel] Bulwark kernel"), "one node: output is not prefixed")
    check('PASS uart_contains "only: Hello from hello"' in r.stderr, "one node: verdict")


def test_bulwark_test(tmp):
    """`bulwark test` runs multi-node scenarios like any other."""
    d = os.path.join(tmp, "suite")
    os.mkdir(d)
    good = scenario([node("a", ["hello"]), node("b", ["blink"])], name="good_pair",
                    expect=[{"node": "b", "uart_contains": ["blink:"]}])
    bad = scenario([node("a", ["hello"]), node("b", ["blink"])], name="bad_pair",
                   expect=[{"node": "a", "uart_contains": ["blink:"]}])
    write(d, "good.json", good)
    write(d, "bad.json", bad)
    r = subprocess.run([bulwark, "test", "--build-dir", build_dir, d], capture_output=True,
                       text=True, timeout=120)
    check(r.returncode == 1, f"bulwark test: status {r.returncode}")
    check("PASS good_pair" in r.stdout, f"bulwark test: good_pair passes: {r.stdout}")
    check('FAIL bad_pair: uart_contains "a: blink:"' in r.stdout, "bulwark test: bad_pair fails")
    check(r.stdout.rstrip().endswith("1 passed, 1 failed"), "bulwark test: summary line")


BAD = [
    # (file name, scenario text, needle marking the position, expected message)
    ("missing_node", lambda: text_of(scenario(
        [node("a", ["hello"]), node("b", ["hello"])],
        inputs=[{"at": "1ms", "uart": "x"}])), '{\n      "at": "1ms"',
     'inputs[0]: missing required key "node" (nodes: a, b)'),
    ("duplicate_name", lambda: text_of(scenario([node("a", ["hello"]), node("a", ["blink"])])),
     ('"name": "a"', 1, len('"name": ')), 'nodes[1].name: duplicate node name "a" (also nodes[0])'),
    ("unknown_node", lambda: text_of(scenario(
        [node("a", ["hello"]), node("b", ["hello"])],
        faults=[{"at": "1ms", "node": "c", "register": "r1", "bit": 0}])), '"c"',
     "faults[0].node: expected the name of a node (nodes: a, b)"),
    ("expect_unknown_node", lambda: text_of(scenario(
        [node("a", ["hello"]), node("b", ["hello"])],
        expect=[{"node": "x", "exit": "time_limit"}])), '"x"',
     "expect[0].node: expected the name of a node (nodes: a, b)"),
    ("radio_input", lambda: text_of(scenario(
        [node("a", ["hello"]), node("b", ["hello"])],
        inputs=[{"at": "1ms", "radio": {"node": "b", "frame": "41c8"}}])), '{\n        "node": "b"',
     "inputs[0].radio: node b: board sim64 has no radio; radio inputs need one"),
    ("radio_single_board", lambda: text_of({
        "bulwark_scenario": 1, "name": "r", "board": "sim64", "kernel": KERNEL, "duration": "1ms",
        "inputs": [{"at": "1ms", "uart": "x"}, {"at": "2ms", "radio": {"frame": "00"}}]}),
     '{\n        "frame"', "inputs[1].radio: board sim64 has no radio; radio inputs need one"),
    ("radio_medium", lambda: text_of(scenario([node("a", ["hello"])],
                                              radio={"loss": 0.1, "corrupt": 0.01})),
     '{\n    "loss"', "radio: no node has a radio (board sim64 has none)"),
    ("radio_bad_frame", lambda: text_of(scenario(
        [node("a", ["hello"])], inputs=[{"at": "1ms", "radio": {"frame": "4g"}}])), '"4g"',
     "inputs[0].radio.frame: expected the frame's bytes in hex"),
    ("board_at_top", lambda: text_of(scenario([node("a", ["hello"])], board="sim64")),
     '"board": "sim64"\n}', 'board: goes inside each node when "nodes" is given'),
    ("campaign_in_node", lambda: text_of(scenario([node("a", ["hello"], campaign={"runs": 2})])),
     '"campaign"', 'nodes[0].campaign: campaigns take single-board scenarios'),
    ("node_app_error", lambda: text_of(scenario([node("a", ["hello"]), node("b", ["nosuch"])])),
     '"nosuch"', "nodes[1].apps[0].image: no built app"),
    ("node_input_error", lambda: text_of(scenario(
        [node("a", ["hello"]), node("b", ["hello"])],
        inputs=[{"at": "1ms", "node": "a", "uart": "x"},
                {"at": "soon", "node": "b", "uart": "y"}])), '"soon"',
     "inputs[1].at: expected a duration"),
]


def text_of(obj):
    return json.dumps(obj, indent=2)


def test_bad_files(tmp):
    for name, make, needle, message in BAD:
        text = make()
        path = write(tmp, name + ".json", text)
        r = run(path)
        where = pos_of(text, *needle) if isinstance(needle, tuple) else pos_of(text, needle)
        want = f"{path}:{where}: {message}"
        check(r.returncode == 2 and want in r.stderr,
              f"{name}: status {r.returncode}, stderr {r.stderr.strip()!r}, wanted {want!r}")


def test_no_trace_for_nodes(tmp):
    s = scenario([node("a", ["hello"]), node("b", ["hello"])])
    r = run(write(tmp, "trace.json", s), "--trace", os.path.join(tmp, "t.json"))
    check(r.returncode == 2 and "--trace and --vcd take a single-board scenario" in r.stderr,
          f"--trace with nodes: status {r.returncode}, {r.stderr.strip()!r}")


def test_schema(tmp):
    """scenarios/schema.json takes two_nodes.json and the radio keys, and
    refuses machine keys at the top level of a scenario with nodes."""
    try:
        import jsonschema
    except ImportError:
        print("  (jsonschema not installed: schema not checked)")
        return
    with open(os.path.join(scenarios_dir, "schema.json")) as f:
        v = jsonschema.Draft7Validator(json.load(f))
    with open(os.path.join(scenarios_dir, "two_nodes.json")) as f:
        two = json.load(f)
    check(not list(v.iter_errors(two)), "schema: two_nodes.json is valid")
    radio = dict(two, inputs=[{"at": "1ms", "radio": {"node": "a", "frame": "41c8"}}],
                 radio={"loss": 0.1, "corrupt": 0.01})
    check(not list(v.iter_errors(radio)), "schema: radio input and medium are valid")
    check(list(v.iter_errors(dict(two, board="sim64"))), "schema: top-level board with nodes")
    check(list(v.iter_errors(dict(two, radio={"loss": 2}))), "schema: loss above 1")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for t in (test_independent_outputs, test_early_end, test_time_aligned,
                  test_last_partial_line, test_per_node_verdicts, test_single_node_form,
                  test_bulwark_test, test_bad_files, test_no_trace_for_nodes, test_schema):
            before = len(failures)
            t(tmp)
            print(("PASS " if len(failures) == before else "FAIL ") + t.__name__)
    for f in failures:
        print("  failed:", f)
    sys.exit(1 if failures else 0)


main()
