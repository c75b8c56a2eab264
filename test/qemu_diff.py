#!/usr/bin/env python3
"""Run one test firmware in QEMU (mps2-an386) and, with --bulwark, in
Bulwark too, and compare the firmware's UART lines.

Without --bulwark the firmware is only validated against QEMU: it must
print "PASS <name>" and exit 0 through semihosting (with --expect-lockup:
QEMU must stop with its "Lockup" abort).  With --bulwark the lines from
the "TEST <name>" banner to the verdict must be identical on both
machines, except lines starting with "[bulwark] " (BULWARK_ONLY in
firmware/common/fw.h: cycle counts and the like, printed only in Bulwark);
a difference is printed as a unified diff.

Standard library only.
"""

import argparse
import difflib
import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_firmware  # noqa: E402  (same directory)

QEMU_MACHINE = "mps2-an386"
BULWARK_ONLY = "[bulwark] "
DEFAULT_TIMEOUT = 30


def _no_core_dumps():
    # QEMU reports a lockup with abort(): keep it from leaving core files.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_qemu(qemu, firmware, uart_in=None, timeout=DEFAULT_TIMEOUT):
    """Runs QEMU; returns (exit status, stdout, stderr).  Status None = timed out."""
    cmd = [qemu, "-M", QEMU_MACHINE, "-semihosting-config", "enable=on,target=native",
           "-nographic", "-monitor", "none", "-serial", "stdio", "-kernel", firmware]
    print("$ " + " ".join(cmd) + (" < " + uart_in if uart_in else ""), flush=True)
    stdin = open(uart_in, "rb") if uart_in else subprocess.DEVNULL
    try:
        proc = subprocess.run(cmd, stdin=stdin, capture_output=True, timeout=timeout,
                              preexec_fn=_no_core_dumps)
    except subprocess.TimeoutExpired as exc:
        return None, run_firmware._text(exc.stdout), run_firmware._text(exc.stderr)
    finally:
        if uart_in:
            stdin.close()
    return proc.returncode, run_firmware._text(proc.stdout), run_firmware._text(proc.stderr)


def validate_in_qemu(args):
    status, stdout, stderr = run_qemu(args.qemu, args.firmware, args.uart_in, args.timeout)
    run_firmware.show(stdout, stderr)
    if args.expect_lockup:
        # QEMU does not model lockup: it aborts with "Lockup: can't escalate".
        return run_firmware.judge_lockup(status, stdout, stderr, expected_status=None)
    return run_firmware.judge_pass(status, stdout, stderr, args.name)


def machine_lines(label, status, stdout, stderr, name, prefix_regex=None):
    lines = run_firmware.firmware_lines(stdout, name, prefix_regex)
    if lines is None:
        lines = run_firmware.firmware_lines(stderr, name, prefix_regex)
    if lines is None:
        print("%s: no 'TEST %s' banner in the output (exit status %s)" % (label, name, status))
        run_firmware.show(stdout, stderr)
        return None
    return [line for line in lines if not line.startswith(BULWARK_ONLY)]


def compare(args):
    q_status, q_out, q_err = run_qemu(args.qemu, args.firmware, args.uart_in, args.timeout)
    b_status, b_out, b_err = run_firmware.run_bulwark(args.bulwark, args.firmware, args.uart_in,
                                                      args.run_for, args.board, args.timeout)
    q_lines = machine_lines("qemu", q_status, q_out, q_err, args.name)
    b_lines = machine_lines("bulwark", b_status, b_out, b_err, args.name, args.uart_prefix)
    problems = []
    if q_lines is None or b_lines is None:
        return ["missing output"]
    if run_firmware.verdict(q_lines, args.name) != "PASS":
        problems.append("the firmware does not pass in QEMU: fix the firmware first")
    if q_lines != b_lines:
        diff = difflib.unified_diff(q_lines, b_lines, "qemu", "bulwark", lineterm="")
        print("\n".join(diff))
        problems.append("UART output differs between QEMU and Bulwark")
    else:
        print("\n".join(q_lines))
        print("(%d identical lines)" % len(q_lines))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qemu", required=True, help="qemu-system-arm")
    ap.add_argument("--bulwark", help="the bulwark executable; omit to validate in QEMU only")
    ap.add_argument("--firmware", required=True, help="firmware ELF")
    ap.add_argument("--name", required=True, help="test name the firmware prints")
    ap.add_argument("--uart-in", help="file fed to UART0 RX on both machines")
    ap.add_argument("--for", dest="run_for", default=run_firmware.DEFAULT_FOR,
                    help="Bulwark's simulated time limit")
    ap.add_argument("--board", default=run_firmware.DEFAULT_BOARD)
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="host seconds each")
    ap.add_argument("--uart-prefix", help="regex for what Bulwark prints before UART lines "
                    "(default: learnt from the line holding the TEST banner)")
    ap.add_argument("--expect-lockup", action="store_true",
                    help="QEMU-only mode: expect QEMU's lockup abort instead of PASS")
    args = ap.parse_args()

    problems = compare(args) if args.bulwark else validate_in_qemu(args)
    for problem in problems:
        print("FAILED %s: %s" % (args.name, problem))
    if not problems:
        print("OK %s" % args.name)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
