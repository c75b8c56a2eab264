#!/usr/bin/env python3
"""Prints arm-none-eabi-size for the kernel ELF and checks the footprint of
the kernel issue: at most 24 KiB of flash (text + data) and 6 KiB of RAM
(data + bss + the kernel stack, which the link script puts in .stack).
Standard library only."""

import subprocess
import sys

FLASH_MAX = 24 * 1024
RAM_MAX = 6 * 1024
RAM_BASE = 0x20000000


def main():
    size, elf = sys.argv[1], sys.argv[2]
    out = subprocess.run([size, "-A", elf], capture_output=True, text=True, check=True).stdout
    print(subprocess.run([size, elf], capture_output=True, text=True, check=True).stdout)
    print(out)
    sections = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0].startswith(".") and parts[1].isdigit():
            sections[parts[0]] = (int(parts[1]), int(parts[2]))
    flash = sum(sections.get(s, (0, 0))[0] for s in (".vectors", ".text", ".ARM.exidx", ".data"))
    ram = sum(sections.get(s, (0, 0))[0] for s in (".data", ".bss", ".stack"))
    # what the kernel occupies of RAM, alignment gaps included: up to the stack top
    size, addr = sections.get(".stack", (0, RAM_BASE))
    span = addr + size - RAM_BASE
    print("kernel flash: %d bytes (limit %d)" % (flash, FLASH_MAX))
    print("kernel RAM:   %d bytes in sections (data, bss, a %d-byte stack); "
          "%d bytes from the RAM start to the stack top (limit %d)" % (ram, size, span, RAM_MAX))
    ram = max(ram, span)
    ok = flash <= FLASH_MAX and ram <= RAM_MAX
    print("OK" if ok else "FAILED: footprint over the limit")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
