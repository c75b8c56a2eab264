#!/usr/bin/env python3
"""Bad scenario files: exit status 2 and FILE:LINE:COL pointing at the fault."""
import subprocess
import sys

bulwark, bad_dir, build_dir = sys.argv[1:4]
CASES = [("syntax.json", "4:11", "JSON syntax error"),
         ("unknown_key.json", "5:3", "kernal: unknown key"),
         ("bad_duration.json", "6:15", "duration: expected a duration")]
failed = 0
for name, pos, text in CASES:
    path = f"{bad_dir}/{name}"
    r = subprocess.run([bulwark, "run", path, "--build-dir", build_dir],
                       capture_output=True, text=True)
    want = f"{path}:{pos}: "
    if r.returncode != 2 or want not in r.stderr or text not in r.stderr:
        print(f"FAIL {name}: status {r.returncode}, stderr {r.stderr!r}, wanted {want}{text}")
        failed += 1
    else:
        print(f"PASS {name}")
sys.exit(1 if failed else 0)
