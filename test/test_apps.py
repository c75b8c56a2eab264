#!/usr/bin/env python3
"""The apps and their library (apps/), and `bulwark run --app`.

With --harness the apps run on the stand-in kernel (apps/harness): it shows
that crt0 relocates .got/.data and zeroes .bss, that the system-call
wrappers, upcalls, alarm sleep and LEDs work, and that the MPU stops the
crash app.  It also checks where --app puts images and the loader's errors.
With --qemu the same runs happen in qemu-system-arm -M mps2-an386 (images
concatenated into apps.bin and loaded at 0x40000) and must print the same.

With --kernel the apps run on the real kernel instead (see run_kernel).

Standard library only.  Last line: "N passed, M failed".
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import app_flash  # noqa: E402  (the --app layout, shared with the simulator's)

APP_FLASH = 0x40000
APP_FLASH_SIZE = 0x40000  # _sapps to _eapps
failures = []
passes = []


def text(data):
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def bulwark(args, firmware, apps, run_for="2s", extra=(), timeout=60):
    cmd = [args.bulwark, "run", "--board", "sim64", "--firmware", firmware, "--for", run_for,
           "--quiet", *extra]
    for app in apps:
        cmd += ["--app", app]
    print("$ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return None, text(exc.stdout) + text(exc.stderr)
    return proc.returncode, text(proc.stdout) + text(proc.stderr)


def no_core_dumps():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def qemu(args, firmware, apps, tmp, timeout=10):
    """QEMU with the images concatenated at APP_FLASH and the rest of app
    flash erased (0xFF) as `bulwark run --app` leaves it; a run that does not
    end by itself is stopped after `timeout` seconds (status None)."""
    blob = os.path.join(tmp, "apps.bin")
    images = [open(app, "rb").read() for app in apps]
    with open(blob, "wb") as out:
        out.write(app_flash.layout(images, APP_FLASH_SIZE))
    cmd = [args.qemu, "-M", "mps2-an386", "-semihosting-config", "enable=on,target=native",
           "-nographic", "-monitor", "none", "-serial", "stdio", "-kernel", firmware,
           "-device", "loader,file=%s,addr=0x%x" % (blob, APP_FLASH)]
    print("$ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL,
                              preexec_fn=no_core_dumps)
    except subprocess.TimeoutExpired as exc:
        return None, text(exc.stdout) + text(exc.stderr)
    return proc.returncode, text(proc.stdout) + text(proc.stderr)


def check(name, ok, output=""):
    print("%s %s" % ("ok  " if ok else "FAIL", name), flush=True)
    (passes if ok else failures).append(name)
    if not ok and output:
        print("     output:\n" + "\n".join("     | " + l for l in output.splitlines()[:40]))


def expect(name, result, status, needles=(), absent=()):
    got_status, out = result
    ok = got_status == status and all(n in out for n in needles) and \
        not any(a in out for a in absent)
    if not ok:
        print("     expected status %s, %r, none of %r; got status %s" %
              (status, needles, absent, got_status))
    check(name, ok, out)
    return out


def app(args, name):
    return os.path.join(args.apps_dir, name + ".tbf")


HELLO_LINES = ["Hello from hello"] + ["hello: count %d" % i for i in range(1, 6)] + \
    ["hello: done after 5 lines"]


LIBCHECK_LINES = [
    "fmt [-42] [7] [4000000000] [beef] [BEEF] [z] [str] [-100000]",
    "width [   42] [42   ] [00042] [   right] [l   ] [0x1234] [%]",
    "memop stack inside ram: yes",
    "memop code inside flash: yes",
    "sbrk: ok",
    "yield_no_wait with nothing pending: 0",
    "led 99: -6",
    "no such driver: -11",
    "led via .data pointer: 0 0",
    "buttons: 0 2, read 0: 0 0",
    "button subscribe: 0, interrupt: -10",
    "ticks for 1500 ms at 1 MHz: 1500000",
    "[harness] libcheck exited: completion_code=7",
]


def harness_runs(args):
    h = args.harness
    expect("harness: hello prints, relocates .data, zeroes .bss, exits 0",
           bulwark(args, h, [app(args, "hello")]), 0,
           HELLO_LINES + ["[harness] hello exited: completion_code=0"])
    out = expect("harness: blink toggles LED 0 through the alarm",
                 bulwark(args, h, [app(args, "blink")], "20ms"), 0,
                 ["blink: 2 leds (status 0)", "blink: 1 led 0 on", "blink: 2 led 0 off",
                  "blink: 3 led 0 on"], ["failed"])
    check("harness: blink prints one line per blink", out.count(" led 0 ") >= 3, out)
    expect("harness: crash faults on the write to kernel RAM (MemManage)",
           bulwark(args, h, [app(args, "crash")]), 1,
           ["crash: writing to kernel RAM at 0x20000000 in 100 ms",
            "[harness] process fault: exception=4", "mmfar=0x20000000"], ["still running"])
    expect("harness: libcheck (printf, memop, sbrk, statuses, .rel.data, exit code)",
           bulwark(args, h, [app(args, "libcheck")]), 1, LIBCHECK_LINES)
    expect("harness: echo reads console input",
           bulwark(args, h, [app(args, "echo")], "1s", ["--uart-in", args.echo_input]), 0,
           ["echo: type 6 bytes", "echo: read 6 bytes: [abcdef]"])
    expect("harness: whileone prints and spins",
           bulwark(args, h, [app(args, "whileone")], "100ms"), 0,
           ["whileone: spinning forever"], ["exited"])


def placement(args):
    hello, blink = app(args, "hello"), app(args, "blink")
    size = os.path.getsize(hello)
    expect("--app: images back to back from _sapps, the rest erased",
           bulwark(args, args.harness, [hello, blink], "10ms"), 0,
           ["image index=0 at=0x%08X total_size=%d" % (APP_FLASH, size),
            "image index=1 at=0x%08X total_size=%d" % (APP_FLASH + size,
                                                       os.path.getsize(blink)),
            "images count=2", "next_word=0xFFFFFFFF", "starting hello"])
    expect("no --app: app flash left as the ELF has it",
           bulwark(args, args.harness, [], "10ms"), 1, ["no TBF image at _sapps"])


def loader_errors(args, tmp):
    h = args.harness
    missing = os.path.join(tmp, "missing.tbf")
    expect("--app missing file", bulwark(args, h, [missing]), 2, ["missing.tbf"])
    empty = os.path.join(tmp, "empty.tbf")
    open(empty, "wb").close()
    expect("--app empty file", bulwark(args, h, [app(args, "hello"), empty]), 2,
           ["empty.tbf", "empty"])
    big = os.path.join(tmp, "big.tbf")
    with open(big, "wb") as f:
        f.write(b"\0" * (256 * 1024 + 4))
    expect("--app larger than app flash", bulwark(args, h, [big]), 2,
           ["big.tbf", "does not fit"])
    expect("--app images together larger than app flash",
           bulwark(args, h, [app(args, "hello")] * 120), 2, ["hello.tbf", "does not fit"])
    expect("--app region outside a smaller flash",
           bulwark(args, h, [app(args, "hello")], "10ms", ["--flash-size", "300K"]), 2,
           [os.path.basename(h), "outside the board's memory"])
    expect("--app with a kernel ELF lacking _sapps",
           bulwark(args, args.nosyms, [app(args, "hello")]), 2,
           [os.path.basename(args.nosyms), "_sapps"])


def same_lines(name, bulwark_out, qemu_out):
    # QEMU prints nothing of its own on success; Bulwark was run --quiet.
    b = [l for l in bulwark_out.splitlines() if l.strip()]
    q = [l for l in qemu_out.splitlines() if l.strip()]
    check(name, b == q, "bulwark:\n%s\nqemu:\n%s" % ("\n".join(b), "\n".join(q)))


def qemu_runs(args, tmp):
    # QEMU's semihosting exit passes the harness's exit code through as is.
    for name, status in (("hello", 0), ("crash", 1), ("libcheck", 7)):
        images = [app(args, name)]
        b = bulwark(args, args.harness, images)
        q = qemu(args, args.harness, images, tmp)
        check("qemu: harness + %s ends with status %d" % (name, status), q[0] == status, q[1])
        same_lines("qemu: harness + %s prints what Bulwark prints" % name, b[1], q[1])


def run_kernel(args, tmp):
    """The real kernel: hello and blink together, in Bulwark and in QEMU;
    malformed images before hello are skipped and hello still runs."""
    images = [app(args, "hello"), app(args, "blink")]
    expect("kernel: hello and blink run together",
           bulwark(args, args.kernel, images, "3s"), 0,
           HELLO_LINES + ["blink: 1 led 0 on", "blink: 2 led 0 off", "blink: 3 led 0 on"])
    expect("kernel: crash faults alone, blink goes on",
           bulwark(args, args.kernel, [app(args, "crash"), app(args, "blink")], "2s"), 0,
           ["crash: writing to kernel RAM", "[kernel] process crash faulted",
            "[kernel] end of dump", "blink: 5 led 0 on"], ["crash: still running"])
    expect("kernel: whileone cannot starve hello",
           bulwark(args, args.kernel, [app(args, "whileone"), app(args, "hello")], "3s"), 0,
           ["whileone: spinning forever"] + HELLO_LINES)
    # Images whose total_size still leads to the next one: skipped, hello runs.
    for case in ("bad_checksum", "header_unaligned", "init_outside", "tlv_overrun"):
        bad = os.path.join(args.apps_dir, "malformed", "malformed_%s.tbf" % case)
        expect("kernel: malformed_%s skipped, the next image runs" % case,
               bulwark(args, args.kernel, [bad, app(args, "hello")], "2s"), 0,
               ["[kernel] "] + HELLO_LINES)
    # Images after which nothing can be found: no panic, the run goes on.
    for case in ("header_too_small", "total_past_flash"):
        bad = os.path.join(args.apps_dir, "malformed", "malformed_%s.tbf" % case)
        expect("kernel: malformed_%s refused without a panic" % case,
               bulwark(args, args.kernel, [bad, app(args, "hello")], "500ms"), 0, ["[kernel] "])
    if args.qemu:
        q = qemu(args, args.kernel, images, tmp, timeout=5)
        for line in HELLO_LINES + ["blink: 1 led 0 on", "blink: 2 led 0 off"]:
            check("kernel in qemu prints %r" % line, line in q[1], q[1])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bulwark", required=True)
    p.add_argument("--apps-dir", required=True, help="where NAME.tbf are")
    p.add_argument("--harness", help="the stand-in kernel ELF")
    p.add_argument("--nosyms", help="the stand-in kernel without its symbols")
    p.add_argument("--kernel", help="the real kernel ELF (skip, status 77, if not built)")
    p.add_argument("--qemu", help="qemu-system-arm, for the QEMU comparisons")
    args = p.parse_args()
    if args.kernel and not os.path.exists(args.kernel):
        print("SKIP: no kernel at %s yet" % args.kernel)
        return 77  # meson's "skipped"
    with tempfile.TemporaryDirectory() as tmp:
        if args.harness:
            args.echo_input = os.path.join(tmp, "echo.in")
            with open(args.echo_input, "w") as f:
                f.write("abcdefgh")
            harness_runs(args)
            placement(args)
            if args.nosyms:
                loader_errors(args, tmp)
            if args.qemu:
                qemu_runs(args, tmp)
        if args.kernel:
            run_kernel(args, tmp)
    print("%d passed, %d failed" % (len(passes), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
