#!/usr/bin/env python3
"""Run one bare-metal test firmware in Bulwark and judge the outcome.

A feature test passes when `bulwark run` exits with status 0 and the
firmware printed "PASS <name>" (and no "FAIL <name>").  With
--expect-lockup the run must instead end with status 1 and the word
"lockup" somewhere in the output (the lockup firmware avoids that word
itself, so only Bulwark's own report can supply it).  --min-sleep also
requires the summary's sleep fraction (for wfi_sleep).

Standard library only; qemu_diff.py imports run_bulwark() and
firmware_lines() from here.
"""

import argparse
import re
import subprocess
import sys

DEFAULT_BOARD = "sim64"
DEFAULT_FOR = "1s"
DEFAULT_TIMEOUT = 120


def run_bulwark(bulwark, firmware, uart_in=None, run_for=DEFAULT_FOR, board=DEFAULT_BOARD,
                timeout=DEFAULT_TIMEOUT):
    """Runs Bulwark; returns (exit status, stdout, stderr).  Status None = timed out."""
    cmd = [bulwark, "run", "--board", board, "--firmware", firmware, "--for", run_for]
    if uart_in:
        cmd += ["--uart-in", uart_in]
    print("$ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return None, _text(exc.stdout), _text(exc.stderr)
    return proc.returncode, _text(proc.stdout), _text(proc.stderr)


def _text(data):
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")
    return data


def _prefix_pattern(prefix):
    """A regex for the text a machine puts before each UART line, built from
    the one seen before the "TEST" banner; digits and spaces may vary (a
    timestamp, say)."""
    parts = re.split(r"(\d+|\s+)", prefix)
    out = []
    for part in parts:
        if not part:
            continue
        if part.isdigit():
            out.append(r"\d+")
        elif part.isspace():
            out.append(r"\s*")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out))


def firmware_lines(text, name, prefix_regex=None):
    """The firmware's own lines, from its "TEST <name>" banner up to and
    including "PASS <name>"/"FAIL <name>", with whatever prefix the machine
    puts before UART output removed.  None if there is no banner."""
    lines = text.replace("\r", "").split("\n")
    banner = "TEST " + name
    for start, line in enumerate(lines):
        pos = line.find(banner)
        if pos >= 0 and line[pos:].rstrip() == banner:
            break
    else:
        return None
    prefix = line[:pos]
    pattern = re.compile(prefix_regex) if prefix_regex else _prefix_pattern(prefix)
    verdicts = ("PASS " + name, "FAIL " + name)
    result = []
    for line in lines[start:]:
        match = pattern.match(line)
        if prefix and not match:
            continue  # a line of the machine's own, not the firmware's
        body = line[match.end():] if match else line
        result.append(body.rstrip())
        if body.rstrip() in verdicts:
            break
    return result


def verdict(lines, name):
    """'PASS', 'FAIL' or None (no verdict line)."""
    if lines is None:
        return None
    if "FAIL " + name in lines:
        return "FAIL"
    if "PASS " + name in lines:
        return "PASS"
    return None


def show(stdout, stderr):
    if stdout:
        print("--- stdout ---")
        print(stdout.rstrip("\n"))
    if stderr:
        print("--- stderr ---")
        print(stderr.rstrip("\n"))


def judge_pass(status, stdout, stderr, name):
    """Problems with a run that should PASS (empty list = fine)."""
    problems = []
    lines = firmware_lines(stdout, name) or firmware_lines(stderr, name)
    if status is None:
        problems.append("timed out")
    elif status != 0:
        problems.append("exit status %d, expected 0" % status)
    got = verdict(lines, name)
    if got != "PASS":
        problems.append("no 'PASS %s' line" % name if got is None else "firmware said FAIL")
    return problems


def judge_lockup(status, stdout, stderr, expected_status=1):
    """Problems with a run that should end in a reported lockup."""
    problems = []
    if status is None:
        problems.append("timed out")
    elif expected_status is None:
        if status == 0:
            problems.append("exit status 0, expected a failure")
    elif status != expected_status:
        problems.append("exit status %d, expected %d" % (status, expected_status))
    if "lockup" not in (stdout + stderr).lower():
        problems.append("no 'lockup' in the output")
    return problems


def judge_sleep(text, min_percent):
    """Problems with the sleep fraction in Bulwark's run summary."""
    match = re.search(r"^\s*sleep:\s*([0-9.]+)\s*%", text, re.MULTILINE)
    if not match:
        return ["no 'sleep: N %' line in the run summary"]
    if float(match.group(1)) < min_percent:
        return ["slept %s %% of cycles, expected at least %g %%" % (match.group(1), min_percent)]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bulwark", required=True, help="the bulwark executable")
    ap.add_argument("--firmware", required=True, help="firmware ELF")
    ap.add_argument("--name", required=True, help="test name the firmware prints")
    ap.add_argument("--uart-in", help="file fed to UART0 RX")
    ap.add_argument("--for", dest="run_for", default=DEFAULT_FOR, help="simulated time limit")
    ap.add_argument("--board", default=DEFAULT_BOARD)
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="host seconds")
    ap.add_argument("--expect-lockup", action="store_true",
                    help="expect exit status 1 and a reported lockup instead of PASS")
    ap.add_argument("--min-sleep", type=float, metavar="PERCENT",
                    help="also require the run summary's 'sleep: N %%' to be at least this")
    args = ap.parse_args()

    status, stdout, stderr = run_bulwark(args.bulwark, args.firmware, args.uart_in,
                                         args.run_for, args.board, args.timeout)
    show(stdout, stderr)
    if args.expect_lockup:
        problems = judge_lockup(status, stdout, stderr)
    else:
        problems = judge_pass(status, stdout, stderr, args.name)
    if args.min_sleep is not None:
        problems += judge_sleep(stdout + stderr, args.min_sleep)
    for problem in problems:
        print("FAILED %s: %s" % (args.name, problem))
    if not problems:
        print("OK %s" % args.name)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
