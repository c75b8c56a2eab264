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
         # found once the kernel ELF is read: the file is named, no position
         ("ram_too_small.json", None,
          "the kernel gives processes RAM 0x20002000-0x2000ffff (_sappmem, _eappmem), "
          "which is not all in board sim64's memory")]
failed = 0
for name, pos, text in CASES:
    path = f"{bad_dir}/{name}"
    r = subprocess.run([bulwark, "run", path, "--build-dir", build_dir],
                       capture_output=True, text=True)
    want = f"{path}:{pos}: " if pos else f"{path}: "
    if r.returncode != 2 or want not in r.stderr or text not in r.stderr:
        print(f"FAIL {name}: status {r.returncode}, stderr {r.stderr!r}, wanted {want}{text}")
        failed += 1
    else:
        print(f"PASS {name}")
sys.exit(1 if failed else 0)
