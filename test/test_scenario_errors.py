#!/usr/bin/env python3
"""Bad scenario files: exit status 2 and FILE:LINE:COL pointing at the fault."""
import subprocess
import sys

bulwark, bad_dir, build_dir = sys.argv[1:4]
CASES = [("syntax.json", "4:11", "JSON syntax error"),
         ("unknown_key.json", "5:3", "kernal: unknown key"),
         ("bad_duration.json", "6:15", "duration: expected a duration"),
         ("fault_unknown_key.json", "9:32", "faults[0].bitflip.adress: unknown key"),
         ("fault_bad_register.json", "9:32", "faults[0].register: expected a register name"),
         ("fault_bit_range.json", "9:64", "faults[0].bitflip.bit: expected a bit number 0..31"),
         ("fault_unknown_symbol.json", "10:42",
          'faults[1].bitflip.symbol: no symbol "no_such_symbol" in the kernel ELF'),
         ("expect_bad_state.json", "9:32", "expect.process_state.crash: expected one of"),
         ("expect_restarts_unknown_app.json", "10:18",
          "expect.restarts.crsh: expected the name of one of the scenario's apps"),
         # past 2^64 cycles: once a run of 0 cycles, now refused
         ("huge_duration.json", "6:15", 'duration: expected a duration like'),
         # a directory passed the size check and then failed the run with exit 3
         ("load_directory.json", "9:37", "inputs[0].load.path: "),
         # cJSON keeps both keys and the loader read only the first
         ("duplicate_key.json", "8:37", "faults[0].bit: key appears twice"),
         ("node_name_twice.json", "7:6", "nodes[1].name: key appears twice"),
         # board_override() refused it later, naming the file only
         ("ram_size_odd.json", "5:15", "ram_size: expected a multiple of 1 KiB"),
         # regcomp expanded it to gigabytes of memory (ends the test by timeout when broken)
         ("regex_explodes.json", "8:33",
          "expect.uart_matches[1]: expected a POSIX extended regex: nested repetitions expand"),
         # found once the board is looked up: the file is named, no position; the name
         # filled the message, which lost its reason
         ("board_long_name.json", "4:12", "board: " + "b" * 64 + ": unknown board"),
         # found once the kernel ELF is read, still pointed at the key
         ("ram_too_small.json", "7:11",
          "the kernel gives processes RAM 0x20002000-0x2000ffff (_sappmem, _eappmem), "
          "which is not all in board sim64's memory")]
# Odd but valid: they run, exit 0 and no sanitizer has anything to say.
# edge_no_output: a report of a run with no UART0 byte (memcpy from NULL).
EDGE = ["edge_no_output.json"]
SANITIZER = ("runtime error:", "AddressSanitizer", "LeakSanitizer")
failed = 0
for name in EDGE:
    path = f"{bad_dir}/{name}"
    r = subprocess.run([bulwark, "run", path, "--build-dir", build_dir, "--quiet",
                        "--report", "/dev/null"], capture_output=True, text=True)
    if r.returncode != 0 or any(m in r.stderr for m in SANITIZER):
        print(f"FAIL {name}: status {r.returncode}, stderr {r.stderr[-2000:]!r}")
        failed += 1
    else:
        print(f"PASS {name}")
# Hostile options: refused with exit 2, not taken as something else.
# {src}: the source tree, {bad}: test/scenarios_bad, {build}: the build directory.
KERNEL = ["--board", "sim64", "--firmware", "{build}/kernel/bulwark-kernel.elf", "--for", "1ms"]
OPTIONS = [(["run", "{src}/scenarios/hello.json", "--seed", "99999999999999999999",
             "--build-dir", "{build}"],
            "bad or unknown option '99999999999999999999'"),  # strtoll saturated to 2^63-1
           (["campaign", "{src}/scenarios/campaign_bitflip_app_ram.json", "--seed",
             "-99999999999999999999", "--build-dir", "{build}"],
            "bad or unknown option '-99999999999999999999'"),
           # a file as --report-dir: every scenario failed, each for want of its report
           (["test", "{src}/scenarios/hello.json", "--report-dir", "{bad}/syntax.json",
             "--build-dir", "{build}"], "syntax.json: not a directory"),
           # read to the end before anything runs: all memory taken
           (["run", "/dev/zero"], "/dev/zero: larger than 16 MiB, not a scenario file"),
           (["run"] + KERNEL + ["--uart-in", "/dev/zero"], "/dev/zero: larger than 64 MiB"),
           # a directory read as no input at all
           (["run"] + KERNEL + ["--uart-in", "{bad}"], "scenarios_bad: read error"),
           # output lost to a full disk, yet exit 0
           (["run"] + KERNEL + ["--for", "10ms", "--uart-out", "/dev/full"],
            "cannot write /dev/full")]
for args, text in OPTIONS:
    args = [a.format(src=f"{bad_dir}/../..", bad=bad_dir, build=build_dir) for a in args]
    try:
        r = subprocess.run([bulwark] + args, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        print(f"FAIL {' '.join(args)}: still running after 20 s")
        failed += 1
        continue
    if r.returncode != 2 or text not in r.stderr:
        print(f"FAIL {' '.join(args)}: status {r.returncode}, stderr {r.stderr[-500:]!r}")
        failed += 1
    else:
        print(f"PASS {' '.join(args)}")
for name, pos, text in CASES:
    path = f"{bad_dir}/{name}"
    try:
        r = subprocess.run([bulwark, "run", path, "--build-dir", build_dir],
                           capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        print(f"FAIL {name}: still running after 20 s")
        failed += 1
        continue
    want = f"{path}:{pos}: " if pos else f"{path}: "
    if r.returncode != 2 or want not in r.stderr or text not in r.stderr:
        print(f"FAIL {name}: status {r.returncode}, stderr {r.stderr!r}, wanted {want}{text}")
        failed += 1
    else:
        print(f"PASS {name}")
sys.exit(1 if failed else 0)
