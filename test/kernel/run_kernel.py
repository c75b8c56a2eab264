#!/usr/bin/env python3
"""Runs the kernel with app images in Bulwark (or QEMU) and checks what it
printed: the scenario tests of the kernel issue.  Standard library only.

  run_kernel.py --bulwark B --kernel K.elf --app A.tbf ... [--board sim64]
                [--for 2s] [--uart-in FILE] [--status N]
                [--expect REGEX]... [--reject REGEX]... [--count REGEX=N]...
                [--before A=>B]... [--bench NULL_MAX,SWITCH_MAX]
  run_kernel.py --qemu Q --bulwark B --kernel K.elf --app A.tbf ...
                (same output from QEMU's mps2-an386 as from Bulwark's)

Exit status 0 when every check holds; the output is printed either way.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import app_flash  # noqa: E402  (the --app layout, shared with the simulator's)

TIMEOUT = 300


def run(cmd, stdin=None, timeout=TIMEOUT):
    print("$ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=timeout)
        return proc.returncode, proc.stdout.decode(errors="replace"), \
            proc.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode(errors="replace")
        return None, out, (exc.stderr or b"").decode(errors="replace")


def run_bulwark(args, board=None):
    cmd = [args.bulwark, "run", "--board", board or args.board, "--firmware", args.kernel,
           "--for", args.run_for]
    for app in args.app:
        cmd += ["--app", app]
    if args.uart_in:
        cmd += ["--uart-in", args.uart_in]
    return run(cmd)


def run_qemu(args):
    """The same images laid out at 0x40000 as `bulwark run --app` does, in
    QEMU's mps2-an386; QEMU never ends by itself: it is stopped after
    --qemu-seconds."""
    images = []
    for app in args.app:
        with open(app, "rb") as f:
            images.append(f.read())
    with tempfile.NamedTemporaryFile(suffix=".bin", delete=False) as blob:
        blob.write(app_flash.layout(images))
        name = blob.name
    cmd = ["timeout", str(args.qemu_seconds), args.qemu, "-M", "mps2-an386", "-nographic",
           "-monitor", "none", "-serial", "stdio", "-semihosting-config",
           "enable=on,target=native", "-kernel", args.kernel,
           "-device", "loader,file=%s,addr=0x40000" % name]
    try:
        return run(cmd, stdin=subprocess.DEVNULL)
    finally:
        os.unlink(name)


def check_text(args, text):
    problems = []
    for pattern in args.expect:
        if not re.search(pattern, text, re.MULTILINE):
            problems.append("missing: %r" % pattern)
    for pattern in args.reject:
        if re.search(pattern, text, re.MULTILINE):
            problems.append("present but must not be: %r" % pattern)
    for spec in args.count:
        pattern, _, want = spec.rpartition("=")
        got = len(re.findall(pattern, text, re.MULTILINE))
        if got != int(want):
            problems.append("%r found %d times, expected %s" % (pattern, got, want))
    for spec in args.before:
        first, _, second = spec.partition("=>")
        a = re.search(first, text, re.MULTILINE)
        b = None
        if a:
            b = re.search(second, text[a.end():], re.MULTILINE)
        if not a or not b:
            problems.append("%r is not followed by %r" % (first, second))
    return problems


def check_bench(spec, text):
    null_max, switch_max = (int(x) for x in spec.split(","))
    problems = []
    for label, limit in (("null command round trip", null_max), ("process switch", switch_max)):
        m = re.search(r"\[kernel\] bench: %s.*?median (\d+) cycles \((\d+) samples\)" % label,
                      text)
        if not m:
            problems.append("no bench line for %s" % label)
        elif int(m.group(2)) < 16:
            problems.append("%s: only %s samples" % (label, m.group(2)))
        elif int(m.group(1)) > limit:
            problems.append("%s: median %s cycles, limit %d" % (label, m.group(1), limit))
        else:
            print("%s: median %s cycles (limit %d)" % (label, m.group(1), limit))
    return problems


DUMP_START = re.compile(r"^\[kernel\] process (\S+) faulted")
DUMP_END = "[kernel] end of dump"


def by_process(lines, names):
    """Each process's own lines, in order: who printed what does not depend
    on timing, the interleaving of processes does (QEMU's timers follow host
    time), so the comparison with QEMU is per process.  A fault dump belongs
    to the process it is about; kernel lines that name no process go to
    "kernel"."""
    streams = {}
    owner = None
    for line in lines:
        start = DUMP_START.match(line)
        if start:
            owner = start.group(1)
        key = owner
        if key is None:
            words = re.findall(r"[A-Za-z0-9_]+", line)
            key = next((w for w in words if w in names), "kernel")
        streams.setdefault(key, []).append(line)
        if line == DUMP_END:
            owner = None
    return streams


def compare_qemu(args):
    status, bw_out, bw_err = run_bulwark(args, board="mps2-an386")
    print(bw_out + bw_err)
    qstatus, q_out, q_err = run_qemu(args)
    print("--- qemu ---")
    print(q_out + q_err)
    ours = [l for l in bw_out.replace("\r", "").split("\n") if l]
    theirs = [l for l in q_out.replace("\r", "").split("\n") if l]
    n = min(len(ours), len(theirs))
    problems = []
    if n < args.min_lines:
        problems.append("only %d lines to compare (want %d)" % (n, args.min_lines))
    names = {os.path.splitext(os.path.basename(a))[0] for a in args.app}
    ours_by, theirs_by = by_process(ours[:n], names), by_process(theirs[:n], names)
    for key in sorted(set(ours_by) | set(theirs_by)):
        a, b = ours_by.get(key, []), theirs_by.get(key, [])
        for i in range(min(len(a), len(b))):
            if a[i] != b[i]:
                problems.append("%s: line %d differs:\n  bulwark: %s\n  qemu:    %s" %
                                (key, i + 1, a[i], b[i]))
                break
    return problems + check_text(args, "\n".join(theirs[:n]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bulwark", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--app", action="append", default=[])
    ap.add_argument("--board", default="sim64")
    ap.add_argument("--for", dest="run_for", default="2s")
    ap.add_argument("--uart-in")
    ap.add_argument("--status", type=int, default=0, help="expected exit status of bulwark")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--reject", action="append", default=[])
    ap.add_argument("--count", action="append", default=[])
    ap.add_argument("--before", action="append", default=[])
    ap.add_argument("--bench")
    ap.add_argument("--qemu")
    ap.add_argument("--qemu-seconds", type=int, default=4)
    ap.add_argument("--min-lines", type=int, default=5)
    ap.add_argument("--summary-expect", action="append", default=[],
                    help="regex the simulator's run summary (stderr) must contain")
    args = ap.parse_args()

    if args.qemu:
        problems = compare_qemu(args)
    else:
        status, out, err = run_bulwark(args)
        print(out)
        print(err)
        problems = check_text(args, out)
        for pattern in args.summary_expect:
            if not re.search(pattern, err, re.M):
                problems.append("summary lacks: %r" % pattern)
        if status != args.status:
            problems.append("exit status %s, expected %d" % (status, args.status))
        if args.bench:
            problems += check_bench(args.bench, out)
    for p in problems:
        print("FAILED: " + p)
    if not problems:
        print("OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
